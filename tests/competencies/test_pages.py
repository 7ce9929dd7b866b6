"""The competency pages (issue 4): the team matrix and its CSV, a person's competencies,
and the assessor's form. Scope, pinned query counts, agreement with the API, and the
form's error paths."""

import csv
import datetime
import io
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.models import Role, Team, User
from accounts.selectors import actor_for_user
from competencies import services
from competencies.matrix import cell_text
from competencies.models import Assessment, Competency
from competencies.services import valid_until_for
from competencies.states import Cell, State
from tests.conftest import World
from tests.factories import AssessmentFactory
from tests.support.competencies import cells_of, make_framework, require, team_with_learners

pytestmark = pytest.mark.django_db

# session, user, actor memberships, frameworks (the filter's choices), the team's members
# (with the team), competencies, requirements, assessments: the API's seven plus frameworks,
# and the team's pending invitations (ADR 0012).
MATRIX_PAGE_QUERIES = 9
# The CSV download runs exactly what the API does.
# The download also writes its row in the access log (issue 17).
MATRIX_CSV_QUERIES = 8
# session, user, actor memberships, the learner in scope, their memberships, requirements,
# current assessments, competencies, history (corrections joined in); someone else's page
# adds the person and whether the viewer may assess them.
OWN_PAGE_QUERIES = 9
PERSON_PAGE_QUERIES = 11


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _fill(world: World, people: int, competencies: int) -> tuple[Team, list[Competency]]:
    """X team A with `people` members (the world's manager, assessor and learner, then more
    learners) and a framework of `competencies`, half of them required of learners, with
    assessments in every state: competent, expiring soon, expired, not yet competent, not
    assessed (the approach of tests/competencies/test_matrix.py)."""
    team, learners, comps = team_with_learners(world, people, competencies)
    now = timezone.now()
    ages = [0, 700, 800, 10]  # days ago: competent, expiring soon, expired, competent
    rows = []
    for i, learner in enumerate(learners):
        for j, competency in enumerate(comps):
            if (i * j) % 3 == 1:
                continue  # not assessed
            assessed = now - datetime.timedelta(days=ages[(i + j) % len(ages)])
            competent = (i + j) % 5 != 0
            rows.append(
                AssessmentFactory.build(
                    learner=learner,
                    competency=competency,
                    assessor=world.x_assessor_a,
                    organisation=world.org_x,
                    outcome="competent" if competent else "not_yet_competent",
                    level=competency.level,
                    assessed_at=assessed,
                    valid_until=valid_until_for(competency, assessed.date()) if competent else None,
                )
            )
    Assessment.objects.bulk_create(rows)
    return team, comps


class MatrixTable(HTMLParser):
    """The matrix table as a person reads it: the column headings, then per row the
    person's name and the text of every cell (row heading first)."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.rows: list[list[str]] = []
        self.names: list[str] = []
        self.cell_classes: list[list[str]] = []
        self._in_table = False
        self._section = ""
        self._text: list[str] | None = None
        self._name: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and attributes.get("id") == "matrix":
            self._in_table = True
        if not self._in_table:
            return
        if tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr" and self._section == "tbody":
            self.rows.append([])
            self.cell_classes.append([])
        elif tag in ("th", "td"):
            self._text = []
            if tag == "td":
                self.cell_classes[-1].append(attributes.get("class") or "")
        elif tag == "span" and "matrix__name" in (attributes.get("class") or ""):
            self._name = []

    def handle_endtag(self, tag: str) -> None:
        if not self._in_table:
            return
        if tag == "table":
            self._in_table = False
        elif tag == "span" and self._name is not None:
            self.names.append("".join(self._name).strip())
            self._name = None
        elif tag in ("th", "td") and self._text is not None:
            text = " ".join("".join(self._text).split())
            (self.headings if self._section == "thead" else self.rows[-1]).append(text)
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)
        if self._name is not None:
            self._name.append(data)


def heading_codes(table: MatrixTable) -> list[str]:
    """The competency columns' codes (each heading reads its code, then its title)."""
    return [heading.split(" ", 1)[0] for heading in table.headings[1:-1]]


