"""`manage.py import_frameworks [PATH ...]`: publish competency frameworks (YAML).

Run after import_content (frameworks map competencies to modules by slug).
Re-runnable: competencies are matched by code, mappings are never doubled. All or
nothing: every file is checked first, and one bad file imports none of them.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from competencies.framework_file import parse_framework_file
from competencies.services import FrameworkResult, framework_publish
from training.content import import_all_or_nothing

STARTER_FRAMEWORKS = Path(settings.BASE_DIR) / "content" / "frameworks"


class Command(BaseCommand):
    help = "Publish competency framework files; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="Framework YAML files.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]] or sorted(STARTER_FRAMEWORKS.glob("*.yaml"))
        import_all_or_nothing(paths, parse=parse_framework_file, publish=_publish, done=self._said)

    def _said(self, data: Any, result: FrameworkResult) -> None:
        self.stdout.write(
            f"{result.framework.slug}: {result.competencies} competencies, "
            f"{result.mappings} module mappings"
        )


def _publish(data: Any) -> FrameworkResult:
    return framework_publish(data=data)
