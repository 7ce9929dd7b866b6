"""Writing the access log (`accounts.models_access`): the one audit table application code
writes, because a read changes no row a trigger could see."""

from accounts.models import Organisation, User
from accounts.models_access import AccessEvent, AccessKind
from core import audit


def record_access(
    *,
    organisation: Organisation,
    kind: AccessKind,
    subject: User | None = None,
    description: str = "",
) -> AccessEvent:
    """Log that personal data held under `organisation` was read now, by whoever the
    current audit context names."""
    return AccessEvent.objects.create(
        organisation=organisation,
        subject=subject,
        kind=kind,
        description=description[:300],
        context=audit.current(),
    )
