"""The indicator report (issue 7): each of the memorandum's seven indicators with the figures
that evidence it, the change from the previous quarter and the year-on-year view, equal
to a recount on seeded random data, for an organisation and (suppressed) a partnership;
the CSV says the same as the JSON."""

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from competencies.models import Assessment, Indicator
from reporting.indicators import Quarter
from tests.reporting.data import Data, build
from tests.support.api import key_client
from training.models import Enrolment

URL = "/api/v1/indicators/"


def _local(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment).date() if moment else None


def _in(quarter: Quarter, moment: datetime.datetime | None) -> bool:
    day = _local(moment)
    return day is not None and quarter.first_day <= day <= quarter.last_day


def recount(
    data: Data, organisation_ids: set[int], quarter: Quarter, partnership: bool
) -> dict[tuple[str, str], int]:
    """Every figure of every indicator for one quarter, record by record."""
    figures: dict[tuple[str, str], int] = defaultdict(int)
    superseded = set(
        Assessment.objects.filter(supersedes__isnull=False).values_list("supersedes_id", flat=True)
    )
    assessments = [
        a
        for a in Assessment.objects.select_related("competency")
        if a.outcome == "competent"
        and a.pk not in superseded
        and a.organisation_id in organisation_ids
        and _in(quarter, a.assessed_at)
    ]
    for code in Indicator.values:
        mapped = [a for a in assessments if f",{code}," in a.competency.indicators]
        figures[(code, "competencies_attained")] = len(mapped)
        figures[(code, "people_attaining")] = len({a.learner_id for a in mapped})
    completions = [
        e for e in Enrolment.objects.filter(status="completed") if _in(quarter, e.completed_at)
    ]
    sectors: dict[int, set[str]] = defaultdict(set)
    ours: dict[int, int] = defaultdict(int)
    for enrolment in completions:
        if partnership and enrolment.organisation_id not in organisation_ids:
            continue
        sectors[enrolment.module_id].add(data.sector_of[enrolment.organisation_id or 0])
        if enrolment.organisation_id in organisation_ids:
            ours[enrolment.module_id] += 1
    shared = [module for module, count in ours.items() if count and len(sectors[module]) >= 2]
    figures[("shared_learning", "shared_modules")] = len(shared)
    figures[("shared_learning", "shared_module_completions")] = sum(ours[m] for m in shared)
    active: dict[int, set[int]] = defaultdict(set)
    for enrolment in Enrolment.objects.filter(organisation_id__in=organisation_ids):
        moments = (
            enrolment.created_at,
            enrolment.started_at,
            enrolment.completed_at,
            enrolment.last_activity_at,
        )
        if any(_in(quarter, moment) for moment in moments):
            active[enrolment.organisation_id or 0].add(enrolment.learner_id)
    figures[("sector_engagement", "organisations_active")] = len(active)
    figures[("sector_engagement", "sectors_active")] = len({data.sector_of[o] for o in active})
    figures[("sector_engagement", "people_active")] = sum(len(p) for p in active.values())
    return dict(figures)


PERSONAL = {
    "competencies_attained",
    "people_attaining",
    "shared_module_completions",
    "people_active",
}


def check_report(
    body: dict[str, Any], data: Data, organisation_ids: set[int], partnership: bool
) -> None:
    quarter = Quarter.parse(body["quarter"])
    now = recount(data, organisation_ids, quarter, partnership)
    before = recount(data, organisation_ids, quarter.shifted(-1), partnership)
    year_ago = recount(data, organisation_ids, quarter.shifted(-4), partnership)
    threshold = settings.HEARTH_SMALL_NUMBER_THRESHOLD
    assert [indicator["code"] for indicator in body["indicators"]] == list(Indicator.values)
    seen = 0
    for indicator in body["indicators"]:
        for figure in indicator["figures"]:
            key = (indicator["code"], figure["figure"])
            hidden = partnership and figure["figure"] in PERSONAL
            for column, truth in (
                ("value", now[key]),
                ("previous_quarter", before[key]),
                ("year_before", year_ago[key]),
            ):
                if hidden and truth < threshold:
                    assert figure[column] is None and column in figure["suppressed_figures"]
                else:
                    assert figure[column] == truth, (key, column)
            if figure["value"] is not None and figure["previous_quarter"] is not None:
                assert figure["change"] == now[key] - before[key]
            else:
                assert figure["change"] is None
            if figure["value"] is not None and figure["year_before"] is not None:
                assert figure["year_on_year_change"] == now[key] - year_ago[key]
            else:
                assert figure["year_on_year_change"] is None
            seen += 1
    assert seen == 7 * 2 + 2 + 3


