"""An org admin (signed in, or a read-write key) or a provisioning system ends a person's
place in the organisation: see accounts/leaving.py for what leaving ends."""

from django.db import transaction

from accounts.leaving import people_leave
from accounts.models import Membership
from accounts.selectors import Actor, organisation_get_for_admin
from core.errors import Forbidden, NotFound


@transaction.atomic
def person_leave(*, actor: Actor, organisation_id: int, user_id: int) -> None:
    """The person leaves the organisation now. Someone with no membership there is not
    found (404), as someone in another organisation is; org admins cannot end their own
    place, so an organisation is never left without the admin who did it."""
    actor.require_write()
    organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    held = Membership.including_pending.filter(organisation_id=organisation_id, user_id=user_id)
    if not held.exists():
        raise NotFound("No such person.")
    if user_id == actor.user_id:
        raise Forbidden("You cannot deactivate yourself; ask another org admin.", code="self")
    people_leave(organisation_id=organisation_id, user_ids={user_id})
