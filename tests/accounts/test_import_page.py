"""Issue 16, must show 3 and 6 (the page): the org admin's bulk onboarding page. The
preview shows what applying would do and saves nothing; applying saves; the same file
again changes nothing; 50 bad rows are each shown with their row number; an expired
preview asks for the file again; nobody else reaches the page (404); bad uploads are
answered 400 in Hearth's words, never a 500 (ADR 0022, "The page")."""

import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.utils import override_settings

from accounts.forms_import import PEOPLE_FILE_MAX_BYTES
from accounts.models import KeyScope, Membership, OrganisationAPIKey, Role, User
from tests.accounts.test_onboarding import HEADERS, csv_of, people, snapshot, xlsx_of
from tests.conftest import World
from tests.factories import MembershipFactory
from tests.test_page_forms import assert_error_summary_first, assert_in_hearths_words

pytestmark = pytest.mark.django_db

PAGE = "/organisation/people/import/"
APPLY = "Apply these changes"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def preview(client: Client, content: bytes, name: str = "people.csv", **data: object) -> str:
    response = client.post(
        PAGE, {"step": "preview", "file": SimpleUploadedFile(name, content), **data}
    )
    assert response.status_code == 200, response.content.decode()
    return str(response.content.decode())


def digest_of(html: str) -> str:
    found = re.search(r'name="digest" value="([0-9a-f]{64})"', html)
    assert found, html
    return found.group(1)


def apply(client: Client, html: str, **data: object) -> str:
    response = client.post(
        PAGE,
        {"step": "apply", "digest": digest_of(html), "filename": "people.csv", **data},
        follow=True,
    )
    assert response.redirect_chain == [(PAGE, 302)], response.content.decode()
    return str(response.content.decode())


def held() -> tuple[int, int]:
    return Membership.including_pending.count(), User.objects.count()


def counted(html: str) -> dict[str, int]:
    return {
        label: int(number) for label, number in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html)
    }


def a_file(world: World) -> bytes:
    rows = people(3)
    rows[1][5] = "p0@example.org"  # p0 manages p1's team
    rows.append(["E9", "Moved Person", world.x_learner_a.email, "X team B", "learner", "", "", ""])
    leaver = world.x_learner_b.email
    rows.append(["E8", "Gone", leaver, "X team B", "learner", "", "", "2026-01-01"])
    return csv_of(rows)


def test_the_upload_step_names_the_columns_and_offers_a_template(world: World) -> None:
    admin = signed_in(world.x_admin)

    html = admin.get(PAGE).content.decode()
    template = admin.get(PAGE, {"template": "csv"})

    assert '<label for="id_file">People file (CSV or XLSX)</label>' in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert ", ".join(HEADERS) in html
    assert 'href="?template=csv"' in html
    assert template.status_code == 200
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in template["Content-Disposition"]
    assert template.content.decode() == ",".join(HEADERS) + "\r\n"
    teams = admin.get("/organisation/teams/").content.decode()
    assert f'href="{PAGE}"' in teams


def test_the_preview_shows_what_would_happen_and_saves_nothing(world: World) -> None:
    admin = signed_in(world.x_admin)
    before, tables = held(), snapshot()

    html = preview(admin, a_file(world))

    assert held() == before
    assert snapshot() == tables
    assert counted(html) == {
        "Added": 3,
        "Changed": 0,
        "Moved team": 1,
        "Deactivated": 1,
        "Unchanged": 0,
        "Manager roles added": 1,
        "Rows with errors": 0,
    }
    table = html[html.index('id="preview-rows"') :]
    rows = re.findall(r'<th scope="row">(\d+)</th>', table)
    assert rows == ["2", "3", "4", "5", "6"]
    assert "p0@example.org" in table and world.x_learner_b.email in table
    assert "Moved team" in table and "Deactivated" in table
    assert APPLY in html
    assert "Error: " not in html and "data-error-summary" not in html


def test_applying_saves_and_the_same_file_again_changes_nothing(world: World) -> None:
    admin = signed_in(world.x_admin)
    content = a_file(world)
    memberships, users = held()

    done = apply(admin, preview(admin, content))

    assert User.objects.filter(email__in=["p0@example.org", "p1@example.org"]).count() == 2
    assert User.objects.count() == users + 3
    moved = Membership.objects.get(user=world.x_learner_a, organisation=world.org_x)
    assert moved.team == world.x_team_b and moved.employee_number == "E9"
    assert not Membership.objects.filter(user=world.x_learner_b, organisation=world.org_x).exists()
    # 3 added, p0 made a manager of X team A, the leaver's one membership removed
    assert Membership.including_pending.count() == memberships + 3 + 1 - 1
    applied = "The file is applied: 3 added, 1 moved team, 1 deactivated, 1 made a manager; "
    assert applied + "0 unchanged." in done
    assert '<a href="/jobs/">Background work</a>' in done
    tables = snapshot()

    again = preview(admin, content)
    redone = apply(admin, again)

    assert snapshot() == tables
    assert counted(again)["Added"] == 0 and counted(again)["Moved team"] == 0
    assert "applying it would change nothing" in again
    assert "The file is applied: nothing changed" in redone


def test_fifty_bad_rows_among_good_ones_are_each_shown_with_their_row_number(
    world: World,
) -> None:
    rows = people(100)
    for row in rows[1::2]:
        row[4] = "boss"  # rows 3, 5, ... 101 of the file
    admin = signed_in(world.x_admin)
    before = held()

    html = preview(admin, csv_of(rows))

    assert held() == before
    assert_error_summary_first(html)
    assert "50 rows of the file have errors" in html
    assert counted(html)["Rows with errors"] == 50
    table = html[html.index('id="preview-rows"') :]
    shown = [int(n) for n in re.findall(r'<th scope="row">(\d+)</th>', table)]
    assert shown == list(range(3, 102, 2))
    assert table.count("Role: “boss” is not a role here; use learner or manager.") == 50
    assert APPLY not in html and 'name="digest"' not in html


