"""How the reader shows an event (issue 17): when, who, what, the values before and after,
and the request.

Before and after are the fields that changed: an insert shows only after (the new row),
a delete only before (the row as it was); an update shows after from its own snapshot and
before from the previous event of the same row in the same table. Names are resolved as
the reader may know them (accounts.people, ADR 0012): a person the reader cannot see is
"someone outside your organisation", never their name. A page is shown with a fixed few
queries: two per table with updates on it (the previous snapshots), one for names, one for
API keys.
"""

import datetime
import decimal
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.fields.files import FieldFile

from accounts.models import OrganisationAPIKey
from accounts.models_access import AccessKind
from accounts.people import people_visible_to
from accounts.selectors import Actor
from audit.registry import ACCESS, ACCESS_NAME, BY_SLUG

NOBODY = "—"
SCHEDULED_JOB = "Hearth (scheduled job)"
SOMEONE_ELSE = "Someone outside your organisation"
READ = "read"


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditEvent:
    """One event as the trail shows it."""

    kind: str
    kind_name: str
    event_id: int
    at: datetime.datetime
    action: str  # insert, update, delete; `read` for the access log
    object_id: str | None
    object_label: str
    subject_id: int | None
    subject_name: str
    actor_person: int | None
    actor_api_key: str | None
    actor_name: str
    via: str
    method: str
    path: str
    request_id: str
    changes: list[Change]
    description: str = ""

    @property
    def has_before(self) -> bool:
        return self.action in ("update", "delete")

    @property
    def has_after(self) -> bool:
        return self.action in ("insert", "update")


