"""A stored file served as a download, the same way by every page and API endpoint."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from core.errors import NotFound


def attachment(
    file: FieldFile,
    *,
    filename: str,
    content_type: str,
    missing: str = "This file is missing from storage.",
) -> FileResponse:
    """The file as an attachment named `filename`, never sniffed as another type. A file
    gone from storage is NotFound with the `missing` message (a 404), never a 500."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise NotFound(missing) from error
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
