"""Small-number suppression (issue 7, must show 2): partnership figures hide every count
below the threshold, and hide more wherever a subtraction would give a hidden one away,
consistently across the tables a partnership can ask for."""

import datetime
from collections.abc import Callable, Hashable
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts.models import Membership, Organisation, Partnership, Role, Team, User
from reporting.suppression import ALL, Cube, Hierarchy, flat
from tests.factories import (
    ModuleFactory,
    OrganisationFactory,
    PartnershipFactory,
    TeamFactory,
    UserFactory,
)
from tests.reporting.data import version_of
from training.models import Enrolment, EnrolmentStatus, Module

THRESHOLD = 5


def solve_by_subtraction(
    values: dict[Any, int], hidden: set[Any], lines: list[tuple[Any, list[Any]]]
) -> dict[Any, int]:
    """What an attacker learns: repeatedly solve any line (total = sum of parts) that has
    exactly one unknown. Returns the hidden values recovered."""
    known = {node: value for node, value in values.items() if node not in hidden}
    recovered: dict[Any, int] = {}
    changed = True
    while changed:
        changed = False
        for parent, members in lines:
            unknown = [node for node in [parent, *members] if node not in known]
            if len(unknown) != 1:
                continue
            node = unknown[0]
            if node == parent:
                known[node] = sum(known[m] for m in members)
            else:
                known[node] = known[parent] - sum(known[m] for m in members if m != node)
            recovered[node] = known[node]
            changed = True
    return recovered


def check_protected(cube: Cube, hidden: set[Any], index: int) -> None:
    values = {node: counts[index] for node, counts in cube.values.items()}
    assert {node for node, value in values.items() if value < THRESHOLD} <= hidden
    assert solve_by_subtraction(values, hidden, cube.lines) == {}
    for parent, members in cube.lines:
        hidden_members = [m for m in members if m in hidden]
        if parent not in hidden and hidden_members:
            assert len(hidden_members) >= 2
            assert sum(values[m] for m in hidden_members) >= THRESHOLD


organisations_strategy = st.dictionaries(
    st.integers(1, 12), st.sampled_from(["health", "housing", "social_care"]), min_size=1
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sectors=organisations_strategy,
    modules=st.integers(1, 6),
    data=st.data(),
)
def test_no_hidden_count_can_be_recovered_by_subtraction(
    sectors: dict[int, str], modules: int, data: st.DataObject
) -> None:
    leaves: dict[tuple[Hashable, Hashable], list[int]] = {
        (module, organisation): [data.draw(st.integers(0, 40)), data.draw(st.integers(0, 9))]
        for module in range(1, modules + 1)
        for organisation in sectors
        if data.draw(st.booleans())
    }
    if not leaves:
        return
    organisations = Hierarchy(
        {
            **{organisation: (("sector", sector),) for organisation, sector in sectors.items()},
            **{("sector", sector): (ALL,) for sector in set(sectors.values())},
        }
    )
    cube = Cube.build(leaves, flat(range(1, modules + 1)), organisations, 2)

    hidden = cube.suppress(THRESHOLD)

    for index in range(2):
        check_protected(cube, hidden[index], index)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12))
def test_a_single_line_hides_at_least_two_parts_adding_up_to_the_threshold(
    counts: list[int],
) -> None:
    leaves: dict[tuple[Hashable, Hashable], list[int]] = {
        (ALL, index): [count] for index, count in enumerate(counts)
    }
    cube = Cube.build(leaves, Hierarchy({}), flat(range(len(counts))), 1)

    hidden = cube.suppress(THRESHOLD)[0]

    check_protected(cube, hidden, 0)
    if (ALL, ALL) not in hidden:
        assert all(cube.values[(ALL, index)][0] >= 0 for index in range(len(counts)))


# --- through the API ----------------------------------------------------------------------