def parse_matrix(html: str) -> MatrixTable:
    table = MatrixTable()
    table.feed(html)
    return table


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def api_cell_text(cell: dict[str, Any]) -> str:
    """The words the page and the CSV use for one of the API's cells."""
    valid_until = cell["valid_until"] and datetime.date.fromisoformat(cell["valid_until"])
    return cell_text(
        Cell(State(cell["state"]), cell["level"], valid_until or None, None),
        cell["required_level"],
    )


def page_cell_text(cell: dict[str, Any]) -> str:
    """The words the page shows and reads for one of the API's cells (issue 15): the
    state's symbol and name, the level, until when (as dates are written on every page),
    and the level required."""
    symbol = {"competent": "✓", "expiring_soon": "!", "expired": "✗"}
    symbol |= {"not_yet_competent": "…", "not_assessed": "\u2013"}
    words = [symbol[cell["state"]], str(State(cell["state"]).label)]
    if cell["level"] is not None and cell["state"] != "not_assessed":
        detail = f"Level {cell['level']}"
        if cell["valid_until"] and cell["state"] != "not_yet_competent":
            day = datetime.date.fromisoformat(cell["valid_until"])
            verb = "expired after" if cell["state"] == "expired" else "until"
            detail += f", {verb} {day.day} {day:%B %Y}"
        elif cell["state"] != "not_yet_competent":
            detail += ", does not expire"
        words.append(detail)
    if cell["required_level"] is not None:
        words.append(f"Required: level {cell['required_level']}")
    return " ".join(words)


def nav_links(html: str) -> list[str]:
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


# Who sees which page


def test_pages_open_for_the_right_roles(world: World) -> None:
    make_framework(3)
    team_a = world.x_team_a.pk

    manager, admin, assessor, learner = (
        signed_in(world.x_manager_a),
        signed_in(world.x_admin),
        signed_in(world.x_assessor_a),
        signed_in(world.x_learner_a),
    )

    assert manager.get("/team/competency/")["Location"] == f"/teams/{team_a}/competency/"
    admin_index = admin.get("/team/competency/").content.decode()
    assert f'href="/teams/{team_a}/competency/"' in admin_index
    assert f'href="/teams/{world.x_team_b.pk}/competency/"' in admin_index
    assert f'href="/teams/{world.y_team_a.pk}/competency/"' not in admin_index
    assert manager.get(f"/teams/{team_a}/competency/").status_code == 200
    assert admin.get(f"/teams/{world.x_team_b.pk}/competency/").status_code == 200
    assert assessor.get("/assess/").status_code == 200
    for client in (manager, admin, assessor, learner):
        response = client.get("/competencies/")
        assert response.status_code == 200
        assert response.content.decode().count("<h1>") == 1
    for url in ("/team/competency/", f"/teams/{team_a}/competency/", "/assess/"):
        assert learner.get(url).status_code == 404
    assert manager.get("/assess/").status_code == 404
    assert assessor.get(f"/teams/{team_a}/competency/").status_code == 404
    assert assessor.get("/team/competency/").status_code == 404
    assert Client().get("/competencies/").status_code == 302

    home = {
        name: nav_links(client.get("/").content.decode())
        for name, client in (
            ("manager", manager),
            ("admin", admin),
            ("assessor", assessor),
            ("learner", learner),
        )
    }
    assert "Team competency" in home["manager"] and "Team competency" in home["admin"]
    assert "Team competency" not in home["assessor"] + home["learner"]
    assert "Assess" in home["assessor"]
    assert "Assess" not in home["manager"] + home["admin"] + home["learner"]
    assert all("My competencies" in links for links in home.values())


