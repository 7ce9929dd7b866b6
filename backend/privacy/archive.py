"""Writing an export's archive (issue 17): rows of any model as JSON-ready dicts and CSV,
secrets left out, and a ZIP stored under one name per export (a rerun overwrites it).
Shared by the subject access export (archive_subject.py) and the organisation export
(archive_organisation.py)."""

import csv
import io
import json
import tempfile
from collections.abc import Callable
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

from django.core.files import File
from django.core.files.storage import Storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

# Columns never exported, whatever the model: password hashes, key and token hashes, a
# second factor's secret, identity providers' client secrets, session data.
SECRET_FIELDS = frozenset(
    {"password", "hashed_key", "key", "token", "client_secret", "session_data", "secret"}
)


def exported_columns(model: type[models.Model]) -> list[str]:
    """The model's concrete columns as exported (foreign keys by their `_id` column)."""
    return [
        field.attname
        for field in model._meta.concrete_fields
        if field.name not in SECRET_FIELDS and field.attname not in SECRET_FIELDS
    ]


def table_rows(queryset: "models.QuerySet[Any]") -> list[dict[str, Any]]:
    """The rows of `queryset`, oldest first, each with its `pk` and its exported columns
    (a file by its stored name, a JSON column as its value)."""
    columns = exported_columns(queryset.model)
    pk_name = queryset.model._meta.pk.attname if queryset.model._meta.pk else "id"
    return [
        {"pk": row[pk_name], **row} for row in queryset.order_by("pk").values(*columns).iterator()
    ]


def as_json(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


def cell_text(value: Any) -> str:
    """A value as text: empty for none, JSON for a structure, ISO 8601 for a time."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return str(json.dumps(value, cls=DjangoJSONEncoder)).strip('"')


def _csv_cell(value: Any) -> str:
    """Text a spreadsheet would run as a formula is kept as text."""
    text = cell_text(value)
    return f"'{text}" if isinstance(value, str) and text[:1] in ("=", "+", "-", "@") else text


def as_csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    """The rows as CSV with a header row (UTF-8 with a byte order mark, for spreadsheets)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["pk", *columns])
    for row in rows:
        writer.writerow([_csv_cell(row.get(name)) for name in ["pk", *columns]])
    return ("\ufeff" + buffer.getvalue()).encode()


def archive_store(storage: Storage, name: str, write: Callable[[ZipFile], None]) -> str:
    """Build a ZIP with `write` in a temporary file and store it as `name`, replacing any
    file a killed job left there; returns the stored name."""
    with tempfile.TemporaryFile() as handle:
        with ZipFile(handle, "w", compression=ZIP_DEFLATED) as archive:
            write(archive)
        handle.seek(0)
        if storage.exists(name):
            storage.delete(name)
        stored = storage.save(name, File(handle))
    if stored != name:
        raise OSError(f"storage stored {stored!r} instead of {name!r}")
    return stored


def file_delete(storage: Storage, name: str) -> None:
    if name and storage.exists(name):
        storage.delete(name)
