"""Framework files (YAML, content/frameworks/*.yaml) parsed and validated; see
docs/content-format.md. Parsing is pure: it returns the data framework_publish takes,
with every value checked, or raises ContentError naming the file, line and field."""

import re
from pathlib import Path
from typing import Any

import yaml

from competencies.models import Domain, Indicator
from core.names import normalise_name
from training.content import SLUG, ContentError, read_content_file, refuse_control_characters

SLUG_MAX = 80
TITLE_MAX = 200
CODE_MAX = 20
CODE = re.compile(r"^[A-Za-z0-9]+(?:[.\-_][A-Za-z0-9]+)*$")
VALIDITY_MONTHS_MAX = 600


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ContentError(f"{where}: {message}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _text(
    data: dict[str, Any], key: str, where: str, max_length: int | None = None, name: bool = False
) -> str:
    value = data.get(key)
    _require(isinstance(value, str) and bool(value.strip()), where, f"'{key}' must be some text")
    text = normalise_name(str(value)) if name else str(value).strip()
    if max_length is not None:
        too_long = f"'{key}' is {len(text)} characters; at most {max_length}"
        _require(len(text) <= max_length, where, too_long)
    return text


def _strings(data: dict[str, Any], key: str, where: str) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    _require(
        isinstance(value, list) and all(isinstance(item, str) for item in value),
        where,
        f"'{key}' must be a list of codes, e.g. [a, b]",
    )
    return list(value)


def _competency(raw: Any, where: str) -> dict[str, Any]:
    _require(isinstance(raw, dict), where, "each competency must be a mapping")
    code = _text(raw, "code", where, CODE_MAX)
    _require(
        bool(CODE.match(code)), where, f"code {code!r} may use letters, digits, '.', '-' and '_'"
    )
    where = f"{where}: competency {code}"
    domain = raw.get("domain")
    _require(domain in Domain.values, where, f"domain must be one of {', '.join(Domain.values)}")
    level = raw.get("level")
    _require(_is_int(level) and 1 <= level <= 3, where, "level must be 1, 2 or 3")
    validity = raw.get("validity_months", 24)
    _require(
        _is_int(validity) and 0 <= validity <= VALIDITY_MONTHS_MAX,
        where,
        f"validity_months must be a whole number 0-{VALIDITY_MONTHS_MAX}",
    )
    indicators = _strings(raw, "indicators", where)
    unknown = set(indicators) - set(Indicator.values)
    _require(not unknown, where, f"unknown indicators {sorted(unknown)}")
    modules = _strings(raw, "modules", where)
    _require(all(SLUG.match(slug) for slug in modules), where, "modules must be module slugs")
    return {
        "code": code,
        "title": _text(raw, "title", where, TITLE_MAX, name=True),
        "description": _text(raw, "description", where),
        "domain": domain,
        "level": level,
        "validity_months": validity,
        "indicators": indicators,
        "modules": modules,
    }


def parse_framework(text: str, where: str = "framework") -> dict[str, Any]:
    """Parse one framework file's text, or raise ContentError saying what is wrong."""
    refuse_control_characters(text, where)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        at = f", line {mark.line + 1}" if mark is not None else ""
        raise ContentError(f"{where}{at}: not valid YAML ({problem})") from error
    _require(isinstance(data, dict), where, "a framework file must be a mapping (slug: ...)")
    slug = _text(data, "slug", where, SLUG_MAX)
    _require(bool(SLUG.match(slug)), where, "slug must be lowercase words joined by hyphens")
    description = data.get("description", "")
    _require(isinstance(description, str), where, "'description' must be some text")
    raw_competencies = data.get("competencies")
    _require(
        isinstance(raw_competencies, list) and bool(raw_competencies),
        where,
        "'competencies' must be a list of at least one competency",
    )
    competencies = [_competency(raw, where) for raw in raw_competencies]
    codes = [competency["code"] for competency in competencies]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    _require(not duplicates, where, f"competency codes must be unique (repeated: {duplicates})")
    return {
        "slug": slug,
        "title": _text(data, "title", where, TITLE_MAX, name=True),
        "description": description.strip(),
        "competencies": competencies,
    }


def parse_framework_file(path: Path) -> dict[str, Any]:
    return parse_framework(read_content_file(path), where=str(path))
