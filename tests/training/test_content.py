"""The curriculum files and their importer: format checks, idempotence, safe Markdown."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Organisation
from tests.support.training import MODULE_TEXT
from training.content import ContentError, parse_module, parse_module_file
from training.models import Choice, Lesson, Module, ModuleVersion, Question
from training.rendering import render_markdown

ROOT = Path(__file__).resolve().parents[2]
STARTER = sorted((ROOT / "content" / "modules").glob("*.md"))


def _text(**overrides: object) -> str:
    values = {
        "slug": "damp-basics",
        "title": "Damp basics",
        "max_attempts": 0,
        "lesson_one": "Damp harms health.",
    }
    values.update(overrides)
    return MODULE_TEXT.format(**values)


def test_the_starter_curriculum_meets_the_bar() -> None:
    specs = [parse_module_file(path) for path in STARTER]

    assert len(specs) >= 8
    for spec in specs:
        assert len(spec.lessons) >= 3, spec.slug
        assert len(spec.questions) >= 5, spec.slug
        assert all(len(lesson.body.split()) >= 250 for lesson in spec.lessons), spec.slug
        assert all(question.explanation for question in spec.questions), spec.slug
    assert len({spec.slug for spec in specs}) == len(specs)


@pytest.mark.django_db
def test_import_is_rerunnable_and_a_changed_file_publishes_a_new_version(tmp_path: Path) -> None:
    call_command("import_content", stdout=io.StringIO())
    counts = (
        Module.objects.count(),
        ModuleVersion.objects.count(),
        Lesson.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
    )
    out = io.StringIO()
    call_command("import_content", stdout=out)

    assert counts[0] == len(STARTER) and counts[1] == len(STARTER)
    assert (
        Module.objects.count(),
        ModuleVersion.objects.count(),
        Lesson.objects.count(),
        Question.objects.count(),
        Choice.objects.count(),
    ) == counts
    assert out.getvalue().count("unchanged") == len(STARTER)

    edited = tmp_path / "homes-and-health.md"
    edited.write_text(
        (ROOT / "content/modules/homes-and-health.md").read_text() + "\nOne more line.\n"
    )
    call_command("import_content", str(edited), stdout=io.StringIO())
    module = Module.objects.get(slug="homes-and-health", organisation=None)
    assert module.current_version is not None and module.current_version.number == 2
    assert ModuleVersion.objects.filter(module=module).count() == 2


@pytest.mark.django_db
def test_an_organisation_imports_its_own_modules(tmp_path: Path) -> None:
    Organisation.objects.create(name="Brook", slug="brook", sector="housing")
    path = tmp_path / "own.md"
    path.write_text(_text(slug="homes-and-health"))

    call_command("import_content", str(path), "--organisation", "brook", stdout=io.StringIO())
    call_command("import_content", stdout=io.StringIO())

    assert Module.objects.filter(slug="homes-and-health").count() == 2
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_content", str(path), "--organisation", "nope")


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (lambda t: t.replace("kind: single", "kind: essay"), "kind must be single or multiple"),
        (
            lambda t: t.replace(
                "          correct: false\n    - key: q2", "          correct: true\n    - key: q2"
            ),
            "exactly one correct",
        ),
        (lambda t: t.replace("sectors: [housing, health]", "sectors: [space]"), "unknown sectors"),
        (lambda t: t.replace("slug: damp-basics", "slug: Damp Basics"), "slug must be"),
        (
            lambda t: t.replace("# Why damp matters", "Why damp matters"),
            "text before the first lesson",
        ),
        (lambda t: t.replace("---\n", "", 1), "must start with"),
        (lambda t: t.replace("key: q2", "key: q1"), "question keys must be unique"),
        (lambda t: t.replace("pass_mark: 80", "pass_mark: 180"), "pass_mark 0-100"),
    ],
)
def test_broken_files_are_refused_with_a_clear_message(broken: object, message: str) -> None:
    text = broken(_text())  # type: ignore[operator]

    with pytest.raises(ContentError, match=message):
        parse_module(text, where="broken.md")


def test_markdown_is_sanitised_no_script_no_remote_content() -> None:
    html = render_markdown(
        "# Heading\n\nText <script>alert(1)</script> and <img src=https://evil.example/x.png>\n\n"
        "![pic](https://evil.example/p.png) [ok](https://www.nice.org.uk/) "
        "[bad](javascript:alert(1)) <iframe src=https://evil.example></iframe>"
        '<a href="https://x.example" onclick="steal()">x</a>\n\n| a | b |\n|---|---|\n| 1 | 2 |'
    )

    assert "<script" not in html and "alert(1)</" not in html
    assert "<img" not in html and "evil.example" not in html and "<iframe" not in html
    assert "javascript:" not in html and "onclick" not in html
    assert '<a href="https://www.nice.org.uk/" rel="noopener noreferrer">ok</a>' in html
    assert "<h2>Heading</h2>" in html and "<table>" in html