def test_a_manager_gets_404_for_another_teams_matrix_page_and_csv(world: World) -> None:
    make_framework(2)
    manager = signed_in(world.x_manager_a)

    for team in (world.x_team_b, world.y_team_a):
        assert manager.get(f"/teams/{team.pk}/competency/").status_code == 404
        assert manager.get(f"/teams/{team.pk}/competency.csv").status_code == 404
        assert manager.get(f"/teams/{team.pk}/competency/?level=9").status_code == 404
    for other in (world.y_admin, world.x_assessor_a, world.x_learner_a, world.y_manager):
        client = signed_in(other)
        assert client.get(f"/teams/{world.x_team_a.pk}/competency/").status_code == 404
        assert client.get(f"/teams/{world.x_team_a.pk}/competency.csv").status_code == 404
    assert manager.get("/teams/999999/competency/").status_code == 404


def test_an_assessor_gets_404_for_a_learner_outside_scope_and_never_sees_them(
    world: World,
) -> None:
    competency = make_framework(1)[0]
    assessor = signed_in(world.x_assessor_a)

    inside = assessor.get(f"/people/{world.x_learner_a.pk}/competencies/")
    outside = [
        assessor.get(f"/people/{person.pk}/competencies/")
        for person in (world.x_learner_b, world.y_learner, world.y_manager)
    ]
    form = assessor.get("/assess/").content.decode()
    posted = assessor.post(
        "/assess/",
        {
            "learner": world.y_learner.pk,
            "competency": competency.pk,
            "method": "observation",
            "outcome": "competent",
            "evidence_note": "Saw it done.",
            "assessed_at": timezone.localdate().isoformat(),
        },
    )

    assert inside.status_code == 200
    assert [response.status_code for response in outside] == [404, 404, 404]
    learner_select = form[form.index('name="learner"') : form.index('name="competency"')]
    options = re.findall(r'<option value="(\d+)"', learner_select)
    assert str(world.x_learner_a.pk) in options
    assert str(world.x_manager_a.pk) not in options  # learners only: whom they may see
    for person in (world.x_learner_b, world.y_learner, world.x_assessor_a):
        assert str(person.pk) not in options
        assert person.email not in form
    assert posted.status_code == 400
    assert "Choose a person you assess." in posted.content.decode()
    assert not Assessment.objects.exists()
    manager = signed_in(world.x_manager_a)
    assert manager.get(f"/people/{world.y_learner.pk}/competencies/").status_code == 404
    assert manager.get(f"/people/{world.x_learner_b.pk}/competencies/").status_code == 404
    learner = signed_in(world.x_learner_a)
    assert learner.get(f"/people/{world.x_learner_b.pk}/competencies/").status_code == 404


# The matrix page


@pytest.mark.parametrize(("people", "competencies"), [(5, 5), (50, 30)])
def test_matrix_page_and_csv_run_a_fixed_number_of_queries(
    world: World, people: int, competencies: int
) -> None:
    team, _ = _fill(world, people, competencies)
    manager = signed_in(world.x_manager_a)

    with CaptureQueriesContext(connection) as page_queries:
        page = manager.get(f"/teams/{team.pk}/competency/")
    with CaptureQueriesContext(connection) as filtered_queries:
        filtered = manager.get(f"/teams/{team.pk}/competency/", {"required_only": "on"})
    with CaptureQueriesContext(connection) as csv_queries:
        download = manager.get(f"/teams/{team.pk}/competency.csv")

    table = parse_matrix(page.content.decode())
    assert page.status_code == filtered.status_code == download.status_code == 200
    assert len(table.rows) == people and len(table.headings) == competencies + 2
    assert len(page_queries) == len(filtered_queries) == MATRIX_PAGE_QUERIES
    assert len(csv_queries) == MATRIX_CSV_QUERIES


