"""Where Hearth holds personal data about a person, found by introspection (issue 17), so a
new model with a foreign key to the person cannot be left out of a subject access export
or an erasure.

A *link* is one concrete foreign key (or one-to-one) from any installed model to the
person model: `Enrolment.learner`, `Assessment.assessor`, `MembershipEvent.user` (an
audit event's snapshot), `UserEvent.pgh_obj` (the person's own row's history), and so on.
The person's own row is the link `("accounts.User", "pk")`.

An organisation's scope of a model is the chain of foreign keys from it to `Organisation`
(`organisation`, `team__organisation`, `requirement__organisation`...), found the same way:
records belong to the organisation they were made under (ADR 0012).
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q

from accounts.models import Organisation


@dataclass(frozen=True)
class Link:
    model: type[models.Model]
    field: str  # the foreign key's name, or "pk" for the person's own row

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field}"


def _concrete_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        meta = model._meta
        if not (meta.abstract or meta.proxy or not meta.managed):
            yield model


@cache
def person_links() -> tuple[Link, ...]:
    """Every foreign key to the person model in every installed app, and the person's own
    row, in a stable order."""
    person = get_user_model()
    links = [Link(person, "pk")]
    for model in _concrete_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is person:
                links.append(Link(model, field.name))
    return tuple(sorted(links, key=lambda link: link.label))


def models_about_people() -> list[type[models.Model]]:
    """Every model holding a link to a person, once each."""
    seen: dict[str, type[models.Model]] = {}
    for link in person_links():
        seen.setdefault(link.model._meta.label, link.model)
    return list(seen.values())


def person_filter(model: type[models.Model], person_id: int) -> Q:
    """The rows of `model` that mention the person through any of its links."""
    condition = Q(pk__in=[])
    for link in person_links():
        if link.model is model:
            condition |= Q(**{link.field: person_id})
    return condition


@cache
def organisation_path(model: type[models.Model]) -> str | None:
    """The lookup from `model` to its organisation (`"organisation"`, `"team__organisation"`,
    `"pk"` for Organisation itself), or None for a model that belongs to none (the person
    row, a module of the shared catalogue). Follows at most three foreign keys, preferring
    a direct `organisation` and then the shortest chain."""
    if model is Organisation:
        return "pk"
    frontier: list[tuple[type[models.Model], str]] = [(model, "")]
    for _depth in range(3):
        next_frontier: list[tuple[type[models.Model], str]] = []
        for current, prefix in frontier:
            relations = [
                f
                for f in current._meta.concrete_fields
                if f.is_relation and f.related_model is not None
            ]
            for field in sorted(relations, key=lambda f: (f.name != "organisation", f.name)):
                path = f"{prefix}{field.name}"
                if field.related_model is Organisation:
                    return path
                related = field.related_model
                if isinstance(related, type) and related not in (get_user_model(), current):
                    next_frontier.append((related, f"{path}__"))
        frontier = next_frontier
    return None


def organisation_filter(model: type[models.Model], organisation_id: int) -> Q | None:
    """The rows of `model` held under the organisation, or None if `model` has no path."""
    path = organisation_path(model)
    return None if path is None else Q(**{path: organisation_id})
