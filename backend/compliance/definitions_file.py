"""Requirement set files (YAML, content/requirements/*.yaml) parsed and validated; see
docs/content-format.md. Parsing is pure: it returns the definitions
services_requirements.requirement_sets_import takes, every value checked, or raises
ContentError naming the file, the line where YAML gives one, the entry and the field."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from compliance.models import DefinitionSet, RequirementDefinition
from core.names import normalise_name
from training.content import (
    SLUG,
    ContentError,
    parse_every,
    read_content_file,
    refuse_control_characters,
)

STARTER_SETS = Path(settings.BASE_DIR) / "content" / "requirements"
CODE_MAX = RequirementDefinition._meta.get_field("code").max_length or 60
TITLE_MAX = 200
AUDIENCE_MAX = 200
RENEWAL_MONTHS_MAX = 120
POSITION_MAX = 999
FIELDS = frozenset({"code", "title", "description", "renewal_months", "audience", "position"})


@dataclass(frozen=True)
class DefinitionSpec:
    """One starter definition as its file states it (the fields RequirementDefinition
    stores)."""

    code: str
    set: str
    title: str
    description: str
    renewal_months: int
    audience: str
    position: int

    def values(self) -> dict[str, Any]:
        """The stored fields other than the code, as the model names them."""
        return {
            "set": self.set,
            "title": self.title,
            "description": self.description,
            "renewal_months": self.renewal_months,
            "audience": self.audience,
            "position": self.position,
        }


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ContentError(f"{where}: {message}")


def _whole_number(raw: dict[str, Any], key: str, where: str, most: int) -> int:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= most:
        return value
    raise ContentError(f"{where}: '{key}' must be a whole number from 0 to {most}")


def _text(raw: dict[str, Any], key: str, where: str, most: int | None, *, required: bool) -> str:
    value = raw.get(key, "")
    _require(isinstance(value, str), where, f"'{key}' must be some text")
    text = " ".join(str(value).split())
    _require(bool(text) or not required, where, f"'{key}' must be some text")
    if most is not None:
        _require(len(text) <= most, where, f"'{key}' is {len(text)} characters; at most {most}")
    return text


def _definition(raw: Any, index: int, set_code: str, where: str) -> DefinitionSpec:
    _require(isinstance(raw, dict), f"{where}: entry {index}", "each entry must be a mapping")
    code = raw.get("code")
    _require(
        isinstance(code, str) and bool(code.strip()),
        f"{where}: entry {index}",
        "'code' must be some text",
    )
    code = str(code).strip()
    where = f"{where}: entry {index} ({code})"
    _require(
        bool(SLUG.match(code)) and len(code) <= CODE_MAX,
        where,
        f"code must be lowercase words joined by hyphens, at most {CODE_MAX} characters",
    )
    unknown = sorted(set(raw) - FIELDS)
    _require(not unknown, where, f"unknown fields {unknown}; use {', '.join(sorted(FIELDS))}")
    return DefinitionSpec(
        code=code,
        set=set_code,
        title=normalise_name(_text(raw, "title", where, TITLE_MAX, required=True)),
        description=_text(raw, "description", where, None, required=False),
        renewal_months=_whole_number(raw, "renewal_months", where, RENEWAL_MONTHS_MAX),
        audience=_text(raw, "audience", where, AUDIENCE_MAX, required=False),
        position=_whole_number(raw, "position", where, POSITION_MAX),
    )


def parse_definitions(text: str, where: str = "requirement set") -> list[DefinitionSpec]:
    """Parse one requirement set file's text, or raise ContentError saying what is wrong."""
    refuse_control_characters(text, where)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        at = f", line {mark.line + 1}" if mark is not None else ""
        raise ContentError(f"{where}{at}: not valid YAML ({problem})") from error
    _require(isinstance(data, dict), where, "a requirement set file must be a mapping (set: ...)")
    set_code = data.get("set")
    _require(
        set_code in DefinitionSet.values,
        where,
        f"'set' must be one of {', '.join(DefinitionSet.values)}",
    )
    raw_definitions = data.get("definitions")
    _require(
        isinstance(raw_definitions, list) and bool(raw_definitions),
        where,
        "'definitions' must be a list of at least one definition",
    )
    definitions = [
        _definition(raw, index, str(set_code), where)
        for index, raw in enumerate(raw_definitions, start=1)
    ]
    _require_unique_codes(definitions, where)
    return definitions


def _require_unique_codes(definitions: Iterable[DefinitionSpec], where: str) -> None:
    codes = [definition.code for definition in definitions]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    _require(not repeated, where, f"codes must be unique (repeated: {', '.join(repeated)})")


def parse_definitions_file(path: Path) -> list[DefinitionSpec]:
    return parse_definitions(read_content_file(path), where=str(path))


def starter_set_files() -> list[Path]:
    """Hearth's shipped sets: every content/requirements/*.yaml, by name."""
    return sorted(STARTER_SETS.glob("*.yaml"))


def parse_definition_files(paths: Iterable[Path] | None = None) -> list[DefinitionSpec]:
    """Every definition of the given files (default: the starter sets), all checked before
    any is returned: one ContentError lists every bad file, and a code used in two files
    is refused."""
    files = list(starter_set_files() if paths is None else paths)
    if not files:
        raise ContentError(f"{STARTER_SETS}: no requirement set files (*.yaml) found")
    definitions = [spec for specs in parse_every(files, parse_definitions_file) for spec in specs]
    _require_unique_codes(definitions, ", ".join(str(path) for path in files))
    return definitions
