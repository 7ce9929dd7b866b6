"""Writes of the starter definitions and of an organisation's own requirements: importing
the shipped sets (platform data, `manage.py import_requirement_sets` and the Django
admin), and an org admin adopting a definition, editing or removing a requirement, and
setting the grace period for new starters (ADR 0020)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import Role, Team
from accounts.selectors import Actor
from compliance.definitions_file import DefinitionSpec
from compliance.models import (
    ComplianceSettings,
    RequirementDefinition,
    TrainingRequirement,
)
from core.errors import Conflict, Forbidden, HearthError, NotFound
from training.models import Module

DEFAULT_WINDOW_DAYS = 60
TITLE_MAX = 200
NOTES_MAX = 2000
RENEWAL_MONTHS_MAX = 120
WINDOW_DAYS_MAX = 365
GRACE_DAYS_MAX = 365


@dataclass(frozen=True)
class ImportCounts:
    """What an import of the requirement sets did, definition by definition."""

    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@transaction.atomic
def requirement_sets_import(*, definitions: Sequence[DefinitionSpec]) -> ImportCounts:
    """Upsert the starter definitions by code, all or none: a definition whose stored
    values already match is not written at all, so a re-import changes nothing.
    Definitions no longer in the files are kept (adoptions may link to them)."""
    codes = [definition.code for definition in definitions]
    if len(codes) != len(set(codes)):
        raise HearthError("Each definition's code must be unique.")
    stored = {
        row.code: row
        for row in RequirementDefinition.objects.select_for_update().filter(code__in=codes)
    }
    created = updated = unchanged = 0
    for definition in definitions:
        values = definition.values()
        row = stored.get(definition.code)
        if row is None:
            RequirementDefinition.objects.create(code=definition.code, **values)
            created += 1
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        if not changed:
            unchanged += 1
            continue
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
        updated += 1
    return ImportCounts(created=created, updated=updated, unchanged=unchanged)


def _require_admin(actor: Actor, organisation_id: int) -> None:
    """Only a signed-in org admin of the organisation; anyone else finds nothing."""
    if actor.user_id is None or organisation_id not in actor.admin_organisation_ids:
        raise NotFound("No such organisation.")
    if not actor.can_write:
        raise Forbidden("This API key is read-only.", code="read_only")


def _duplicate(requirement: TrainingRequirement) -> str | None:
    """What an existing requirement of the organisation already holds for the same
    people: the same module, or the same starter definition (None if nothing)."""
    same_team = (
        Q(team__isnull=True) if requirement.team_id is None else Q(team_id=requirement.team_id)
    )
    same_people = TrainingRequirement.objects.filter(
        same_team, organisation_id=requirement.organisation_id, role=requirement.role
    ).exclude(pk=requirement.pk)
    if (
        requirement.module_id is not None
        and same_people.filter(module_id=requirement.module_id).exists()
    ):
        return "module"
    if (
        requirement.definition_id is not None
        and same_people.filter(definition_id=requirement.definition_id).exists()
    ):
        return "definition"
    return None


@transaction.atomic
def requirement_adopt(
    *, actor: Actor, organisation_id: int, definition_id: int
) -> TrainingRequirement:
    """An org admin adopts a starter definition as a requirement of the whole organisation,
    of every role, with the definition's title and refresher interval and no module (met
    by training recorded elsewhere until they map one); once per organisation."""
    _require_admin(actor, organisation_id)
    definition = RequirementDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        raise NotFound("No such starter requirement.", fields={"definition": ["Not found."]})
    requirement = TrainingRequirement(
        organisation_id=organisation_id,
        definition=definition,
        title=definition.title,
        renewal_months=definition.renewal_months,
        window_days=_window_within(DEFAULT_WINDOW_DAYS, definition.renewal_months),
    )
    if TrainingRequirement.objects.filter(
        organisation_id=organisation_id, definition=definition
    ).exists():
        raise Conflict(f"{definition.title} is already one of your requirements.")
    return _saved(requirement, fields=None)


def _window_within(window_days: int, renewal_months: int) -> int:
    """The default window, shortened for a period too short to hold it."""
    if renewal_months and window_days >= renewal_months * 28:
        return renewal_months * 28 - 1
    return window_days


def _saved(requirement: TrainingRequirement, *, fields: list[str] | None) -> TrainingRequirement:
    """Save, a clash with another requirement (two admins at once) refused as a conflict."""
    try:
        with transaction.atomic():
            requirement.save(update_fields=fields)
    except IntegrityError as error:
        raise Conflict("Another of your requirements already covers the same people.") from error
    return requirement


def _checked(
    requirement: TrainingRequirement,
    *,
    module: Module | None,
    team: Team | None,
    role: str,
) -> dict[str, list[str]]:
    """Field errors of an edited requirement, in Hearth's words (empty if none)."""
    errors: dict[str, list[str]] = {}
    if not requirement.title and module is None:
        errors["title"] = ["Give it a title, or choose a module."]
    elif len(requirement.title) > TITLE_MAX:
        errors["title"] = [f"Keep the title to {TITLE_MAX} characters or fewer."]
    allowed_modules = Module.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=requirement.organisation_id),
        current_version__isnull=False,
    )
    if module is not None and not allowed_modules.filter(pk=module.pk).exists():
        errors["module"] = ["Choose a shared module or one of your organisation's."]
    if team is not None and team.organisation_id != requirement.organisation_id:
        errors["team"] = ["Choose one of your organisation's teams."]
    if role and role not in Role.values:
        errors["role"] = ["Choose a role from the list, or every role."]
    if not 0 <= requirement.renewal_months <= RENEWAL_MONTHS_MAX:
        errors["renewal_months"] = [f"Enter a number of months from 0 to {RENEWAL_MONTHS_MAX}."]
    if not 0 <= requirement.window_days <= WINDOW_DAYS_MAX:
        errors["window_days"] = [f"Enter a number of days from 0 to {WINDOW_DAYS_MAX}."]
    elif requirement.renewal_months and requirement.window_days >= requirement.renewal_months * 28:
        errors["window_days"] = [
            "Open renewal within the renewal period: fewer days than "
            f"{requirement.renewal_months} months."
        ]
    if len(requirement.notes) > NOTES_MAX:
        errors["notes"] = [f"Keep the notes to {NOTES_MAX} characters or fewer."]
    return errors