@pytest.mark.parametrize(
    "params", [{}, {"required_only": "on"}, {"level": "2"}, {"state": "expired"}]
)
def test_page_csv_and_api_agree_cell_for_cell(
    world: World, client_for: Callable[[User], APIClient], params: dict[str, str]
) -> None:
    team, _ = _fill(world, 8, 6)
    manager = signed_in(world.x_manager_a)
    api_params = {**params, "required_only": "true"} if params.get("required_only") else params

    page = manager.get(f"/teams/{team.pk}/competency/", params)
    download = manager.get(f"/teams/{team.pk}/competency.csv", params)
    body = client_for(world.x_manager_a).get(f"/api/v1/teams/{team.pk}/matrix/", api_params).json()

    table = parse_matrix(page.content.decode())
    rows = csv_rows(download.content)
    codes = [c["code"] for c in body["competencies"]]
    assert download["Content-Type"].startswith("text/csv")
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert rows[0] == ["Person", "Roles", *codes, "Still needs"]
    titles = [f"{c['code']} {c['title']}" for c in body["competencies"]]
    assert table.headings == ["Person", *titles, "Still needs"]
    assert len(table.rows) == len(rows) - 1 == len(body["people"]) > 0
    for shown, name, row, person in zip(
        table.rows, table.names, rows[1:], body["people"], strict=True
    ):
        assert name == row[0] == person["full_name"]
        assert row[2:-1] == [api_cell_text(cell) for cell in cells_of(person)]
        assert shown[1:-1] == [page_cell_text(cell) for cell in cells_of(person)]
        assert (shown[-1], row[-1]) == (
            (" ".join(person["missing"]), " ".join(person["missing"]))
            if person["missing"]
            else ("Nothing", "")
        )


def test_every_cell_has_a_class_per_state_and_required_cells_say_so(world: World) -> None:
    team, _ = _fill(world, 8, 6)

    html = signed_in(world.x_manager_a).get(f"/teams/{team.pk}/competency/").content.decode()

    table = parse_matrix(html)
    states = {state.value: str(state.label) for state in State}
    seen = set()
    for shown, classes in zip(table.rows, table.cell_classes, strict=True):
        for text, css in zip(shown[1:], classes, strict=False):
            if "matrix__cell" not in css:
                continue
            state = re.search(r"cell--(\w+)", css)
            assert state is not None and text.split(" ", 1)[1].startswith(states[state.group(1)])
            assert ("cell--required" in css) == ("Required: level" in text)
            seen.add(state.group(1))
    assert seen == set(states)
    assert 'class="table-scroll" tabindex="0" role="region" aria-label="' in html
    assert "<caption>" in html and html.count('<th scope="col"') >= 8
    assert "style=" not in html
    assert re.search(r'<rect class="domain-chart__fill" width="\d+"', html)
    assert re.search(r"\d+% held \(\d+ of \d+ cells\)", html)


def test_matrix_filters_narrow_the_columns_and_bad_ones_are_shown_not_fatal(
    world: World,
) -> None:
    team, comps = _fill(world, 6, 6)
    manager = signed_in(world.x_manager_a)
    url = f"/teams/{team.pk}/competency/"

    required = manager.get(url, {"required_only": "on"})
    level_two = manager.get(url, {"level": "2"})
    bad = manager.get(url, {"required_only": "on", "level": "9", "framework": "x"})

    assert heading_codes(parse_matrix(required.content.decode())) == [c.code for c in comps[:3]]
    assert heading_codes(parse_matrix(level_two.content.decode())) == [
        c.code for c in comps if c.level == 2
    ]
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "There is a problem" in html and "<title>Error: " in html
    assert "Level: &quot;9&quot; is not a valid choice." in html
    assert "Framework: A valid integer is required." in html
    # The valid filter still applies, and the CSV link carries only it.
    assert heading_codes(parse_matrix(html)) == [c.code for c in comps[:3]]
    assert f'href="/teams/{team.pk}/competency.csv?required_only=on"' in html
    assert re.search(r'<input type="checkbox" name="required_only"[^>]* checked', html)
    assert manager.get(f"/teams/{team.pk}/competency.csv", {"level": "9"}).status_code == 400


# A person's competencies


