"""Page URLs for the organisation and partnership dashboards, and the person record."""

from django.urls import URLPattern, URLResolver, path

from reporting import views, views_person, views_person_requirements

urlpatterns: list[URLPattern | URLResolver] = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("people/", views_person.people_overdue, name="people-overdue"),
    path("people/<int:person_id>/", views_person.person_page, name="person-record"),
    path(
        "people/<int:person_id>/enrolments/<int:enrolment_id>/extend/",
        views_person.enrolment_extend,
        name="person-enrolment-extend",
    ),
    path(
        "people/<int:person_id>/enrolments/<int:enrolment_id>/withdraw/",
        views_person.enrolment_withdraw_page,
        name="person-enrolment-withdraw",
    ),
    path(
        "people/<int:person_id>/enrolments/<int:enrolment_id>/chase/",
        views_person.enrolment_chase_page,
        name="person-enrolment-chase",
    ),
    path(
        "people/<int:person_id>/requirements/<int:requirement_id>/record/",
        views_person_requirements.record_page,
        name="person-requirement-record",
    ),
    path(
        "people/<int:person_id>/requirements/<int:requirement_id>/recognise/",
        views_person_requirements.recognise_page,
        name="person-requirement-recognise",
    ),
    path(
        "people/<int:person_id>/requirements/<int:requirement_id>/exempt/",
        views_person_requirements.exempt_page,
        name="person-requirement-exempt",
    ),
    path(
        "people/<int:person_id>/records/<int:record_id>/evidence/",
        views_person_requirements.record_evidence,
        name="person-record-evidence",
    ),
    path(
        "partnerships/<int:partnership_id>/",
        views.partnership_dashboard,
        name="partnership-dashboard",
    ),
    path(
        "partnerships/<int:partnership_id>/report/",
        views.partnership_report_request,
        name="partnership-report-request",
    ),
]
