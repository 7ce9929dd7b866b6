"""`manage.py import_frameworks [PATH ...]`: publish competency frameworks (YAML).

Run after import_content (frameworks map competencies to modules by slug).
Re-runnable: competencies are matched by code, mappings are never doubled. All or
nothing: every file is checked first, and one bad file imports none of them.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from competencies.framework_file import parse_framework_file
from competencies.services import framework_publish
from core.errors import HearthError
from training.content import ContentError, parse_every

STARTER_FRAMEWORKS = Path(settings.BASE_DIR) / "content" / "frameworks"


class Command(BaseCommand):
    help = "Publish competency framework files; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="Framework YAML files.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]] or sorted(STARTER_FRAMEWORKS.glob("*.yaml"))
        try:
            frameworks = parse_every(paths, parse_framework_file)
        except ContentError as error:
            raise CommandError(f"Nothing was imported.\n{error}") from error
        with transaction.atomic():
            for path, data in zip(paths, frameworks, strict=True):
                try:
                    with transaction.atomic():
                        result = framework_publish(data=data)
                except (HearthError, DatabaseError) as error:
                    raise CommandError(f"Nothing was imported.\n{path}: {error}") from error
                self.stdout.write(
                    f"{result.framework.slug}: {result.competencies} competencies, "
                    f"{result.mappings} module mappings"
                )
