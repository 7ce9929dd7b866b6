"""`manage.py seed_demo`: fictional demo data for trying Hearth; safe to run again."""

from typing import Any

from django.core.management.base import BaseCommand

from demo.competencies import seed_competencies
from demo.learning import seed_learning
from demo.people import DEMO_PASSWORD, seed_people
from demo.requirements import seed_requirements


class Command(BaseCommand):
    help = "Create (or top up) the demo organisations, teams, people and partnership."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_people()
        enrolments = seed_learning()
        assessments = seed_competencies()
        requirements = seed_requirements()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {counts['organisations']} organisations, {counts['teams']} teams, "
                f"{counts['new_people']} new people, {enrolments} new enrolments, "
                f"{assessments} new assessments, {requirements} requirements adopted. "
                "Sign in with any demo email and "
                f"password {DEMO_PASSWORD!r} (see README: Demo sign-ins)."
            )
        )