def _enrol(
    organisation: Organisation, team: Team, module: Module, count: int, **fields: Any
) -> None:
    people = UserFactory.create_batch(count)
    Membership.objects.bulk_create(
        Membership(user=p, organisation=organisation, team=team, role=Role.LEARNER) for p in people
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            learner=person,
            module=module,
            version_id=version_of(module),
            organisation=organisation,
            team=team,
            source="assigned",
            created_at=timezone.now() - datetime.timedelta(days=3),
            **fields,
        )
        for person in people
    )


@pytest.fixture
def partnership(db: None) -> tuple[Partnership, User, dict[str, Organisation]]:
    """Two health organisations (one tiny), one housing, one social care."""
    module = ModuleFactory.create(slug="suppression", current_version__title="Suppression")
    sizes = {"big health": ("health", 20), "tiny health": ("health", 3),
             "housing": ("housing", 30), "care": ("social_care", 12)}  # fmt: skip
    organisations = {}
    for name, (sector, size) in sizes.items():
        organisation = OrganisationFactory.create(name=name, sector=sector)
        team = TeamFactory.create(organisation=organisation)
        _enrol(organisation, team, module, size, status=EnrolmentStatus.IN_PROGRESS)
        organisations[name] = organisation
    viewer = UserFactory.create()
    partnership = PartnershipFactory.create(organisations=organisations.values(), viewers=[viewer])
    return partnership, viewer, organisations


def _figures(body: dict[str, Any], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in body["rows"]}


@override_settings(HEARTH_SMALL_NUMBER_THRESHOLD=THRESHOLD)
def test_a_small_organisation_is_suppressed_and_so_is_its_complement(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
    client_for: Callable[[User], APIClient],
) -> None:
    group, viewer, organisations = partnership
    client = client_for(viewer)
    url = f"/api/v1/partnerships/{group.pk}/stats/completions/"

    by_organisation = client.get(url, {"group_by": "organisation"}).json()
    by_sector = client.get(url, {"group_by": "sector"}).json()
    total = client.get(url).json()["totals"]

    rows = _figures(by_organisation, "organisation")
    tiny, big = rows["tiny health"], rows["big health"]
    assert tiny["enrolled"] is None and tiny["suppressed"] is True
    assert (
        "enrolled" in tiny["suppressed_figures"] and "completion_rate" in tiny["suppressed_figures"]
    )
    # 20 is above the threshold, but the health sector's 23 minus it would give 3 away.
    assert big["enrolled"] is None and "enrolled" in big["suppressed_figures"]
    assert rows["housing"]["enrolled"] == 30 and rows["care"]["enrolled"] == 12
    sectors = _figures(by_sector, "sector")
    assert sectors["health"]["enrolled"] == 23
    assert total["enrolled"] == 65
    assert by_organisation["suppression"] == {"threshold": THRESHOLD}
    # Zero is a count under the threshold too: nobody completed, nobody is overdue.
    assert (
        rows["housing"]["completed"] is None
        and "completed" in rows["housing"]["suppressed_figures"]
    )

    # Nothing hidden can be worked out from the three tables together.
    for figure in ("enrolled", "started", "completed", "overdue"):
        values: dict[Any, int] = {}
        hidden: set[Any] = set()
        true_counts = {
            "big health": 20, "tiny health": 3, "housing": 30, "care": 12,
        } if figure in ("enrolled", "started") else dict.fromkeys(rows, 0)  # fmt: skip
        for name, row in rows.items():
            values[name] = true_counts[name]
            if row[figure] is None:
                hidden.add(name)
            else:
                assert row[figure] == true_counts[name]
        sector_of = {o.name: o.sector for o in organisations.values()}
        for sector, row in sectors.items():
            node = ("sector", sector)
            values[node] = sum(v for n, v in true_counts.items() if sector_of[n] == sector)
            if row[figure] is None:
                hidden.add(node)
        values[ALL] = sum(true_counts.values())
        if total[figure] is None:
            hidden.add(ALL)
        lines = [(("sector", s), [n for n in rows if sector_of[n] == s]) for s in sectors] + [
            (ALL, [("sector", s) for s in sectors]),
            (ALL, list(rows)),
        ]
        assert solve_by_subtraction(values, hidden, lines) == {}, figure


