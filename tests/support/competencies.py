"""Competency fixtures for tests: a small framework and team requirements."""

from typing import Any

from accounts.models import Role, Team, User
from competencies.models import Competency, Domain, Framework
from tests.factories import CompetencyFactory, MembershipFactory, RequirementFactory, UserFactory


def make_framework(count: int = 5, *, validity_months: int = 24) -> list[Competency]:
    """A framework with `count` competencies spread over the domains and levels."""
    framework, _ = Framework.objects.get_or_create(slug="test", defaults={"title": "Test"})
    domains = list(Domain.values)
    return [
        CompetencyFactory.create(
            framework=framework,
            code=f"T-{index:02d}",
            title=f"Competency {index}",
            description="Can do the thing.",
            domain=domains[index % len(domains)],
            level=1 + index % 3,
            indicators=",signposting,",
            validity_months=validity_months,
        )
        for index in range(count)
    ]


def require(team: Team, competencies: list[Competency], role: str = "") -> None:
    for competency in competencies:
        RequirementFactory.create(team=team, role=role, competency=competency)


def cells_of(person: dict[str, Any]) -> list[dict[str, Any]]:
    """The matrix API's aligned arrays for one person, as one dict per cell."""
    return [
        {"state": state, "level": level, "valid_until": until, "required_level": required}
        for state, level, until, required in zip(
            person["states"],
            person["levels"],
            person["valid_until"],
            person["required_levels"],
            strict=True,
        )
    ]


def team_with_learners(
    world: Any, people: int, competencies: int
) -> tuple[Team, list[User], list[Competency]]:
    """X team A grown to `people` members (the world's manager, assessor and learner, then
    more learners) and a framework of `competencies`, half of them required of learners."""

    team = world.x_team_a
    comps = make_framework(competencies)
    require(team, comps[: competencies // 2], role=Role.LEARNER)
    learners = [world.x_learner_a]
    for _ in range(people - 3):
        user = UserFactory.create()
        MembershipFactory.create(user=user, team=team, role=Role.LEARNER)
        learners.append(user)
    return team, learners, comps
