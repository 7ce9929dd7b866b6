"""Scope: what each person (or organisation API key) may see. The only way in.

Every view and API endpoint that returns personal data starts from these
selectors (or from accounts.people's listings of people and memberships, built on
`visible_memberships_filter` here). An object outside scope is simply not in the queryset, so asking
for it answers 404, never 403.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import (
    Membership,
    MembershipStatus,
    Organisation,
    OrganisationAPIKey,
    Partnership,
    Role,
    Team,
    User,
)
from core.errors import Forbidden, NotFound
from core.lookups import first_or_not_found
from core.models import Job


@dataclass(frozen=True)
class Actor:
    """Who is asking, resolved once per request from their memberships or API key."""

    user_id: int | None
    admin_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    managed_team_ids: frozenset[int] = field(default_factory=frozenset)
    assessor_team_ids: frozenset[int] = field(default_factory=frozenset)
    assessor_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    member_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    member_team_ids: frozenset[int] = field(default_factory=frozenset)
    api_key_id: str | None = None
    can_write: bool = True

    @property
    def is_api_key(self) -> bool:
        return self.api_key_id is not None

    def require_write(self) -> None:
        """Refuse (403) a change asked for with a read-only API key."""
        if not self.can_write:
            raise Forbidden("This API key is read-only.", code="read_only")

    @property
    def is_org_admin(self) -> bool:
        return bool(self.admin_organisation_ids)

    @property
    def is_manager(self) -> bool:
        return bool(self.managed_team_ids)

    @property
    def is_assessor(self) -> bool:
        return bool(self.assessor_team_ids or self.assessor_organisation_ids)

    @property
    def organisation_ids(self) -> frozenset[int]:
        """Every organisation the actor belongs to in any role."""
        return self.member_organisation_ids | self.admin_organisation_ids


def actor_for_user(user: User) -> Actor:
    """Resolve a signed-in person's scope from their accepted memberships (one query): a
    pending membership grants nothing until they accept it."""
    rows = Membership.objects.filter(user=user).values_list("organisation_id", "team_id", "role")
    admin_orgs, managed, assessor_teams, assessor_orgs, orgs, teams = (
        set[int](),
        set[int](),
        set[int](),
        set[int](),
        set[int](),
        set[int](),
    )
    for organisation_id, team_id, role in rows:
        orgs.add(organisation_id)
        if team_id is not None:
            teams.add(team_id)
        if role == Role.ORG_ADMIN:
            admin_orgs.add(organisation_id)
        elif role == Role.MANAGER and team_id is not None:
            managed.add(team_id)
        elif role == Role.ASSESSOR:
            if team_id is None:
                assessor_orgs.add(organisation_id)
            else:
                assessor_teams.add(team_id)
    return Actor(
        user_id=user.pk,
        admin_organisation_ids=frozenset(admin_orgs),
        managed_team_ids=frozenset(managed),
        assessor_team_ids=frozenset(assessor_teams),
        assessor_organisation_ids=frozenset(assessor_orgs),
        member_organisation_ids=frozenset(orgs),
        member_team_ids=frozenset(teams),
    )


def actor_for_api_key(key: OrganisationAPIKey) -> Actor:
    """An organisation API key sees its whole organisation, read-only unless scoped to write."""
    return Actor(
        user_id=None,
        admin_organisation_ids=frozenset({key.organisation_id}),
        member_organisation_ids=frozenset({key.organisation_id}),
        api_key_id=key.pk,
        can_write=key.scope == "read_write",
    )


def visible_memberships_filter(actor: Actor) -> Q:
    """Memberships the actor may see: their organisations as admin, their teams as
    manager or assessor, and their own."""
    condition = Q(organisation_id__in=actor.admin_organisation_ids)
    condition |= Q(team_id__in=actor.managed_team_ids | actor.assessor_team_ids)
    condition |= Q(organisation_id__in=actor.assessor_organisation_ids)
    if actor.user_id is not None:
        condition |= Q(user_id=actor.user_id)
    return condition


def learners_visible_to(actor: Actor) -> QuerySet[User]:
    """People in scope as learners: whose training records the actor may see."""
    learner_memberships = Membership.objects.filter(
        visible_memberships_filter(actor), role=Role.LEARNER
    ).values("user_id")
    condition = Q(pk__in=learner_memberships)
    if actor.user_id is not None:
        condition |= Q(pk=actor.user_id)
    return User.objects.filter(condition)


def records_visible_filter(
    actor: Actor, *, learner: str = "learner_id", organisation: str = "organisation_id"
) -> Q:
    """The rule for every personal record (enrolment, attempt, progress, assessment,
    certificate, reminder, issue failure): scope follows the organisation the record was
    made under, never the person alone (ADR 0012).

    A person sees all their own records, whichever organisation they were made under. An
    org admin (or the organisation's key) and an organisation-wide assessor see records of
    their organisation whose person is a learner there; a manager or team assessor sees
    records of their teams' organisation whose person is a learner in one of those teams.
    A record with no organisation is its person's alone. `learner` and `organisation` name
    the record's fields (e.g. "enrolment__organisation_id").
    """
    organisations = actor.admin_organisation_ids | actor.assessor_organisation_ids
    teams = actor.managed_team_ids | actor.assessor_team_ids
    learner_there = Membership.objects.filter(
        user_id=OuterRef(learner), organisation_id=OuterRef(organisation), role=Role.LEARNER
    )
    condition = Q(pk__in=[])
    if organisations:
        condition |= Q(
            Exists(learner_there.filter(organisation_id__in=organisations)),
            **{f"{organisation}__in": organisations},
        )
    if teams:
        condition |= Q(Exists(learner_there.filter(team_id__in=teams)))
    if actor.user_id is not None:
        condition |= Q(**{learner: actor.user_id})
    return condition


def learner_organisations_visible_to(actor: Actor, *, learner_id: int) -> list[tuple[int, str]]:
    """The organisations under which the actor sees a person's records, as (id, name) by
    name: every one of the person's own for themselves, else those where the person is a
    learner in the actor's scope (one query)."""
    if actor.user_id is not None and learner_id == actor.user_id:
        rows = Membership.objects.filter(user_id=learner_id)
    else:
        rows = Membership.objects.filter(
            Q(organisation_id__in=actor.admin_organisation_ids | actor.assessor_organisation_ids)
            | Q(team_id__in=actor.managed_team_ids | actor.assessor_team_ids),
            user_id=learner_id,
            role=Role.LEARNER,
        )
    return sorted(
        set(rows.values_list("organisation_id", "organisation__name")),
        key=lambda row: (row[1], row[0]),
    )


def teams_visible_to(actor: Actor) -> QuerySet[Team]:
    """Teams in scope: all of an admin's organisations, and the teams one works in."""
    condition = Q(
        organisation_id__in=actor.admin_organisation_ids | actor.assessor_organisation_ids
    )
    condition |= Q(pk__in=actor.managed_team_ids | actor.assessor_team_ids | actor.member_team_ids)
    return Team.objects.filter(condition).select_related("organisation")


def organisations_visible_to(actor: Actor) -> QuerySet[Organisation]:
    """Organisations the actor belongs to (or whose key it is)."""
    return Organisation.objects.filter(pk__in=actor.organisation_ids)


def partnerships_viewed_by(actor: Actor) -> QuerySet[Partnership]:
    """Partnerships whose figures the person may see (none for an API key)."""
    if actor.user_id is None or actor.is_api_key:
        return Partnership.objects.none()
    return Partnership.objects.filter(viewers__pk=actor.user_id).order_by("name")


def _managed(actor: Actor, prefix: str = "") -> Q:
    """Teams the actor manages, or administers through their organisation."""
    return Q(**{f"{prefix}pk__in": actor.managed_team_ids}) | Q(
        **{f"{prefix}organisation_id__in": actor.admin_organisation_ids}
    )


def team_get_for_manager(*, actor: Actor, team_id: int) -> Team:
    """A team the actor manages (or administers); anything else is not found."""
    return first_or_not_found(
        Team.objects.filter(_managed(actor), pk=team_id).select_related("organisation"),
        "No such team.",
    )


def team_members_for_manager(
    *, actor: Actor, team_id: int
) -> tuple[Team, list[tuple[int, str, str]]]:
    """A team the actor manages (else not found) and its members as (user id, full name,
    role), ordered by name: one query for a team with members."""
    rows = list(
        Membership.objects.filter(_managed(actor, "team__"), team_id=team_id)
        .order_by("user__full_name", "user_id")
        .values_list(
            "user_id",
            "user__full_name",
            "role",
            "team__name",
            "organisation_id",
            "organisation__name",
            "organisation__sector",
        )
    )
    if not rows:
        return team_get_for_manager(actor=actor, team_id=team_id), []
    _, _, _, name, organisation_id, organisation_name, sector = rows[0]
    organisation = Organisation(pk=organisation_id, name=organisation_name, sector=sector)
    team = Team(pk=team_id, name=name, organisation=organisation)
    return team, [(user_id, full_name, role) for user_id, full_name, role, *_ in rows]


def team_invitations_for_manager(*, actor: Actor, team_id: int) -> list[tuple[str, str, str]]:
    """A managed (or administered) team's pending memberships as (name entered, email,
    role label), by name: only what the organisation sent, never an account's own name,
    so a new address and an existing account look the same (ADR 0012). Empty for a team
    out of scope."""
    rows = (
        Membership.including_pending.filter(
            _managed(actor, "team__"), team_id=team_id, status=MembershipStatus.PENDING
        )
        .order_by("invited_full_name", "pk")
        .values_list("invited_full_name", "user__email", "role")
    )
    return [(name, email, Role(role).label) for name, email, role in rows]


def teams_assignable_by(actor: Actor) -> QuerySet[Team]:
    """Teams whose members the actor may assign training to: managed or administered."""
    condition = Q(pk__in=actor.managed_team_ids) | Q(
        organisation_id__in=actor.admin_organisation_ids
    )
    return Team.objects.filter(condition).select_related("organisation")


def api_keys_visible_to(actor: Actor) -> QuerySet[OrganisationAPIKey]:
    """An org admin's organisation keys (never to another key)."""
    if actor.is_api_key:
        return OrganisationAPIKey.objects.none()
    return OrganisationAPIKey.objects.filter(
        organisation_id__in=actor.admin_organisation_ids
    ).select_related("organisation", "created_by")


def organisation_get_for_admin(*, actor: Actor, organisation_id: int) -> Organisation:
    """An organisation the actor administers; anything else is not found."""
    if organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such organisation.")
    return Organisation.objects.get(pk=organisation_id)


def jobs_visible_to(actor: Actor) -> QuerySet[Job]:
    """Background jobs that failed at least once (retrying, stopped, or done since) for
    the organisations an org admin administers (or the key's organisation), newest first.
    Managers, assessors and learners see none. A job that stopped retrying failed first
    (core.jobs.job_failed counts the attempt before it stops), so `attempts > 0` is the
    whole rule, and the index `job_failed_by_organisation` serves it."""
    if not actor.is_org_admin:
        return Job.objects.none()
    return Job.objects.filter(
        attempts__gt=0, organisation_id__in=actor.admin_organisation_ids
    ).order_by("-requested_at", "-pk")


def job_get(*, actor: Actor, job_id: int) -> Job:
    """A background job in the actor's scope (jobs_visible_to); anything else is not
    found."""
    return first_or_not_found(jobs_visible_to(actor).filter(pk=job_id), "No such job.")


def actor_from_request(request: object) -> Actor:
    """The actor behind a request (session user or API key), resolved once and cached."""
    cached = getattr(request, "_hearth_actor", None)
    if isinstance(cached, Actor):
        return cached
    auth = getattr(request, "auth", None)
    if isinstance(auth, OrganisationAPIKey):
        actor = actor_for_api_key(auth)
    else:
        user = getattr(request, "user", None)
        actor = actor_for_user(user) if isinstance(user, User) else Actor(user_id=None)
    request._hearth_actor = actor  # type: ignore[attr-defined]
    return actor
