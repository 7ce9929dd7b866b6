"""Demo required training: the starter statutory and mandatory sets, and two of them
adopted by Riverside NHS Foundation Trust's admin, as an org admin would on
/compliance/requirements/ (one met by a shared module, one by training recorded
elsewhere)."""

from django.db import transaction

from accounts.models import Membership, Organisation, Role
from accounts.selectors import actor_for_user
from compliance.definitions_file import parse_definition_files
from compliance.models import RequirementDefinition, TrainingRequirement
from compliance.services_requirements import (
    requirement_adopt,
    requirement_sets_import,
    requirement_update,
)
from training.models import Module

ORGANISATION = "riverside-nhs"
# (definition code, shared module slug or None, notes)
ADOPTIONS = (
    (
        "cstf-safeguarding-adults-level-1",
        "safeguarding-adults-at-home",
        "Hearth's module meets it; the safeguarding team's own session counts when recorded.",
    ),
    (
        "cstf-fire-safety",
        None,
        "Delivered face to face by the estates team each spring; record attendance here.",
    ),
)


@transaction.atomic
def seed_requirements() -> int:
    """Import the starter sets, then adopt the demo's requirements once (an organisation
    that has adopted any is left as it is). Returns how many were adopted now."""
    requirement_sets_import(definitions=parse_definition_files())
    organisation = Organisation.objects.filter(slug=ORGANISATION).first()
    admin = Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN).first()
    if organisation is None or admin is None:
        return 0
    if TrainingRequirement.objects.filter(organisation=organisation).exists():
        return 0
    actor = actor_for_user(admin.user)
    definitions = {row.code: row for row in RequirementDefinition.objects.all()}
    for code, module_slug, notes in ADOPTIONS:
        requirement = requirement_adopt(
            actor=actor, organisation_id=organisation.pk, definition_id=definitions[code].pk
        )
        module = Module.objects.filter(slug=module_slug, organisation=None).first()
        requirement_update(
            actor=actor,
            requirement=requirement,
            title=requirement.title,
            module=module,
            renewal_months=requirement.renewal_months,
            window_days=requirement.window_days,
            team=None,
            role="",
            notes=notes,
        )
    return len(ADOPTIONS)
