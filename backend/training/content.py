"""Module files (Markdown with YAML front matter) parsed and validated; see
docs/content-format.md. Parsing is pure; publishing lives in training.publishing (and
competencies' framework files in competencies.services), and the import commands share
one all-or-nothing step (`import_all_or_nothing`)."""

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from accounts.models import Sector
from core.errors import HearthError
from core.names import normalise_name

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_HEADING = re.compile(r"^# (?!#)(.+?)\s*$", re.MULTILINE)


class ContentError(ValueError):
    """A module file does not follow the format; the message says where and why."""


@dataclass(frozen=True)
class ChoiceSpec:
    text: str
    correct: bool


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    text: str
    explanation: str
    choices: tuple[ChoiceSpec, ...]


@dataclass(frozen=True)
class LessonSpec:
    title: str
    body: str


@dataclass(frozen=True)
class ModuleSpec:
    slug: str
    title: str
    summary: str
    sectors: tuple[str, ...]
    topics: tuple[str, ...]
    estimated_minutes: int
    pass_mark: int
    max_attempts: int
    lessons: tuple[LessonSpec, ...]
    questions: tuple[QuestionSpec, ...] = field(default_factory=tuple)
    quiz_draw: int = 0
    retry_wait_minutes: int = 0

    def content_hash(self) -> str:
        """A fingerprint of everything a learner sees; a change means a new version.

        The quiz settings added later (draw, retry wait) count only when set, so files that
        do not use them keep the fingerprint, and the version, they had."""
        fields = asdict(self)
        for name in ("quiz_draw", "retry_wait_minutes"):
            if not fields[name]:
                del fields[name]
        encoded = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()


# Longest values the database holds (training.models); longer ones are refused here,
# by name, rather than failing in the database halfway through an import.
SLUG_MAX = 80
TITLE_MAX = 200
QUESTION_KEY_MAX = 40
MAX_RETRY_WAIT_MINUTES = 10080  # a week
QUESTION_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
# Characters no text field may hold (PostgreSQL cannot store NUL; the rest are
# invisible controls): every C0 control except tab, line feed and carriage return.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ContentError(f"{where}: {message}")


def _is_int(value: Any) -> bool:
    """YAML's true/false are Python bools, which are ints: they are not numbers here."""
    return isinstance(value, int) and not isinstance(value, bool)


def _text(data: dict[str, Any], key: str, where: str, max_length: int | None = None) -> str:
    value = data.get(key)
    _require(isinstance(value, str) and bool(value.strip()), where, f"'{key}' must be some text")
    text = str(value).strip()
    if max_length is not None:
        _require(
            len(text) <= max_length,
            where,
            f"'{key}' is {len(text)} characters; at most {max_length}",
        )
    return text


def _title(data: dict[str, Any], key: str, where: str) -> str:
    """A title as it will be shown and printed: normalised like every name (core.names)."""
    value = data.get(key)
    if isinstance(value, str):
        data = {**data, key: normalise_name(value)}
    return _text(data, key, where, TITLE_MAX)


def _list(meta: dict[str, Any], key: str, where: str) -> list[Any]:
    value = meta.get(key)
    if value is None:
        return []
    _require(isinstance(value, list), where, f"'{key}' must be a list, e.g. [a, b]")
    return list(value)


def _question(raw: Any, where: str) -> QuestionSpec:
    _require(isinstance(raw, dict), where, "each question must be a mapping")
    key = _text(raw, "key", where, QUESTION_KEY_MAX)
    _require(
        bool(QUESTION_KEY.match(key)),
        where,
        f"question key {key!r} may use only letters, digits, '-' and '_'",
    )
    where = f"{where} question {key}"
    kind = raw.get("kind")
    _require(kind in ("single", "multiple"), where, "kind must be single or multiple")
    raw_choices = raw.get("choices")
    _require(isinstance(raw_choices, list) and len(raw_choices) >= 2, where, "needs 2+ choices")
    choices = []
    for raw_choice in raw_choices:
        _require(isinstance(raw_choice, dict), where, "each choice must be a mapping")
        _require(isinstance(raw_choice.get("correct"), bool), where, "correct must be true/false")
        choices.append(ChoiceSpec(_text(raw_choice, "text", where), raw_choice["correct"]))
    correct = sum(choice.correct for choice in choices)
    if kind == "single":
        _require(correct == 1, where, "a single question has exactly one correct choice")
    else:
        _require(0 < correct < len(choices), where, "needs both correct and wrong choices")
    return QuestionSpec(
        key=key,
        kind=str(kind),
        text=_text(raw, "text", where),
        explanation=_text(raw, "explanation", where),
        choices=tuple(choices),
    )


