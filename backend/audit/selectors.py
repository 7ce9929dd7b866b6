"""Reading the audit trail (issue 17; ADR 0027): an organisation's events from every event
table and the access log, filtered in SQL table by table, newest first, a page at a time.

A page is found by position (keyset), not by number: each table gives at most one page of
its newest rows before the position, the reader merges them and keeps one page, so a page
costs the same on a trail of any length. Order: time, then kind, then id, all descending.

Comparisons on time use only `<=` and `>` (`_at_or_before`, `_after`): SQLite keeps the
triggers' times as text with milliseconds, where `<` and `>=` against a parameter with
microseconds would misjudge equal instants; `<` is written as "at or before one microsecond
earlier", which holds on both databases.
"""

import base64
import binascii
import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from accounts.models import Organisation
from accounts.models_access import AccessEvent
from accounts.selectors import Actor
from audit.presenting import AuditEvent, present
from audit.registry import ACCESS, BY_SLUG, KINDS, RANK, Kind
from core.errors import NotFound

ONE_MICROSECOND = datetime.timedelta(microseconds=1)


@dataclass(frozen=True)
class Position:
    """Where a page ends: the last event's time, kind and id. Opaque to callers."""

    at: datetime.datetime
    kind: str
    event_id: int

    def encode(self) -> str:
        text = f"{self.at.isoformat()}|{self.kind}|{self.event_id}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "Position | None":
        """The position a page gave, or None for anything else."""
        try:
            text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            at_text, kind, id_text = text.split("|")
            at = datetime.datetime.fromisoformat(at_text)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None
        if kind not in RANK or not id_text.isdigit() or at.tzinfo is None or len(id_text) > 18:
            return None
        return cls(at=at, kind=kind, event_id=int(id_text))


@dataclass(frozen=True)
class AuditFilters:
    """What a reader asks for; every filter is optional."""

    organisation_id: int | None = None
    kind: str | None = None
    actor_person: int | None = None
    actor_api_key: str | None = None
    subject: int | None = None
    object_id: str | None = None  # a row's id, or an API key's or token's prefix
    since: datetime.datetime | None = None  # from this instant
    until: datetime.datetime | None = None  # up to, not including, this instant


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    next: Position | None


def audit_organisations_for(actor: Actor) -> list[Organisation]:
    """The organisations whose trail the actor may read: an org admin's, or an
    organisation API key's own."""
    return list(Organisation.objects.filter(pk__in=actor.admin_organisation_ids).order_by("name"))


def _scope(actor: Actor, filters: AuditFilters) -> frozenset[int]:
    if filters.organisation_id is None:
        return actor.admin_organisation_ids
    if filters.organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such organisation.", fields={"organisation": ["No such organisation."]})
    return frozenset({filters.organisation_id})


def _at_or_before(column: str, at: datetime.datetime) -> Q:
    return Q(**{f"{column}__lte": at})


def _after(column: str, at: datetime.datetime) -> Q:
    return Q(**{f"{column}__gt": at})


def _before_position(column: str, id_column: str, slug: str, position: Position) -> Q:
    """Rows of kind `slug` that come after `position` in the trail's order."""
    earlier = _at_or_before(column, position.at - ONE_MICROSECOND)
    if RANK[slug] < RANK[position.kind]:
        return _at_or_before(column, position.at)
    if RANK[slug] > RANK[position.kind]:
        return earlier
    same_instant = _at_or_before(column, position.at) & _after(
        column, position.at - ONE_MICROSECOND
    )
    return earlier | (same_instant & Q(**{f"{id_column}__lt": position.event_id}))


def _dates(column: str, filters: AuditFilters) -> Q:
    condition = Q()
    if filters.since is not None:
        condition &= _after(column, filters.since - ONE_MICROSECOND)
    if filters.until is not None:
        condition &= _at_or_before(column, filters.until - ONE_MICROSECOND)
    return condition


def _actor(context_column: str, filters: AuditFilters) -> Q:
    condition = Q()
    if filters.actor_person is not None:
        condition &= Q(**{f"{context_column}__person": filters.actor_person})
    if filters.actor_api_key is not None:
        condition &= Q(**{f"{context_column}__api_key": filters.actor_api_key})
    return condition


