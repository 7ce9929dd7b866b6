"""Issue 12: `import_content` and `import_frameworks` refuse every malformed file with a
clean error naming the file, the line (where YAML gives one) and the field, exit
non-zero without a traceback, and save nothing."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from competencies.models import Competency, Framework, ModuleCompetency
from tests.support.training import MODULE_TEXT
from training.models import Lesson, Module, ModuleVersion, Question, Topic

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

GOOD_MODULE = MODULE_TEXT.format(
    slug="damp-basics", title="Damp basics", max_attempts=0, lesson_one="Damp harms health."
)
GOOD_FRAMEWORK = """slug: test-framework
title: Test framework
description: For the tests.
competencies:
  - code: UND-1.1
    title: Understand damp
    description: Explains how damp harms health.
    domain: understand
    level: 1
    validity_months: 24
    indicators: [preventative_role]
    modules: [damp-basics]
"""


def module(old: str, new: str) -> bytes:
    assert old in GOOD_MODULE
    return GOOD_MODULE.replace(old, new, 1).encode()


def framework(old: str, new: str) -> bytes:
    assert old in GOOD_FRAMEWORK
    return GOOD_FRAMEWORK.replace(old, new, 1).encode()


# (command, file content, what the error must say besides the file name)
CASES = {
    # import_content: module files
    "sectors-mapping": (
        "import_content",
        module("sectors: [housing, health]", "sectors: {housing: yes}"),
        "'sectors' must be a list",
    ),
    "topics-number": (
        "import_content",
        module("topics: [damp-and-mould]", "topics: 5"),
        "'topics'",
    ),
    "slug-too-long": ("import_content", module("slug: damp-basics", f"slug: {'a' * 81}"), "'slug'"),
    "title-too-long": (
        "import_content",
        module("title: Damp basics", f"title: {'Damp ' * 50}"),
        "'title' is 249 characters; at most 200",
    ),
    "question-key-too-long": (
        "import_content",
        module("key: q1", f"key: {'q' * 41}"),
        "'key' is 41 characters; at most 40",
    ),
    "question-key-bad": (
        "import_content",
        module("key: q1", 'key: "bad key/!"'),
        "question key 'bad key/!'",
    ),
    "topic-too-long": (
        "import_content",
        module("topics: [damp-and-mould]", f"topics: [{'d' * 81}]"),
        "topics are at most 80",
    ),
    "nul-in-title": (
        "import_content",
        module("title: Damp basics", "title: Damp\x00 basics"),
        "line 3: contains the control character U+0000",
    ),
    "not-utf8": (
        "import_content",
        module("title: Damp basics", "title: Caf\u00e9").replace(b"Caf\xc3\xa9", b"Caf\xe9"),
        "line 3: is not UTF-8",
    ),
    "minutes-boolean": (
        "import_content",
        module("estimated_minutes: 15", "estimated_minutes: true"),
        "estimated_minutes 1-600",
    ),
    "pass-mark-boolean": ("import_content", module("pass_mark: 80", "pass_mark: yes"), "pass_mark"),
    "questions-number": (
        "import_content",
        module("  questions:\n", "  questions: 5\n  old_questions:\n"),
        "'questions' must be a list",
    ),
    "yaml-syntax": (
        "import_content",
        module("summary: A short module used by the tests.", "summary: [unclosed"),
        "line 5: front matter is not valid YAML",
    ),
    "no-closing-front-matter": (
        "import_content",
        b"---\nslug: damp-basics\ntitle: Damp basics\n",
        "front matter must end with a '---' line",
    ),
    "front-matter-a-list": (
        "import_content",
        b"---\n- slug\n- title\n---\n\n# Lesson\n\nText.\n",
        "front matter must be a mapping",
    ),
    "title-not-text": ("import_content", module("title: Damp basics", "title: 5"), "'title'"),
    "lesson-title-too-long": (
        "import_content",
        module("# Why damp matters", f"# {'Why ' * 60}"),
        "lesson title",
    ),
    # import_frameworks: framework files
    "framework-not-a-mapping": ("import_frameworks", b"- just\n- a list\n", "must be a mapping"),
    "framework-yaml-syntax": (
        "import_frameworks",
        framework("title: Test framework", "title: [unclosed"),
        "line 3: not valid YAML",
    ),
    "framework-no-competencies": (
        "import_frameworks",
        framework("competencies:\n", "competencies: 5\nold:\n"),
        "'competencies' must be a list",
    ),
    "framework-slug-too-long": (
        "import_frameworks",
        framework("slug: test-framework", f"slug: {'t' * 81}"),
        "'slug'",
    ),
    "code-too-long": (
        "import_frameworks",
        framework("code: UND-1.1", f"code: {'U' * 21}"),
        "'code' is 21 characters; at most 20",
    ),
    "code-bad": ("import_frameworks", framework("code: UND-1.1", 'code: "bad key/!"'), "code"),
    "level-boolean": ("import_frameworks", framework("level: 1", "level: true"), "level must be"),
    "level-out-of-range": ("import_frameworks", framework("level: 1", "level: 7"), "level must be"),
    "domain-unknown": (
        "import_frameworks",
        framework("domain: understand", "domain: dream"),
        "competency UND-1.1: domain must be one of",
    ),
    "indicators-mapping": (
        "import_frameworks",
        framework("indicators: [preventative_role]", "indicators: {a: b}"),
        "'indicators' must be a list",
    ),
    "indicator-unknown": (
        "import_frameworks",
        framework("indicators: [preventative_role]", "indicators: [wishful]"),
        "unknown indicators ['wishful']",
    ),
    "validity-text": (
        "import_frameworks",
        framework("validity_months: 24", "validity_months: forever"),
        "validity_months",
    ),
    "module-missing": (
        "import_frameworks",
        framework("modules: [damp-basics]", "modules: [no-such-module]"),
        "no module 'no-such-module'",
    ),
    "competency-title-nul": (
        "import_frameworks",
        framework("title: Understand damp", "title: Understand\x00 damp"),
        "line 6: contains the control character U+0000",
    ),
    "framework-not-utf8": (
        "import_frameworks",
        GOOD_FRAMEWORK.encode().replace(b"For the tests.", b"For the t\xe9sts."),
        "line 3: is not UTF-8",
    ),
    "duplicate-codes": (
        "import_frameworks",
        GOOD_FRAMEWORK.encode() + GOOD_FRAMEWORK.encode().split(b"competencies:\n")[1],
        "competency codes must be unique",
    ),
}


def _saved() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Module,
            ModuleVersion,
            Lesson,
            Question,
            Topic,
            Framework,
            Competency,
            ModuleCompetency,
        )
    }


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_malformed_file_gets_a_clean_error_and_nothing_is_saved(
    case: str, tmp_path: Path
) -> None:
    command, content, expected = CASES[case]
    good = tmp_path / "damp-basics.md"
    good.write_text(GOOD_MODULE, encoding="utf-8")
    if command == "import_frameworks":
        call_command("import_content", str(good), stdout=io.StringIO())
    before = _saved()
    bad = tmp_path / f"{case}.{'md' if command == 'import_content' else 'yaml'}"
    bad.write_bytes(content)
    # The bad file next to a good one: the good one is not imported either.
    if command == "import_content":
        other = tmp_path / "other.md"
        other.write_text(GOOD_MODULE.replace("slug: damp-basics", "slug: other"), encoding="utf-8")
    else:
        other = tmp_path / "other.yaml"
        other.write_text(GOOD_FRAMEWORK.replace("test-framework", "other"), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command(command, str(other), str(bad), stdout=io.StringIO())

    message = str(refused.value)
    assert type(refused.value) is CommandError
    assert f"{bad}" in message and expected in message, message
    assert "Traceback" not in message
    assert _saved() == before


def test_the_table_has_at_least_twenty_files_for_each_command_together() -> None:
    commands = [command for command, _, _ in CASES.values()]

    assert len(CASES) >= 20
    assert commands.count("import_content") >= 10 and commands.count("import_frameworks") >= 10


def test_from_the_shell_a_bad_file_exits_non_zero_with_one_line_and_no_traceback(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(CASES["nul-in-title"][1])
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    result = subprocess.run(
        [sys.executable, str(ROOT / "backend" / "manage.py"), "import_content", str(bad)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"CommandError: Nothing was imported.\n{bad}, line 3: contains" in result.stderr


def test_imported_titles_are_normalised_like_names(tmp_path: Path) -> None:
    path = tmp_path / "damp.md"
    text = GOOD_MODULE.replace(
        "title: Damp basics", "title: \u202eDamp basics\u202c caf\u0065\u0301"
    )
    path.write_text(text.replace("# Why damp matters", "# Why \u2066damp\u2069 matters"), "utf-8")

    call_command("import_content", str(path), stdout=io.StringIO())

    version = ModuleVersion.objects.get()
    assert version.title == "Damp basics caf\u00e9"
    assert version.lessons.order_by("position").first().title == "Why damp matters"  # type: ignore[union-attr]
