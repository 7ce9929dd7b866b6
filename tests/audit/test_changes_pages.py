"""Must-show 1 of issue 17, through the pages: identity and sign-in settings, domains,
teams, roles, provisioning tokens, training requirements and certificates (revoke,
reissue) changed by posting the real forms, then one event per changed row read back
through the reader's API and page."""

from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from accounts.models import IdentityProvider, IdentityProviderDomain, Membership, Team
from audit.models import ProvisioningTokenEvent
from certificates.models import Certificate
from provisioning.models import ProvisioningToken
from tests.audit.reading import api_for, changes, only_event, page_shows, signed_in, trail
from tests.certificates.conftest import certificate_of, complete_module
from tests.conftest import World
from tests.factories import TrainingRequirementFactory
from tests.support.api import key_client
from tests.support.training import publish_module

pytestmark = pytest.mark.django_db


def test_identity_settings_and_each_domain_saved_on_the_page(world: World) -> None:
    page = signed_in(world.x_admin)

    saved = page.post(
        "/organisation/identity/",
        {
            "issuer": "https://login.example.org/x/v2.0",
            "client_id": "hearth-x",
            "client_secret": "first-secret",
            "domains": "x.example, x-care.example",
            "creates_people": "on",
            "default_team": str(world.x_team_a.pk),
            "password_sign_in": "on",
        },
    )

    assert saved.status_code == 302
    admin = api_for(world.x_admin)
    provider = IdentityProvider.objects.get(organisation=world.org_x)
    event = only_event(admin, "identity_provider", provider.pk, "insert")
    assert changes(event)["issuer"] == (None, "https://login.example.org/x/v2.0")
    assert changes(event)["client_id"] == (None, "hearth-x")
    assert "client_secret" not in changes(event) and "first-secret" not in str(event)
    assert event["actor"]["person"] == world.x_admin.pk and event["actor"]["via"] == "web"
    assert event["request"]["path"] == "/organisation/identity/"
    for domain in IdentityProviderDomain.objects.filter(provider=provider):
        added = only_event(admin, "identity_provider_domain", domain.pk, "insert")
        assert changes(added)["domain"] == (None, domain.domain)
    assert IdentityProviderDomain.objects.filter(provider=provider).count() == 2
    page_shows(world.x_admin, event, "hearth-x", "POST /organisation/identity/")


def test_a_provisioning_token_made_and_revoked_on_the_page(world: World) -> None:
    page = signed_in(world.x_admin)

    made = page.post("/organisation/provisioning/", {"name": "Entra ID"})
    token = ProvisioningToken.objects.get(name="Entra ID")
    revoked = page.post(f"/organisation/provisioning/{token.prefix}/revoke/")

    assert (made.status_code, revoked.status_code) == (200, 302)
    admin = api_for(world.x_admin)
    inserted = only_event(admin, "provisioning_token", token.prefix, "insert")
    updated = only_event(admin, "provisioning_token", token.prefix, "update")
    assert changes(inserted)["name"] == (None, "Entra ID")
    assert changes(updated)["revoked"] == (False, True)
    assert token.hashed_key not in str(inserted) + str(updated)
    kept = list(ProvisioningTokenEvent.objects.values_list())
    assert len(kept) == 2 and token.hashed_key not in str(kept)
    page_shows(world.x_admin, updated, "Entra ID", "revoked")


def test_a_training_requirement_edited_on_the_page(world: World) -> None:
    requirement = TrainingRequirementFactory.create(
        organisation=world.org_x, title="Fire safety", renewal_months=12, window_days=60
    )
    page = signed_in(world.x_admin)

    edited = page.post(
        f"/compliance/requirements/{requirement.pk}/",
        {
            "title": "Fire safety (annual)",
            "module": str(requirement.module_id or ""),
            "renewal_months": "24",
            "window_days": "60",
            "team": "",
            "role": "",
            "notes": "",
        },
    )

    assert edited.status_code == 302, edited.content.decode()[:2000]
    event = only_event(api_for(world.x_admin), "training_requirement", requirement.pk, "update")
    assert changes(event) == {
        "title": ("Fire safety", "Fire safety (annual)"),
        "renewal_months": (12, 24),
    }
    page_shows(world.x_admin, event, "Fire safety (annual)", "renewal_months")


