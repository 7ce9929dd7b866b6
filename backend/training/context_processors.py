"""Template context for every page: what the main navigation may offer this person."""

from django.http import HttpRequest

from accounts.selectors import actor_from_request, teams_assignable_by


def navigation(request: HttpRequest) -> dict[str, object]:
    """`can_assign_training`: show "Assign training" exactly when the assign page would open
    (a manager, or an org admin whose organisation has a team). Evaluated only when a
    template asks, from the actor the request resolves once anyway."""

    def can_assign_training() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        actor = actor_from_request(request)
        if actor.is_manager:
            return True
        return actor.is_org_admin and teams_assignable_by(actor).exists()

    return {"can_assign_training": can_assign_training}
