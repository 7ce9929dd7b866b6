"""The accounts API: who am I, organisations, teams, people, memberships, API keys, and
the organisation's background jobs that failed (ADR 0016).

Every queryset comes from accounts.selectors, so anything outside the caller's
scope is a 404; every write goes through accounts.services.
"""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import (
    people,
    selectors,
    serializers,
    services,
    services_leavers,
    services_onboarding,
)
from accounts.models import Membership, Organisation, OrganisationAPIKey, Role, Team, User
from core.errors import NotFound
from core.filters import IdFilter
from core.models import Job, JobState


class MeView(APIView):
    """Who is calling: the signed-in person or the organisation API key, and their roles."""

    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request: Request) -> Response:
        actor = selectors.actor_from_request(request)
        memberships = people.memberships_of(actor)
        organisations = selectors.organisations_visible_to(actor)
        user = request.user if isinstance(request.user, User) else None
        api_key = request.auth if isinstance(request.auth, OrganisationAPIKey) else None
        data = {
            "id": user.pk if user else None,
            "email": user.email if user else None,
            "full_name": user.full_name if user else None,
            "api_key": api_key.prefix if api_key else None,
            "organisations": organisations,
            "memberships": memberships,
            "can_write": actor.can_write,
        }
        return Response(serializers.MeSerializer(data).data)


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet[Organisation]):
    """Organisations the caller belongs to."""

    serializer_class = serializers.OrganisationSerializer

    def get_queryset(self) -> QuerySet[Organisation]:
        return selectors.organisations_visible_to(selectors.actor_from_request(self.request))


class TeamFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Team
        fields = ["organisation"]


class TeamViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Team],
):
    """Teams in scope; org admins create them."""

    serializer_class = serializers.TeamSerializer
    filterset_class = TeamFilter

    def get_queryset(self) -> QuerySet[Team]:
        return selectors.teams_visible_to(selectors.actor_from_request(self.request))

    @extend_schema(
        request=serializers.TeamCreateSerializer, responses={201: serializers.TeamSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = serializers.TeamCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        team = services.team_create(
            actor=selectors.actor_from_request(request),
            organisation_id=payload.validated_data["organisation"],
            name=payload.validated_data["name"],
        )
        return Response(serializers.TeamSerializer(team).data, status=status.HTTP_201_CREATED)


class PersonFilter(django_filters.FilterSet):
    team = IdFilter(field_name="memberships__team_id", distinct=True)
    role = django_filters.ChoiceFilter(
        field_name="memberships__role", choices=Role.choices, distinct=True
    )
    search = django_filters.CharFilter(method="filter_search", label="Name or email contains")

    class Meta:
        model = User
        fields = ["team", "role", "search"]

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        # The name shown, never an account's own name behind a pending invitation.
        return queryset.filter(Q(shown_full_name__icontains=value) | Q(email__icontains=value))


class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[User],
):
    """People in scope. An org admin (or a read-write key) invites new people by POST."""

    serializer_class = serializers.PersonSerializer
    filterset_class = PersonFilter
    idempotency_keys = True  # invitations do; the import (its own action) needs none

    def get_queryset(self) -> QuerySet[User]:
        return people.people_visible_to(selectors.actor_from_request(self.request))

    @extend_schema(
        request=serializers.PERSON_INVITE_SCHEMA,
        responses={201: serializers.PersonInvitedSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Invite a person by email. The answer is the same whether or not the address
        already has an account: the membership made and what was sent, nothing stored."""
        payload = serializers.PersonInviteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        membership = services.person_invite(
            actor=selectors.actor_from_request(request),
            organisation_id=data["organisation"],
            email=data["email"],
            full_name=data["full_name"],
            job_title=data["job_title"],
            role=data["role"],
            team_id=data.get("team"),
        )
        answer = {
            "membership": membership.pk,
            "organisation": membership.organisation_id,
            "email": data["email"].strip().lower(),
            # As sent (normalised), never an existing account's own (ADR 0012).
            "full_name": membership.invited_full_name,
            "job_title": membership.invited_job_title,
            "role": membership.role,
            "team": membership.team_id,
        }
        return Response(
            serializers.PersonInvitedSerializer(answer).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=serializers.PersonDeactivateSerializer, responses={204: None})
    @action(
        detail=True,
        methods=["post"],
        idempotency_keys=False,  # a second call finds nobody to deactivate (404)
        filterset_class=None,
    )
    def deactivate(self, request: Request, pk: str) -> Response:
        """The person leaves the organisation now (ADR 0026): their memberships there end,
        their sessions end on their next request, the keys they made there are revoked and
        no further reminders go to them; their records and certificates stay."""
        person = self.get_object()
        payload = serializers.PersonDeactivateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services_leavers.person_leave(
            actor=selectors.actor_from_request(request),
            organisation_id=payload.validated_data["organisation"],
            user_id=person.pk,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request={"multipart/form-data": serializers.OnboardingUploadSerializer},
        parameters=[serializers.DRY_RUN_PARAMETER],
        responses={200: serializers.OnboardingResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        idempotency_keys=False,  # the same file applied again changes nothing (ADR 0022)
        parser_classes=[MultiPartParser],
        filterset_class=None,
        pagination_class=None,
    )
    def bulk_import(self, request: Request) -> Response:
        """Bulk onboarding (ADR 0022): a CSV or XLSX of people. With `dry_run=true`, what
        it would do, row by row, saving nothing; without, apply it in one transaction (only
        if no row has an error). The same file applied again changes nothing."""
        payload = serializers.OnboardingUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        content = upload.read()
        dry_run = str(request.query_params.get("dry_run", "")).lower() in ("1", "true", "yes")
        run = (
            services_onboarding.onboarding_plan if dry_run else services_onboarding.onboarding_apply
        )
        plan = run(
            actor=selectors.actor_from_request(request),
            organisation_id=payload.validated_data["organisation"],
            content=content,
            filename=upload.name or "",
        )
        answer = {
            "dry_run": dry_run,
            "counts": plan.counts,
            "rows": [
                {
                    "row": row.number,
                    "employee_number": row.employee_number,
                    "email": row.email,
                    "action": row.action or "error",
                    "row_errors": [{"column": e.column, "message": e.message} for e in row.errors],
                }
                for row in plan.rows
                if row.errors or row.action != "unchanged"
            ],
        }
        return Response(serializers.OnboardingResultSerializer(answer).data)


class MembershipFilter(django_filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")
    team = IdFilter(field_name="team_id")
    user = IdFilter(field_name="user_id")

    class Meta:
        model = Membership
        fields = ["organisation", "team", "role", "user"]


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Membership],
):
    """Roles held in scope; org admins add and remove them."""

    serializer_class = serializers.MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self) -> QuerySet[Membership]:
        return people.memberships_visible_to(selectors.actor_from_request(self.request))

    @extend_schema(
        request=serializers.MEMBERSHIP_CREATE_SCHEMA,
        responses={201: serializers.MembershipSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = serializers.MembershipCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        actor = selectors.actor_from_request(request)
        data = payload.validated_data
        person = people.people_visible_to(actor).filter(pk=data["user"]).first()
        if person is None:
            raise NotFound("No such person.", fields={"user": ["No such person."]})
        membership = services.membership_add(
            actor=actor,
            user=person,
            organisation_id=data["organisation"],
            role=data["role"],
            team_id=data.get("team"),
        )
        return Response(
            serializers.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED
        )

    def perform_destroy(self, instance: Membership) -> None:
        services.membership_remove(
            actor=selectors.actor_from_request(self.request), membership=instance
        )


class APIKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[OrganisationAPIKey],
):
    """An org admin's organisation API keys. The key itself is shown once, on creation."""

    # A created key's response holds its secret, which must never be stored: no
    # Idempotency-Key here (core.idempotency).
    idempotency_keys = False
    serializer_class = serializers.APIKeySerializer
    lookup_field = "prefix"
    lookup_value_regex = r"[A-Za-z0-9]{8}"

    def get_queryset(self) -> QuerySet[OrganisationAPIKey]:
        return selectors.api_keys_visible_to(selectors.actor_from_request(self.request))

    @extend_schema(
        request=serializers.APIKeyCreateSerializer,
        responses={201: serializers.APIKeyCreatedSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = serializers.APIKeyCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        api_key, key = services.api_key_create(
            actor=selectors.actor_from_request(request),
            organisation_id=payload.validated_data["organisation"],
            name=payload.validated_data["name"],
            scope=payload.validated_data["scope"],
        )
        body = {**serializers.APIKeySerializer(api_key).data, "key": key}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.APIKeySerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, prefix: str | None = None) -> Response:
        """Revoke the key; the very next request made with it gets 401."""
        api_key = services.api_key_revoke(
            actor=selectors.actor_from_request(request), api_key=self.get_object()
        )
        return Response(serializers.APIKeySerializer(api_key).data)


# The states a job that failed at least once can be in (it is never merely pending).
JOB_STATES_LISTED = [
    (state.value, state.label) for state in (JobState.RETRYING, JobState.GAVE_UP, JobState.DONE)
]


class JobFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=JOB_STATES_LISTED, method="filter_state")

    class Meta:
        model = Job
        fields = ["state"]

    def filter_state(self, queryset: QuerySet[Job], name: str, value: str) -> QuerySet[Job]:
        if value == JobState.DONE:
            return queryset.filter(done_at__isnull=False)
        if value == JobState.GAVE_UP:
            return queryset.filter(done_at__isnull=True, gave_up_at__isnull=False)
        return queryset.filter(done_at__isnull=True, gave_up_at__isnull=True)


class JobViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Job],
):
    """Background work of the caller's organisations that failed at least once
    (certificates to issue, invitations and notices to send, reports to build), for org
    admins and the organisation's keys, newest first. Failed jobs are tried again on
    their own after a backoff, until too many attempts or an error no retry can fix;
    retrying by hand tries one again now."""

    serializer_class = serializers.JobSerializer
    filterset_class = JobFilter

    def get_queryset(self) -> QuerySet[Job]:
        return selectors.jobs_visible_to(selectors.actor_from_request(self.request))

    @extend_schema(request=None, responses={202: serializers.JobSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def retry(self, request: Request, pk: str) -> Response:
        """Try the job again now (an admin signed in, or a read-write key): it is due at
        once, retrying again if it had stopped. 409 if it is already done."""
        job = services.job_retry(actor=selectors.actor_from_request(request), job=self.get_object())
        return Response(serializers.JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
