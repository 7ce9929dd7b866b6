"""Carrying out an erasure (issue 17): every row that links to the person, found by
introspection (`personal_data.person_links`), overwritten as `erasure_rules.RULES` says, in
the caller's transaction. Audit events are overwritten inside `core.audit.redacting()`, the
one writer allowed past their append-only triggers, and after the live rows, whose own
update events then already hold the pseudonymised values. Nothing is deleted but stored
files (evidence, certificate PDFs, subject-access archives) and the person's second-factor
devices and failed sign-in records; statistics and indicator figures stay the same.

Called by services_erasure (an org admin) and retention (the scheduled job), both under
the Erasure row's lock, so it runs once per (organisation, person)."""

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.leaving import people_leave
from accounts.models import AccessEvent, Membership, OrganisationAPIKey, User
from audit.models import MembershipEvent
from core import audit
from privacy import erasure_rules
from privacy.erasure_rules import KEEP, RELATED, RULES, Rule
from privacy.models import Erasure, ErasureStatus, ExportStatus, OrganisationExport
from privacy.personal_data import Link, organisation_path, person_links

logger = logging.getLogger(__name__)

# Links that say nothing about which organisations hold a person's records: audit copies
# of rows counted already, the access log of reads, our own privacy records.
_NOT_HOLDING = ("audit.", "privacy.", "accounts.AccessEvent.", "notifications.ReminderLog.")


@contextmanager
def _erasing() -> Iterator[None]:
    """Past the assessments' append-only trigger (privacy migration 0003) for erasure's
    own updates: a transaction-local setting on PostgreSQL, the redaction flag on SQLite."""
    if connection.vendor != "postgresql":
        with audit.redacting():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('hearth.erasing', 'on', true)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('hearth.erasing', 'off', true)")


def _append_only(model: type[models.Model]) -> bool:
    return hasattr(model, "pgh_tracked_model") or model is AccessEvent


def _holding_links() -> Iterator[tuple[Link, str]]:
    for link in person_links():
        path = organisation_path(link.model)
        if path is not None and path != "pk" and not link.label.startswith(_NOT_HOLDING):
            yield link, path


def organisations_holding(person_id: int) -> set[int]:
    """Every organisation holding a record of the person (a membership, an enrolment, an
    assessment they made or received...), erased or not."""
    held: set[int] = set()
    for link, path in _holding_links():
        rows = link.model._base_manager.filter(**{link.field: person_id})
        held.update(rows.values_list(path, flat=True).distinct().order_by())
    held.discard(None)
    return held


def held_under(*, organisation_id: int, person_id: int) -> bool:
    """Whether the organisation holds any record of the person (its erasure's scope), a
    leaver's former membership in its audit trail included."""
    if MembershipEvent.objects.filter(organisation_id=organisation_id, user_id=person_id).exists():
        return True
    for link, path in _holding_links():
        rows = link.model._base_manager.filter(**{link.field: person_id, path: organisation_id})
        if rows.exists():
            return True
    return False


def held_elsewhere(*, organisation_id: int, person_id: int) -> set[int]:
    """The other organisations still holding un-erased records of the person."""
    erased = set(
        Erasure.objects.filter(person_id=person_id, status=ErasureStatus.DONE).values_list(
            "organisation_id", flat=True
        )
    )
    return organisations_holding(person_id) - erased - {organisation_id}


