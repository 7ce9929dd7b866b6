"""Template helpers for the dashboards and the main navigation's dashboard link."""

from collections.abc import Mapping
from typing import Any

from django import template

from accounts.selectors import actor_from_request, partnerships_viewed_by

register = template.Library()


@register.filter
def get_item(mapping: Mapping[str, Any], key: str) -> Any:
    """A dict's value by a key held in a variable."""
    return mapping.get(key)


@register.simple_tag(takes_context=True)
def can_see_dashboard(context: template.Context) -> bool:
    """Whether the main navigation offers "Dashboard": to org admins and managers (known
    from the actor the request resolves anyway, no query), and to people with no role in
    an organisation who view a partnership (one query, only for them). Learners' pages,
    the busiest, stay free of it; a learner who also views a partnership opens it from
    /dashboard/."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    actor = actor_from_request(request)
    if actor.is_org_admin or actor.is_manager:
        return True
    if actor.organisation_ids:
        return False
    return partnerships_viewed_by(actor).exists()
