#!/usr/bin/env python
"""Django's command-line utility for Hearth."""

import os
import sys
from pathlib import Path


def main() -> None:
    """Run a management command with the repository root and backend/ on the path."""
    backend = Path(__file__).resolve().parent
    sys.path[:0] = [str(backend), str(backend.parent)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
