"""The audit trail's triggers on SQLite, the embedded default (ADR 0027).

django-pghistory writes the event tables with PostgreSQL triggers; on SQLite it installs
nothing. These are the same triggers in SQLite's dialect, generated from the same event
models, so both run modes keep the same trail in the same tables:

- after an insert, update or delete of a tracked row, one event row with the snapshotted
  columns (the new row, or the old one for a delete), the time, the label, the object's id
  and the context (`hearth_audit_context()`, `hearth_audit_context_id()`: SQL functions
  registered on every connection that read `core.audit`'s context);
- an update fires only when a snapshotted column changed (pghistory's `AnyChange`);
- updates and deletes on an append-only table (every event table, and any model that sets
  `audit_append_only = True`) are refused unless `core.audit.redacting()` is open.

They are dropped before every migrate and installed again after it: SQLite drops a
table's triggers when a migration rebuilds the table, and refuses a rebuild while a
trigger names the table being rebuilt.
"""

from typing import Any

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from core import audit

REFUSAL = "audit events cannot be changed or deleted"
PREFIX = "hearth_audit_"


def register_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created`: give a SQLite connection the functions the triggers call."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("hearth_audit_context", 0, audit.current_json)
    raw.create_function("hearth_audit_context_id", 0, audit.current_id)
    raw.create_function("hearth_audit_may_redact", 0, lambda: int(audit.may_redact()))


def event_models() -> list[type[models.Model]]:
    """Every concrete pghistory event model (each has the model it tracks)."""
    return [
        model
        for model in apps.get_models()
        if getattr(model, "pgh_tracked_model", None) is not None and not model._meta.abstract
    ]


def append_only_models() -> list[type[models.Model]]:
    return [
        *event_models(),
        *(m for m in apps.get_models() if getattr(m, "audit_append_only", False)),
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _snapshot_columns(event_model: type[models.Model]) -> list[str]:
    """The tracked model's columns that the event model copies (same names in both)."""
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    tracked_columns = {f.column for f in tracked._meta.concrete_fields}
    columns = [f.column for f in event_model._meta.concrete_fields if f.column]
    return [c for c in columns if not c.startswith("pgh_") and c in tracked_columns]


def tracking_triggers(event_model: type[models.Model]) -> list[str]:
    """CREATE TRIGGER statements writing `event_model` from its tracked table."""
    tracked = event_model.pgh_tracked_model  # type: ignore[attr-defined]
    source = tracked._meta.db_table
    target = event_model._meta.db_table
    columns = _snapshot_columns(event_model)
    pk = tracked._meta.pk.column
    labels = {tracker.label: tracker for tracker in event_model.pgh_trackers}  # type: ignore[attr-defined]
    # An event model may keep no reference to its row (an API key's id holds its hash).
    referenced = any(f.name == "pgh_obj" for f in event_model._meta.concrete_fields)
    extra = ["pgh_created_at", "pgh_label", *(["pgh_obj_id"] if referenced else [])]
    into = ", ".join(_quote(c) for c in [*columns, *extra])
    statements = []
    for label, operation, row in (
        ("insert", "INSERT", "NEW"),
        ("update", "UPDATE", "NEW"),
        ("delete", "DELETE", "OLD"),
    ):
        if label not in labels:
            continue
        values = ", ".join(f"{row}.{_quote(c)}" for c in columns)
        when = ""
        if operation == "UPDATE":
            changed = " OR ".join(f"OLD.{_quote(c)} IS NOT NEW.{_quote(c)}" for c in columns)
            when = f" WHEN {changed}"
        name = _quote(f"{PREFIX}{target}_{label}")
        # Names and columns come from the models, never from input.
        statements.append(
            f"CREATE TRIGGER {name} AFTER {operation} ON {_quote(source)}{when} BEGIN "  # noqa: S608
            f"INSERT INTO {_quote(target)} ({into}, pgh_context, pgh_context_id) VALUES "
            f"({values}, strftime('%Y-%m-%d %H:%M:%f', 'now'), '{label}', "
            f"{f'{row}.{_quote(pk)}, ' if referenced else ''}"
            f"hearth_audit_context(), hearth_audit_context_id()); END"
        )
    return statements


def protecting_triggers(model: type[models.Model]) -> list[str]:
    """BEFORE UPDATE / DELETE triggers refusing any change to an append-only table."""
    table = model._meta.db_table
    return [
        f"CREATE TRIGGER {_quote(f'{PREFIX}{table}_protect_{operation.lower()}')} "
        f"BEFORE {operation} ON {_quote(table)} WHEN hearth_audit_may_redact() = 0 "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        for operation in ("UPDATE", "DELETE")
    ]


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop every audit trigger on a SQLite connection (before the event tables go, when
    the audit app's migrations are reversed)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, %s) = %s",
            [len(PREFIX), PREFIX],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER {_quote(name)}")


def install(connection: BaseDatabaseWrapper) -> int:
    """Drop and recreate every audit trigger on a SQLite connection; returns how many."""
    if connection.vendor != "sqlite":
        return 0
    statements = [s for m in event_models() for s in tracking_triggers(m)]
    statements += [s for m in append_only_models() for s in protecting_triggers(m)]
    uninstall(connection)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return len(statements)


def uninstall_before_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """`pre_migrate`: drop the triggers while migrations run. SQLite rebuilds a table to
    change it (create a copy, drop the old one, rename the copy) and refuses the rename
    while a trigger names a table that is, for that moment, missing."""
    from django.db import connections

    uninstall(connections[using])


def install_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """`post_migrate`: reinstall the triggers on the database just migrated."""
    from django.db import connections

    install(connections[using])
