"""What a subject access export holds (issue 17): every row that mentions the person,
found through `personal_data.person_links()` so a new model cannot be left out; the rows
hanging off the person's enrolments (lesson progress, quiz attempts); the evidence files
and certificate PDFs about them; and a readable summary.

Scope: the person's own request covers everything about them in every organisation. An
org admin's request on their behalf covers the rows held under that organisation
(`personal_data.organisation_filter`) and, of the rows that belong to no organisation,
only those about the person alone (ACCOUNT_ROWS: their own row and its history, their
email choices, their second-factor devices). Any other row without an organisation (the
Django admin's log of a staff member's actions, a model added later) may describe
another organisation, so only the person's own request holds it.
"""

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from zipfile import ZipFile

from django.apps import apps
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from privacy import archive
from privacy.models import SubjectAccessExport
from privacy.personal_data import models_about_people, organisation_filter, person_filter

# Rows that name the person only through one of their rows: (model, lookup to the person).
HANGING_ROWS = (
    ("training.LessonProgress", "enrolment__learner"),
    ("training.QuizAttempt", "enrolment__learner"),
)
# Rows that belong to no organisation and say nothing of one: in every export.
ACCOUNT_ROWS = frozenset(
    {
        "accounts.User",
        "audit.UserEvent",
        "notifications.EmailOptOut",
        "otp_static.StaticDevice",
        "otp_totp.TOTPDevice",
    }
)
# Files about the person: (model, column naming the person, file column). Only where the
# person is the record's subject (their evidence, their certificate), never where they
# are the assessor or the one who verified it.
SUBJECT_FILES = (
    ("competencies.Assessment", "learner_id", "evidence_file"),
    ("compliance.TrainingRecord", "person_id", "evidence_file"),
    ("certificates.Certificate", "learner_id", "pdf"),
)


@dataclass
class SubjectAccessData:
    person_id: int
    organisation_id: int | None  # None: every organisation
    tables: dict[str, list[dict[str, Any]]]
    files: list[tuple[str, str, Storage]] = field(default_factory=list)  # (in ZIP, stored, where)
    missing_files: list[str] = field(default_factory=list)


def _in_scope(
    queryset: "models.QuerySet[Any]", organisation_id: int | None
) -> "models.QuerySet[Any]":
    if organisation_id is None:
        return queryset
    condition = organisation_filter(queryset.model, organisation_id)
    if condition is not None:
        return queryset.filter(condition)
    return queryset if queryset.model._meta.label in ACCOUNT_ROWS else queryset.none()


def subject_access_data(*, person_id: int, organisation_id: int | None) -> SubjectAccessData:
    """Every row about the person in scope, by model label, and the files to include."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in models_about_people():
        rows = model._base_manager.filter(person_filter(model, person_id))
        tables[model._meta.label] = archive.table_rows(_in_scope(rows, organisation_id))
    for label, lookup in HANGING_ROWS:
        model = apps.get_model(label)
        rows = model._base_manager.filter(Q(**{lookup: person_id}))
        tables[label] = archive.table_rows(_in_scope(rows, organisation_id))
    data = SubjectAccessData(person_id, organisation_id, dict(sorted(tables.items())))
    for label, subject, column in SUBJECT_FILES:
        storage = apps.get_model(label)._meta.get_field(column).storage
        for row in data.tables.get(label, []):
            name = row.get(column) or ""
            if row.get(subject) != person_id or not name:
                continue
            inside = f"files/{label}/{row['pk']}-{PurePosixPath(name).name}"
            if storage.exists(name):
                data.files.append((inside, name, storage))
            else:
                data.missing_files.append(inside)
    return data


def _summary(export: SubjectAccessExport, data: SubjectAccessData) -> str:
    sections = []
    for label, rows in data.tables.items():
        if not rows:
            continue
        model = apps.get_model(label)
        columns = archive.exported_columns(model)
        if model._meta.pk is None or model._meta.pk.attname not in columns:
            columns = ["pk", *columns]
        sections.append(
            {
                "label": label,
                "title": str(model._meta.verbose_name_plural).capitalize(),
                "columns": columns,
                "rows": [[archive.cell_text(row.get(c)) for c in columns] for row in rows],
            }
        )
    return render_to_string(
        "privacy/exports_summary.html",
        {
            "export": export,
            "person": export.person,
            "sections": sections,
            "files": [inside for inside, _stored, _storage in data.files],
            "missing_files": data.missing_files,
            "generated_at": timezone.now(),
        },
    )


def subject_access_write(archive_file: ZipFile, export: SubjectAccessExport) -> None:
    """Write the export's data.json, summary.html and files into `archive_file`."""
    organisation_id = None if export.covers_all_organisations else export.organisation_id
    data = subject_access_data(person_id=export.person_id, organisation_id=organisation_id)
    document = {
        "person": export.person_id,
        "organisation": organisation_id,
        "scope": "every organisation" if organisation_id is None else "one organisation",
        "generated_at": timezone.now(),
        "tables": data.tables,
        "files": [inside for inside, _stored, _storage in data.files],
        "missing_files": data.missing_files,
    }
    archive_file.writestr("data.json", archive.as_json(document))
    archive_file.writestr("summary.html", _summary(export, data))
    for inside, stored, storage in data.files:
        with storage.open(stored, "rb") as handle:
            archive_file.writestr(inside, handle.read())
