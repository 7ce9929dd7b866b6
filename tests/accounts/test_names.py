"""Issue 12: names and titles are normalised on the way in (core.names): Unicode NFC and
no bidirectional control characters, whichever way they enter."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from accounts.forms import PersonChangeForm, PersonCreationForm
from accounts.models import User
from core.names import BIDI_CONTROLS, normalise_name
from tests.conftest import World

RLO, PDF_MARK, LRI, PDI, RLM, ALM = "\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\u061c"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Amira Khan", "Amira Khan"),
        (f"{RLO}nahK arimA{PDF_MARK}", "nahK arimA"),  # the override is gone, not "fixed"
        (f"Zo{LRI}e\u0301{PDI} Martin", "Zo\u00e9 Martin"),  # isolates out, then NFC
        ("Jose\u0301 Garci\u0301a", "Jos\u00e9 Garc\u00eda"),
        (f"{RLM}\u0623\u0645\u064a\u0631\u0629 \u062e\u0627\u0646{ALM}", "أميرة خان"),
        ("  Łucja Wąs \u200e", "Łucja Wąs"),
        ("王秀英 🌟", "王秀英 🌟"),
    ],
)
def test_names_are_composed_and_lose_bidirectional_controls(raw: str, stored: str) -> None:
    assert normalise_name(raw) == stored


def test_every_listed_control_is_removed() -> None:
    codes = sorted(ord(character) for character in BIDI_CONTROLS)

    assert codes == [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    assert normalise_name("a" + "".join(BIDI_CONTROLS) + "b") == "ab"


@pytest.mark.django_db
def test_an_invitation_stores_the_normalised_name_and_refuses_a_name_of_controls_only(
    world: World, client_for: Callable[[User], APIClient]
) -> None:
    admin = client_for(world.x_admin)
    body = {"organisation": world.org_x.pk, "role": "learner", "team": world.x_team_a.pk}

    made = admin.post(
        "/api/v1/people/",
        {**body, "email": "new@example.org", "full_name": f"{RLO}Noor{PDF_MARK} Ali"},
        format="json",
    )
    empty = admin.post(
        "/api/v1/people/",
        {**body, "email": "empty@example.org", "full_name": f"{RLO}{PDF_MARK}"},
        format="json",
    )

    assert made.status_code == 201 and made.json()["full_name"] == "Noor Ali"
    assert User.objects.get(email="new@example.org").full_name == "Noor Ali"
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"] == {"full_name": ["Enter a name."]}
    assert not User.objects.filter(email="empty@example.org").exists()


@pytest.mark.django_db
def test_the_admin_forms_and_create_user_normalise_names(world: World) -> None:
    created = PersonCreationForm(
        data={
            "email": "admin-made@example.org",
            "full_name": f"{RLO}Ewa Nowak{PDF_MARK}",
            "password1": "tidy-kettle-orbit-42",
            "password2": "tidy-kettle-orbit-42",
        }
    )
    person = world.x_learner_a
    changed = PersonChangeForm(
        instance=person,
        data={
            "email": person.email,
            "full_name": f"Rene\u0301e {RLM}Dubois",
            "job_title": f"{LRI}Nurse{PDI}",
            "date_joined": "2026-01-01 09:00",
        },
    )
    by_manager = User.objects.create_user("m@example.org", None, full_name=f"{RLO}Li Wei")

    assert created.is_valid(), created.errors
    assert changed.is_valid(), changed.errors
    assert created.save().full_name == "Ewa Nowak"
    changed.save()
    person.refresh_from_db()
    assert (person.full_name, person.job_title) == ("Ren\u00e9e Dubois", "Nurse")
    assert by_manager.full_name == "Li Wei"
