"""Every write to people, teams, memberships and keys goes through these functions, and
an org admin's retry of a background job."""

from typing import cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.leaving import people_leave
from accounts.models import (
    TEAM_ROLES,
    KeyScope,
    Membership,
    MembershipStatus,
    OrganisationAPIKey,
    Role,
    Team,
    User,
)
from accounts.selectors import Actor, organisation_get_for_admin
from core import jobs
from core.errors import Conflict, HearthError, NotFound
from core.jobs import enqueue_on_commit
from core.models import Job
from core.names import normalise_name


def team_in_organisation(*, organisation_id: int, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id, organisation_id=organisation_id).first()
    if team is None:
        raise NotFound("No such team in this organisation.", fields={"team": ["No such team."]})
    return team


@transaction.atomic
def team_create(*, actor: Actor, organisation_id: int, name: str) -> Team:
    """Only an organisation's admins create its teams; names are unique within it."""
    actor.require_write()
    organisation = organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    team, created = Team.objects.get_or_create(organisation=organisation, name=normalise_name(name))
    if not created:
        raise Conflict(
            "A team with this name already exists.", fields={"name": ["Already in use."]}
        )
    return team


@transaction.atomic
def team_rename(*, actor: Actor, team: Team, name: str) -> Team:
    """Only an organisation's admins rename its teams; names stay unique within it."""
    actor.require_write()
    organisation_get_for_admin(actor=actor, organisation_id=team.organisation_id)
    name = normalise_name(name)
    if (
        Team.objects.filter(organisation_id=team.organisation_id, name=name)
        .exclude(pk=team.pk)
        .exists()
    ):
        raise Conflict(
            "A team with this name already exists.", fields={"name": ["Already in use."]}
        )
    team.name = name
    team.save(update_fields=["name"])
    return team


@transaction.atomic
def membership_add(
    *,
    actor: Actor,
    user: User,
    organisation_id: int,
    role: str,
    team_id: int | None,
    invited_full_name: str = "",
    invited_job_title: str = "",
    accepts_with_password: bool = False,
) -> Membership:
    """An org admin gives a person a role; team roles need a team of the same organisation.

    The role is taken up at once only by someone who already holds an accepted membership
    of that organisation; anyone else's waits, pending, for them to accept it (or, for an
    account this invitation made, to set their password), and keeps the name and title the
    organisation entered (else those of its pending invitation), never the account's own."""
    actor.require_write()
    organisation = organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    team = team_in_organisation(organisation_id=organisation.pk, team_id=team_id)
    if role in TEAM_ROLES and team is None:
        raise HearthError("Learners and managers belong to a team.", fields={"team": ["Required."]})
    if role == Role.ORG_ADMIN and team is not None:
        raise HearthError("Organisation admins hold no team.", fields={"team": ["Leave empty."]})
    member = Membership.objects.filter(user=user, organisation=organisation).exists()
    earlier = (
        Membership.including_pending.filter(
            user=user, organisation=organisation, status=MembershipStatus.PENDING
        )
        .order_by("pk")
        .values_list("invited_full_name", "invited_job_title", "accepts_with_password")
        .first()
    )
    if earlier is not None:
        # A further role from the same organisation travels with its first invitation.
        if not invited_full_name:
            invited_full_name, invited_job_title = earlier[0], earlier[1]
        accepts_with_password = accepts_with_password or earlier[2]
    try:
        with transaction.atomic():
            return Membership.including_pending.create(
                user=user,
                organisation=organisation,
                team=team,
                role=role,
                status=MembershipStatus.ACTIVE if member else MembershipStatus.PENDING,
                accepted_at=timezone.now() if member else None,
                accepts_with_password=accepts_with_password and not member,
                invited_full_name=invited_full_name,
                invited_job_title=invited_job_title,
            )
    except IntegrityError as error:
        raise Conflict("This person already holds that role there.") from error


