"""Debian's Chromium driven by Playwright, and axe-core checks inside it."""

import shutil
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, ViewportSize

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
NARROW: ViewportSize = {"width": 320, "height": 640}

_axe = Axe()
# The first few elements whose right edge passes the viewport's, to say what scrolls.
_PAST_THE_EDGE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll("*")]
    .filter((element) => element.getBoundingClientRect().right > width + 1)
    .slice(0, 8)
    .map((element) => `${element.tagName.toLowerCase()}.${element.classList.value}`);
}"""


def chromium_path() -> str:
    """Debian's chromium; the suite never downloads a browser of its own."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which(path):
        raise RuntimeError("Debian's chromium is not installed: run `make system-deps`.")
    return path


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.2 A and AA rules on the page; return the violations."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    return list(results.response["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    )


def assert_accessible(page: Page, where: str) -> None:
    """0 axe-core violations at desktop width and at 320 px."""
    for viewport in (DESKTOP, NARROW):
        page.set_viewport_size(viewport)
        violations = axe_violations(page)
        assert violations == [], f"{where} at {viewport['width']}px:\n{describe(violations)}"
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, (
            f"{where} scrolls sideways at {viewport['width']}px, past the edge: "
            f"{page.evaluate(_PAST_THE_EDGE)}"
        )
    page.set_viewport_size(DESKTOP)


def csp_errors(page: Page) -> list[str]:
    """Start collecting the page's Content Security Policy violations, as Chromium's
    console reports them; the returned list fills as the page runs."""
    errors: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            errors.append(message.text)

    page.on("console", listen)
    return errors
