"""Every write of automatic provisioning (SCIM 2.0, ADR 0025): a provisioning client
creates, replaces and removes the organisation's people and teams; memberships go through
accounts' services, leaving through accounts.services_leavers.person_leave. Each service
takes the resource as scim2-models validated it (provisioning.resources) and the
organisation the token belongs to: nothing of another organisation is read or changed."""

import uuid
from typing import cast

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Membership, Role, Team, User
from accounts.selectors import Actor
from accounts.services_leavers import person_leave
from core.errors import Conflict, HearthError, NotFound
from core.jobs import enqueue_on_commit
from core.names import normalise_name
from provisioning import resources
from provisioning.models import ProvisionedGroup, ProvisionedUser, ProvisioningToken

# What the record keeps as the client wrote it; `active` too, so that a client that never
# said (or removed it) reads it back unassigned, while Hearth takes the person as active.
STORED_ATTRIBUTES = frozenset({"name", "displayName", "title", "emails", "active"})


def provisioning_actor(*, organisation_id: int) -> Actor:
    """Who a provisioning token acts as: an admin of its one organisation, no person."""
    return Actor(
        user_id=None,
        admin_organisation_ids=frozenset({organisation_id}),
        member_organisation_ids=frozenset({organisation_id}),
        can_write=True,
    )


def _within(limit: int, **values: str | None) -> None:
    """Refuse a value longer than Hearth keeps (invalidValue), never cut it short."""
    for name, value in values.items():
        if value is not None and len(value) > limit:
            raise HearthError(
                f"{name} is longer than {limit} characters.",
                fields={name: [f"At most {limit} characters."]},
            )


def _check_user_lengths(resource: resources.User) -> None:
    _within(254, userName=resource.user_name, externalId=resource.external_id)
    name = resource.name
    _within(
        150,
        displayName=resource.display_name,
        title=resource.title,
        **{
            "name.formatted": name.formatted if name else None,
            "name.givenName": name.given_name if name else None,
            "name.familyName": name.family_name if name else None,
        },
    )
    for email in resource.emails or []:
        _within(254, **{"emails.value": email.value})


def _email_of(resource: resources.User) -> str:
    """The address Hearth signs the person in with: the primary email, else the work one,
    else the first, else the userName if it is an address."""
    emails = [email for email in resource.emails or [] if email.value]
    emails.sort(key=lambda email: (not email.primary, email.type != "work"))
    candidates = [email.value for email in emails if email.value] + [resource.user_name or ""]
    for candidate in candidates:
        try:
            validate_email(candidate)
        except ValidationError:
            continue
        return User.objects.normalize_email(candidate).lower()
    raise HearthError("Give the person an email address.", fields={"emails": ["Required."]})


def _full_name_of(resource: resources.User) -> str:
    name = resource.name
    parts = [name.given_name, name.family_name] if name else []
    for candidate in (
        resource.display_name,
        name.formatted if name else None,
        " ".join(part for part in parts if part),
        resource.user_name,
    ):
        if candidate and normalise_name(candidate):
            return normalise_name(candidate)
    return ""


def _stored_attributes(resource: resources.User) -> dict[str, object]:
    dumped = resource.model_dump(scim_ctx=None, exclude_none=True, by_alias=True)
    return {key: value for key, value in dumped.items() if key in STORED_ATTRIBUTES}


def _holds_membership(record: ProvisionedUser) -> bool:
    return Membership.including_pending.filter(
        organisation_id=record.organisation_id, user_id=record.user_id
    ).exists()


