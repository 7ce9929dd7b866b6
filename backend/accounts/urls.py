"""Page URLs for signing in, out, resetting a password, answering invitations and an org
admin's background work."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import (
    views,
    views_import,
    views_keys,
    views_organisation,
    views_people,
    views_person_admin,
    views_second_factor,
    views_teams,
)

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("second-factor/", views_second_factor.challenge, name="second-factor"),
    path("second-factor/set-up/", views_second_factor.setup, name="second-factor-setup"),
    path("second-factor/manage/", views_second_factor.manage, name="second-factor-manage"),
    path(
        "second-factor/recovery-codes/",
        views_second_factor.recovery_codes,
        name="second-factor-recovery-codes",
    ),
    path("second-factor/reset/", views_second_factor.reset, name="second-factor-reset"),
    path("invitations/<int:membership_id>/", views.invitation, name="invitation"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:job_id>/retry/", views.job_retry, name="job-retry"),
    path("organisation/api-keys/", views_keys.api_keys, name="api-keys"),
    path("organisation/", views_organisation.organisation, name="organisation"),
    path("organisation/teams/", views_teams.teams, name="teams"),
    path("organisation/people/", views_people.people_list, name="people"),
    path("organisation/people/invite/", views_people.person_invite, name="person-invite"),
    path(
        "organisation/<int:organisation_id>/people/<int:person_id>/",
        views_person_admin.person_admin,
        name="person-admin",
    ),
    path(
        "organisation/api-keys/<str:prefix>/revoke/",
        views_keys.api_key_revoke,
        name="api-key-revoke",
    ),
    path("organisation/people/import/", views_import.people_import, name="people-import"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
