"""Looking one row up where absence is a business answer: "not found", never which."""

from django.db.models import Model, QuerySet

from core.errors import NotFound


def first_or_not_found[M: Model](queryset: QuerySet[M], message: str) -> M:
    """The queryset's first row (in its order, else by primary key), or `NotFound(message)`
    when it has none: the one answer for absent and out of scope alike."""
    found = queryset.first()
    if found is None:
        raise NotFound(message)
    return found
