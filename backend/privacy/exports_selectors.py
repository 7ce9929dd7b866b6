"""Scope of the exports (issue 17): who sees which subject access and organisation exports.
An export outside scope is not in the queryset, so asking for it answers 404.

- A person sees every subject access export about them (their own requests and those an
  org admin made on their behalf).
- An org admin (or the organisation's API key) sees the organisation's exports: its
  organisation exports and the subject access exports it requested for its people. A
  person's own request covers their records in every organisation, so only they see it.
"""

from django.db.models import Q, QuerySet

from accounts.models import Membership
from accounts.selectors import Actor
from audit.models import MembershipEvent
from core.lookups import first_or_not_found
from privacy.models import OrganisationExport, SubjectAccessExport


def subject_access_exports_visible_to(actor: Actor) -> QuerySet[SubjectAccessExport]:
    condition = Q(organisation_id__in=actor.admin_organisation_ids, covers_all_organisations=False)
    if actor.user_id is not None:
        condition |= Q(person_id=actor.user_id)
    return SubjectAccessExport.objects.filter(condition).select_related(
        "organisation", "person", "requested_by"
    )


def subject_access_export_get(*, actor: Actor, export_id: int) -> SubjectAccessExport:
    return first_or_not_found(
        subject_access_exports_visible_to(actor).filter(pk=export_id), "No such export."
    )


def organisation_exports_visible_to(actor: Actor) -> QuerySet[OrganisationExport]:
    return OrganisationExport.objects.filter(
        organisation_id__in=actor.admin_organisation_ids
    ).select_related("organisation", "requested_by")


def organisation_export_get(*, actor: Actor, export_id: int) -> OrganisationExport:
    return first_or_not_found(
        organisation_exports_visible_to(actor).filter(pk=export_id), "No such export."
    )


def people_held_filter(organisation_id: int) -> Q:
    """The people whose records the organisation holds: everyone with a membership there
    now (invited included) and everyone who had one (a leaver's membership is deleted;
    the audit trail remembers it)."""
    now = Membership._base_manager.filter(organisation_id=organisation_id).values("user_id")
    before = MembershipEvent.objects.filter(organisation_id=organisation_id).values("user_id")
    return Q(pk__in=now) | Q(pk__in=before)
