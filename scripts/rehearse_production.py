"""The Python half of the production rehearsal (scripts/rehearse-production.sh).

    rehearse_production.py seed    one organisation, one team, a manager and ONE learner,
                                   with one module assigned, through Hearth's services
                                   (runs under the production settings, in the built venv)
    rehearse_production.py drive   that learner, over HTTP only: sign in, every lesson,
                                   the quiz until passed; then the certificate PDF and the
                                   "certificate ready" email, each waited for (bounded)

Both read the rehearsal's environment (REHEARSAL_* variables, set by the shell script).
`drive` uses the standard library only, like a browser that knows nothing of Hearth's
insides. A failed attempt's result page no longer gives the right answers away (issue 15),
so the learner comes to the second attempt having studied: `seed` writes the module's
answer key (question key -> right choices' texts) to answer-key.json, as the learner's
notes, and `drive` checks the first result page shows no right answer.
"""

import argparse
import email
import email.policy
import json
import mailbox
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = time.monotonic()


class RehearsalFailed(Exception):
    """A step did not do what production must do."""


def say(message: str) -> None:
    print(f"[drive +{time.monotonic() - START:5.1f}s] {message}", flush=True)


def setting(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise RehearsalFailed(f"{name} is not set (run scripts/rehearse-production.sh)")
    return value


# --- seed -------------------------------------------------------------------------------


def seed() -> None:
    """Create the rehearsal's one learner (and the manager who assigns them the module)."""
    sys.path[:0] = [str(ROOT / "backend"), str(ROOT)]
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from accounts.models import Membership, Organisation, Role, Sector, Team, User
    from accounts.selectors import actor_for_user
    from training.models import Module, ModuleVersion
    from training.services import enrolment_assign

    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Rehearsal Community Health Trust", slug="rehearsal", sector=Sector.HEALTH
        )
        team = Team.objects.create(organisation=organisation, name="Discharge Rehearsal Team")
        manager = User.objects.create_user(
            "manager@rehearsal.example",
            setting("REHEARSAL_PASSWORD"),
            full_name="Rehearsal Manager",
        )
        learner = User.objects.create_user(
            setting("REHEARSAL_LEARNER_EMAIL"),
            setting("REHEARSAL_PASSWORD"),
            full_name=setting("REHEARSAL_LEARNER_NAME"),
            job_title="Discharge coordinator",
        )
        for user, role in ((manager, Role.MANAGER), (learner, Role.LEARNER)):
            Membership.objects.create(user=user, organisation=organisation, team=team, role=role)
        module = Module.objects.get(slug=setting("REHEARSAL_MODULE"))
        result = enrolment_assign(
            actor=actor_for_user(manager), module=module, learner_ids=[learner.pk], due_in_days=14
        )
    version: ModuleVersion = result.created[0].version
    key = {
        question.key: [choice.text for choice in question.choices.all() if choice.is_correct]
        for question in version.questions.prefetch_related("choices")
    }
    (Path(setting("REHEARSAL_DIR")) / "answer-key.json").write_text(json.dumps(key))
    print(
        f"seeded under {settings.SETTINGS_MODULE}: learner {learner.full_name} <{learner.email}>"
        f" assigned “{version.title}” ({version.lessons.count()} lessons,"
        f" {version.questions.count()} questions), due {result.due_date}",
        flush=True,
    )


# --- HTML ---------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    inputs: list[dict[str, str]] = field(default_factory=list)

    def value(self, name: str) -> str:
        return next((each.get("value", "") for each in self.inputs if each.get("name") == name), "")