def _yaml_error(error: yaml.YAMLError, where: str) -> ContentError:
    """Say where YAML found the problem: the front matter starts on the file's line 2."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is not None:
        return ContentError(
            f"{where}, line {mark.line + 1}: front matter is not valid YAML ({problem})"
        )
    return ContentError(f"{where}: front matter is not valid YAML ({problem})")


def parse_every[Parsed](paths: Iterable[Path], parse: Callable[[Path], Parsed]) -> list[Parsed]:
    """Parse every file before anything is imported; if any is bad, raise one ContentError
    listing every bad file (so an import is all or nothing, and says all that is wrong)."""
    parsed, errors = [], []
    for path in paths:
        try:
            parsed.append(parse(path))
        except ContentError as error:
            errors.append(str(error))
    if errors:
        raise ContentError("\n".join(errors))
    return parsed


def import_all_or_nothing[Parsed, Result](
    paths: list[Path],
    *,
    parse: Callable[[Path], Parsed],
    publish: Callable[[Parsed], Result],
    done: Callable[[Parsed, Result], None],
) -> None:
    """A content import command's work: parse every file first, then publish each in one
    transaction, calling `done` after each. One bad file, or one that cannot be saved,
    imports none of them (a CommandError naming the file)."""
    try:
        parsed = parse_every(paths, parse)
    except ContentError as error:
        raise CommandError(f"Nothing was imported.\n{error}") from error
    with transaction.atomic():
        for path, item in zip(paths, parsed, strict=True):
            try:
                with transaction.atomic():
                    result = publish(item)
            except HearthError as error:
                raise CommandError(f"Nothing was imported.\n{path}: {error}") from error
            except DatabaseError as error:
                raise CommandError(
                    f"Nothing was imported.\n{path}: could not be saved ({error})"
                ) from error
            done(item, result)


def refuse_control_characters(text: str, where: str) -> None:
    """A content file holds no control characters (NUL and the like): name the first's line."""
    control = CONTROL_CHARACTER.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        raise ContentError(
            f"{where}, line {line}: contains the control character "
            f"U+{ord(control.group()):04X}; remove it"
        )


def parse_module(text: str, where: str = "module") -> ModuleSpec:
    """Parse one module file's text, or raise ContentError saying what is wrong."""
    refuse_control_characters(text, where)
    _require(text.startswith("---"), where, "must start with '---' front matter")
    try:
        _, front, body = text.split("---", 2)
    except ValueError as error:
        raise ContentError(f"{where}: front matter must end with a '---' line") from error
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as error:
        raise _yaml_error(error, where) from error
    _require(isinstance(meta, dict), where, "front matter must be a mapping")
    slug = _text(meta, "slug", where, SLUG_MAX)
    _require(bool(SLUG.match(slug)), where, "slug must be lowercase words joined by hyphens")
    raw_sectors = _list(meta, "sectors", where)
    _require(bool(raw_sectors), where, "list at least one sector")
    _require(all(isinstance(s, str) for s in raw_sectors), where, "sectors must be sector codes")
    sectors = tuple(raw_sectors)
    unknown = set(sectors) - set(Sector.values)
    _require(not unknown, where, f"unknown sectors {sorted(unknown)}")
    raw_topics = _list(meta, "topics", where)
    _require(all(isinstance(t, str) for t in raw_topics), where, "topics must be slugs")
    topics = tuple(raw_topics)
    _require(all(SLUG.match(topic) for topic in topics), where, "topics must be slugs")
    long_topics = [topic for topic in topics if len(topic) > SLUG_MAX]
    _require(not long_topics, where, f"topics are at most {SLUG_MAX} characters")
    minutes = meta.get("estimated_minutes", 20)
    _require(_is_int(minutes) and 1 <= minutes <= 600, where, "estimated_minutes 1-600")
    quiz = meta.get("quiz") or {}
    _require(isinstance(quiz, dict), where, "quiz must be a mapping")
    pass_mark = quiz.get("pass_mark", 80)
    _require(_is_int(pass_mark) and 0 <= pass_mark <= 100, where, "pass_mark 0-100")
    max_attempts = quiz.get("max_attempts", 0)
    _require(_is_int(max_attempts) and max_attempts >= 0, where, "max_attempts >= 0")
    raw_questions = _list(quiz, "questions", f"{where} quiz")
    questions = tuple(_question(raw, where) for raw in raw_questions)
    keys = [question.key for question in questions]
    _require(len(keys) == len(set(keys)), where, "question keys must be unique")
    quiz_draw = quiz.get("draw", 0)
    _require(
        _is_int(quiz_draw) and 0 <= quiz_draw <= len(questions),
        where,
        f"quiz draw 0-{len(questions)} (0 means every question)",
    )
    retry_wait = quiz.get("retry_wait_minutes", 0)
    _require(
        _is_int(retry_wait) and 0 <= retry_wait <= MAX_RETRY_WAIT_MINUTES,
        where,
        f"retry_wait_minutes 0-{MAX_RETRY_WAIT_MINUTES}",
    )

    headings = list(LESSON_HEADING.finditer(body))
    _require(bool(headings), where, "needs at least one lesson (a '# Title' line)")
    _require(not body[: headings[0].start()].strip(), where, "text before the first lesson")
    lessons = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
        lesson_body = body[heading.end() : end].strip()
        _require(bool(lesson_body), where, f"lesson '{heading.group(1)}' is empty")
        lesson_title = normalise_name(heading.group(1))
        _require(
            len(lesson_title) <= TITLE_MAX,
            where,
            f"lesson title '{lesson_title[:40]}...' is {len(lesson_title)} characters; "
            f"at most {TITLE_MAX}",
        )
        lessons.append(LessonSpec(title=lesson_title, body=lesson_body))
    return ModuleSpec(
        slug=slug,
        title=_title(meta, "title", where),
        summary=_text(meta, "summary", where),
        sectors=sectors,
        topics=topics,
        estimated_minutes=minutes,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        lessons=tuple(lessons),
        questions=questions,
        quiz_draw=quiz_draw,
        retry_wait_minutes=retry_wait,
    )


def read_content_file(path: Path) -> str:
    """A content file's text, or ContentError if it cannot be read or is not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError(f"{path}: cannot be read ({error.strerror})") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ContentError(
            f"{path}, line {line}: is not UTF-8 text (byte 0x{raw[error.start]:02X}); "
            "save it as UTF-8"
        ) from error


def parse_module_file(path: Path) -> ModuleSpec:
    return parse_module(read_content_file(path), where=str(path))
