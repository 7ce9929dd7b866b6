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

from accounts.models import Organisation
from training.content import ModuleSpec, import_all_or_nothing, parse_module_file
from training.publishing import PublishResult, module_publish

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

        def publish(spec: ModuleSpec) -> PublishResult:
            return module_publish(spec=spec, organisation=organisation)

        def said(spec: ModuleSpec, result: PublishResult) -> None:
            state = f"published version {result.version.number}" if result.created else "unchanged"
            self.stdout.write(f"{spec.slug}: {state}")

        import_all_or_nothing(files, parse=parse_module_file, publish=publish, done=said)
        self.stdout.write(self.style.SUCCESS(f"{len(files)} module files imported."))
