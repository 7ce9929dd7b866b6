"""What happens when a learner completes a module: one named function, explicit steps.

`module_completed` runs inside the completing transaction and calls, in order,
each step named in settings.HEARTH_COMPLETION_STEPS (dotted paths to functions
taking `enrolment=`). Higher layers plug in here (awarding competencies,
issuing a certificate) without training importing them, and the order is
written down in one reviewable place.
"""

from django.conf import settings
from django.utils.module_loading import import_string

from training.models import Enrolment


def module_completed(*, enrolment: Enrolment) -> None:
    """Run every configured completion step for a just-completed enrolment, in order."""
    for path in settings.HEARTH_COMPLETION_STEPS:
        step = import_string(path)
        step(enrolment=enrolment)
