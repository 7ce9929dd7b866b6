"""Module files (Markdown with YAML front matter) parsed and validated; see
docs/content-format.md. Parsing is pure; publishing lives in services."""

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from accounts.models import Sector

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

    def content_hash(self) -> str:
        """A fingerprint of everything a learner sees; a change means a new version."""
        encoded = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ContentError(f"{where}: {message}")


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    _require(isinstance(value, str) and bool(value.strip()), where, f"'{key}' must be some text")
    return str(value).strip()


def _question(raw: Any, where: str) -> QuestionSpec:
    _require(isinstance(raw, dict), where, "each question must be a mapping")
    key = _text(raw, "key", where)
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


def parse_module(text: str, where: str = "module") -> ModuleSpec:
    """Parse one module file's text, or raise ContentError saying what is wrong."""
    _require(text.startswith("---"), where, "must start with '---' front matter")
    try:
        _, front, body = text.split("---", 2)
        meta = yaml.safe_load(front)
    except (ValueError, yaml.YAMLError) as error:
        raise ContentError(f"{where}: front matter is not valid YAML ({error})") from error
    _require(isinstance(meta, dict), where, "front matter must be a mapping")
    slug = _text(meta, "slug", where)
    _require(bool(SLUG.match(slug)), where, "slug must be lowercase words joined by hyphens")
    sectors = tuple(meta.get("sectors") or ())
    _require(bool(sectors), where, "list at least one sector")
    unknown = set(sectors) - set(Sector.values)
    _require(not unknown, where, f"unknown sectors {sorted(unknown)}")
    topics = tuple(str(topic) for topic in meta.get("topics") or ())
    _require(all(SLUG.match(topic) for topic in topics), where, "topics must be slugs")
    minutes = meta.get("estimated_minutes", 20)
    _require(isinstance(minutes, int) and 1 <= minutes <= 600, where, "estimated_minutes 1-600")
    quiz = meta.get("quiz") or {}
    _require(isinstance(quiz, dict), where, "quiz must be a mapping")
    pass_mark = quiz.get("pass_mark", 80)
    _require(isinstance(pass_mark, int) and 0 <= pass_mark <= 100, where, "pass_mark 0-100")
    max_attempts = quiz.get("max_attempts", 0)
    _require(isinstance(max_attempts, int) and max_attempts >= 0, where, "max_attempts >= 0")
    questions = tuple(_question(raw, where) for raw in quiz.get("questions") or ())
    keys = [question.key for question in questions]
    _require(len(keys) == len(set(keys)), where, "question keys must be unique")

    headings = list(LESSON_HEADING.finditer(body))
    _require(bool(headings), where, "needs at least one lesson (a '# Title' line)")
    _require(not body[: headings[0].start()].strip(), where, "text before the first lesson")
    lessons = []
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
        lesson_body = body[heading.end() : end].strip()
        _require(bool(lesson_body), where, f"lesson '{heading.group(1)}' is empty")
        lessons.append(LessonSpec(title=heading.group(1).strip(), body=lesson_body))
    return ModuleSpec(
        slug=slug,
        title=_text(meta, "title", where),
        summary=_text(meta, "summary", where),
        sectors=sectors,
        topics=topics,
        estimated_minutes=minutes,
        pass_mark=pass_mark,
        max_attempts=max_attempts,
        lessons=tuple(lessons),
        questions=questions,
    )


def parse_module_file(path: Path) -> ModuleSpec:
    return parse_module(path.read_text(encoding="utf-8"), where=str(path))