def check_csv(body: dict[str, Any], text: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["indicator", "indicator_label", "figure", "figure_label"]
    figures = [(i, f) for i in body["indicators"] for f in i["figures"]]
    assert len(rows) == len(figures) + 1
    for line, (indicator, figure) in zip(rows[1:], figures, strict=True):
        assert line[:4] == [
            indicator["code"],
            indicator["label"],
            figure["figure"],
            figure["label"],
        ]
        for cell, column in zip(line[4:9], rows[0][4:9], strict=True):
            if column in figure["suppressed_figures"]:
                assert cell == "suppressed"
            else:
                assert cell == ("" if figure[column] is None else str(figure[column]))


@pytest.mark.parametrize("seed", [41, 42])
def test_an_organisations_indicators_equal_a_recount(db: None, seed: int) -> None:
    data = build(seed, people=60, spread_days=500)
    client = key_client(data.organisations[0])
    organisation = data.organisations[0]
    for quarter in (Quarter.last_complete(), Quarter.last_complete().shifted(-1)):
        response = client.get(URL, {"organisation": str(organisation.pk), "quarter": str(quarter)})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["scope"] == {
            "kind": "organisation",
            "id": organisation.pk,
            "name": organisation.name,
        }
        assert body["suppression"] is None
        assert body["previous_quarter"] == str(quarter.shifted(-1))
        assert body["year_before"] == str(quarter.shifted(-4))
        check_report(body, data, {organisation.pk}, partnership=False)
        text = client.get(
            URL, {"organisation": str(organisation.pk), "quarter": str(quarter), "format": "csv"}
        ).content.decode("utf-8-sig")
        check_csv(body, text)


@pytest.mark.parametrize("seed", [43, 44])
def test_a_partnerships_indicators_equal_a_recount_with_small_numbers_suppressed(
    db: None, client_for: Callable[[User], APIClient], seed: int
) -> None:
    data = build(seed, people=90, spread_days=400)
    client = client_for(data.viewer)
    members = {o.pk for o in data.members}

    response = client.get(URL, {"partnership": data.partnership.pk})

    body = response.json()
    assert body["quarter"] == str(Quarter.last_complete())
    assert body["members"] == {"organisations": 3, "sectors": 3}
    assert body["suppression"] == {"threshold": 5}
    check_report(body, data, members, partnership=True)
    check_csv(
        body,
        client.get(URL, {"partnership": str(data.partnership.pk), "format": "csv"}).content.decode(
            "utf-8-sig"
        ),
    )
    assert any(f["suppressed"] for i in body["indicators"] for f in i["figures"])
    assert any(
        f["value"] is not None and f["figure"] in PERSONAL
        for i in body["indicators"]
        for f in i["figures"]
    )


# A quarter that has not started has no report: a 404 naming the field (issue 11).
@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"quarter": "2026-Q5", "organisation": 1}, "quarter", 400),
        ({"quarter": "2999-Q1", "organisation": 1}, "quarter", 404),
    ],
)
def test_bad_report_parameters_are_refused(
    db: None, params: dict[str, Any], field: str, status: int
) -> None:
    data = build(45, people=4, modules=1)
    params = {
        key: (data.organisations[0].pk if key == "organisation" else value)
        for key, value in params.items()
    }

    response = key_client(data.organisations[0]).get(URL, params)

    assert response.status_code == status, response.content
    assert field in response.json()["error"]["fields"]


def _quarters(values: Iterable[str]) -> list[Quarter]:
    return [Quarter.parse(value) for value in values]


def test_quarters_know_their_days_and_neighbours() -> None:
    q3, q1 = _quarters(["2026-Q3", "2026-Q1"])

    assert (q3.first_day, q3.last_day) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    assert str(q3.shifted(-1)) == "2026-Q2" and str(q1.shifted(-1)) == "2025-Q4"
    assert str(q3.shifted(-4)) == "2025-Q3"
    assert Quarter.last_complete(datetime.date(2026, 1, 15)) == Quarter(2025, 4)


def test_naming_neither_means_the_one_scope_a_key_has(db: None) -> None:
    """Issue 11: the schema cannot state "one of the two", so neither means your own."""
    data = build(45, people=4, modules=1)
    client = key_client(data.organisations[0])

    neither = client.get(URL, {"quarter": "2026-Q1"})
    named = client.get(URL, {"quarter": "2026-Q1", "organisation": str(data.organisations[0].pk)})

    assert neither.status_code == 200, neither.content
    assert neither.json() == named.json()


def test_naming_both_answers_404_unless_both_are_in_scope(db: None) -> None:
    data = build(45, people=4, modules=1)
    params = {
        "quarter": "2026-Q1",
        "organisation": str(data.organisations[0].pk),
        "partnership": "1",
    }

    response = key_client(data.organisations[0]).get(URL, params)

    assert response.status_code == 404
