"""`manage.py import_frameworks [PATH ...]`: publish competency frameworks (YAML).

Run after import_content (frameworks map competencies to modules by slug).
Re-runnable: competencies are matched by code, mappings are never doubled.
"""

from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from competencies.services import framework_publish
from core.errors import HearthError

STARTER_FRAMEWORKS = Path(settings.BASE_DIR) / "content" / "frameworks"


class Command(BaseCommand):
    help = "Publish competency framework files; safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="Framework YAML files.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["paths"]] or sorted(STARTER_FRAMEWORKS.glob("*.yaml"))
        for path in paths:
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
                result = framework_publish(data=data)
            except (OSError, yaml.YAMLError, KeyError, HearthError) as error:
                raise CommandError(f"{path}: {error}") from error
            self.stdout.write(
                f"{result.framework.slug}: {result.competencies} competencies, "
                f"{result.mappings} module mappings"
            )
