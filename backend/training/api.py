"""The training API: the catalogue, enrolments, progress, quiz attempts, assignments.

Querysets come from training.selectors (scoped through accounts.selectors);
writes go through training.services.
"""

import datetime
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Sector
from accounts.selectors import actor_from_request
from core.filters import IdFilter
from training import quizzes, selectors, serializers, services, services_changes
from training.models import ACTIVE_STATUSES, Enrolment, EnrolmentStatus, Module


class ModuleFilter(django_filters.FilterSet):
    sector = django_filters.ChoiceFilter(choices=Sector.choices, method="filter_sector")
    topic = django_filters.CharFilter(field_name="topics__slug")
    search = django_filters.CharFilter(method="filter_search", label="Title or summary contains")

    class Meta:
        model = Module
        fields = ["sector", "topic", "search"]

    def filter_sector(self, queryset: QuerySet[Module], name: str, value: str) -> QuerySet[Module]:
        return selectors.catalogue_filtered(queryset, sector=value)

    def filter_search(self, queryset: QuerySet[Module], name: str, value: str) -> QuerySet[Module]:
        return selectors.catalogue_filtered(queryset, words=value)


class ModuleViewSet(viewsets.ReadOnlyModelViewSet[Module]):
    """Published modules: Hearth's curriculum and your organisation's own. The detail
    includes lessons and the quiz's questions and choices, never the answers."""

    filterset_class = ModuleFilter

    def get_queryset(self) -> QuerySet[Module]:
        queryset = selectors.modules_visible_to(actor_from_request(self.request))
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                "current_version__lessons", "current_version__questions__choices"
            )
        return queryset

    def get_serializer_class(self) -> type[serializers.ModuleSerializer]:
        if self.action == "retrieve":
            return serializers.ModuleDetailSerializer
        return serializers.ModuleSerializer


class EnrolmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EnrolmentStatus.choices)
    module = IdFilter(field_name="module_id")
    team = IdFilter(field_name="team_id")
    learner = IdFilter(field_name="learner_id")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Enrolment
        fields = ["status", "module", "team", "learner", "due_before", "due_after", "overdue"]

    def filter_overdue(
        self, queryset: QuerySet[Enrolment], name: str, value: bool
    ) -> QuerySet[Enrolment]:
        overdue = Q(status__in=ACTIVE_STATUSES, due_date__lt=selectors.today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


def _detail(enrolment: Enrolment) -> dict[str, Any]:
    resume = selectors.resume_point(enrolment=enrolment)
    data = dict(serializers.EnrolmentSerializer(enrolment).data)
    data["lessons_done_ids"] = sorted(selectors.done_lesson_ids(enrolment=enrolment))
    data["resume"] = {"kind": resume.kind, "lesson_position": resume.lesson_position}
    return data


def _feedback_context(enrolment: Enrolment) -> dict[str, Any]:
    """What QuizAttemptSerializer needs to mark an enrolment's attempts."""
    version = selectors.version_with_content(enrolment.version_id)
    return {
        "version": version,
        "answers_shown": quizzes.quiz_answers_shown(enrolment=enrolment, version=version),
    }


class EnrolmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Enrolment]
):
    """Enrolments: a learner's own, a manager's teams', an org admin's organisation's.
    Learners enrol themselves by POST; managers assign through /assignments/."""

    serializer_class = serializers.EnrolmentSerializer
    filterset_class = EnrolmentFilter

    def get_queryset(self) -> QuerySet[Enrolment]:
        return selectors.enrolments_visible_to(actor_from_request(self.request)).order_by(
            "-created_at", "-pk"
        )

    @extend_schema(responses=serializers.EnrolmentDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_detail(self.get_object()))

    @extend_schema(
        request=serializers.SelfEnrolSerializer,
        responses={201: serializers.EnrolmentDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        """Enrol yourself in a module (an active enrolment is returned, not doubled)."""
        payload = serializers.SelfEnrolSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = actor_from_request(request)
        module = selectors.module_get(actor=actor, module_id=payload.validated_data["module"])
        enrolment = services.enrolment_self_enrol(actor=actor, module=module)
        fresh = selectors.own_enrolment_get(actor=actor, enrolment_id=enrolment.pk)
        return Response(_detail(fresh), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=serializers.EnrolmentDetailSerializer,
        parameters=[OpenApiParameter("lesson_id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=r"lessons/(?P<lesson_id>[^/.]+)/complete")
    def complete_lesson(self, request: Request, pk: str, lesson_id: str) -> Response:
        """Record a lesson done (your own enrolment); recording it again changes nothing."""
        actor = actor_from_request(request)
        enrolment = selectors.own_enrolment_get(actor=actor, enrolment_id=int(pk))
        services.lesson_complete(enrolment=enrolment, lesson_id=int(lesson_id))
        return Response(_detail(selectors.own_enrolment_get(actor=actor, enrolment_id=int(pk))))

    @extend_schema(request=None, responses=serializers.NextQuizSerializer)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def quiz(self, request: Request, pk: str) -> Response:
        """Your next attempt's quiz (your own enrolment): its drawn questions in its order,
        options shuffled, never which are correct; the same until you submit it."""
        actor = actor_from_request(request)
        enrolment = selectors.own_enrolment_get(actor=actor, enrolment_id=int(pk))
        return Response(serializers.NextQuizSerializer(quizzes.next_quiz(enrolment=enrolment)).data)

    @extend_schema(
        methods=["get"], request=None, responses=serializers.QuizAttemptSerializer(many=True)
    )
    @extend_schema(
        methods=["post"],
        request=serializers.QuizSubmitSerializer,
        responses={201: serializers.QuizResultSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="quiz-attempts",
        pagination_class=None,
        filter_backends=[],
    )
    def quiz_attempts(self, request: Request, pk: str) -> Response:
        """List attempts, or submit one (your own enrolment): scored on the server. Each
        says which answers were right; the right answers and explanations come once the
        learner passed or has no attempts left, unless their organisation says never."""
        actor = actor_from_request(request)
        if request.method == "GET":
            enrolment = selectors.enrolment_get(actor=actor, enrolment_id=int(pk))
            attempts = selectors.attempts_of(enrolment=enrolment)
            return Response(
                serializers.QuizAttemptSerializer(
                    attempts, many=True, context=_feedback_context(enrolment)
                ).data
            )
        enrolment = selectors.own_enrolment_get(actor=actor, enrolment_id=int(pk))
        payload = serializers.QuizSubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        outcome = services.quiz_submit(
            enrolment=enrolment, answers=payload.validated_data["answers"]
        )
        context = {**_feedback_context(enrolment), "completed": outcome.completed}
        body = serializers.QuizResultSerializer(outcome.attempt, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ExtendSerializer, responses=serializers.EnrolmentDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        """Move the due date later, with a reason kept in the enrolment's history (managers
        and org admins, for learners in their teams)."""
        actor = actor_from_request(request)
        payload = serializers.ExtendSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        enrolment = selectors.enrolment_get(actor=actor, enrolment_id=int(pk))
        services_changes.enrolment_extend_due_date(
            actor=actor,
            enrolment=enrolment,
            due_date=payload.validated_data["due_date"],
            reason=payload.validated_data["reason"],
        )
        return Response(_detail(selectors.enrolment_get(actor=actor, enrolment_id=int(pk))))

    @extend_schema(
        request=serializers.WithdrawSerializer, responses=serializers.EnrolmentDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw: a manager for their teams (with a reason, kept in the enrolment's
        history), a learner their own self-enrolments."""
        actor = actor_from_request(request)
        payload = serializers.WithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        enrolment = selectors.enrolment_get(actor=actor, enrolment_id=int(pk))
        services_changes.enrolment_withdraw(
            actor=actor, enrolment=enrolment, reason=payload.validated_data["reason"]
        )
        return Response(_detail(selectors.enrolment_get(actor=actor, enrolment_id=int(pk))))


class AssignmentView(APIView):
    """Assign a module to a team you manage, or to learners in your teams, with an
    optional due date (a date, or a number of days from today)."""

    @extend_schema(
        request=serializers.ASSIGN_SCHEMA,
        responses={201: serializers.AssignmentResultSerializer},
    )
    def post(self, request: Request) -> Response:
        payload = serializers.AssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        actor = actor_from_request(request)
        module = selectors.module_get(actor=actor, module_id=data["module"])
        result = services.enrolment_assign(
            actor=actor,
            module=module,
            team_id=data.get("team"),
            learner_ids=data.get("learners"),
            due_date=data.get("due_date"),
            due_in_days=data.get("due_in_days"),
        )
        due: datetime.date | None = result.due_date
        return Response(
            {
                "created": [enrolment.pk for enrolment in result.created],
                "already_enrolled": [enrolment.pk for enrolment in result.already_enrolled],
                "due_date": due.isoformat() if due else None,
            },
            status=status.HTTP_201_CREATED,
        )
