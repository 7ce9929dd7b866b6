"""Writes for single sign-on (ADR 0024): the person a provider's sign-in stands for, and an
org admin's identity settings (the organisation's provider and its second-factor rule)."""

from collections.abc import Collection
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import (
    IdentityProvider,
    IdentityProviderDomain,
    Membership,
    MembershipStatus,
    Role,
    Team,
    User,
)
from accounts.selectors import Actor, organisation_get_for_admin
from accounts.sso import SignInRefused
from core.errors import Conflict, HearthError, NotFound
from core.names import normalise_name

NO_ACCOUNT = (
    "You do not have a Hearth account with {organisation} yet. Ask your organisation's "
    "Hearth admin to invite you."
)


def _name_from_claims(claims: dict[str, Any], email: str) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part for part in parts if isinstance(part, str))
    return normalise_name(name) or email.partition("@")[0]


@transaction.atomic
def person_for_provider_sign_in(
    *, provider: IdentityProvider, email: str, claims: dict[str, Any]
) -> User:
    """A provider signs in only people of its own organisation: someone with a membership
    there (taken up or invited), or, if the organisation allows it, a new person, who joins
    as a learner in its default team."""
    organisation = provider.organisation
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        member = Membership.including_pending.filter(user=user, organisation=organisation)
        if not user.is_active or not member.exists():
            raise SignInRefused("not_member", NO_ACCOUNT.format(organisation=organisation.name))
        return user
    team = provider.default_team
    if not provider.creates_people or team is None or team.organisation_id != organisation.pk:
        raise SignInRefused("no_account", NO_ACCOUNT.format(organisation=organisation.name))
    user = User.objects.create_user(email, None, full_name=_name_from_claims(claims, email))
    Membership.objects.create(
        user=user,
        organisation=organisation,
        team=team,
        role=Role.LEARNER,
        status=MembershipStatus.ACTIVE,
        accepted_at=timezone.now(),
    )
    return user


def _team_of(organisation_id: int, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id, organisation_id=organisation_id).first()
    if team is None:
        raise NotFound(
            "No such team in this organisation.", fields={"default_team": ["No such team."]}
        )
    return team


@transaction.atomic
def identity_settings_save(
    *,
    actor: Actor,
    organisation_id: int,
    second_factor_required: bool,
    issuer: str,
    client_id: str,
    client_secret: str,
    domains: Collection[str],
    creates_people: bool,
    default_team_id: int | None,
    password_sign_in: bool,
    provider_mfa_trusted: bool,
) -> IdentityProvider | None:
    """Only an organisation's admins set how its people sign in. No issuer: no single
    sign-on. An email domain signs in through one provider only; a new person needs a
    default team; an empty secret keeps the one saved (it is never shown back)."""
    actor.require_write()
    organisation = organisation_get_for_admin(actor=actor, organisation_id=organisation_id)
    organisation.second_factor_required = second_factor_required
    organisation.save(update_fields=["second_factor_required"])
    if not issuer:
        IdentityProvider.objects.filter(organisation=organisation).delete()
        return None
    team = _team_of(organisation.pk, default_team_id)
    if creates_people and team is None:
        raise HearthError(
            "Choose the team new people join.",
            fields={"default_team": ["Choose the team new people join."]},
        )
    if not domains:
        raise HearthError(
            "List at least one email domain.",
            fields={"domains": ["List at least one email domain."]},
        )
    _require_domains_free(organisation_id=organisation.pk, domains=domains)
    provider, _ = IdentityProvider.objects.update_or_create(
        organisation=organisation,
        defaults={
            "issuer": issuer,
            "client_id": client_id,
            "creates_people": creates_people,
            "default_team": team,
            "password_sign_in": password_sign_in,
            "provider_mfa_trusted": provider_mfa_trusted,
        },
    )
    if client_secret:
        provider.client_secret = client_secret
        provider.save(update_fields=["client_secret"])
    provider.domains.exclude(domain__in=domains).delete()
    kept = set(provider.domains.values_list("domain", flat=True))
    try:
        with transaction.atomic():
            IdentityProviderDomain.objects.bulk_create(
                IdentityProviderDomain(provider=provider, domain=domain)
                for domain in sorted(set(domains) - kept)
            )
    except IntegrityError:
        _require_domains_free(organisation_id=organisation.pk, domains=domains)
        raise
    return provider


def _require_domains_free(*, organisation_id: int, domains: Collection[str]) -> None:
    taken = sorted(
        IdentityProviderDomain.objects.filter(domain__in=domains)
        .exclude(provider__organisation_id=organisation_id)
        .values_list("domain", flat=True)
    )
    if taken:
        message = f"Another organisation's provider signs in {', '.join(taken)}."
        raise Conflict(message, fields={"domains": [message]})