def test_a_large_file_lists_the_first_500_changes_and_counts_them_all(world: World) -> None:
    html = preview(signed_in(world.x_admin), csv_of(people(620)))

    table = html[html.index('id="preview-rows"') :]
    assert counted(html)["Added"] == 620
    assert len(re.findall(r'<th scope="row">\d+</th>', table)) == 500
    assert "120 more rows that change are not listed here" in table


def test_an_expired_preview_asks_for_the_file_again_and_saves_nothing(world: World) -> None:
    admin = signed_in(world.x_admin)
    html = preview(admin, a_file(world))
    before = held()
    cache.clear()  # the hour has passed, or Redis lost it

    expired = admin.post(PAGE, {"step": "apply", "digest": digest_of(html)})
    forged = admin.post(PAGE, {"step": "apply", "digest": "not a digest"})

    assert held() == before
    for response in (expired, forged):
        page = response.content.decode()
        assert response.status_code == 400
        assert "This preview has expired; upload the file again." in page
        assert_in_hearths_words(page)
        assert 'type="file"' in page


def test_nobody_else_reaches_the_page_nor_another_admins_preview(world: World) -> None:
    html = preview(signed_in(world.x_admin), a_file(world))
    before = held()

    for outsider in (world.x_manager_a, world.x_learner_a, world.x_assessor_a, world.y_manager):
        client = signed_in(outsider)
        assert client.get(PAGE).status_code == 404, outsider
        assert client.get(PAGE, {"template": "csv"}).status_code == 404, outsider
        upload = SimpleUploadedFile("people.csv", a_file(world))
        assert client.post(PAGE, {"step": "preview", "file": upload}).status_code == 404
        applying = {"step": "apply", "digest": digest_of(html), "organisation": world.org_x.pk}
        assert client.post(PAGE, applying).status_code == 404, outsider
    other = signed_in(world.y_admin)
    taken = other.post(PAGE, {"step": "apply", "digest": digest_of(html)})
    theirs = preview(other, a_file(world))  # Y's own preview: X's teams are not Y's

    assert taken.status_code == 400
    assert "This preview has expired" in taken.content.decode()
    assert "There is no team “X team A” in Organisation Y." in theirs
    assert held() == before
    _, key = OrganisationAPIKey.objects.create_key(
        name="k", organisation=world.org_x, scope=KeyScope.READ_WRITE
    )
    keyed = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    upload = SimpleUploadedFile("people.csv", a_file(world))
    for client in (keyed, Client()):  # a key is no one signed in: to the sign-in page
        assert client.get(PAGE).status_code == 302
        assert client.post(PAGE, {"step": "preview", "file": upload}).status_code == 302
    assert held() == before


def test_an_admin_of_two_organisations_chooses_one(world: World) -> None:
    MembershipFactory.create(
        user=world.x_admin, organisation=world.org_y, team=None, role=Role.ORG_ADMIN
    )
    admin = signed_in(world.x_admin)
    rows = people(2, team="Y team A")

    unchosen = admin.post(
        PAGE, {"step": "preview", "file": SimpleUploadedFile("people.csv", csv_of(rows))}
    )
    html = preview(admin, csv_of(rows), organisation=world.org_y.pk)
    apply(admin, html, organisation=world.org_y.pk)

    assert unchosen.status_code == 400 and "Choose the organisation." in unchosen.content.decode()
    assert "to Organisation Y would do" in html
    assert Membership.including_pending.filter(
        organisation=world.org_y, team=world.y_team_a, employee_number="E00001"
    ).exists()


@override_settings(HEARTH_REQUEST_MAX_BYTES=PEOPLE_FILE_MAX_BYTES * 2)
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (None, b"", "Choose a CSV or XLSX file of people to upload."),
        ("people.csv", b"", "The file is empty: choose the file with the people in it."),
        ("people.csv", b"  \n \n", "The file is empty."),
        ("people.txt", b"Employee number\n1\n", "The file must be a CSV (.csv) or an Excel"),
        ("people.pdf", b"%PDF-1.4", "The file must be a CSV (.csv) or an Excel"),
        ("people.csv", b"x" * (PEOPLE_FILE_MAX_BYTES + 1), "The file is larger than 5 MB"),
        ("people.xlsx", b"PK\x03\x04 not a workbook", "could not be read as CSV or XLSX"),
        ("people.csv", "Name,Team\nZoë,A\n".encode("utf-16"), "The file is not UTF-8 text"),
        ("people.csv", b"Name,Team\nZoe,A\n", "The file has no column Employee number, Work"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message(
    world: World, name: str | None, content: bytes, message: str
) -> None:
    admin = signed_in(world.x_admin)
    before = held()
    data: dict[str, object] = {"step": "preview"}
    if name is not None:
        data["file"] = SimpleUploadedFile(name, content)

    response = admin.post(PAGE, data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert_error_summary_first(html)
    assert_in_hearths_words(html)
    assert held() == before


def test_xlsx_previews_as_csv_does(world: World) -> None:
    admin = signed_in(world.x_admin)
    rows = people(4)

    assert counted(preview(admin, xlsx_of(rows), "people.xlsx")) == counted(
        preview(admin, csv_of(rows))
    )
