"""Page URLs for the learner site and the manager's assign page."""

from django.urls import path

from training import views, views_questions

urlpatterns = [
    path("learning/", views.my_learning, name="my-learning"),
    path("learning/<int:enrolment_id>/", views.enrolment_overview, name="enrolment"),
    path("learning/<int:enrolment_id>/lessons/<int:position>/", views.lesson, name="lesson"),
    path("learning/<int:enrolment_id>/quiz/", views.quiz, name="quiz"),
    path(
        "learning/<int:enrolment_id>/quiz/attempts/<int:number>/",
        views.quiz_result,
        name="quiz-result",
    ),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/<int:module_id>/start/", views.module_start, name="module-start"),
    path(
        "catalogue/<int:module_id>/questions/",
        views_questions.question_performance,
        name="question-performance",
    ),
    path("team/assign/", views.assign, name="assign"),
]
