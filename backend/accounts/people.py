"""People and memberships as the actor may see them: the accounts API's and pages'
listings, built on accounts.selectors' scope rule (`visible_memberships_filter`), so what
is out of scope is simply absent (404, never 403).
"""

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from accounts.models import Membership, MembershipStatus, User
from accounts.selectors import Actor, visible_memberships_filter
from core.lookups import first_or_not_found


def memberships_visible_to(actor: Actor) -> QuerySet[Membership]:
    """Memberships in scope, pending ones included (the organisation sees its own
    invitations, with only what it entered), with their user, organisation and team
    loaded."""
    return Membership.including_pending.filter(visible_memberships_filter(actor)).select_related(
        "user", "organisation", "team"
    )


def memberships_of(actor: Actor) -> QuerySet[Membership]:
    """The actor's own accepted memberships (none for an API key)."""
    if actor.user_id is None:
        return Membership.objects.none()
    return Membership.objects.filter(user_id=actor.user_id).select_related("organisation", "team")


def memberships_pending_of(actor: Actor) -> QuerySet[Membership]:
    """The actor's own memberships waiting for them to accept or decline, oldest first
    (none for an API key)."""
    if actor.user_id is None:
        return Membership.objects.none()
    return (
        Membership.including_pending.filter(user_id=actor.user_id, status=MembershipStatus.PENDING)
        .select_related("organisation", "team")
        .order_by("created_at", "pk")
    )


def membership_pending_get(*, actor: Actor, membership_id: int) -> Membership:
    """One of the actor's own pending memberships; anything else is not found."""
    return first_or_not_found(
        memberships_pending_of(actor).filter(pk=membership_id), "No such invitation."
    )


def people_visible_to(actor: Actor) -> QuerySet[User]:
    """People in scope: everyone with a visible membership (pending ones included), and
    oneself, ordered by the name shown.

    Each row is annotated with what the actor may know of the person (ADR 0012, consent):
    `shown_full_name`, `shown_job_title`, `shown_is_active` and `membership_status`. Someone
    the actor sees through an accepted membership (or themselves) shows the account's own;
    someone seen only through pending memberships shows what the organisation entered when
    inviting them, "pending" and active, exactly like a new address that has not yet set a
    password, so an invitation never reveals whether, or under which name, an account
    exists.
    """
    visible = Membership.including_pending.filter(visible_memberships_filter(actor))
    condition = Q(pk__in=visible.values("user_id"))
    known = Q(
        Exists(Membership.objects.filter(visible_memberships_filter(actor), user_id=OuterRef("pk")))
    )
    if actor.user_id is not None:
        condition |= Q(pk=actor.user_id)
        known |= Q(pk=actor.user_id)
    invitation = visible.filter(user_id=OuterRef("pk"), status=MembershipStatus.PENDING).order_by(
        "pk"
    )
    return (
        User.objects.filter(condition)
        .annotate(
            shown_full_name=Case(
                When(known, then=F("full_name")),
                default=Subquery(invitation.values("invited_full_name")[:1]),
                output_field=CharField(),
            ),
            shown_job_title=Case(
                When(known, then=F("job_title")),
                default=Subquery(invitation.values("invited_job_title")[:1]),
                output_field=CharField(),
            ),
            shown_is_active=Case(
                When(known, then=F("is_active")), default=Value(True), output_field=BooleanField()
            ),
            membership_status=Case(
                When(known, then=Value(MembershipStatus.ACTIVE.value)),
                default=Value(MembershipStatus.PENDING.value),
                output_field=CharField(),
            ),
        )
        .order_by("shown_full_name", "pk")
    )


def organisation_people(
    actor: Actor,
    *,
    organisation_id: int,
    search: str = "",
    team_id: int | None = None,
    role: str = "",
    status: str = "",
) -> QuerySet[User]:
    """An org admin's people page: everyone holding (or invited to) a membership of one of
    their organisations, as people_visible_to shows them, filtered by name or email, team,
    role and whether they have accepted; each with `here`, their memberships there."""
    if organisation_id not in actor.admin_organisation_ids:
        return User.objects.none()
    held = Membership.including_pending.filter(organisation_id=organisation_id)
    if team_id is not None:
        held = held.filter(team_id=team_id)
    if role:
        held = held.filter(role=role)
    if status:
        held = held.filter(status=status)
    people = people_visible_to(actor).filter(pk__in=held.values("user_id"))
    if search:
        people = people.filter(
            Q(shown_full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(
                pk__in=Membership.including_pending.filter(
                    organisation_id=organisation_id, employee_number__iexact=search
                ).values("user_id")
            )
        )
    here = Membership.including_pending.filter(organisation_id=organisation_id).select_related(
        "team"
    )
    return people.prefetch_related(
        Prefetch("memberships", queryset=here.order_by("role", "team__name"), to_attr="here")
    )
