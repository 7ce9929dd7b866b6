"""Shared plumbing for server-rendered pages: how a page shows a business rule's answer.

Anything absent or out of scope is the 404 page (`not_found_as_404` on the view); any
other refusal is shown on the page, caught around the service call by `refusal_caught`
(or `refusal_as_message` when it goes into the next page's messages). `NotFound` always
passes through those two, so it reaches `not_found_as_404`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from core.errors import HearthError, NotFound
from core.forms import RefusableForm

View = Callable[..., HttpResponseBase]


def not_found_as_404[V: View](view: V) -> V:
    """Show the 404 page for anything absent or out of scope (never say which)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapper  # type: ignore[return-value]


@dataclass
class Refusal:
    """The refusal caught by a `refusal_caught` block, or None if the action went ahead."""

    error: HearthError | None = None


@contextmanager
def refusal_caught() -> Iterator[Refusal]:
    """Keep a business rule's refusal for the page to show; `NotFound` is not a refusal to
    show but the 404 page, so it passes through."""
    refusal = Refusal()
    try:
        yield refusal
    except NotFound:
        raise
    except HearthError as error:
        refusal.error = error


@contextmanager
def refusal_as_message(request: HttpRequest) -> Iterator[Refusal]:
    """As `refusal_caught`, and the refusal's message is shown on the next page."""
    with refusal_caught() as refusal:
        yield refusal
    if refusal.error is not None:
        messages.error(request, refusal.error.message)


def made_from_form[F: RefusableForm, T](
    request: HttpRequest, form_class: Callable[..., F], make: Callable[[F], T], **form_kwargs: Any
) -> tuple[F, T | None, int]:
    """A page whose form makes one thing, such as a key shown once: the form (bound on a
    POST, its refusal applied; fresh again once made), what was made (None on a GET or when
    refused) and the status (400 when a POST made nothing)."""
    if request.method != "POST":
        return form_class(**form_kwargs), None, 200
    form = form_class(request.POST, **form_kwargs)
    made: T | None = None
    if form.is_valid():
        with refusal_caught() as refusal:
            made = make(form)
        if refusal.error is not None:
            form.apply_error(refusal.error)
    if made is None:
        return form, None, 400
    return form_class(**form_kwargs), made, 200
