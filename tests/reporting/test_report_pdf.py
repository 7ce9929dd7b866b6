"""The indicator report PDF (issue 7, must show 5): built by a real Celery worker on Redis,
its text holds every indicator and every figure; asking again or running the job again
makes no second report; it renders with the certificates' deny-by-default fetcher."""

import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import pytest
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import KeyScope, User
from core.pdf import AssetFetcher, AssetRefused
from reporting import building
from reporting.indicators import Quarter
from reporting.models import IndicatorReport, ReportStatus
from reporting.pdf import renderer
from tests.reporting.data import build
from tests.support.api import key_client
from tests.support.worker import celery_worker, wait_for

REQUEST = "/api/v1/indicators/reports/"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def cell(figure: dict[str, Any], column: str) -> str:
    if column in figure["suppressed_figures"]:
        return "suppressed"
    value = figure[column]
    if value is None:
        return "\u2013"  # an en dash: no figure
    if column in ("change", "year_on_year_change") and value > 0:
        return f"+{value}"
    return str(value)


def download(client: APIClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    return b"".join(cast(Iterable[bytes], cast(StreamingHttpResponse, response).streaming_content))


def assert_holds_every_figure(text: str, report: dict[str, Any]) -> None:
    assert f"Indicators of success, {report['quarter']}" in text
    for indicator in report["indicators"]:
        assert indicator["label"] in text, indicator["label"]
        for figure in indicator["figures"]:
            columns = ("value", "previous_quarter", "change", "year_before", "year_on_year_change")
            row = " ".join([figure["label"], *(cell(figure, column) for column in columns)])
            assert row in text, row


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_report_pdf_is_built_by_the_worker_with_every_indicator_and_figure(
    tmp_path: Path, client_for: Callable[[User], APIClient]
) -> None:
    data = build(51, people=90, spread_days=400)
    viewer = client_for(data.viewer)
    key = key_client(data.organisations[0], KeyScope.READ_WRITE)  # asking records a report
    quarter = str(Quarter.last_complete())
    partnership = {"partnership": str(data.partnership.pk), "quarter": quarter}
    organisation = {"organisation": str(data.organisations[0].pk), "quarter": quarter}

    with celery_worker(tmp_path) as worker:
        asked = viewer.post(REQUEST, partnership, format="json")
        asked_by_key = key.post(REQUEST, organisation, format="json")
        assert asked.status_code == 202 and asked_by_key.status_code == 202
        status_url = asked["Location"]
        assert status_url == asked.json()["status_url"] and asked.json()["download_url"] is None

        def ready(client: APIClient, url: str) -> bool:
            return client.get(url).json()["status"] == ReportStatus.READY

        wait_for(lambda: ready(viewer, status_url), what="the partnership PDF", worker=worker)
        wait_for(
            lambda: ready(key, asked_by_key["Location"]), what="the organisation PDF", worker=worker
        )
        again = viewer.post(REQUEST, partnership, format="json")
        log = worker.log()

    assert again.status_code == 200 and again.json()["id"] == asked.json()["id"]
    assert log.count("reporting.tasks.build_indicator_report[") == 4  # two received, two done
    assert "raised" not in log
    status = viewer.get(status_url).json()
    assert status["download_url"] == f"{status_url}pdf/"
    for client, params, url in (
        (viewer, partnership, status["download_url"]),
        (key, organisation, asked_by_key.json()["status_url"] + "pdf/"),
    ):
        content = download(client, url)
        assert content.startswith(b"%PDF-")
        text = pdf_text(content)
        figures = client.get("/api/v1/indicators/", params).json()
        assert_holds_every_figure(text, figures)
    partnership_text = pdf_text(download(viewer, status["download_url"]))
    assert "suppressed" in partnership_text and data.partnership.name in partnership_text
    assert IndicatorReport.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_building_again_makes_no_second_report_or_file(
    client_for: Callable[[User], APIClient],
) -> None:
    data = build(52, people=20, spread_days=300)
    viewer = client_for(data.viewer)
    quarter = str(Quarter.last_complete())

    folder = Path(default_storage.path("reports/indicators"))
    folder.mkdir(parents=True, exist_ok=True)
    before = {p.name for p in folder.iterdir()}

    first = viewer.post(REQUEST, {"partnership": data.partnership.pk, "quarter": quarter})
    report = IndicatorReport.objects.get(pk=first.json()["id"])
    built = building.indicator_report_build(report_id=report.pk)
    rebuilt = building.indicator_report_build(report_id=report.pk)
    asked_again = viewer.post(REQUEST, {"partnership": data.partnership.pk, "quarter": quarter})

    name = f"partnership-{data.partnership.pk}-{quarter}.pdf"
    assert built is not None and rebuilt is not None
    assert built.pdf.name == rebuilt.pdf.name == f"reports/indicators/{name}"
    assert rebuilt.rendered_at == built.rendered_at
    assert asked_again.status_code == 200
    assert IndicatorReport.objects.count() == 1
    assert {p.name for p in folder.iterdir()} - before <= {name}
    assert (folder / name).read_bytes().startswith(b"%PDF-")


def test_reports_render_with_the_certificates_deny_by_default_fetcher() -> None:
    report_renderer = renderer()

    assert isinstance(report_renderer.fetcher, AssetFetcher)
    for markup in (
        '<img src="https://example.org/tracker.png" alt="">',
        '<img src="file:///etc/passwd" alt="">',
        '<link rel="stylesheet" href="../../../../settings.css">',
    ):
        with pytest.raises(AssetRefused):
            report_renderer.pdf_from_html(f"<html><body>{markup}</body></html>")
    assert re.match(rb"%PDF-", report_renderer.pdf_from_html("<p>Plain</p>"))


def test_a_report_cannot_be_asked_for_a_quarter_not_yet_started(
    db: None, client_for: Callable[[User], APIClient]
) -> None:
    data = build(53, people=4, modules=1)

    response = client_for(data.viewer).post(
        REQUEST, {"partnership": data.partnership.pk, "quarter": "2999-Q1"}
    )

    # No report exists for a quarter that has not started (issue 11: a 404 naming the field).
    assert response.status_code == 404
    assert list(response.json()["error"]["fields"]) == ["quarter"]
    assert IndicatorReport.objects.count() == 0
