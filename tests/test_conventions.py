"""The layering the README states ("Where code goes") holds, checked by reading the code
(issue 14, must show 2): an AST walk over backend/, no database.

- The thin layers (api.py, api_*.py, views.py, views_*.py, forms.py, tasks.py and
  templatetags/) call no model write method: every write goes through a service. Nor do
  the read modules: every selectors.py and the modules of READ_MODULES, which hold the
  scoped reads too big for one selectors.py (reporting's figures, people listings).
- No app imports another app's `api` module, and an app's pages, forms, template tags
  and tasks do not import its own: what they share with the API lives in serializers.py
  (or a form, service or selector).
- Worker-side imports run one way: services.py imports tasks.py (to enqueue), tasks.py
  imports the worker modules (WORKER_MODULES: what a task runs), and neither tasks.py nor
  a worker module imports its app's services.py; services.py imports no worker module.

Scope, honestly: this checks the thin layers only. Writes elsewhere outside services.py
are not checked here; they are the worker modules' writes to the records of their job
(an email's claim, a PDF's row, the reminder log), certificates/records.py (the one
current certificate, created by both the completion step and the issuing job),
accounts/leaving.py (a person leaving: by an org admin, an import and the daily job), core's
own infrastructure (jobs.py, idempotency.py), admin.py, models.py and demo/ (seed data).
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"

# Attribute calls with these names write to the database when called on a model,
# a manager or a queryset. Any call so named is flagged, whatever it is called on.
WRITE_METHODS = frozenset(
    {
        "save",
        "update",
        "create",
        "delete",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
    }
)

THIN_MODULE_NAMES = frozenset({"api.py", "views.py", "forms.py", "tasks.py"})
THIN_MODULE_PATTERN = re.compile(r"(api|views|forms)_\w+\.py")
# An app whose writes outgrow services.py splits them by subject: services_<subject>.py.
SERVICES_PATTERN = re.compile(r"services_\w+\.py")
# Read modules beside selectors.py (README, "Where code goes"): scoped reads, no writes.
READ_MODULES = frozenset(
    {
        "accounts/people.py",
        "competencies/current_states.py",
        "competencies/matrix.py",
        "competencies/states.py",
        "compliance/adoptions.py",
        "compliance/figures.py",
        "compliance/states.py",
        "notifications/digests.py",
        "privacy/exports_selectors.py",
        "privacy/personal_data.py",
        "reporting/competency_figures.py",
        "reporting/compliance_shares.py",
        "reporting/completions.py",
        "reporting/dimensions.py",
        "reporting/groups.py",
        "reporting/indicator_counts.py",
        "reporting/indicators.py",
        "reporting/labels.py",
        "reporting/person_record.py",
        "reporting/protected_tables.py",
        "reporting/suppression.py",
        "reporting/tables.py",
        "training/item_analysis.py",
        "training/quizzes.py",
    }
)
# Modules that must not import their own app's api module (the api's own URL
# configuration, api_urls.py, may).
PAGE_MODULE_NAMES = frozenset({"views.py", "forms.py", "tasks.py"})

# The worker modules: each holds what a Celery task of its app runs (README, "Where code
# goes"). Named here once; the test below checks they exist.
WORKER_MODULES = frozenset(
    {
        "accounts/invitations.py",
        "accounts/leavers.py",
        "certificates/issuing.py",
        "compliance/renewals.py",
        "notifications/planning.py",
        "notifications/sending.py",
        "privacy/archive_building.py",
        "reporting/building.py",
        "reporting/retention.py",
    }
)

# (file under backend/, enclosing function, the call as written) -> why it is not a write.
# Keep it minimal: prefer changing the code so that a call no longer looks like a write.
NOT_MODEL_WRITES: dict[tuple[str, str, str], str] = {
    (
        "accounts/forms.py",
        "HearthPasswordResetForm.save",
        "super().save(*args, **kwargs)",
    ): "PasswordResetForm.save sends the reset email; it writes nothing",
}


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"backend/{self.path}:{self.line}: {self.message}"


def apps() -> list[str]:
    """Every Django app under backend/ (a package with apps.py)."""
    return sorted(path.parent.name for path in BACKEND.glob("*/apps.py"))


def app_modules() -> Iterator[tuple[str, Path]]:
    """(app, file) for every Python module of every app, migrations left out."""
    for app in apps():
        for path in sorted((BACKEND / app).rglob("*.py")):
            if "migrations" not in path.relative_to(BACKEND).parts:
                yield app, path


def makes_no_writes(path: Path) -> bool:
    """A thin layer or a read module."""
    return (
        path.name in THIN_MODULE_NAMES
        or path.name == "selectors.py"
        or path.relative_to(BACKEND).as_posix() in READ_MODULES
        or THIN_MODULE_PATTERN.fullmatch(path.name) is not None
        or path.parent.name == "templatetags"
    )


class _WriteCalls(ast.NodeVisitor):
    """Attribute calls named like a model write, with the function or class they are in."""

    def __init__(self) -> None:
        self.scope: list[str] = []
        self.found: list[tuple[int, str, str, str]] = []

    def _enter(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _enter

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_METHODS:
            where = ".".join(self.scope) or "<module>"
            self.found.append((node.lineno, node.func.attr, where, ast.unparse(node)))
        self.generic_visit(node)


def write_calls(source: str, path: str) -> tuple[list[Violation], set[tuple[str, str, str]]]:
    """Write-like calls in one thin module, and which allow-list entries they used."""
    visitor = _WriteCalls()
    visitor.visit(ast.parse(source, filename=path))
    violations, allowed_used = [], set()
    for line, method, where, call in visitor.found:
        key = (path, where, call)
        if key in NOT_MODEL_WRITES:
            allowed_used.add(key)
            continue
        violations.append(
            Violation(path, line, f".{method}() in {where} ({call}): a write belongs in services")
        )
    return violations, allowed_used


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level or node.module is None:
        return []  # relative imports stay inside their own package
    # `from competencies import api` imports the module competencies.api.
    return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]


def api_imports(source: str, path: str, *, app: str, known_apps: list[str]) -> list[Violation]:
    """Imports of an app's api module that the layering forbids, in one module of `app`."""
    name = Path(path).name
    violations = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for module in _imported_modules(node):
            parts = module.split(".")
            if len(parts) < 2 or parts[0] not in known_apps or parts[1] != "api":
                continue
            if parts[0] != app:
                message = f"imports {parts[0]}.api, another app's API module"
            elif name in PAGE_MODULE_NAMES or Path(path).parent.name == "templatetags":
                message = f"imports {app}.api: share through serializers.py, not the API"
            else:
                continue
            violations.append(Violation(path, node.lineno, message))
            break  # one report per import statement
    return violations


