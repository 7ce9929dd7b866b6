"""Render the indicator report to PDF with WeasyPrint, through core.pdf as certificates do.

The same deny-by-default fetcher as certificates (core.pdf.AssetFetcher): the
only files a report may load are those bundled in reporting's own PDF assets folder
(its stylesheet), and anything else (a URL, a data: URI, a path outside the folder)
stops the render. Figures and names reach the template only through autoescaping.
A worker process keeps one renderer (fetcher, fonts, parsed stylesheet) for its life.
"""

import datetime
import functools
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import Renderer, renderer_for
from reporting.indicators import IndicatorReportData

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "reporting" / "pdf"
STYLESHEET = ASSETS_DIR / "indicator-report.css"
TEMPLATE = "reporting/indicator_report.html"


@functools.cache
def renderer() -> Renderer:
    """The process's report renderer, built on first use and kept."""
    return renderer_for(assets=ASSETS_DIR, stylesheet=STYLESHEET)


def indicator_report_html(report: IndicatorReportData, *, generated_at: datetime.datetime) -> str:
    """The report's HTML: every name and figure autoescaped by the template."""
    data = report.as_data()
    return render_to_string(
        TEMPLATE,
        {"report": data, "generated_on": timezone.localdate(generated_at)},
    )


def indicator_report_pdf(report: IndicatorReportData, *, generated_at: datetime.datetime) -> bytes:
    """The report as an A4 PDF/A with tagged, extractable text."""
    return renderer().pdf_from_html(indicator_report_html(report, generated_at=generated_at))
