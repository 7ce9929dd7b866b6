"""ETag and Last-Modified on statistics (issue 7): a nightly pull of unchanged figures gets
304 and no body, with If-None-Match or If-Modified-Since; any change to the figures,
even one no timestamp records (a due date moved), gives 200 and a new ETag."""

import datetime

import pytest
from django.utils import timezone
from django.utils.http import http_date, parse_http_date
from rest_framework.test import APIClient

from accounts.models import Organisation, Team, User
from reporting.models import StatsValidator
from reporting.tasks import purge_stats_validators
from tests.conftest import World
from tests.factories import EnrolmentFactory, ModuleFactory
from tests.support.api import key_client
from training.models import Enrolment

URL = "/api/v1/stats/completions/"


@pytest.fixture
def client_and_enrolment(world: World) -> tuple[APIClient, Enrolment, Enrolment]:
    module = ModuleFactory.create(slug="etag", current_version__title="ETag")

    def enrol(learner: User, organisation: Organisation, team: Team) -> Enrolment:
        return EnrolmentFactory.create(
            learner=learner,
            module=module,
            organisation=organisation,
            team=team,
            due_date=timezone.localdate() - datetime.timedelta(days=1),
        )

    ours = enrol(world.x_learner_a, world.org_x, world.x_team_a)
    theirs = enrol(world.y_learner, world.org_y, world.y_team_a)
    return key_client(world.org_x), ours, theirs


def test_unchanged_figures_answer_304_to_either_validator(
    client_and_enrolment: tuple[APIClient, Enrolment, Enrolment],
) -> None:
    client, _, theirs = client_and_enrolment

    first = client.get(URL, {"group_by": "module"})
    etag, last_modified = first["ETag"], first["Last-Modified"]
    Enrolment.objects.filter(pk=theirs.pk).update(status="completed", completed_at=timezone.now())
    by_etag = client.get(URL, {"group_by": "module"}, HTTP_IF_NONE_MATCH=etag)
    by_date = client.get(URL, {"group_by": "module"}, HTTP_IF_MODIFIED_SINCE=last_modified)
    by_list = client.get(URL, {"group_by": "module"}, HTTP_IF_NONE_MATCH=f'"other", W/{etag}')

    assert first.status_code == 200 and first.json()["totals"]["overdue"] == 1
    assert etag.startswith('"') and len(etag) == 42
    assert first["Cache-Control"] == "private, no-store"
    assert "Accept" in first["Vary"] and "Authorization" in first["Vary"]
    assert parse_http_date(last_modified) <= timezone.now().timestamp()
    for response in (by_etag, by_date, by_list):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag and response["Last-Modified"] == last_modified
    assert StatsValidator.objects.count() == 1


def test_a_changed_figure_gives_200_and_new_validators(
    client_and_enrolment: tuple[APIClient, Enrolment, Enrolment],
) -> None:
    client, ours, _ = client_and_enrolment
    first = client.get(URL)
    stored = StatsValidator.objects.get().changed_at

    # Moving a due date touches no timestamp, but it changes the overdue figure.
    Enrolment.objects.filter(pk=ours.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=7)
    )
    by_etag = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert by_etag.status_code == 200 and by_etag.json()["totals"]["overdue"] == 0
    assert by_etag["ETag"] != first["ETag"]
    assert by_date.status_code == 200 and by_date["ETag"] == by_etag["ETag"]
    assert StatsValidator.objects.get().changed_at > stored
    again = client.get(URL, HTTP_IF_NONE_MATCH=by_etag["ETag"])
    assert again.status_code == 304


def test_json_csv_and_each_query_have_their_own_validators(
    client_and_enrolment: tuple[APIClient, Enrolment, Enrolment],
) -> None:
    client, _, _ = client_and_enrolment

    plain = client.get(URL)
    as_csv = client.get(URL, {"format": "csv"})
    grouped = client.get(URL, {"group_by": "team"})
    csv_again = client.get(URL, {"format": "csv"}, HTTP_IF_NONE_MATCH=as_csv["ETag"])
    json_with_csv_tag = client.get(URL, HTTP_IF_NONE_MATCH=as_csv["ETag"])

    assert len({plain["ETag"], as_csv["ETag"], grouped["ETag"]}) == 3
    assert csv_again.status_code == 304
    assert json_with_csv_tag.status_code == 200
    assert as_csv["Content-Disposition"].startswith('attachment; filename="hearth-completions-')


def test_an_error_is_never_cached(
    client_and_enrolment: tuple[APIClient, Enrolment, Enrolment],
) -> None:
    client, _, _ = client_and_enrolment

    response = client.get(URL, {"group_by": "nonsense"}, HTTP_IF_NONE_MATCH="*")

    assert response.status_code == 400
    assert "ETag" not in response


def test_validators_unchanged_for_90_days_are_forgotten_and_answers_stay_right(
    client_and_enrolment: tuple[APIClient, Enrolment, Enrolment],
) -> None:
    client, _, _ = client_and_enrolment
    old = client.get(URL)
    client.get(URL, {"group_by": "team"})
    StatsValidator.objects.filter(changed_at__lte=timezone.now()).update(
        changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    kept = StatsValidator.objects.create(
        key="k" * 64, etag="e", changed_at=timezone.now() - datetime.timedelta(days=89)
    )

    first_run = purge_stats_validators()
    second_run = purge_stats_validators()
    by_etag = client.get(URL, HTTP_IF_NONE_MATCH=old["ETag"])
    # What a client that last pulled 91 days ago holds.
    months_ago = http_date((timezone.now() - datetime.timedelta(days=91)).timestamp())
    by_old_date = client.get(URL, HTTP_IF_MODIFIED_SINCE=months_ago)
    by_new_date = client.get(URL, HTTP_IF_MODIFIED_SINCE=by_old_date["Last-Modified"])

    assert (first_run, second_run) == (2, 0)
    # The 89-day-old one, and the plain query's, recorded again by the requests above.
    assert StatsValidator.objects.count() == 2
    assert StatsValidator.objects.filter(pk=kept.pk).exists()
    assert by_etag.status_code == 304 and by_etag["ETag"] == old["ETag"]
    assert by_old_date.status_code == 200 and by_old_date["ETag"] == old["ETag"]
    assert by_new_date.status_code == 304
