"""Shared plumbing for server-rendered pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from core.errors import NotFound

View = Callable[..., HttpResponse]


def not_found_as_404(view: View) -> View:
    """Show the 404 page for anything absent or out of scope (never say which)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapper
