"""The `cairn` command: Django's manage.py with Cairn's settings preset."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairn.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["cairn", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
