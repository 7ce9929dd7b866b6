"""API routes for certificates, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from certificates import api

router = SimpleRouter()
router.register("certificates", api.CertificateViewSet, basename="certificate")

urlpatterns = [
    path("verify/<str:code>/", api.VerifyView.as_view(), name="verify"),
    path(
        "training-records/recognise/", api.RecogniseView.as_view(), name="training-record-recognise"
    ),
    *router.urls,
]
