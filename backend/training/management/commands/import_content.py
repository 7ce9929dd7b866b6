"""`manage.py import_content [PATH ...] [--organisation SLUG]`: publish module files.

Re-runnable: an unchanged file does nothing; a changed one publishes a new
version (learners who started keep theirs). With no paths it imports Hearth's
starter curriculum from content/modules/. An organisation's own modules are
imported with --organisation and are visible only to its people.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from accounts.models import Organisation
from training.content import ContentError, parse_every, parse_module_file
from training.publishing import module_publish

STARTER_MODULES = Path(settings.BASE_DIR) / "content" / "modules"


def module_files(paths: list[str]) -> list[Path]:
    """Expand the given files and folders (default: the starter curriculum) to .md files."""
    files: list[Path] = []
    for raw in paths or [str(STARTER_MODULES)]:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.md")))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path} is neither a module file nor a folder of them.")
    return files


class Command(BaseCommand):
    help = "Publish module files (Markdown with YAML front matter); safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", help="Module files or folders of them.")
        parser.add_argument("--organisation", help="Slug of the organisation that owns them.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = None
        if options["organisation"]:
            organisation = Organisation.objects.filter(slug=options["organisation"]).first()
            if organisation is None:
                raise CommandError(f"No organisation with slug {options['organisation']!r}.")
        files = module_files(options["paths"])
        try:
            specs = parse_every(files, parse_module_file)
        except ContentError as error:
            raise CommandError(f"Nothing was imported.\n{error}") from error
        # All or nothing: a failure part-way leaves no module half-published.
        with transaction.atomic():
            for path, spec in zip(files, specs, strict=True):
                try:
                    with transaction.atomic():
                        result = module_publish(spec=spec, organisation=organisation)
                except DatabaseError as error:
                    raise CommandError(
                        f"Nothing was imported.\n{path}: could not be saved ({error})"
                    ) from error
                state = (
                    f"published version {result.version.number}" if result.created else "unchanged"
                )
                self.stdout.write(f"{spec.slug}: {state}")
        self.stdout.write(self.style.SUCCESS(f"{len(specs)} module files imported."))
