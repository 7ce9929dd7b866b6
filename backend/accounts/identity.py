"""Reads for single sign-on (ADR 0024): which organisation's provider signs in an email
address, an organisation's provider for its admin, and whether a person may still sign in
with a password."""

from django.db.models import Count, Q

from accounts.models import IdentityProvider, Membership, Organisation, User


def email_domain(email: str) -> str:
    """The part after the last @, lowercased ('' when there is none)."""
    local, at, domain = email.strip().rpartition("@")
    return domain.lower() if at and local else ""


def provider_for_email(email: str) -> IdentityProvider | None:
    """The provider whose organisation lists this address's domain (one at most)."""
    domain = email_domain(email)
    if not domain:
        return None
    return (
        IdentityProvider.objects.select_related("organisation")
        .filter(domains__domain=domain)
        .first()
    )


def provider_for_flow(*, provider_id: int, issuer: str) -> IdentityProvider | None:
    """The provider a sign-in started with, if it is still configured as it was then."""
    return (
        IdentityProvider.objects.select_related("organisation", "default_team")
        .filter(pk=provider_id, issuer=issuer)
        .first()
    )


def provider_for_organisation(organisation: Organisation) -> IdentityProvider | None:
    """The organisation's provider with its domains, or None when it has none."""
    return (
        IdentityProvider.objects.select_related("default_team")
        .prefetch_related("domains")
        .filter(organisation=organisation)
        .first()
    )


def password_sign_in_refused(user: User) -> bool:
    """True when every organisation the person belongs to has turned password sign-in off
    (platform staff, and people in no organisation, keep their password). One query."""
    if user.is_staff:
        return False
    counts = Membership.objects.filter(user=user).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(organisation__identity_provider__password_sign_in=False)),
    )
    return bool(counts["total"]) and not counts["open"]
