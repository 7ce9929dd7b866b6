"""Issue 15, must show 2: the Core Skills Training Framework and Care Certificate sets
import with `manage.py import_requirement_sets` and through the Django admin's button,
and a re-import changes nothing: 0 created, 0 updated, every row's values as they were.
A bad file imports nothing and says which file, entry and field is wrong."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from compliance.definitions_file import parse_definitions
from compliance.models import DefinitionSet, RequirementDefinition
from tests.factories import TrainingRequirementFactory, UserFactory
from training.content import ContentError

pytestmark = pytest.mark.django_db

ADMIN_LIST = "/admin/compliance/requirementdefinition/"
ADMIN_IMPORT = "/admin/compliance/requirementdefinition/import/"
EVERY_ROW = "32 created, 0 updated, 0 unchanged"
NOTHING_CHANGED = "0 created, 0 updated, 32 unchanged"


def _rows() -> list[dict[str, Any]]:
    """Every stored definition with every field, by id: what a re-import must not touch."""
    return [dict(row) for row in RequirementDefinition.objects.order_by("pk").values()]


def _import(*paths: Path) -> str:
    out = io.StringIO()
    call_command("import_requirement_sets", *map(str, paths), stdout=out)
    return out.getvalue()


def _superuser() -> Client:
    client = Client()
    client.force_login(
        User.objects.create_superuser("staff@example.org", "correct-horse-battery", full_name="S")
    )
    return client


def _admin_messages(client: Client) -> list[str]:
    page = client.get(ADMIN_LIST)
    return [str(message) for message in page.context["messages"]]


def test_the_command_imports_both_sets_with_their_usual_intervals() -> None:
    said = _import()

    assert f"Requirement definitions: {EVERY_ROW} (32 in all)." in said
    by_code = {row.code: row for row in RequirementDefinition.objects.all()}
    cstf = [row for row in by_code.values() if row.set == DefinitionSet.CSTF]
    care = [row for row in by_code.values() if row.set == DefinitionSet.CARE_CERTIFICATE]
    assert (len(cstf), len(care)) == (16, 16)
    assert {
        code: by_code[code].renewal_months
        for code in (
            "cstf-fire-safety",
            "cstf-infection-prevention-control-level-1",
            "cstf-infection-prevention-control-level-2",
            "cstf-moving-handling-level-1",
            "cstf-moving-handling-level-2",
            "cstf-equality-diversity-human-rights",
            "cstf-resuscitation-level-2",
            "cstf-information-governance-data-security",
        )
    } == {
        "cstf-fire-safety": 12,
        "cstf-infection-prevention-control-level-1": 36,
        "cstf-infection-prevention-control-level-2": 12,
        "cstf-moving-handling-level-1": 36,
        "cstf-moving-handling-level-2": 24,
        "cstf-equality-diversity-human-rights": 36,
        "cstf-resuscitation-level-2": 12,
        "cstf-information-governance-data-security": 12,
    }
    # The 2025 revision: 16 standards, none renewing, in order.
    assert {row.renewal_months for row in care} == {0}
    titles = [row.title for row in sorted(care, key=lambda row: row.position)]
    assert titles[8] == "Standard 9: Awareness of mental health and dementia"
    assert titles[15] == "Standard 16: Awareness of learning disability and autism"
    assert [row.position for row in sorted(care, key=lambda row: row.position)] == list(
        range(1, 17)
    )
    assert all(row.title and row.description and row.audience for row in by_code.values())


def test_a_reimport_by_the_command_changes_nothing() -> None:
    _import()
    before = _rows()

    said = _import()

    assert f"Requirement definitions: {NOTHING_CHANGED} (32 in all)." in said
    assert _rows() == before


def test_a_reimport_writes_no_row_at_all(django_assert_num_queries: Any) -> None:
    _import()

    # A savepoint pair and the one locking read: no INSERT, no UPDATE.
    with django_assert_num_queries(3):
        call_command("import_requirement_sets", stdout=io.StringIO())


def test_a_changed_row_is_put_back_and_counted_as_updated() -> None:
    _import()
    before = _rows()
    RequirementDefinition.objects.filter(code="cstf-fire-safety").update(
        renewal_months=24, title="Fire"
    )

    said = _import()

    assert "0 created, 1 updated, 31 unchanged" in said
    assert _rows() == before


def test_an_adopted_requirement_keeps_its_own_values_when_the_sets_are_imported_again() -> None:
    _import()
    definition = RequirementDefinition.objects.get(code="cstf-fire-safety")
    adopted = TrainingRequirementFactory.create(
        definition=definition,
        title="Fire safety (our own)",
        renewal_months=24,
        module=None,
    )
    RequirementDefinition.objects.filter(pk=definition.pk).update(renewal_months=6)

    _import()

    adopted.refresh_from_db()
    assert (adopted.title, adopted.renewal_months, adopted.definition_id) == (
        "Fire safety (our own)",
        24,
        definition.pk,
    )
    assert RequirementDefinition.objects.get(pk=definition.pk).renewal_months == 12


def test_the_admin_button_imports_and_a_second_press_changes_nothing() -> None:
    client = _superuser()
    listed = client.get(ADMIN_LIST).content.decode()
    assert "Import the starter sets" in listed
    assert f'action="{ADMIN_IMPORT}"' in listed

    first = client.post(ADMIN_IMPORT)

    assert first.status_code == 302 and first["Location"] == ADMIN_LIST
    assert _admin_messages(client) == [f"Starter sets imported: {EVERY_ROW}."]
    before = _rows()
    assert len(before) == 32

    client.post(ADMIN_IMPORT)

    assert _admin_messages(client) == [f"Starter sets imported: {NOTHING_CHANGED}."]
    assert _rows() == before


def test_the_command_and_the_admin_import_the_same_rows() -> None:
    _import()
    by_command = _rows()

    _superuser().post(ADMIN_IMPORT)

    assert _rows() == by_command


def test_the_admin_button_needs_a_post_with_its_csrf_token() -> None:
    user = User.objects.create_superuser("staff@example.org", "correct-horse-battery")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.get(ADMIN_IMPORT).status_code == 405
    assert client.post(ADMIN_IMPORT).status_code == 403
    assert RequirementDefinition.objects.count() == 0


def test_staff_who_may_only_view_definitions_get_no_button_and_cannot_import() -> None:
    user = UserFactory.create(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_requirementdefinition"),
    )
    client = Client()
    client.force_login(user)

    listed = client.get(ADMIN_LIST)
    refused = client.post(ADMIN_IMPORT)

    assert listed.status_code == 200
    assert "Import the starter sets" not in listed.content.decode()
    assert refused.status_code == 403
    assert RequirementDefinition.objects.count() == 0


def test_the_definitions_are_read_only_in_the_admin() -> None:
    _import()
    client = _superuser()
    definition = RequirementDefinition.objects.get(code="cstf-fire-safety")

    change_page = client.get(f"{ADMIN_LIST}{definition.pk}/change/")
    changed = client.post(f"{ADMIN_LIST}{definition.pk}/change/", {"title": "Fire"})

    assert change_page.status_code == 200
    assert 'name="_save"' not in change_page.content.decode()
    assert changed.status_code == 403
    assert client.get(f"{ADMIN_LIST}add/").status_code == 403
    assert client.post(f"{ADMIN_LIST}{definition.pk}/delete/").status_code == 403
    assert RequirementDefinition.objects.get(pk=definition.pk).title == "Fire safety"


GOOD = """set: cstf
definitions:
  - code: cstf-fire-safety
    title: Fire safety
    description: What to do when the alarm sounds.
    renewal_months: 12
    audience: Everyone
    position: 1