class Page(HTMLParser):
    """The parts of a Hearth page the learner acts on: links, forms, labels, text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.stylesheets: list[str] = []
        self.forms: list[Form] = []
        self.labels: dict[str, str] = {}
        self.title = ""
        self._label_for: str | None = None
        self._in_title = False
        self._text: list[str] = []
        self.feed(html)
        self.text = " ".join(" ".join(self._text).split())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes["href"])
        elif tag == "form":
            self.forms.append(Form(attributes.get("action", ""), attributes.get("method", "get")))
        elif tag in ("input", "button", "textarea") and self.forms:
            self.forms[-1].inputs.append(attributes)
        elif tag == "label":
            self._label_for = attributes.get("for")
            self.labels[self._label_for or ""] = ""
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        if self._label_for is not None:
            self.labels[self._label_for] += data
        if self._in_title:
            self.title += data


class RightAnswers(HTMLParser):
    """From a quiz result page: each question's right answers, in question order."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.by_question: list[list[str]] = []
        self._state = ""  # "dt": reading a term; "answers": inside its dd; "item": in an li
        self._term = ""
        self._item = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "outcome" in classes:
            self.by_question.append([])
        elif tag == "dt":
            self._state, self._term = "dt", ""
        elif tag == "dd" and self._state == "answers-next":
            self._state = "answers"
        elif tag == "li" and self._state == "answers":
            self._state, self._item = "item", ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "dt":
            self._state = "answers-next" if self._term.strip().startswith("Right answer") else ""
        elif tag == "dd" and self._state == "answers":
            self._state = ""
        elif tag == "li" and self._state == "item":
            self.by_question[-1].append(" ".join(self._item.split()))
            self._state = "answers"

    def handle_data(self, data: str) -> None:
        if self._state == "dt":
            self._term += data
        elif self._state == "item":
            self._item += data


# --- HTTP ---------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def html(self) -> str:
        return self.body.decode("utf-8")


