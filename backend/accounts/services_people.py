"""An org admin moves a person to another team or changes one of their roles (the people
pages). Inviting, adding a role and removing one are accounts.services'; leaving is
services_leavers'."""

from django.db import IntegrityError, transaction

from accounts.models import TEAM_ROLES, Membership, Role
from accounts.selectors import Actor
from accounts.services import team_in_organisation
from core.errors import Conflict, Forbidden, HearthError, NotFound


@transaction.atomic
def membership_change(
    *, actor: Actor, membership_id: int, role: str, team_id: int | None
) -> Membership:
    """Move a membership to another team of its organisation, or give it another role,
    keeping whether it was accepted. A membership outside the admin's organisations is
    not found; learners and managers need a team, org admins hold none."""
    actor.require_write()
    membership = (
        Membership.including_pending.select_for_update(of=("self",))
        .order_by()
        .filter(pk=membership_id, organisation_id__in=actor.admin_organisation_ids)
        .first()
    )
    if membership is None:
        raise NotFound("No such membership.")
    if role not in Role.values:
        raise HearthError("Choose a role.", fields={"role": ["Choose one of the roles."]})
    team = team_in_organisation(organisation_id=membership.organisation_id, team_id=team_id)
    if role in TEAM_ROLES and team is None:
        raise HearthError(
            "Learners and managers belong to a team.", fields={"team": ["Choose a team."]}
        )
    if role == Role.ORG_ADMIN:
        team = None
    if membership.user_id == actor.user_id and membership.role == Role.ORG_ADMIN != role:
        raise Forbidden("You cannot give up your own org admin role; ask another org admin.")
    membership.role, membership.team = role, team
    try:
        with transaction.atomic():
            membership.save(update_fields=["role", "team"])
    except IntegrityError as error:
        raise Conflict("This person already holds that role there.") from error
    return membership
