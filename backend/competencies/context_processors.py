"""Template context for every page: which competency pages the main navigation offers."""

from django.http import HttpRequest

from accounts.selectors import actor_from_request, teams_assignable_by


def navigation(request: HttpRequest) -> dict[str, object]:
    """`can_view_team_competency`: exactly when the team matrix would open (a manager, or
    an org admin whose organisation has a team). `can_assess`: exactly when the assessor's
    form would open. Evaluated only when a template asks, from the request's actor."""

    def signed_in() -> bool:
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated

    def can_view_team_competency() -> bool:
        if not signed_in():
            return False
        actor = actor_from_request(request)
        if actor.is_manager:
            return True
        return actor.is_org_admin and teams_assignable_by(actor).exists()

    def can_assess() -> bool:
        return signed_in() and actor_from_request(request).is_assessor

    return {"can_view_team_competency": can_view_team_competency, "can_assess": can_assess}