@transaction.atomic
def requirement_update(
    *,
    actor: Actor,
    requirement: TrainingRequirement,
    title: str,
    module: Module | None,
    renewal_months: int,
    window_days: int,
    team: Team | None,
    role: str,
    notes: str,
) -> TrainingRequirement:
    """An org admin edits one of their organisation's requirements: its title, the module
    that meets it (a shared one or their own; none: training recorded elsewhere only),
    the renewal period and window, who it applies to (a team, a role) and notes. At most
    one requirement per module, and per starter definition, for the same people."""
    _require_admin(actor, requirement.organisation_id)
    requirement = TrainingRequirement.objects.select_for_update().get(pk=requirement.pk)
    requirement.title = " ".join(title.split())
    requirement.module = module
    requirement.renewal_months = renewal_months
    requirement.window_days = window_days
    requirement.team = team
    requirement.role = role
    requirement.notes = notes.strip()
    errors = _checked(requirement, module=module, team=team, role=role)
    if errors:
        raise HearthError("The requirement was not saved.", fields=errors)
    clash = _duplicate(requirement)
    if clash == "module":
        message = "Another requirement already asks the same people for this module."
        raise HearthError(message, fields={"module": [message]})
    if clash == "definition":
        message = "Another requirement adopted from the same starter subject covers them."
        raise HearthError(message, fields={"team": [message]})
    fields = ["title", "module", "renewal_months", "window_days", "team", "role", "notes"]
    return _saved(requirement, fields=fields)


@transaction.atomic
def requirement_remove(*, actor: Actor, requirement: TrainingRequirement) -> None:
    """An org admin removes a requirement, with its exemptions; one with training recorded
    against it is kept, so that no person's record of training is lost."""
    _require_admin(actor, requirement.organisation_id)
    try:
        locked = TrainingRequirement.objects.select_for_update().get(pk=requirement.pk)
    except TrainingRequirement.DoesNotExist as error:
        raise NotFound("No such requirement.") from error
    if locked.records.exists():
        raise Conflict(
            f"{locked.name} has training recorded against it, which would be lost; "
            "it was not removed."
        )
    locked.delete()


@transaction.atomic
def grace_days_set(*, actor: Actor, organisation_id: int, grace_days: int) -> ComplianceSettings:
    """An org admin sets how many days a new starter (or anyone a new requirement applies
    to) has before required training counts as overdue: 0 to 365."""
    _require_admin(actor, organisation_id)
    if not 0 <= grace_days <= GRACE_DAYS_MAX:
        message = f"Enter a number of days from 0 to {GRACE_DAYS_MAX}."
        raise HearthError(message, fields={"grace_days": [message]})
    settings, _ = ComplianceSettings.objects.update_or_create(
        organisation_id=organisation_id, defaults={"grace_days": grace_days}
    )
    return settings
