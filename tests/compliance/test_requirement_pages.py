"""An org admin's required-training pages (issue 15, ADR 0020): they adopt a starter
definition, edit it (module, renewal, who it applies to), set the grace period for new
starters and remove a requirement; bad input is answered with GOV.UK's error summary in
Hearth's words; nobody but an org admin of the organisation reaches any of it (404, as
for a page that does not exist), and nothing changes for them."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from compliance.definitions_file import parse_definition_files
from compliance.models import ComplianceSettings, RequirementDefinition, TrainingRequirement
from compliance.services_requirements import requirement_sets_import
from tests.conftest import World
from tests.factories import (
    MembershipFactory,
    ModuleFactory,
    TrainingRecordFactory,
    TrainingRequirementFactory,
)
from tests.test_page_forms import assert_error_summary_first, assert_in_hearths_words
from training.models import Module

pytestmark = pytest.mark.django_db

LIST = "/compliance/requirements/"
ADOPT = "/compliance/requirements/adopt/"
GRACE = "/compliance/requirements/grace-days/"
# The list page: session, person, memberships (the actor), the organisations they
# administer (twice: the one shown and the switcher), grace days, requirements,
# definitions not adopted, and the navigation's team check.
QUERIES = 9


@pytest.fixture
def sets(world: World) -> dict[str, RequirementDefinition]:
    requirement_sets_import(definitions=parse_definition_files())
    return {row.code: row for row in RequirementDefinition.objects.all()}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _edit_data(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Fire safety",
        "module": "",
        "renewal_months": "12",
        "window_days": "60",
        "team": "",
        "role": "",
        "notes": "",
    }
    return {**data, **changes}


def _adopted(world: World, definition: RequirementDefinition) -> TrainingRequirement:
    return TrainingRequirementFactory.create(
        organisation=world.org_x,
        definition=definition,
        module=None,
        title=definition.title,
        renewal_months=definition.renewal_months,
    )


def test_an_org_admin_sees_the_starter_sets_and_the_nav_link(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    page = _client(world.x_admin).get(LIST)

    html = page.content.decode()
    assert page.status_code == 200
    assert f'<a href="{LIST}" aria-current="page">Required training</a>' in html
    assert "No requirements yet." in html
    assert "Core Skills Training Framework (16)" in html
    assert "Care Certificate (16)" in html
    assert html.count('<span class="visually-hidden"> ') >= 32
    assert 'Adopt<span class="visually-hidden"> Fire safety</span>' in html


def test_adopting_a_definition_makes_an_organisation_wide_requirement_once(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    client, fire = _client(world.x_admin), sets["cstf-fire-safety"]

    adopted = client.post(ADOPT, {"organisation": world.org_x.pk, "definition": fire.pk})

    requirement = TrainingRequirement.objects.get()
    assert adopted.status_code == 302
    assert adopted["Location"] == f"{LIST}{requirement.pk}/"
    assert (
        requirement.organisation_id,
        requirement.definition_id,
        requirement.title,
        requirement.module_id,
        requirement.renewal_months,
        requirement.window_days,
        requirement.team_id,
        requirement.role,
    ) == (world.org_x.pk, fire.pk, "Fire safety", None, 12, 60, None, "")
    edit = client.get(adopted["Location"])
    assert _messages(edit) == [
        "Fire safety is now one of Organisation X's requirements. Choose the module that "
        "meets it, or leave it to training recorded elsewhere."
    ]
    listed = client.get(LIST).content.decode()
    assert "Core Skills Training Framework (15)" in listed
    assert "Training recorded elsewhere only" in listed
    again = client.post(ADOPT, {"organisation": world.org_x.pk, "definition": fire.pk})
    assert again["Location"] == LIST
    assert _messages(client.get(LIST)) == ["Fire safety is already one of your requirements."]
    assert TrainingRequirement.objects.count() == 1


def test_a_care_certificate_standard_is_adopted_as_done_once(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    standard = sets["care-certificate-learning-disability-autism"]

    _client(world.x_admin).post(ADOPT, {"organisation": world.org_x.pk, "definition": standard.pk})

    requirement = TrainingRequirement.objects.get()
    assert (requirement.title, requirement.renewal_months) == (
        "Standard 16: Awareness of learning disability and autism",
        0,
    )
    listed = _client(world.x_admin).get(LIST).content.decode()
    assert "Once; never expires" in listed


def test_an_org_admin_edits_a_requirement(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    requirement = _adopted(world, sets["cstf-fire-safety"])
    module = ModuleFactory.create(current_version__title="Fire safety at work")
    client = _client(world.x_admin)
    assert client.get(f"{LIST}{requirement.pk}/").status_code == 200

    saved = client.post(
        f"{LIST}{requirement.pk}/",
        _edit_data(
            title="",
            module=module.pk,
            renewal_months="24",
            window_days="90",
            team=world.x_team_a.pk,
            role=Role.LEARNER,
            notes="  Estates run a drill each spring.  ",
        ),
    )

    assert saved.status_code == 302 and saved["Location"] == LIST
    requirement.refresh_from_db()
    assert (
        requirement.title,
        requirement.module_id,
        requirement.renewal_months,
        requirement.window_days,
        requirement.team_id,
        requirement.role,
        requirement.notes,
    ) == (
        "",
        module.pk,
        24,
        90,
        world.x_team_a.pk,
        Role.LEARNER,
        "Estates run a drill each spring.",
    )
    listed = client.get(LIST)
    assert _messages(listed) == ["Fire safety at work was saved."]
    html = listed.content.decode()
    for shown in (
        "Module: Fire safety at work",
        "Every 24 months",
        "90 days before expiry",
        "X team A, learners",
    ):
        assert shown in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"renewal_months": ""}, "renewal_months", "Enter a number of months, 0 to 120."),
        (
            {"renewal_months": "soon"},
            "renewal_months",
            "Enter the number of months as a whole number, like 12.",
        ),
        ({"window_days": "400"}, "window_days", "Enter a number of days from 0 to 365."),
        (
            {"renewal_months": "2", "window_days": "60"},
            "window_days",
            "Open renewal within the renewal period: fewer days than 2 months.",
        ),
        ({"title": ""}, "title", "Give it a title, or choose a module."),
        ({"title": "x" * 201}, "title", "Keep the title to 200 characters or fewer."),
        ({"role": "boss"}, "role", "Choose a role from the list, or every role."),
        ({"module": "999999"}, "module", "Choose a module from the list, or none."),
    ],
)
def test_bad_input_is_shown_in_hearths_words_and_nothing_is_saved(
    world: World,
    sets: dict[str, RequirementDefinition],
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    requirement = _adopted(world, sets["cstf-fire-safety"])

    answer = _client(world.x_admin).post(f"{LIST}{requirement.pk}/", _edit_data(**changes))

    html = answer.content.decode()
    assert answer.status_code == 400
    assert_error_summary_first(html)
    assert_in_hearths_words(html)
    assert answer.context["form"].errors[field] == [message]
    requirement.refresh_from_db()
    assert (requirement.title, requirement.renewal_months, requirement.window_days) == (
        "Fire safety",
        12,
        60,
    )


def test_another_organisations_team_and_module_cannot_be_chosen(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    requirement = _adopted(world, sets["cstf-fire-safety"])
    theirs = ModuleFactory.create(organisation=world.org_y)

    answer = _client(world.x_admin).post(
        f"{LIST}{requirement.pk}/", _edit_data(team=world.y_team_a.pk, module=theirs.pk)
    )

    assert answer.status_code == 400
    assert answer.context["form"].errors == {
        "team": ["Choose one of your teams, or the whole organisation."],
        "module": ["Choose a module from the list, or none."],
    }
    assert theirs not in answer.context["form"].fields["module"].queryset
    requirement.refresh_from_db()
    assert (requirement.team_id, requirement.module_id) == (None, None)


def test_the_same_module_twice_for_the_same_people_is_refused_on_the_module_field(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    module: Module = ModuleFactory.create()
    TrainingRequirementFactory.create(organisation=world.org_x, module=module)
    requirement = _adopted(world, sets["cstf-fire-safety"])

    answer = _client(world.x_admin).post(f"{LIST}{requirement.pk}/", _edit_data(module=module.pk))

    assert answer.status_code == 400
    assert answer.context["form"].errors == {
        "module": ["Another requirement already asks the same people for this module."]
    }
    assert_error_summary_first(answer.content.decode())
    requirement.refresh_from_db()
    assert requirement.module_id is None


def test_an_org_admin_sets_the_grace_period_for_new_starters(world: World) -> None:
    client = _client(world.x_admin)
    assert "Now: 30 days." in client.get(LIST).content.decode()

    saved = client.post(GRACE, {"organisation": world.org_x.pk, "grace_days": "45"})

    assert saved.status_code == 302 and saved["Location"] == LIST
    assert ComplianceSettings.objects.get(organisation=world.org_x).grace_days == 45
    listed = client.get(LIST)
    assert _messages(listed) == ["New starters now have 45 days' grace."]
    assert "Now: 45 days." in listed.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter a number of days, 0 to 365."),
        ("366", "Enter a number of days from 0 to 365."),
        ("a month", "Enter the number of days as a whole number, like 12."),
    ],
)
def test_a_bad_grace_period_is_shown_in_hearths_words(
    world: World, value: str, message: str
) -> None:
    answer = _client(world.x_admin).post(
        GRACE, {"organisation": world.org_x.pk, "grace_days": value}
    )

    html = answer.content.decode()
    assert answer.status_code == 400
    assert_error_summary_first(html)
    assert_in_hearths_words(html)
    assert answer.context["form"].errors == {"grace_days": [message]}
    assert not ComplianceSettings.objects.exists()


def test_an_org_admin_removes_a_requirement_but_not_one_with_training_recorded(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    fire = _adopted(world, sets["cstf-fire-safety"])
    recorded = _adopted(world, sets["cstf-resuscitation-level-1"])
    TrainingRecordFactory.create(requirement=recorded, person=world.x_learner_a)
    client = _client(world.x_admin)

    removed = client.post(f"{LIST}{fire.pk}/remove/")
    refused = client.post(f"{LIST}{recorded.pk}/remove/")

    assert removed["Location"] == LIST
    assert refused["Location"] == f"{LIST}{recorded.pk}/"
    assert list(TrainingRequirement.objects.values_list("pk", flat=True)) == [recorded.pk]
    assert _messages(client.get(LIST)) == [
        "Fire safety is no longer one of Organisation X's requirements.",
        "Resuscitation, level 1 has training recorded against it, which would be lost; "
        "it was not removed.",
    ]
    listed = client.get(LIST).content.decode()
    assert "Core Skills Training Framework (15)" in listed


@pytest.mark.parametrize("who", ["y_admin", "x_manager_a", "x_assessor_a", "x_learner_a"])
def test_nobody_but_the_organisations_admins_reaches_the_pages(
    world: World, sets: dict[str, RequirementDefinition], who: str
) -> None:
    requirement = _adopted(world, sets["cstf-fire-safety"])
    fire_for_y = sets["cstf-information-governance-data-security"]
    client = _client(getattr(world, who))
    edit = f"{LIST}{requirement.pk}/"

    answers = [
        client.get(edit).status_code,
        client.post(edit, _edit_data(title="Changed", renewal_months="1")).status_code,
        client.post(f"{edit}remove/").status_code,
        client.post(
            ADOPT, {"organisation": world.org_x.pk, "definition": fire_for_y.pk}
        ).status_code,
        client.post(GRACE, {"organisation": world.org_x.pk, "grace_days": "1"}).status_code,
    ]

    assert answers == [404, 404, 404, 404, 404]
    requirement.refresh_from_db()
    assert (requirement.title, requirement.renewal_months) == ("Fire safety", 12)
    assert TrainingRequirement.objects.count() == 1
    assert not ComplianceSettings.objects.exists()
    if who != "y_admin":
        assert client.get(LIST).status_code == 404
        assert "Required training</a>" not in client.get("/").content.decode()


def test_another_organisations_admin_sees_only_their_own(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    _adopted(world, sets["cstf-fire-safety"])

    page = _client(world.y_admin).get(LIST)

    html = page.content.decode()
    assert page.context["organisation"] == world.org_y
    assert "No requirements yet." in html
    assert "Core Skills Training Framework (16)" in html


def test_an_admin_of_two_organisations_picks_one(
    world: World, sets: dict[str, RequirementDefinition]
) -> None:
    _adopted(world, sets["cstf-fire-safety"])
    MembershipFactory.create(
        user=world.x_admin, organisation=world.org_y, team=None, role=Role.ORG_ADMIN
    )
    client = _client(world.x_admin)

    first = client.get(LIST)
    other = client.get(LIST, {"organisation": world.org_y.pk})
    adopted = client.post(
        ADOPT, {"organisation": world.org_y.pk, "definition": sets["cstf-fire-safety"].pk}
    )

    assert first.context["organisation"] == world.org_x
    assert other.context["organisation"] == world.org_y
    assert f'href="?organisation={world.org_y.pk}"' in first.content.decode()
    assert adopted.status_code == 302
    assert sorted(TrainingRequirement.objects.values_list("organisation__name", flat=True)) == [
        "Organisation X",
        "Organisation Y",
    ]
    for bad in ("abc", "-1", "999999"):
        assert client.get(LIST, {"organisation": bad}).status_code == 404


def test_a_bad_adopt_post_is_not_found(world: World) -> None:
    client = _client(world.x_admin)

    answers = [
        client.post(ADOPT, {}).status_code,
        client.post(ADOPT, {"organisation": world.org_x.pk, "definition": "x"}).status_code,
        client.post(ADOPT, {"organisation": world.org_x.pk, "definition": 999999}).status_code,
    ]

    assert answers == [404, 404, 404]
    assert not TrainingRequirement.objects.exists()


def test_the_list_page_reads_in_a_fixed_number_of_queries(
    world: World, sets: dict[str, RequirementDefinition], django_assert_num_queries: Any
) -> None:
    client = _client(world.x_admin)
    client.get(LIST)
    with django_assert_num_queries(QUERIES):
        client.get(LIST)
    for code in ("cstf-fire-safety", "cstf-resuscitation-level-1", "cstf-moving-handling-level-2"):
        requirement = _adopted(world, sets[code])
        requirement.module = ModuleFactory.create()
        requirement.save(update_fields=["module"])

    with django_assert_num_queries(QUERIES):
        client.get(LIST)
