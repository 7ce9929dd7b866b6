"""`manage.py import_requirement_sets [PATH ...]`: import the starter statutory and
mandatory definitions (content/requirements/*.yaml: the Core Skills Training Framework and
the Care Certificate) as RequirementDefinition rows.

Re-runnable: definitions are matched by code, and one whose values already match is not
written, so a second run says "0 created, 0 updated". All or nothing: every file is
checked first, and one bad file imports none of them.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from compliance.definitions_file import parse_definition_files
from compliance.services_requirements import requirement_sets_import
from core.errors import HearthError
from training.content import ContentError


class Command(BaseCommand):
    help = "Import the starter requirement sets (CSTF, Care Certificate); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="*", help="Requirement set YAML files (default: the starter sets)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(path) for path in options["paths"]] or None
        try:
            definitions = parse_definition_files(paths)
            counts = requirement_sets_import(definitions=definitions)
        except (ContentError, HearthError) as error:
            raise CommandError(f"Nothing was imported.\n{error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"Requirement definitions: {counts} ({len(definitions)} in all).")
        )