"""


def test_a_bad_file_imports_nothing_and_names_the_file_and_entry(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(GOOD)
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("renewal_months: 12", "renewal_months: yearly"))

    with pytest.raises(CommandError) as raised:
        _import(good, bad)

    assert str(raised.value) == (
        "Nothing was imported.\n"
        f"{bad}: entry 1 (cstf-fire-safety): 'renewal_months' must be a whole number "
        "from 0 to 120"
    )
    assert RequirementDefinition.objects.count() == 0


def test_a_code_in_two_files_imports_nothing(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(GOOD)
    second.write_text(GOOD.replace("set: cstf", "set: care_certificate"))

    with pytest.raises(CommandError) as raised:
        _import(first, second)

    assert "codes must be unique (repeated: cstf-fire-safety)" in str(raised.value)
    assert RequirementDefinition.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("set: cstf\ndefinitions: [\n", "f.yaml, line 3: not valid YAML"),
        ("- a list\n", "f.yaml: a requirement set file must be a mapping (set: ...)"),
        (
            GOOD.replace("set: cstf", "set: nhs"),
            "f.yaml: 'set' must be one of cstf, care_certificate",
        ),
        ("set: cstf\ndefinitions: []\n", "f.yaml: 'definitions' must be a list of at least one"),
        (
            GOOD.replace("code: cstf-fire-safety", "code: Fire Safety"),
            "f.yaml: entry 1 (Fire Safety): code must be lowercase words",
        ),
        (
            GOOD.replace("    title: Fire safety\n", ""),
            "f.yaml: entry 1 (cstf-fire-safety): 'title' must be some text",
        ),
        (
            GOOD.replace("renewal_months: 12", "renewal_months: true"),
            "'renewal_months' must be a whole number from 0 to 120",
        ),
        (
            GOOD.replace("renewal_months: 12", "renewal_months: 121"),
            "'renewal_months' must be a whole number from 0 to 120",
        ),
        (
            GOOD.replace("position: 1", "position: -1"),
            "'position' must be a whole number from 0 to 999",
        ),
        (GOOD.replace("position: 1", "position: 1\n    renewal: 12"), "unknown fields ['renewal']"),
        (
            GOOD + GOOD.split("definitions:\n")[1],
            "f.yaml: codes must be unique (repeated: cstf-fire-safety)",
        ),
        (
            GOOD.replace("title: Fire safety", "title: Fire\x00safety"),
            "f.yaml, line 4: contains the control character U+0000",
        ),
        (
            GOOD.replace("audience: Everyone", "audience: " + "x" * 201),
            "'audience' is 201 characters; at most 200",
        ),
    ],
)
def test_a_bad_definition_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ContentError) as raised:
        parse_definitions(text, where="f.yaml")

    assert message in str(raised.value)