def _join_team(*, record: ProvisionedUser, team: Team) -> None:
    """Make the person a learner of the team, as an org admin's invitation would: their
    first role in the organisation brings an invitation (an account this provisioning
    made) or a notice (an account they already had), and waits for them to take it up."""
    from accounts.tasks import send_invitation, send_membership_notice

    if Membership.including_pending.filter(
        user_id=record.user_id, team=team, role=Role.LEARNER
    ).exists():
        return
    first = not _holds_membership(record)
    user = record.user
    invited = first and not user.has_usable_password() and user.last_login is None
    attributes = resources.User.model_validate(record.attributes)
    membership = accounts_services.membership_add(
        actor=provisioning_actor(organisation_id=record.organisation_id),
        user=user,
        organisation_id=record.organisation_id,
        role=Role.LEARNER,
        team_id=team.pk,
        invited_full_name=_full_name_of(attributes) or user.full_name,
        invited_job_title=normalise_name(attributes.title or ""),
        accepts_with_password=invited,
    )
    if not first or not membership.is_pending:
        return
    if invited:
        enqueue_on_commit(
            send_invitation,
            user.pk,
            organisation_id=record.organisation_id,
            description=f"Invitation to {user.email} (provisioning)",
        )
    else:
        enqueue_on_commit(
            send_membership_notice,
            membership.pk,
            organisation_id=record.organisation_id,
            description=f"Notice to {user.email} of their new role (provisioning)",
        )


def _leave_team(*, record: ProvisionedUser, team: Team) -> None:
    actor = provisioning_actor(organisation_id=record.organisation_id)
    for membership in Membership.including_pending.filter(
        user_id=record.user_id, team=team, role=Role.LEARNER
    ):
        accounts_services.membership_remove(actor=actor, membership=membership)


def _deactivate(record: ProvisionedUser) -> None:
    if _holds_membership(record):
        person_leave(
            actor=provisioning_actor(organisation_id=record.organisation_id),
            organisation_id=record.organisation_id,
            user_id=record.user_id,
        )


def _apply_user(*, record: ProvisionedUser, resource: resources.User) -> ProvisionedUser:
    """Write the resource to the record, then bring Hearth in line with its active flag."""
    _check_user_lengths(resource)
    user_name = (resource.user_name or "").strip()
    if not user_name:
        raise HearthError("Give the person a userName.", fields={"userName": ["Required."]})
    _email_of(resource)
    was_active = record.active if record.pk else False
    record.user_name = user_name
    record.external_id = resource.external_id or ""
    record.active = resource.active is not False
    record.attributes = _stored_attributes(resource)
    record.modified_at = timezone.now()
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise Conflict("Another user has this userName.", code="uniqueness") from error
    if was_active and not record.active:
        _deactivate(record)
    elif record.active and not was_active:
        for group in record.groups.select_related("team"):
            _join_team(record=record, team=group.team)
    return record


@transaction.atomic
def provisioned_user_create(*, organisation_id: int, resource: resources.User) -> ProvisionedUser:
    """A client adds a person to the organisation: their account is found by email (an
    account of another organisation is linked, never changed) or made, invited, with no
    password; the organisation's record keeps what the client says of them."""
    _check_user_lengths(resource)
    email = _email_of(resource)
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": _full_name_of(resource) or email,
            "job_title": normalise_name(resource.title or ""),
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if ProvisionedUser.objects.filter(organisation_id=organisation_id, user=user).exists():
        raise Conflict("This person is already provisioned here.", code="uniqueness")
    record = ProvisionedUser(organisation_id=organisation_id, user=user)
    return _apply_user(record=record, resource=resource)


@transaction.atomic
def provisioned_user_replace(
    *, record: ProvisionedUser, resource: resources.User
) -> ProvisionedUser:
    """A client replaces what it says of a person (PUT, or PATCH applied): active false
    makes them leave the organisation, active true brings them back into its groups'
    teams. The account's own sign-in address and name are never changed (they may
    belong to other organisations too)."""
    locked = ProvisionedUser.objects.select_for_update().get(pk=record.pk)
    return _apply_user(record=locked, resource=resource)


@transaction.atomic
def provisioned_user_delete(*, record: ProvisionedUser) -> None:
    """A client removes a person: they leave the organisation and its record of them goes;
    their account and learning records stay (ADR 0012)."""
    if record.active:
        _deactivate(record)
    record.delete()


def _members_of(*, organisation_id: int, resource: resources.Group) -> list[ProvisionedUser]:
    wanted = {member.value for member in resource.members or [] if member.value}
    found = list(
        ProvisionedUser.objects.filter(
            organisation_id=organisation_id, scim_id__in=_valid_ids(wanted)
        ).select_related("user")
    )
    if len(found) != len(wanted):
        raise HearthError("No such user.", fields={"members": ["No such user."]})
    return found