def test_a_certificate_revoked_and_another_reissued_on_the_page(
    world: World, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    module = publish_module(title="Damp and mould in the home")
    one = certificate_of(complete_module(world.x_learner_a, module))
    two = certificate_of(complete_module(world.x_learner_b, module))
    page = signed_in(world.x_admin)

    revoked = page.post(f"/certificates/{one.pk}/revoke/", {"revoke-reason": "Wrong person."})
    reissued = page.post(f"/certificates/{two.pk}/reissue/", {"reissue-reason": "New name."})

    assert (revoked.status_code, reissued.status_code) == (302, 302)
    admin = api_for(world.x_admin)
    revocation = [
        e
        for e in trail(admin, kind="certificate", object=one.pk)
        if e["action"] == "update" and e["request"]["path"].endswith("/revoke/")
    ]
    assert len(revocation) == 1
    assert changes(revocation[0])["revoked_reason"] == ("", "Wrong person.")
    assert changes(revocation[0])["revoked_by_id"] == (None, world.x_admin.pk)
    assert revocation[0]["person"] == world.x_learner_a.pk
    new = Certificate.objects.get(supersedes=two)
    inserted = only_event(admin, "certificate", new.pk, "insert")
    assert changes(inserted)["supersedes_id"] == (None, two.pk)
    assert changes(inserted)["reissue_reason"] == (None, "New name.")
    assert inserted["actor"]["person"] == world.x_admin.pk
    superseded = [
        e
        for e in trail(admin, kind="certificate", object=two.pk)
        if e["request"]["path"].endswith("/reissue/")
    ]
    assert len(superseded) == 1 and changes(superseded[0])["superseded_at"][0] is None
    page_shows(world.x_admin, revocation[0], "Wrong person.", world.x_learner_a.full_name)


def test_a_team_added_and_a_role_changed_on_the_pages(world: World) -> None:
    page = signed_in(world.x_admin)
    membership = Membership.objects.get(user=world.x_learner_a)
    person_page = f"/organisation/{world.org_x.pk}/people/{world.x_learner_a.pk}/"

    added = page.post("/organisation/teams/", {"name": "Night shift"})
    changed = page.post(
        person_page,
        {
            "action": f"change-{membership.pk}",
            f"m{membership.pk}-role": "manager",
            f"m{membership.pk}-team": world.x_team_a.pk,
        },
    )

    assert (added.status_code, changed.status_code) == (302, 302)
    admin = api_for(world.x_admin)
    team = Team.objects.get(organisation=world.org_x, name="Night shift")
    made = only_event(admin, "team", team.pk, "insert")
    assert changes(made)["name"] == (None, "Night shift")
    assert made["actor"]["person"] == world.x_admin.pk
    role = only_event(admin, "membership", membership.pk, "update")
    assert changes(role)["role"] == ("learner", "manager")
    assert role["request"]["path"] == person_page
    page_shows(world.x_admin, role, "learner", "manager", f"POST {person_page}")


def test_the_organisations_sign_in_settings_saved_on_the_page(world: World) -> None:
    saved = signed_in(world.x_admin).post(
        "/organisation/identity/", {"issuer": "", "second_factor_required": "on"}
    )

    assert saved.status_code == 302
    # The admin's own session now needs a second factor: the organisation's key reads.
    event = only_event(key_client(world.org_x), "organisation", world.org_x.pk, "update")
    assert changes(event)["second_factor_required"] == (False, True)
    assert event["actor"]["person"] == world.x_admin.pk
    assert event["request"]["path"] == "/organisation/identity/"