def erasure_carry_out(*, erasure: Erasure, now: datetime.datetime | None = None) -> Erasure:
    """Erase what `erasure.organisation` holds of `erasure.person`, and the person row too
    when no other organisation still holds them. The caller holds the Erasure row locked;
    an erasure already done is returned unchanged."""
    if erasure.status == ErasureStatus.DONE:
        return erasure
    now = now or timezone.now()
    organisation_id, person_id = erasure.organisation_id, erasure.person_id
    person = User.objects.get(pk=person_id)
    elsewhere = held_elsewhere(organisation_id=organisation_id, person_id=person_id)
    whole_person = not elsewhere
    summary: dict[str, int] = {}

    if (
        not whole_person
        and Membership.including_pending.filter(
            organisation_id=organisation_id, user_id=person_id
        ).exists()
    ):
        # They stay elsewhere: their place here ends (ADR 0026) so erased records are
        # not theirs to see.
        summary["memberships ended"] = people_leave(
            organisation_id=organisation_id, user_ids={person_id}, now=now
        )
    summary["api keys revoked"] = OrganisationAPIKey.objects.filter(
        organisation_id=organisation_id, created_by_id=person_id, revoked=False
    ).update(revoked=True, revoked_at=now)

    targets = _targets()
    files: list[str] = []
    # The organisation's own exports made before hold the person's data: they expire.
    exports = OrganisationExport.objects.filter(organisation_id=organisation_id).exclude(
        status=ExportStatus.EXPIRED
    )
    files.extend(name for name in exports.values_list("file", flat=True) if name)
    summary["organisation exports expired"] = exports.update(status=ExportStatus.EXPIRED, file="")
    with _erasing():
        for target in targets:
            if not _append_only(target.model):
                _erase(target, erasure, whole_person, summary, files)
    if whole_person:
        summary.update(_erase_person_row(person, now))
    with audit.redacting():
        for target in targets:
            if _append_only(target.model):
                _erase(target, erasure, whole_person, summary, files)
    # Stored files go once the erasure is committed: a rolled-back erasure keeps them.
    transaction.on_commit(lambda: _delete_files(files))

    erasure.status = ErasureStatus.DONE
    erasure.erased_at = now
    erasure.due_on = None
    erasure.summary = {key: count for key, count in sorted(summary.items()) if count}
    erasure.summary["person row erased"] = int(whole_person)
    erasure.save(update_fields=["status", "erased_at", "due_on", "summary"])
    logger.info(
        "erased person %s under organisation %s (%s): %s",
        person_id,
        organisation_id,
        erasure.source,
        erasure.summary,
    )
    return erasure


@dataclass(frozen=True)
class Target:
    """Rows of `model` about the person through `lookup`, and what erasure does to them."""

    model: type[models.Model]
    lookup: str
    rule: Rule
    label: str


def _targets() -> list[Target]:
    """Every link to the person (by introspection) and every related row of theirs."""
    targets = [
        Target(link.model, link.field, RULES[link.label], link.label)
        for link in person_links()
        if link.field != "pk"  # the person row itself: _erase_person_row
    ]
    for label, (model_label, lookup, rule) in RELATED.items():
        targets.append(Target(apps.get_model(model_label), lookup, rule, label))
    return targets


def _rows(target: Target, erasure: Erasure, whole_person: bool) -> models.QuerySet | None:
    rows = target.model._base_manager.filter(**{target.lookup: erasure.person_id})
    path = organisation_path(target.model)
    if path is None:
        return rows if whole_person else None
    scope = Q(**{path: erasure.organisation_id})
    if whole_person:
        scope |= Q(**{f"{path}__isnull": True})  # rows of theirs held under no organisation
    return rows.filter(scope)


def _erase(
    target: Target,
    erasure: Erasure,
    whole_person: bool,
    summary: dict[str, int],
    files: list[str],
) -> None:
    rule = target.rule
    if not (rule.columns or rule.files):
        return
    rows = _rows(target, erasure, whole_person)
    if rows is None:
        return
    changes = {
        column: value
        for column, raw in rule.columns.items()
        if (
            value := erasure_rules.resolved(
                raw, person_id=erasure.person_id, withhold_name=erasure.withhold_name
            )
        )
        is not KEEP
    }
    for column in rule.files:
        stored = rows.exclude(**{column: ""}).values_list(column, flat=True).order_by()
        names = [name for name in stored if name]
        files.extend(names)
        if names:
            key = f"{target.model._meta.verbose_name_plural} files deleted"
            summary[key] = summary.get(key, 0) + len(names)
        if target.label != "certificates.Certificate.learner":
            # A certificate keeps its PDF's name: an issued certificate is one with a
            # stored PDF (certificates.selectors), and no worker may issue it again.
            changes[column] = ""
    if not changes:
        return
    already = Q()
    for column, value in changes.items():
        already &= Q(**{column: value})
    changed = rows.exclude(already).update(**changes)
    if changed:
        key = f"{target.model._meta.label} rows"
        summary[key] = summary.get(key, 0) + changed


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _erase_person_row(person: User, now: datetime.datetime) -> dict[str, int]:
    """The person row, pseudonymised and locked out; their devices and failed sign-ins."""
    old_email = person.email
    person.email = erasure_rules.erased_email(person.pk)
    person.full_name = erasure_rules.ERASED_FULL_NAME
    person.job_title = ""
    person.is_active = False
    person.sessions_ended_at = now
    person.set_unusable_password()
    person.save(
        update_fields=[
            "email",
            "full_name",
            "job_title",
            "is_active",
            "sessions_ended_at",
            "password",
        ]
    )
    devices = TOTPDevice.objects.filter(user=person).delete()[0]
    devices += StaticDevice.objects.filter(user=person).delete()[0]
    attempts = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        attempts += model.objects.filter(username__iexact=old_email).delete()[0]
    return {"second-factor devices deleted": devices, "sign-in attempts deleted": attempts}
