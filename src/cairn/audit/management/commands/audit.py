"""`cairn audit verify`: walk the hash chain and name the first broken entry."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairn.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks the hash chain and exits non-zero if it is broken."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check every entry's hash and its link to the one before")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action != "verify":
            raise CommandError(f"Unknown action {action}")
        show_progress = sys.stderr.isatty()

        def progress(checked: int) -> None:
            if show_progress:
                self.stderr.write(f"checked {checked} entries…")

        result = verify_chain(progress=progress)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.checked} entries."))
            return
        raise CommandError(
            f"Audit chain broken at entry {result.broken_id}: {result.problem}. "
            f"{result.checked} entries before it are intact."
        )