def test_my_competencies_shows_what_i_hold_until_when_and_what_is_still_needed(
    world: World,
) -> None:
    held, needed, expired = make_framework(3)
    require(world.x_team_a, [held, needed, expired], role=Role.LEARNER)
    assessor = actor_for_user(world.x_assessor_a)
    long_ago = timezone.now() - datetime.timedelta(days=800)
    for competency, when in ((held, None), (expired, long_ago)):
        services.assessment_record(
            actor=assessor,
            learner_id=world.x_learner_a.pk,
            competency=competency,
            method="observation",
            outcome="competent",
            evidence_note="Observed on a home visit.",
            assessed_at=when,
        )

    html = signed_in(world.x_learner_a).get("/competencies/").content.decode()

    valid_until = valid_until_for(held, timezone.localdate())
    assert valid_until is not None
    assert "<h1>My competencies</h1>" in html
    needed_section = html[html.index('id="needed-heading"') : html.index('id="all-heading"')]
    assert needed.code in needed_section and expired.code in needed_section
    assert held.code not in needed_section
    assert "Expired</strong>" in needed_section
    assert valid_until.strftime("%-d %B %Y") in html
    assert "Record a correction" not in html and "Record an assessment<" not in html
    assert html.count('class="card history-item') == 2


@pytest.mark.parametrize("competencies", [2, 20])
def test_competency_pages_run_a_fixed_number_of_queries(world: World, competencies: int) -> None:
    for competency in make_framework(competencies):
        earlier = AssessmentFactory.create(
            learner=world.x_learner_a,
            competency=competency,
            assessor=world.x_assessor_a,
            organisation=world.org_x,
        )
        AssessmentFactory.create(
            learner=world.x_learner_a,
            competency=competency,
            method="evidence",
            assessor=world.x_assessor_a,
            organisation=world.org_x,
            outcome="not_yet_competent",
            supersedes=earlier,
        )
    learner, assessor = signed_in(world.x_learner_a), signed_in(world.x_assessor_a)

    with CaptureQueriesContext(connection) as own:
        mine = learner.get("/competencies/")
    with CaptureQueriesContext(connection) as theirs:
        seen = assessor.get(f"/people/{world.x_learner_a.pk}/competencies/")

    assert mine.status_code == seen.status_code == 200
    assert mine.content.decode().count("Superseded by <a") == competencies
    assert seen.content.decode().count(">Record a correction<") == competencies
    assert (len(own), len(theirs)) == (OWN_PAGE_QUERIES, PERSON_PAGE_QUERIES)


def test_a_correction_made_with_the_form_keeps_the_earlier_assessment_in_the_history(
    world: World,
) -> None:
    competency = make_framework(1)[0]
    assessor = signed_in(world.x_assessor_a)
    learner = world.x_learner_a
    today = timezone.localdate().isoformat()
    first = assessor.post(
        "/assess/",
        {
            "learner": learner.pk,
            "competency": competency.pk,
            "method": "observation",
            "outcome": "competent",
            "evidence_note": "Saw the referral made with consent.",
            "assessed_at": today,
        },
    )
    earlier = Assessment.objects.get()
    person_page = assessor.get(first["Location"]).content.decode()
    link = re.search(r'href="(/assess/\?[^"]*supersedes=\d+)"', person_page)
    assert link is not None
    correction_form = assessor.get(link.group(1).replace("&amp;", "&")).content.decode()

    corrected = assessor.post(
        "/assess/",
        {
            "learner": learner.pk,
            "competency": competency.pk,
            "method": "evidence",
            "outcome": "not_yet_competent",
            "evidence_note": "Recorded against the wrong visit.",
            "assessed_at": today,
            "supersedes": earlier.pk,
        },
        follow=True,
    )

    assert first.status_code == 302
    assert first["Location"] == f"/people/{learner.pk}/competencies/"
    assert "This is a correction" in correction_form
    assert f'name="supersedes" value="{earlier.pk}"' in correction_form
    assert f'<option value="{learner.pk}" selected>' in correction_form
    assert f'<option value="{competency.pk}" selected>' in correction_form
    html = corrected.content.decode()
    correction = Assessment.objects.exclude(pk=earlier.pk).get()
    assert corrected.redirect_chain == [(f"/people/{learner.pk}/competencies/", 302)]
    assert "The earlier assessment it corrects stays in the history." in html
    assert Assessment.objects.get(pk=earlier.pk).outcome == "competent"
    assert correction.supersedes_id == earlier.pk
    assert html.count('class="card history-item') == 2
    assert f'id="assessment-{earlier.pk}"' in html and f'id="assessment-{correction.pk}"' in html
    assert html.index(f'id="assessment-{correction.pk}"') < html.index(
        f'id="assessment-{earlier.pk}"'
    )
    assert f'Superseded by <a href="#assessment-{correction.pk}">' in html
    assert f'Corrects <a href="#assessment-{earlier.pk}">' in html
    assert "Saw the referral made with consent." in html
    # Only the current assessment can be corrected again.
    assert html.count("supersedes=") == 1 and f"supersedes={correction.pk}" in html


