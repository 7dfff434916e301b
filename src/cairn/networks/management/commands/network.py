"""`cairn network rebuild` and `cairn network export --out DIR`."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cairn.access.actor import Actor
from cairn.networks import services


class Command(BaseCommand):
    help = "Network graph: 'rebuild' recomputes everything; 'export' writes entity_network.csv."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="Rebuild the edges, networks and communities")
        export = sub.add_parser("export", help="Write entity_network.csv")
        export.add_argument("--out", required=True, type=Path, help="Folder to write to")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        actor = Actor.system()
        if action == "rebuild":
            started = time.perf_counter()
            summary = services.network_rebuild(actor=actor)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Built {summary.edges} edges between {summary.nodes} nodes from "
                    f"{summary.records} records: {summary.networks} networks (communities) "
                    f"in {summary.connected_groups} connected groups, in "
                    f"{time.perf_counter() - started:.1f} s."
                )
            )
        elif action == "export":
            out: Path = options["out"]
            rows = services.network_export(actor=actor, out=out)
            self.stdout.write(self.style.SUCCESS(f"Wrote {rows} rows to {out}/entity_network.csv."))
        else:
            raise CommandError(f"Unknown action {action}")