@override_settings(HEARTH_SMALL_NUMBER_THRESHOLD=THRESHOLD)
def test_the_same_count_is_suppressed_alike_in_every_table_that_shows_it(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
    client_for: Callable[[User], APIClient],
) -> None:
    group, viewer, organisations = partnership
    client = client_for(viewer)
    url = f"/api/v1/partnerships/{group.pk}/stats/completions/"
    module = Module.objects.get(slug="suppression")

    by_organisation = client.get(url, {"group_by": "organisation"}).json()
    by_module_and_organisation = client.get(url, {"group_by": "module,organisation"}).json()
    one_organisation = client.get(url, {"organisation": str(organisations["big health"].pk)}).json()
    health_only = client.get(url, {"group_by": "organisation", "sector": "health"}).json()
    module_only = client.get(url, {"group_by": "organisation", "module": str(module.pk)}).json()

    plain = _figures(by_organisation, "organisation")
    assert _figures(by_module_and_organisation, "organisation") == {
        name: {**row, "module_id": module.pk, "module": "Suppression"}
        for name, row in plain.items()
    }
    assert one_organisation["totals"] == {
        key: value
        for key, value in plain["big health"].items()
        if key not in ("organisation_id", "organisation")
    }
    assert set(_figures(health_only, "organisation")) == {"big health", "tiny health"}
    assert health_only["totals"]["enrolled"] == 23
    assert _figures(module_only, "organisation") == plain


@override_settings(HEARTH_SMALL_NUMBER_THRESHOLD=2)
def test_the_threshold_is_a_setting(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
    client_for: Callable[[User], APIClient],
) -> None:
    group, viewer, _ = partnership

    body = (
        client_for(viewer)
        .get(f"/api/v1/partnerships/{group.pk}/stats/completions/", {"group_by": "organisation"})
        .json()
    )

    assert _figures(body, "organisation")["tiny health"]["enrolled"] == 3
    assert body["suppression"] == {"threshold": 2}


def test_partnership_figures_hold_no_personal_data(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
    client_for: Callable[[User], APIClient],
) -> None:
    group, viewer, _ = partnership
    client = client_for(viewer)
    allowed = {
        "organisation_id", "organisation", "sector", "sector_label", "module_id", "module",
        "month", "competency_id", "competency_code", "competency", "domain", "domain_label",
        "level", "level_label", "enrolled", "started", "completed", "overdue",
        "completion_rate", "competent", "expiring_soon", "expired", "not_yet_competent",
        "required", "required_and_met", "suppressed", "suppressed_figures",
    }  # fmt: skip
    people = list(User.objects.exclude(pk=viewer.pk))
    responses = []
    for endpoint in ("completions", "competencies"):
        for group_by in ("organisation", "sector", ""):
            response = client.get(
                f"/api/v1/partnerships/{group.pk}/stats/{endpoint}/", {"group_by": group_by}
            )
            assert response.status_code == 200
            body = response.json()
            for row in [*body["rows"], body["totals"]]:
                assert set(row) <= allowed
            responses.append(response.content.decode())
            responses.append(
                client.get(
                    f"/api/v1/partnerships/{group.pk}/stats/{endpoint}/",
                    {"group_by": group_by, "format": "csv"},
                ).content.decode()
            )
    text = "\n".join(responses)
    for person in people:
        assert person.email not in text and person.full_name not in text


def test_partnerships_are_never_grouped_or_filtered_by_team(
    partnership: tuple[Partnership, User, dict[str, Organisation]],
    client_for: Callable[[User], APIClient],
) -> None:
    group, viewer, _ = partnership
    client = client_for(viewer)
    url = f"/api/v1/partnerships/{group.pk}/stats/completions/"

    grouped = client.get(url, {"group_by": "team"})
    filtered = client.get(url, {"team": Team.objects.first().pk})  # type: ignore[union-attr]
    both_sides = client.get(url, {"group_by": "module,month"})

    assert grouped.status_code == 400 and "group_by" in grouped.json()["error"]["fields"]
    assert filtered.status_code == 200
    assert filtered.json()["filters"]["team"] is None
    assert both_sides.status_code == 400