def plain(value: Any) -> Any:
    """A snapshot's value as JSON can carry it: dates and times in ISO 8601, files by
    name, decimals and UUIDs as text."""
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The tracked row's columns an event copies (not the event's own pgh_ columns)."""
    return [
        field
        for field in model._meta.concrete_fields
        if not field.name.startswith("pgh_") and field.name != "id"
    ]


def snapshot(row: models.Model) -> dict[str, Any]:
    return {
        field.attname: plain(getattr(row, field.attname)) for field in snapshot_fields(type(row))
    }


def _changes(action: str, row: models.Model, previous: models.Model | None) -> list[Change]:
    values = snapshot(row)
    if action == "insert":
        return [Change(name, None, value) for name, value in values.items()]
    if action == "delete":
        return [Change(name, value, None) for name, value in values.items()]
    if previous is None:  # an update of a row older than the trail: before is unknown
        return [Change(name, None, value) for name, value in values.items()]
    before = snapshot(previous)
    return [
        Change(name, before[name], value) for name, value in values.items() if before[name] != value
    ]


def _previous(rows: list[tuple[str, Any]]) -> dict[tuple[str, int], models.Model]:
    """For each update on the page, the previous event of the same row in the same table."""
    updates: dict[str, list[int]] = defaultdict(list)
    for kind, row in rows:
        if kind != ACCESS and row.pgh_label == "update":
            updates[kind].append(row.pgh_id)
    found: dict[tuple[str, int], models.Model] = {}
    for kind, ids in updates.items():
        manager = BY_SLUG[kind].model._default_manager
        column = BY_SLUG[kind].object_column
        earlier = manager.filter(
            **{column: OuterRef(column)}, pgh_id__lt=OuterRef("pgh_id")
        ).order_by("-pgh_id")
        pairs = dict(
            manager.filter(pgh_id__in=ids)
            .annotate(previous_id=Subquery(earlier.values("pgh_id")[:1]))
            .values_list("pgh_id", "previous_id")
        )
        previous = manager.in_bulk([pk for pk in pairs.values() if pk is not None])
        for event_id, previous_id in pairs.items():
            if previous_id in previous:
                found[(kind, event_id)] = previous[previous_id]
    return found


def _subject_id(kind: str, row: Any) -> int | None:
    if kind == ACCESS:
        return row.subject_id
    subject = BY_SLUG[kind].subject
    if subject is None:
        return None
    if subject == "enrolment__learner_id":
        # Read through the (current) enrolment; the query was made with select_related.
        enrolment = getattr(row, "enrolment", None)
        return enrolment.learner_id if enrolment is not None else None
    return getattr(row, subject)


def _names(actor: Actor, person_ids: Iterable[int]) -> dict[int, str]:
    wanted = {pk for pk in person_ids if pk is not None}
    if not wanted:
        return {}
    visible = people_visible_to(actor).filter(pk__in=wanted)
    return {person.pk: str(getattr(person, "shown_full_name", "")) for person in visible}


def _key_names(organisation_ids: Collection[int], prefixes: Iterable[str]) -> dict[str, str]:
    wanted = {prefix for prefix in prefixes if prefix}
    if not wanted:
        return {}
    keys = OrganisationAPIKey.objects.filter(
        organisation_id__in=list(organisation_ids), prefix__in=wanted
    )
    return dict(keys.values_list("prefix", "name"))


def _actor_name(context: dict[str, Any], names: dict[int, str], keys: dict[str, str]) -> str:
    person, prefix = context.get("person"), context.get("api_key")
    if isinstance(person, int):
        return names.get(person, SOMEONE_ELSE)
    if isinstance(prefix, str) and prefix:
        name = keys.get(prefix)
        return f"API key “{name}” ({prefix})" if name else f"API key {prefix}"
    if context.get("via") == "task":
        return SCHEDULED_JOB
    return NOBODY


def _label(kind: str, row: Any) -> str:
    if kind == ACCESS:
        return AccessKind(row.kind).label
    column = BY_SLUG[kind].label
    value = plain(getattr(row, column)) if column else None
    return "" if value in (None, "") else str(value)


def present(
    actor: Actor, rows: list[tuple[str, Any]], organisation_ids: Collection[int]
) -> list[AuditEvent]:
    """The rows (kind, event row) as the actor may read them, in the order given."""
    _prefetch_enrolments(rows)
    previous = _previous(rows)
    contexts = [_context_of(kind, row) for kind, row in rows]
    subjects = [_subject_id(kind, row) for kind, row in rows]
    people: list[int] = [p for c in contexts if isinstance(p := c.get("person"), int)]
    names = _names(actor, [*people, *(s for s in subjects if s is not None)])
    keys = _key_names(organisation_ids, [str(c.get("api_key") or "") for c in contexts])
    shown = []
    for (kind, row), context, subject_id in zip(rows, contexts, subjects, strict=True):
        access = kind == ACCESS
        action = READ if access else row.pgh_label
        shown.append(
            AuditEvent(
                kind=kind,
                kind_name=ACCESS_NAME if access else BY_SLUG[kind].name,
                event_id=row.pk,
                at=row.at if access else row.pgh_created_at,
                action=action,
                object_id=None if access else str(getattr(row, BY_SLUG[kind].object_column)),
                object_label=_label(kind, row),
                subject_id=subject_id,
                subject_name=names.get(subject_id, SOMEONE_ELSE) if subject_id else "",
                actor_person=context.get("person")
                if isinstance(context.get("person"), int)
                else None,
                actor_api_key=context.get("api_key") or None,
                actor_name=_actor_name(context, names, keys),
                via=str(context.get("via") or ""),
                method=str(context.get("method") or ""),
                path=str(context.get("path") or ""),
                request_id=str(context.get("request_id") or ""),
                changes=[] if access else _changes(action, row, previous.get((kind, row.pk))),
                description=row.description if access else "",
            )
        )
    return shown


def _context_of(kind: str, row: Any) -> dict[str, Any]:
    value = row.context if kind == ACCESS else row.pgh_context
    return value if isinstance(value, dict) else {}


def _prefetch_enrolments(rows: list[tuple[str, Any]]) -> None:
    """Enrolment changes name their person through the enrolment: one query for the page."""
    changes = [row for kind, row in rows if kind == "enrolment_change"]
    if changes:
        models.prefetch_related_objects(changes, "enrolment")