def _table_events(
    kind: Kind,
    organisation_ids: Collection[int],
    filters: AuditFilters,
    *,
    before: Position | None,
    size: int,
) -> list[Any]:
    """One event table's newest rows in scope and filters, before the position."""
    if filters.subject is not None and kind.subject is None:
        return []
    rows = kind.model._default_manager.filter(
        kind.scope(organisation_ids),
        _actor("pgh_context", filters),
        _dates("pgh_created_at", filters),
    )
    if filters.subject is not None and kind.subject is not None:
        rows = rows.filter(**{kind.subject: filters.subject})
    if filters.object_id is not None:
        if kind.object_is_number and not filters.object_id.isdigit():
            return []
        rows = rows.filter(**{kind.object_column: filters.object_id})
    if before is not None:
        rows = rows.filter(_before_position("pgh_created_at", "pgh_id", kind.slug, before))
    return list(rows.order_by("-pgh_created_at", "-pgh_id")[:size])


def _access_events(
    organisation_ids: Collection[int],
    filters: AuditFilters,
    *,
    before: Position | None,
    size: int,
) -> list[AccessEvent]:
    """The access log's newest reads in scope and filters, before the position. A read has
    no object of its own: filtering by object finds none."""
    if filters.object_id is not None:
        return []
    rows = AccessEvent.objects.filter(
        _actor("context", filters),
        _dates("at", filters),
        organisation_id__in=list(organisation_ids),
    )
    if filters.subject is not None:
        rows = rows.filter(subject_id=filters.subject)
    if before is not None:
        rows = rows.filter(_before_position("at", "id", ACCESS, before))
    return list(rows.order_by("-at", "-id")[:size])


@dataclass(frozen=True)
class _Found:
    """One row found in some table, with what orders the trail."""

    at: datetime.datetime
    kind: str
    event_id: int
    row: Any

    @property
    def order(self) -> tuple[datetime.datetime, int, int]:
        return (self.at, RANK[self.kind], self.event_id)


def audit_events_list(
    *, actor: Actor, filters: AuditFilters, before: Position | None = None, size: int = 50
) -> AuditPage:
    """A page of the trail of the organisations the actor may read (or the one asked for;
    another is not found), newest first, from `before` on. At most one query per event
    table, plus a fixed few to show the page (previous snapshots, names)."""
    organisation_ids = _scope(actor, filters)
    if not organisation_ids:
        return AuditPage(events=[], next=None)
    found: list[_Found] = []
    for kind in KINDS:
        if filters.kind in (None, kind.slug):
            rows = _table_events(kind, organisation_ids, filters, before=before, size=size + 1)
            found += [_Found(row.pgh_created_at, kind.slug, row.pgh_id, row) for row in rows]
    if filters.kind in (None, ACCESS):
        reads = _access_events(organisation_ids, filters, before=before, size=size + 1)
        found += [_Found(read.at, ACCESS, read.pk, read) for read in reads]
    found.sort(key=lambda item: item.order, reverse=True)
    page = found[:size]
    last = page[-1] if len(found) > size else None
    following = Position(last.at, last.kind, last.event_id) if last is not None else None
    return AuditPage(
        events=present(actor, [(item.kind, item.row) for item in page], organisation_ids),
        next=following,
    )


def audit_event_get(*, actor: Actor, kind: str, event_id: int) -> AuditEvent:
    """One event of a trail the actor may read, by kind and id; anything else (another
    organisation's, an unknown kind or id) is not found, alike."""
    organisation_ids = actor.admin_organisation_ids
    row: Any = None
    if organisation_ids and kind == ACCESS:
        row = AccessEvent.objects.filter(organisation_id__in=list(organisation_ids), pk=event_id)
        row = row.first()
    elif organisation_ids and kind in BY_SLUG:
        table = BY_SLUG[kind]
        row = table.model._default_manager.filter(table.scope(organisation_ids), pgh_id=event_id)
        row = row.first()
    if row is None:
        raise NotFound("No such audit event.")
    return present(actor, [(kind, row)], organisation_ids)[0]