def worker_imports(source: str, path: str, *, app: str) -> list[Violation]:
    """Imports of its own app's modules that break the one-way worker direction
    (services -> tasks -> worker modules), in one module of `app`."""
    name = Path(path).name
    if name == "services.py" or SERVICES_PATTERN.fullmatch(name):
        forbidden = {module for module in WORKER_MODULES if module.startswith(f"{app}/")}
        why = "services enqueue tasks; they never import a worker module"
    elif path in WORKER_MODULES:
        forbidden = {f"{app}/services.py", f"{app}/tasks.py"}
        why = "a worker module never imports its app's services or tasks"
    elif name == "tasks.py":
        forbidden = {f"{app}/services.py"}
        why = "tasks import worker modules; services import tasks, not the other way"
    else:
        return []
    violations = []
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for module in _imported_modules(node):
            if (imported := module.replace(".", "/") + ".py") in forbidden:
                violations.append(Violation(path, node.lineno, f"imports {imported}: {why}"))
                break  # one report per import statement
    return violations


def test_worker_modules_are_imported_one_way() -> None:
    violations = []
    for app, path in app_modules():
        relative = path.relative_to(BACKEND).as_posix()
        violations += worker_imports(path.read_text(), relative, app=app)

    assert {module for module in WORKER_MODULES if not (BACKEND / module).is_file()} == set()
    assert violations == [], "\n".join(map(str, violations))