def _pending_membership_of(*, actor: Actor, membership_id: int) -> Membership:
    if actor.user_id is None:
        raise NotFound("No such invitation.")
    membership = (
        Membership.including_pending.select_for_update()
        .filter(pk=membership_id, user_id=actor.user_id, status=MembershipStatus.PENDING)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise NotFound("No such invitation.")
    return membership


@transaction.atomic
def membership_accept(*, actor: Actor, membership_id: int) -> Membership:
    """A person takes up a pending membership of their own; from then on it grants its
    role and the organisation sees the account's own name and title. Anything else
    (another person's, or one already taken up or declined) is not found."""
    membership = _pending_membership_of(actor=actor, membership_id=membership_id)
    membership.status = MembershipStatus.ACTIVE
    membership.accepted_at = timezone.now()
    membership.save(update_fields=["status", "accepted_at"])
    return membership


@transaction.atomic
def membership_decline(*, actor: Actor, membership_id: int) -> None:
    """A person turns down a pending membership of their own: it is removed, and nobody
    is told (the organisation's lists simply no longer show it)."""
    _pending_membership_of(actor=actor, membership_id=membership_id).delete()


@transaction.atomic
def invitations_accept_on_password_set(*, user: User) -> int:
    """Setting a password takes up the invitation that made the account (never another
    organisation's pending membership, which the person accepts on its own). Returns how
    many memberships were taken up."""
    return Membership.including_pending.filter(
        user=user, status=MembershipStatus.PENDING, accepts_with_password=True
    ).update(status=MembershipStatus.ACTIVE, accepted_at=timezone.now())


@transaction.atomic
def membership_remove(*, actor: Actor, membership: Membership) -> None:
    """An org admin ends a membership (a person leaving a team stops being reminded). The
    person's last membership in the organisation ends their place there, as leaving does
    (accounts/leaving.py: sessions and the keys they made end too)."""
    actor.require_write()
    organisation_get_for_admin(actor=actor, organisation_id=membership.organisation_id)
    others = Membership.including_pending.filter(
        organisation_id=membership.organisation_id, user_id=membership.user_id
    ).exclude(pk=membership.pk)
    if others.exists():
        membership.delete()
    else:
        people_leave(organisation_id=membership.organisation_id, user_ids={membership.user_id})


@transaction.atomic
def person_invite(
    *,
    actor: Actor,
    organisation_id: int,
    email: str,
    full_name: str,
    job_title: str = "",
    role: str = Role.LEARNER,
    team_id: int | None = None,
) -> Membership:
    """Onboard a person: create them (or reuse their account), add the role, and email
    them once the transaction commits: a new person an invitation to set a password, a
    person who already has an account a notice naming the organisation that asks to add
    them, with a link to accept or decline.

    Nothing of an existing account (its name, title, other organisations or records) goes
    back to the inviter, and it is not changed: the caller learns only the membership
    (ADR 0012). Unless the person is already a member there, the membership stays pending
    (granting nothing, showing the inviter only what it entered) until they accept it or,
    for an account this invitation made, set their password: the two look the same."""
    from accounts.tasks import send_invitation, send_membership_notice

    actor.require_write()
    organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    full_name, job_title = normalise_name(full_name), normalise_name(job_title)
    if not full_name:
        raise HearthError("Enter the person's name.", fields={"full_name": ["Enter a name."]})
    user, created = User.objects.get_or_create(
        email=User.objects.normalize_email(email).lower(),
        defaults={"full_name": full_name, "job_title": job_title},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership = membership_add(
        actor=actor,
        user=user,
        organisation_id=organisation_id,
        role=role,
        team_id=team_id,
        invited_full_name=full_name,
        invited_job_title=job_title,
        accepts_with_password=created,
    )
    if created:
        enqueue_on_commit(
            send_invitation,
            user.pk,
            organisation_id=organisation_id,
            description=f"Invitation to {full_name} <{user.email}>",
        )
    else:
        enqueue_on_commit(
            send_membership_notice,
            membership.pk,
            organisation_id=organisation_id,
            description=f"Notice to {full_name} <{user.email}> of their new role",
        )
    return membership


@transaction.atomic
def api_key_create(
    *, actor: Actor, organisation_id: int, name: str, scope: str = KeyScope.READ
) -> tuple[OrganisationAPIKey, str]:
    """An org admin (signed in, never another key) creates a key; the plaintext is returned
    once and only its hash is stored."""
    if actor.is_api_key or actor.user_id is None:
        raise NotFound("No such organisation.")
    organisation = organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    api_key, key = OrganisationAPIKey.objects.create_key(
        name=name.strip(), organisation=organisation, scope=scope, created_by_id=actor.user_id
    )
    return cast(OrganisationAPIKey, api_key), key


@transaction.atomic
def api_key_revoke(*, actor: Actor, api_key: OrganisationAPIKey) -> OrganisationAPIKey:
    """Revoke a key at once; the next request made with it is refused."""
    organisation_get_for_admin(actor=actor, organisation_id=api_key.organisation_id)
    if not api_key.revoked:
        api_key.revoked = True
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked", "revoked_at"])
    return api_key


@transaction.atomic
def job_retry(*, actor: Actor, job: Job) -> Job:
    """An admin of the job's organisation (signed in, or a read-write key) tries a job
    again now: due at once, retrying again if it had stopped, sent after commit. A job
    that is done cannot be tried again (409)."""
    if job.organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such job.")
    actor.require_write()
    locked = Job.objects.select_for_update().filter(pk=job.pk).first()
    if locked is None:
        raise NotFound("No such job.")
    if locked.done_at is not None:
        raise Conflict("This job is done; there is nothing to try again.")
    jobs.job_retry(job=locked)
    locked.refresh_from_db()
    return locked
