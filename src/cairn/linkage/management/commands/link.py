"""`cairn link run` (full re-link) and `cairn link export --out DIR`."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cairn.access.actor import Actor
from cairn.linkage import services


class Command(BaseCommand):
    help = "Entity resolution: 'run' re-links every person mention; 'export' writes CSV files."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "run", help="Train the model, score every pair and rewrite the entities"
        )
        run.add_argument(
            "--backend",
            choices=("duckdb", "spark"),
            default="duckdb",
            help="Where the model runs: DuckDB in this process, or Apache Spark for national scale",
        )
        run.add_argument(
            "--spark-master",
            default="",
            help="Spark master URL (spark://host:7077, yarn, k8s://…); "
            "default CAIRN_SPARK_MASTER, else local[2]",
        )
        run.add_argument(
            "--skip-network",
            action="store_true",
            help="Leave the network graph as it is (run `cairn network rebuild` later): a re-link "
            "replaces the people the graph is built from, so by default it is rebuilt after it",
        )
        export = sub.add_parser("export", help="Write mentions.csv and entities.csv")
        export.add_argument("--out", required=True, type=Path, help="Folder to write to")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        actor = Actor.system()
        if action == "run":
            started = time.perf_counter()
            summary = services.link_run(
                actor=actor,
                progress=lambda message: self.stderr.write(message),
                backend=options["backend"],
                spark_master=options["spark_master"],
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Linked {summary.mentions} mentions into {summary.entities} people in "
                    f"{time.perf_counter() - started:.1f} s: {summary.entities_created} new, "
                    f"{summary.entities_removed} removed, {summary.mentions_moved} mentions "
                    f"moved, {summary.proposed} pairs for review, "
                    f"{summary.decisions_respected} analysts' decisions respected."
                )
            )
            if not options["skip_network"]:
                call_command("network", "rebuild", stdout=self.stdout, stderr=self.stderr)
        elif action == "export":
            out: Path = options["out"]
            mentions, entities = services.links_export(actor=actor, out=out)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {mentions} mentions and {entities} people to {out}/mentions.csv "
                    f"and {out}/entities.csv."
                )
            )
        else:
            raise CommandError(f"Unknown action {action}")