def test_thin_and_read_modules_call_no_model_write_and_the_allow_list_is_still_needed() -> None:
    violations: list[Violation] = []
    allowed_used: set[tuple[str, str, str]] = set()
    checked = []
    for _app, path in app_modules():
        if not makes_no_writes(path):
            continue
        relative = path.relative_to(BACKEND).as_posix()
        checked.append(relative)
        found, used = write_calls(path.read_text(), relative)
        violations += found
        allowed_used |= used

    assert "reporting/templatetags/reporting_tags.py" in checked  # the walk reaches them
    assert READ_MODULES | {"accounts/selectors.py"} <= set(checked)
    assert {f"{app}/api.py" for app in ("accounts", "training", "reporting")} <= set(checked)
    assert violations == [], "\n".join(map(str, violations))
    stale = set(NOT_MODEL_WRITES) - allowed_used
    assert stale == set(), f"allow-list entries that match no call any more: {sorted(stale)}"


def test_no_app_imports_another_apps_api_module_nor_its_pages_their_own() -> None:
    known_apps = apps()
    violations = []
    for app, path in app_modules():
        relative = path.relative_to(BACKEND).as_posix()
        violations += api_imports(path.read_text(), relative, app=app, known_apps=known_apps)

    assert violations == [], "\n".join(map(str, violations))


def test_the_checks_catch_what_they_are_for() -> None:
    """The walk would fail on each kind of violation, and says where it is."""
    source = (
        "from competencies.api import matrix_filters\n"
        "from competencies import api\n"
        "import reporting.api\n"
        "def view(request, obj, queryset):\n"
        "    obj.save(update_fields=['name'])\n"
        "    queryset.filter(pk=1).update(name='x')\n"
        "    Model.objects.get_or_create(pk=1)\n"
        "    settings = {}\n"
        "    settings.update(a=1)\n"
    )

    writes, _ = write_calls(source, "training/views.py")
    held = {"training/selectors.py", "reporting/completions.py", "reporting/api.py"}
    assert {m for m in held | {"training/services.py"} if makes_no_writes(BACKEND / m)} == held
    foreign = api_imports(
        source, "training/serializers.py", app="training", known_apps=["competencies", "reporting"]
    )
    own = api_imports(
        source, "competencies/forms.py", app="competencies", known_apps=["competencies"]
    )
    own_urls = api_imports(
        source, "competencies/api_urls.py", app="competencies", known_apps=["competencies"]
    )

    assert [(v.line, v.message.split(" ", 1)[0]) for v in writes] == [
        (5, ".save()"),
        (6, ".update()"),
        (7, ".get_or_create()"),
        (9, ".update()"),
    ]
    assert str(writes[0]) == (
        "backend/training/views.py:5: .save() in view (obj.save(update_fields=['name'])): "
        "a write belongs in services"
    )
    assert [(v.path, v.line) for v in foreign] == [
        ("training/serializers.py", 1),
        ("training/serializers.py", 2),
        ("training/serializers.py", 3),
    ]
    assert [v.line for v in own] == [1, 2]
    assert own_urls == []


def test_the_worker_check_catches_each_direction() -> None:
    """Each wrong-way import is reported, at the top of a module or inside a function."""
    services = (
        "from certificates import issuing\nfrom certificates.tasks import issue_certificate\n"
    )
    worker = "import certificates.tasks\ndef job():\n    from certificates.services import revoke\n"
    tasks = "from certificates import issuing, services\n"

    def lines(source: str, path: str) -> list[int]:
        return [v.line for v in worker_imports(source, path, app="certificates")]

    [wrong_way] = worker_imports(services, "certificates/services.py", app="certificates")
    assert str(wrong_way) == (
        "backend/certificates/services.py:1: imports certificates/issuing.py: "
        "services enqueue tasks; they never import a worker module"
    )
    assert lines(worker, "certificates/issuing.py") == [1, 3]
    assert lines(tasks, "certificates/tasks.py") == [1]
    assert lines(worker, "certificates/views.py") == []
    assert worker_imports(services, "reporting/services.py", app="reporting") == []


LONGEST_MODULE = 400


def test_no_module_is_longer_than_a_reader_can_hold() -> None:
    """Issue 14: a module that grows past 400 lines is split by what it holds (migrations
    aside, which Django writes)."""
    long = {
        path.relative_to(BACKEND).as_posix(): lines
        for path in BACKEND.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) >= LONGEST_MODULE
    }

    assert long == {}, f"split these by what they hold: {long}"
