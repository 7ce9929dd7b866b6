"""Issue 11: `make run` as a newcomer runs it, on a fresh directory and a port of its own:
the demo seeds with no traceback, a demo learner signs in over HTTP and downloads their
certificate PDF, and its links name the port served."""

import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.people import DEMO_PASSWORD
from tests.certificates.pdfs import pdf_text
from tests.support.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
LEARNER = "learner@riverside-nhs.example"
STARTUP_SECONDS = 240

pytestmark = pytest.mark.embedded_only


class Browser:
    """A signed-in visitor over plain HTTP: cookies kept, CSRF token sent with forms."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, bytes, str]:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read(), response.headers.get_content_type()

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token or ""}).encode()
        request = urllib.request.Request(
            self.base + path, data=data, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.url


@pytest.fixture
def make_run(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`make run PORT=<free port>` with nothing of the test run's environment: no
    DATABASE_URL, broker, cache, SMTP or settings module; its own var directory."""
    port = free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "EMAIL_", "DJANGO_", "MAKE"))
        and key not in {"SITE_URL", "MFLAGS", "PORT"}
    }
    environment["HEARTH_VAR_DIR"] = str(tmp_path / "var")
    log = tmp_path / "make-run.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"make run exited {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail(f"make run did not serve within {STARTUP_SECONDS}s:\n{log.read_text()}")
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_make_run_seeds_cleanly_and_a_demo_learner_downloads_a_certificate(
    make_run: tuple[str, Path],
) -> None:
    base, log = make_run
    browser = Browser(base)

    browser.get("/sign-in/")
    status, landed = browser.post("/sign-in/", {"username": LEARNER, "password": DEMO_PASSWORD})
    _, page, _ = browser.get("/certificates/")
    pdf_links = sorted(set(re.findall(rb'href="(/certificates/\d+/pdf/)"', page)))
    assert pdf_links, page.decode()[:2000]
    pdf_status, pdf, content_type = browser.get(pdf_links[0].decode())
    pdf_file = log.parent / "certificate.pdf"
    pdf_file.write_bytes(pdf)

    output = log.read_text()
    assert "Traceback" not in output and " ERROR " not in output, output[-5000:]
    assert "Demo ready:" in output
    assert (status, urllib.parse.urlsplit(landed).path) == (200, "/")
    assert (pdf_status, content_type) == (200, "application/pdf")
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf_file)
    assert "Amira Khan" in text
    # SITE_URL follows PORT: the certificate's verification link names the port served.
    assert f"{base.removeprefix('http://')}/verify/" in text.replace("\n", "")
