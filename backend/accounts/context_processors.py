"""Template context for every page: which pages the main navigation offers this person.

One place for the navigation's rules. Each flag is evaluated only when a template asks,
from the actor the request resolves once anyway; each says exactly when its page would
open for this person.
"""

import functools

from django.http import HttpRequest

from accounts import second_factor
from accounts.selectors import (
    Actor,
    actor_from_request,
    partnerships_viewed_by,
    teams_assignable_by,
)

# The pages the main navigation's "Organisation" entry stands for (aria-current).
ORGANISATION_PAGES = frozenset(
    {
        "organisation",
        "people",
        "people-import",
        "person-invite",
        "person-admin",
        "teams",
        "api-keys",
        "provisioning",
        "jobs",
        "identity",
        "audit",
        "organisation-exports",
        "erasures",
        "person-erase",
    }
)


def navigation(request: HttpRequest) -> dict[str, object]:
    """`can_assign_training` and `can_view_team_competency`: a manager, or an org admin
    whose organisation has a team. `can_assess` (Assess, People I assess): an assessor.
    `can_see_background_work` (Organisation: people, teams, API keys, background work) and
    `can_manage_requirements`
    (Required training): an org
    admin. `can_see_compliance` (compliance at a glance): org admins and managers (no
    query). `can_see_dashboard`: org admins and managers
    (no query), and people with no role in an organisation who view a partnership (one
    query, only for them; a learner who also views a partnership opens it from
    /dashboard/, keeping learners' pages, the busiest, free of it)."""

    @functools.cache
    def actor() -> Actor | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return actor_from_request(request)

    @functools.cache
    def manages_a_team() -> bool:
        person = actor()
        if person is None:
            return False
        return person.is_manager or (person.is_org_admin and teams_assignable_by(person).exists())

    def can_assess() -> bool:
        person = actor()
        return person is not None and person.is_assessor

    def can_see_background_work() -> bool:
        person = actor()
        return person is not None and person.is_org_admin

    def can_manage_requirements() -> bool:
        person = actor()
        return person is not None and person.is_org_admin

    def can_see_compliance() -> bool:
        person = actor()
        return person is not None and (person.is_org_admin or person.is_manager)

    def can_see_dashboard() -> bool:
        person = actor()
        if person is None:
            return False
        if person.is_org_admin or person.is_manager:
            return True
        return not person.organisation_ids and partnerships_viewed_by(person).exists()

    def second_factor_owed() -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return False
        return second_factor.session_state(request) in second_factor.PENDING

    return {
        "organisation_pages": ORGANISATION_PAGES,
        "second_factor_owed": second_factor_owed,
        "can_assign_training": manages_a_team,
        "can_view_team_competency": manages_a_team,
        "can_assess": can_assess,
        "can_see_background_work": can_see_background_work,
        "can_manage_requirements": can_manage_requirements,
        "can_see_dashboard": can_see_dashboard,
        "can_see_compliance": can_see_compliance,
    }
