"""The author's view of a module's quiz: how each question performs (org admins)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import actor_from_request
from core.pages import not_found_as_404
from training import item_analysis


@login_required
@require_GET
@not_found_as_404
def question_performance(request: HttpRequest, module_id: int) -> HttpResponse:
    """Each question's attempts, share right and discrimination, from the attempts made
    under the admin's organisations."""
    performance = item_analysis.quiz_performance(
        actor=actor_from_request(request), module_id=module_id
    )
    return render(
        request,
        "training/question_performance.html",
        {"performance": performance, "few": item_analysis.FEW, "current": "catalogue"},
    )
