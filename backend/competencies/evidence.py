"""What an evidence file is, decided by Hearth from its content, never by the sender.

A browser or API client declares a file's type; anyone can declare `run.sh` or an
HTML page to be a PDF. Hearth reads the file's own bytes (puremagic: magic numbers,
and for Office files the package's content types), accepts PDF, PNG, JPEG and Word
(.docx) only, stores the file under the extension it found, and serves it back with
the type that extension stands for, as a download that browsers must not sniff.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from django.core.files.uploadedfile import UploadedFile

from core.errors import HearthError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Media type -> the extension a stored file gets.
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    DOCX: "docx",
}
TYPE_OF_EXTENSION = {extension: media_type for media_type, extension in EVIDENCE_TYPES.items()}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
NOT_ACCEPTED = "Not a PDF, JPEG, PNG or .docx file."


@dataclass(frozen=True)
class ServedEvidence:
    """How a stored evidence file is sent: its media type and download name."""

    content_type: str
    filename: str


def _matches_of(evidence_file: UploadedFile) -> list[puremagic.PureMagicWithConfidence]:
    """puremagic's reading of the file, most confident first. Its deep scan (which tells
    a Word document from any other zip) needs a path, and it takes the path's extension
    as a hint, so the content is copied to a temporary file with a neutral name."""
    evidence_file.seek(0)
    with tempfile.NamedTemporaryFile(suffix=".evidence") as copy:
        for chunk in evidence_file.chunks():
            copy.write(chunk)
        copy.flush()
        evidence_file.seek(0)
        return puremagic.magic_file(copy.name)


def evidence_type_of(evidence_file: UploadedFile) -> str:
    """The file's media type read from its content, or a refusal if it is not one of
    EVIDENCE_TYPES (whatever type the sender declared)."""
    try:
        matches = _matches_of(evidence_file)
    except (puremagic.PureError, ValueError, OSError):
        matches = []
    best = matches[0].confidence if matches else 0
    for match in matches:
        if match.confidence == best and match.mime_type in EVIDENCE_TYPES:
            return match.mime_type
    raise HearthError(
        "Upload a PDF, JPEG, PNG or Word document.", fields={"evidence_file": [NOT_ACCEPTED]}
    )


def evidence_file_checked(evidence_file: UploadedFile) -> UploadedFile:
    """Refuse a file that is too large or not an accepted type; name it for its type."""
    if evidence_file.size is not None and evidence_file.size > EVIDENCE_MAX_BYTES:
        raise HearthError(
            "Evidence files are limited to 10 MB.", fields={"evidence_file": ["Larger than 10 MB."]}
        )
    extension = EVIDENCE_TYPES[evidence_type_of(evidence_file)]
    stem = PurePath(evidence_file.name or "").stem[:80] or "evidence"
    evidence_file.name = f"{stem}.{extension}"
    return evidence_file


def evidence_served(stored_name: str) -> ServedEvidence:
    """The type a stored file is served as: the one its Hearth-given extension stands
    for; a file stored before types were checked is plain bytes."""
    filename = os.path.basename(stored_name)
    extension = PurePath(filename).suffix.lower().lstrip(".")
    return ServedEvidence(
        content_type=TYPE_OF_EXTENSION.get(extension, "application/octet-stream"),
        filename=filename,
    )