class Browser:
    """A cookie-keeping HTTP client that sends forms as a browser does (CSRF token and
    Origin header included) and follows redirects."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict[str, str | list[str]] | None = None) -> Response:
        url = urllib.parse.urljoin(self.base + "/", path)
        body = None
        headers = {"User-Agent": "hearth-rehearsal/1"}
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers |= {"Origin": self.base, "Referer": url}
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, answer.url, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.url, dict(error.headers), error.read())

    def get(self, path: str, expect: int = 200) -> Response:
        response = self.request(path)
        if response.status != expect:
            raise RehearsalFailed(f"GET {path} answered {response.status}, not {expect}")
        return response

    def submit(self, path: str, form: Form, fields: dict[str, str | list[str]]) -> Response:
        data: dict[str, str | list[str]] = {
            "csrfmiddlewaretoken": form.value("csrfmiddlewaretoken")
        }
        data |= fields
        response = self.request(form.action or path, data)
        if response.status != 200:
            raise RehearsalFailed(f"POST {path} answered {response.status}")
        return response

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)


def only_form(page: Page, path: str) -> Form:
    """The page's one form to post, besides the header's sign-out form."""
    forms = [
        form for form in page.forms if form.method.lower() == "post" and form.action != "/sign-out/"
    ]
    if len(forms) != 1:
        raise RehearsalFailed(f"{path}: expected one form to post, found {len(forms)}")
    return forms[0]


# --- drive ------------------------------------------------------------------------------


def sign_in(browser: Browser, email_address: str, password: str) -> None:
    page = Page(browser.get("/sign-in/").html)
    say(
        f"GET /sign-in/ 200 “{page.title.strip()}”, csrftoken cookie set: "
        f"{browser.cookie('csrftoken') is not None}"
    )
    for href in page.stylesheets:
        css = browser.get(href)
        hashed = re.search(r"\.[0-9a-f]{12}\.css$", href) is not None
        say(
            f"GET {href} 200 ({len(css.body)} bytes, {css.headers.get('Content-Type')}, "
            f"manifest-hashed name: {hashed})"
        )
        if not hashed:
            raise RehearsalFailed(f"{href}: static files are not the production manifest's")
    response = browser.submit(
        "/sign-in/",
        only_form(page, "/sign-in/"),
        {"username": email_address, "password": password, "next": ""},
    )
    if "/sign-in/" in response.url or browser.cookie("sessionid") is None:
        raise RehearsalFailed(
            f"sign-in failed: ended at {response.url}: {Page(response.html).text[:300]}"
        )
    say(
        f"POST /sign-in/ as {email_address} -> {urllib.parse.urlsplit(response.url).path}"
        " (signed in)"
    )


def one_enrolment(browser: Browser) -> int:
    page = Page(browser.get("/learning/").html)
    ids = sorted(
        {int(m[1]) for link in page.links if (m := re.fullmatch(r"/learning/(\d+)/", link))}
    )
    if len(ids) != 1:
        raise RehearsalFailed(f"My learning shows {len(ids)} enrolments, not exactly one: {ids}")
    say(f"GET /learning/ 200: one enrolment, /learning/{ids[0]}/")
    return ids[0]


def do_lessons(browser: Browser, enrolment: int) -> None:
    overview = Page(browser.get(f"/learning/{enrolment}/").html)
    pattern = rf"/learning/{enrolment}/lessons/(\d+)/"
    positions = sorted({int(m[1]) for link in overview.links if (m := re.fullmatch(pattern, link))})
    if not positions:
        raise RehearsalFailed("the module overview lists no lessons")
    for position in positions:
        path = f"/learning/{enrolment}/lessons/{position}/"
        page = Page(browser.get(path).html)
        response = browser.submit(path, only_form(page, path), {})
        if urllib.parse.urlsplit(response.url).path == path:
            raise RehearsalFailed(f"{path}: marking the lesson done did not move on")
        say(
            f"lesson {position}/{len(positions)} “{page.title.split(':')[0].strip()}” marked done"
            f" -> {urllib.parse.urlsplit(response.url).path}"
        )


@dataclass
class Question:
    name: str
    choices: dict[str, str]  # text -> value (the choice's id)


def quiz_questions(page: Page) -> list[Question]:
    questions: dict[str, Question] = {}
    for each in only_form(page, "quiz").inputs:
        name = each.get("name", "")
        if not name.startswith("answer-"):
            continue
        question = questions.setdefault(name, Question(name, {}))
        text = " ".join(page.labels.get(each.get("id", ""), "").split())
        question.choices[text] = each["value"]
    return list(questions.values())


def pass_quiz(browser: Browser, enrolment: int) -> None:
    path = f"/learning/{enrolment}/quiz/"
    studied = json.loads((Path(setting("REHEARSAL_DIR")) / "answer-key.json").read_text())
    page = Page(browser.get(path).html)
    questions = quiz_questions(page)
    # First attempt: the first choice of every question, as a hurried learner might.
    answers: dict[str, str | list[str]] = {
        question.name: [next(iter(question.choices.values()))] for question in questions
    }
    for attempt in (1, 2):
        response = browser.submit(path, only_form(page, path), answers)
        result = Page(response.html)
        expected = f"/learning/{enrolment}/quiz/attempts/{attempt}/"
        if urllib.parse.urlsplit(response.url).path != expected:
            raise RehearsalFailed(f"quiz attempt {attempt} ended at {response.url}, not {expected}")
        score = re.search(r"You scored (\d+)%", result.text)
        say(f"quiz attempt {attempt}: {score[0] if score else '?'} -> {expected}")
        if "Module completed" in result.text:
            say("quiz passed: the result page says “Module completed”")
            return
        if any(RightAnswers(response.html).by_question):
            raise RehearsalFailed("a failed attempt's result page gave the right answers away")
        answers = {}
        for question in questions:
            texts = studied[question.name.removeprefix("answer-")]
            missing = [text for text in texts if text not in question.choices]
            if missing:
                raise RehearsalFailed(f"right answers {missing} are not choices of {question.name}")
            answers[question.name] = [question.choices[text] for text in texts]
        page = Page(browser.get(path).html)
    raise RehearsalFailed("the quiz was not passed with the studied answers")


def certificate_pdf(browser: Browser, deadline: float, learner_name: str, output: Path) -> None:
    while True:
        page = Page(browser.get("/certificates/").html)
        pdfs = [link for link in page.links if re.fullmatch(r"/certificates/\d+/pdf/", link)]
        if pdfs:
            break
        if time.monotonic() > deadline:
            raise RehearsalFailed("no certificate PDF to download before the deadline")
        time.sleep(1)
    say(f"GET /certificates/: the PDF link is there: {pdfs[0]}")
    response = browser.get(pdfs[0])
    output.write_bytes(response.body)
    if (
        not response.body.startswith(b"%PDF")
        or response.headers.get("Content-Type") != "application/pdf"
    ):
        raise RehearsalFailed(f"{pdfs[0]} is not a PDF: {response.body[:40]!r}")
    say(
        f"GET {pdfs[0]} 200 {response.headers.get('Content-Type')}, {len(response.body)} bytes,"
        f" {response.headers.get('Content-Disposition')}, starts {response.body[:8]!r}"
    )
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(output), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    name_lines = [line for line in lines if learner_name.casefold() in line.casefold()]
    if not name_lines:
        raise RehearsalFailed(f"pdftotext does not show {learner_name!r}: {lines[:15]}")
    say(f"pdftotext {output.name}: “{name_lines[0]}” ({len(lines)} lines of text)")
    say(f"pdftotext first lines: {' | '.join(lines[:6])}")


def certificate_email(maildir: Path, deadline: float, learner_email: str) -> None:
    while True:
        box = mailbox.Maildir(maildir, create=False)
        messages = [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in box.iterkeys()
        ]
        ready = [m for m in messages if str(m["Subject"]).startswith("Your Hearth certificate")]
        if ready:
            break
        if time.monotonic() > deadline:
            raise RehearsalFailed(
                f"no “certificate ready” email at the SMTP server ({len(messages)} other messages)"
            )
        time.sleep(0.5)
    message = ready[0]
    say(f"SMTP server received {len(messages)} message(s); the certificate email:")
    for header in ("From", "To", "Subject", "Message-ID"):
        say(f"  {header}: {message[header]}")
    if learner_email not in str(message["To"]) or len(ready) != 1:
        raise RehearsalFailed(
            f"expected one certificate email to {learner_email}, got {len(ready)}"
        )


def healthz(browser: Browser) -> None:
    response = browser.request("/healthz")
    report = json.loads(response.body)
    say(f"GET /healthz {response.status}: {json.dumps(report)}")
    parts = {name: part for name, part in report.items() if isinstance(part, dict)}
    if response.status != 200 or not all(part.get("ok") for part in parts.values()):
        raise RehearsalFailed("/healthz does not report every part ok")
    if set(parts) != {"database", "broker", "cache", "media"}:
        raise RehearsalFailed(f"/healthz reports {sorted(parts)}, not the four parts expected")
    full_mode = (
        parts["database"].get("vendor") == "postgresql"
        and parts["broker"].get("mode") == "broker"
        and parts["cache"].get("mode") == "shared"
    )
    if not full_mode:
        raise RehearsalFailed("/healthz says the server fell back from PostgreSQL/Redis")


def drive() -> None:
    browser = Browser(setting("SITE_URL"))
    learner_email, learner_name = (
        setting("REHEARSAL_LEARNER_EMAIL"),
        setting("REHEARSAL_LEARNER_NAME"),
    )
    wait = float(setting("REHEARSAL_CERTIFICATE_WAIT"))
    sign_in(browser, learner_email, setting("REHEARSAL_PASSWORD"))
    enrolment = one_enrolment(browser)
    do_lessons(browser, enrolment)
    pass_quiz(browser, enrolment)
    completed = time.monotonic()
    deadline = completed + wait
    certificate_pdf(
        browser, deadline, learner_name, Path(setting("REHEARSAL_DIR")) / "certificate.pdf"
    )
    say(f"certificate PDF downloaded {time.monotonic() - completed:.1f}s after completion")
    certificate_email(Path(setting("REHEARSAL_MAILDIR")), deadline, learner_email)
    say(f"certificate email received {time.monotonic() - completed:.1f}s after completion")
    healthz(browser)
    sign_out = Page(browser.get("/learning/").html)
    form = next((f for f in sign_out.forms if f.action == "/sign-out/"), None)
    if form is not None:
        response = browser.submit("/sign-out/", form, {})
        say(f"POST /sign-out/ -> {urllib.parse.urlsplit(response.url).path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["seed", "drive"])
    step = parser.parse_args().step
    try:
        seed() if step == "seed" else drive()
    except RehearsalFailed as failure:
        print(f"REHEARSAL FAILED: {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
