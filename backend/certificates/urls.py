"""Page URLs for certificates, and public verification at /verify/<code>."""

from django.urls import path, re_path

from certificates import views

urlpatterns = [
    path("certificates/", views.certificate_list, name="certificates"),
    path("certificates/<int:certificate_id>/", views.certificate_detail, name="certificate"),
    path("certificates/<int:certificate_id>/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path(
        "certificates/<int:certificate_id>/revoke/",
        views.certificate_revoke,
        name="certificate-revoke",
    ),
    path(
        "certificates/<int:certificate_id>/reissue/",
        views.certificate_reissue,
        name="certificate-reissue",
    ),
    # The address printed on certificates has no trailing slash; accept one too.
    re_path(r"^verify/(?P<code>[^/]{1,64})/?$", views.verify, name="verify"),
]