# The assessor's form


def _form_data(world: World, competency: Competency, **changes: Any) -> dict[str, Any]:
    return {
        "learner": world.x_learner_a.pk,
        "competency": competency.pk,
        "method": "observation",
        "outcome": "competent",
        "evidence_note": "Watched a full home visit, 14 March.",
        "assessed_at": timezone.localdate().isoformat(),
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"learner": "self"}, "learner", "Choose a person you assess."),
        ({"learner": "outsider"}, "learner", "Choose a person you assess."),
        ({"assessed_at": "tomorrow"}, "assessed_at", "Choose a time that has passed."),
        ({"assessed_at": "2026-02-31"}, "assessed_at", "Enter a real date"),
        ({"evidence_note": "  "}, "evidence_note", "Describe the evidence."),
        ({"method": "quiz"}, "method", "Choose observation or evidence review."),
        ({"supersedes": "elsewhere"}, "supersedes", "No such assessment to correct."),
        ({"evidence_file": "text"}, "evidence_file", "Not a PDF, JPEG, PNG or .docx file."),
    ],
)
def test_the_form_shows_refusals_on_their_fields_and_keeps_what_was_typed(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    competency, other = make_framework(2)
    elsewhere = AssessmentFactory.create(
        learner=world.x_learner_a,
        competency=other,
        assessor=world.x_assessor_a,
        organisation=world.org_x,
    )
    values = {
        "self": world.x_assessor_a.pk,
        "outsider": world.y_learner.pk,
        "tomorrow": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
        "elsewhere": elsewhere.pk,
        "text": SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain"),
    }
    data = _form_data(
        world,
        competency,
        **{k: values.get(v, v) if isinstance(v, str) else v for k, v in changes.items()},
    )

    response = signed_in(world.x_assessor_a).post("/assess/", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Record an assessment" in html and "There is a problem" in html
    assert message in html
    anchor = "id_supersedes_panel" if field == "supersedes" else f"id_{field}"
    assert f'<a href="#{anchor}">' in html
    assert Assessment.objects.count() == 1
    note = data["evidence_note"]
    if note.strip():
        assert f">\n{note}</textarea>" in html
    assert f'<option value="{competency.pk}" selected>' in html
    assert 'value="observation" id="id_method_0" required checked' in html or field == "method"
    assert 'value="competent" id="id_outcome_0" required checked' in html
    assert f'value="{data["assessed_at"]}"' in html


def test_recording_an_assessment_redirects_to_the_persons_page_with_a_message(
    world: World,
) -> None:
    competency = make_framework(1)[0]
    evidence = SimpleUploadedFile("visit.pdf", b"%PDF-1.4 demo", content_type="application/pdf")

    response = signed_in(world.x_assessor_a).post(
        "/assess/",
        _form_data(world, competency, level="3", evidence_file=evidence, evidence_note=""),
        follow=True,
    )

    assessment = Assessment.objects.get()
    html = response.content.decode()
    assert response.redirect_chain == [(f"/people/{world.x_learner_a.pk}/competencies/", 302)]
    assert (assessment.assessor_id, assessment.level, assessment.method) == (
        world.x_assessor_a.pk,
        3,
        "observation",
    )
    assert (assessment.evidence_file.name or "").endswith(".pdf")
    name = escape(world.x_learner_a.full_name)  # as the page writes it (O'Neill, say)
    assert f"Recorded: {name} is competent in {competency.code}" in html
    assert f'href="/api/v1/assessments/{assessment.pk}/evidence/"' in html
