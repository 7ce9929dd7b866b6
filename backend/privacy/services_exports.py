"""The exports' writes as people ask (issue 17): a subject access export (a person's own,
or an org admin's on their behalf) and an organisation export, each recorded and queued
for the worker (archive_building.py, through tasks.py); and each download, written to
the access log."""

from django.db import transaction

from accounts.models import AccessKind, User
from accounts.selectors import Actor
from accounts.services_access import record_access
from core.errors import Conflict, HearthError, NotFound
from core.jobs import enqueue_on_commit
from privacy import exports_selectors
from privacy.models import ExportStatus, OrganisationExport, SubjectAccessExport
from privacy.tasks import build_organisation_export, build_subject_access_export


def _admin_organisation(actor: Actor, organisation_id: int | None) -> int:
    """The organisation an org admin acts for: the one named (if they administer it, else
    not found), or their only one."""
    if organisation_id is not None:
        if organisation_id not in actor.admin_organisation_ids:
            raise NotFound("No such organisation.")
        return organisation_id
    if not actor.admin_organisation_ids:
        raise NotFound("No such organisation.")
    if len(actor.admin_organisation_ids) > 1:
        raise HearthError(
            "You administer several organisations: name one.",
            fields={"organisation": ["Name the organisation this export is for."]},
        )
    return next(iter(actor.admin_organisation_ids))


@transaction.atomic
def subject_access_request(
    *, actor: Actor, person_id: int | None = None, organisation_id: int | None = None
) -> SubjectAccessExport:
    """Ask for a copy of everything Hearth holds about a person. Their own request (no
    person named, or themselves) covers every organisation; an org admin's, for a person
    the organisation holds records of (a member, or a leaver; else not found), what that
    organisation holds."""
    actor.require_write()
    if actor.user_id is not None and person_id in (None, actor.user_id):
        organisations = sorted(actor.organisation_ids)
        if organisation_id is not None and organisation_id in organisations:
            organisations = [organisation_id]
        if not organisations:
            raise HearthError("Your account belongs to no organisation yet.")
        export = SubjectAccessExport.objects.create(
            organisation_id=organisations[0],
            person_id=actor.user_id,
            requested_by_id=actor.user_id,
            covers_all_organisations=True,
        )
    else:
        if person_id is None:
            raise HearthError("Name the person.", fields={"person": ["Name the person to export."]})
        organisation = _admin_organisation(actor, organisation_id)
        held = User.objects.filter(exports_selectors.people_held_filter(organisation))
        if not held.filter(pk=person_id).exists():
            raise NotFound("No such person.")
        export = SubjectAccessExport.objects.create(
            organisation_id=organisation, person_id=person_id, requested_by_id=actor.user_id
        )
    enqueue_on_commit(
        build_subject_access_export,
        export.pk,
        organisation_id=export.organisation_id,
        description="Subject access export",
    )
    return export


@transaction.atomic
def organisation_export_request(
    *, actor: Actor, organisation_id: int | None = None
) -> OrganisationExport:
    """Ask for an archive of everything the organisation holds (its org admins only)."""
    actor.require_write()
    export = OrganisationExport.objects.create(
        organisation_id=_admin_organisation(actor, organisation_id),
        requested_by_id=actor.user_id,
    )
    enqueue_on_commit(
        build_organisation_export,
        export.pk,
        organisation_id=export.organisation_id,
        description="Organisation export",
    )
    return export


def _downloadable(export: SubjectAccessExport | OrganisationExport) -> None:
    if export.status == ExportStatus.EXPIRED:
        raise HearthError(
            "This export has expired and its file is deleted: ask for a new one.",
            code="expired",
            status=410,
        )
    if export.status != ExportStatus.READY or not export.file:
        raise Conflict("This export is not ready yet.")


@transaction.atomic
def subject_access_download(*, actor: Actor, export_id: int) -> SubjectAccessExport:
    """A ready subject access export in the actor's scope, its download logged."""
    export = exports_selectors.subject_access_export_get(actor=actor, export_id=export_id)
    _downloadable(export)
    record_access(
        organisation=export.organisation,
        kind=AccessKind.SUBJECT_ACCESS,
        subject=export.person,
        description=f"Subject access export {export.pk} downloaded",
    )
    return export


@transaction.atomic
def organisation_export_download(*, actor: Actor, export_id: int) -> OrganisationExport:
    """A ready organisation export of the actor's organisation, its download logged."""
    export = exports_selectors.organisation_export_get(actor=actor, export_id=export_id)
    _downloadable(export)
    record_access(
        organisation=export.organisation,
        kind=AccessKind.ORGANISATION_EXPORT,
        description=f"Organisation export {export.pk} downloaded",
    )
    return export
