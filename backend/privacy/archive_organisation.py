"""What an organisation export holds (issue 17: no lock-in): one CSV and one JSON file per
table of everything held under the organisation, found by introspection over every model
with an organisation path (`personal_data.organisation_path`), plus the people it holds
records of (members, and leavers whose memberships are gone: their own rows and those
rows' history), and a README.txt describing the files.

Left out: the shared catalogue (modules' topics, frameworks, requirement definitions),
which belongs to no organisation; rows of other organisations; secrets (archive.py).
"""

from typing import Any
from zipfile import ZipFile

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone

from privacy import archive
from privacy.exports_selectors import people_held_filter
from privacy.models import OrganisationExport
from privacy.personal_data import organisation_filter

# Models held under the organisation that introspection does not reach: a choice is four
# foreign keys from its module's organisation.
FAR_PATHS = {"training.Choice": "question__version__module__organisation"}


def _scope(model: type[models.Model], organisation_id: int) -> Q | None:
    """The rows of `model` the organisation holds, or None if it holds none of them. The
    person model and its history: the people it holds records of (members and leavers)."""
    label = model._meta.label
    if model is get_user_model():
        return people_held_filter(organisation_id)
    if label == "audit.UserEvent":
        people = get_user_model().objects.filter(people_held_filter(organisation_id))
        return Q(pgh_obj__in=people.values("pk"))
    if label in FAR_PATHS:
        return Q(**{FAR_PATHS[label]: organisation_id})
    return organisation_filter(model, organisation_id)


def _models() -> list[type[models.Model]]:
    found = [
        model
        for model in apps.get_models()
        if not (model._meta.abstract or model._meta.proxy or not model._meta.managed)
    ]
    return sorted(found, key=lambda model: model._meta.label)


def organisation_tables(*, organisation_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows held under the organisation, by model label."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for model in _models():
        condition = _scope(model, organisation_id)
        if condition is not None:
            rows = model._base_manager.filter(condition)
            tables[model._meta.label] = archive.table_rows(rows)
    return tables


def _readme(export: OrganisationExport, tables: dict[str, list[dict[str, Any]]]) -> str:
    person = get_user_model()._meta.label
    lines = [
        f"Everything Hearth holds under {export.organisation.name}",
        f"Made {timezone.now():%Y-%m-%d %H:%M} UTC (organisation export {export.pk}).",
        "",
        "Each table is here twice: <table>.csv (UTF-8, a header row; text that a spreadsheet",
        "would run as a formula starts with an apostrophe) and <table>.json (a list of rows).",
        "Every row has its primary key, `pk`; a column ending in _id holds the primary key",
        "of the row it refers to in another table. Times are ISO 8601 in UTC. Password hashes,",
        "key and token hashes and identity providers' secrets are never exported.",
        f"{person}: the people with a membership here, and leavers. Tables named audit.* are",
        "the audit trail: one row per change, with who made it (pgh_context) and the row as",
        "it was after the change.",
        "",
        "Files:",
    ]
    for label, rows in tables.items():
        model = apps.get_model(label)
        lines.append(
            f"- tables/{label}.csv, tables/{label}.json: {model._meta.verbose_name} "
            f"({len(rows)} rows)"
        )
    return "\n".join(lines) + "\n"


def organisation_export_write(archive_file: ZipFile, export: OrganisationExport) -> None:
    """Write README.txt and a CSV and a JSON file per table into `archive_file`."""
    tables = organisation_tables(organisation_id=export.organisation_id)
    archive_file.writestr("README.txt", _readme(export, tables))
    for label, rows in tables.items():
        columns = archive.exported_columns(apps.get_model(label))
        archive_file.writestr(f"tables/{label}.csv", archive.as_csv(columns, rows))
        archive_file.writestr(f"tables/{label}.json", archive.as_json(rows))