def _valid_ids(values: set[str]) -> list[str]:
    valid = []
    for value in values:
        try:
            valid.append(str(uuid.UUID(value)))
        except ValueError:
            raise HearthError("No such user.", fields={"members": ["No such user."]}) from None
    return valid


def _group_name(resource: resources.Group) -> str:
    _within(200, displayName=resource.display_name)
    _within(254, externalId=resource.external_id)
    return normalise_name(resource.display_name or "")


def _apply_group(*, group: ProvisionedGroup, resource: resources.Group) -> ProvisionedGroup:
    name = _group_name(resource)
    if not name:
        raise HearthError("Name the group.", fields={"displayName": ["Required."]})
    members = _members_of(organisation_id=group.organisation_id, resource=resource)
    if group.team.name != name:
        accounts_services.team_rename(
            actor=provisioning_actor(organisation_id=group.organisation_id),
            team=group.team,
            name=name,
        )
    group.external_id = resource.external_id or ""
    group.modified_at = timezone.now()
    group.save(update_fields=["external_id", "modified_at"])
    before = {member.pk: member for member in group.members.select_related("user")}
    after = {member.pk: member for member in members}
    group.members.set(members)
    for pk in before.keys() - after.keys():
        if before[pk].active:
            _leave_team(record=before[pk], team=group.team)
    for member in after.values():
        if member.active:
            _join_team(record=member, team=group.team)
    return group


@transaction.atomic
def provisioned_group_create(
    *, organisation_id: int, resource: resources.Group
) -> ProvisionedGroup:
    """A client adds a team (an existing team of that name, not yet provisioned, is
    adopted); its members become the team's learners while they are active."""
    name = _group_name(resource)
    team = Team.objects.filter(organisation_id=organisation_id, name=name).first()
    if team is None:
        team = accounts_services.team_create(
            actor=provisioning_actor(organisation_id=organisation_id),
            organisation_id=organisation_id,
            name=name,
        )
    elif ProvisionedGroup.objects.filter(team=team).exists():
        raise Conflict("A group with this displayName already exists.", code="uniqueness")
    group = ProvisionedGroup.objects.create(organisation_id=organisation_id, team=team)
    return _apply_group(group=group, resource=resource)


@transaction.atomic
def provisioned_group_replace(
    *, group: ProvisionedGroup, resource: resources.Group
) -> ProvisionedGroup:
    """A client replaces a team's name or members (PUT, or PATCH applied)."""
    locked = ProvisionedGroup.objects.select_for_update().select_related("team").get(pk=group.pk)
    return _apply_group(group=locked, resource=resource)


@transaction.atomic
def provisioned_group_delete(*, group: ProvisionedGroup) -> None:
    """A client removes a group: its members stop being the team's learners; the team and
    its records stay for the org admins to keep or remove."""
    for member in group.members.select_related("user"):
        if member.active:
            _leave_team(record=member, team=group.team)
    group.delete()


@transaction.atomic
def provisioning_token_create(
    *, actor: Actor, organisation_id: int, name: str
) -> tuple[ProvisioningToken, str]:
    """An org admin (signed in) makes a provisioning token; the secret is returned once
    and only its hash is stored."""
    if actor.is_api_key or actor.user_id is None:
        raise NotFound("No such organisation.")
    if organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such organisation.")
    token, secret = ProvisioningToken.objects.create_key(
        name=name.strip(), organisation_id=organisation_id, created_by_id=actor.user_id
    )
    return cast(ProvisioningToken, token), secret


@transaction.atomic
def provisioning_token_revoke(*, actor: Actor, token: ProvisioningToken) -> ProvisioningToken:
    """An org admin revokes a token at once: its next request is refused."""
    if token.organisation_id not in actor.admin_organisation_ids or actor.is_api_key:
        raise NotFound("No such token.")
    if not token.revoked:
        token.revoked = True
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked", "revoked_at"])
    return token
