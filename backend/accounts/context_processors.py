"""Template context for every page: which accounts pages the main navigation offers."""

from django.http import HttpRequest

from accounts.selectors import actor_from_request


def navigation(request: HttpRequest) -> dict[str, object]:
    """`can_see_background_work`: show "Background work" exactly when /jobs/ would open
    (an org admin). Evaluated only when a template asks, from the actor the request
    resolves once anyway (no query of its own)."""

    def can_see_background_work() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return actor_from_request(request).is_org_admin

    return {"can_see_background_work": can_see_background_work}
