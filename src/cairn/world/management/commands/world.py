"""`cairn world generate|load|demo`: make synthetic worlds and load bundles."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cairn.access.actor import Actor
from cairn.world.generator import Generated, generate
from cairn.world.generator.scales import SCALES
from cairn.world.services import (
    NOT_IMPORTED,
    BundleInvalid,
    BundleRefused,
    bundle_already_loaded,
    bundle_load,
)

DEMO_SEED = 2012
DEMO_DIR = Path(settings.REPO_DIR) / "var" / "world-local"


class Command(BaseCommand):
    help = "Synthetic worlds: generate a bundle, load a bundle, or set up the demo world."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        make = sub.add_parser("generate", help="Simulate a synthetic world and write its bundle")
        make.add_argument("--scale", choices=sorted(SCALES), default="tiny")
        make.add_argument("--seed", type=int, default=1)
        make.add_argument("--out", type=Path, required=True)
        make.add_argument(
            "--start",
            type=date.fromisoformat,
            default=None,
            help="First day of the simulated period (YYYY-MM-DD); default 2023-04-01 "
            "(national: 2021-04-01, so that its five years end in the past)",
        )
        load = sub.add_parser("load", help="Validate a bundle and load it in one transaction")
        load.add_argument("directory", type=Path)
        sub.add_parser(
            "demo", help="Generate the local world into var/world-local and load it once"
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "generate":
            self.generate(options["scale"], options["seed"], options["out"], options["start"])
        elif action == "load":
            self.load(options["directory"])
        else:
            self.demo()

    def generate(self, scale: str, seed: int, out: Path, start: date | None = None) -> Generated:
        started = time.perf_counter()
        result = generate(
            scale, seed, out, progress=lambda line: self.stderr.write(line), start=start
        )
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Wrote {out} (SYNTHETIC) in {seconds:.1f} s; ground truth in {out / 'truth'}"
        )
        self.stdout.write(f"{'figure':<44}{'target':>12}{'generated':>12}  within")
        for figure in result.figures:
            mark = "yes" if figure.ok else "NO"
            target = f"≥{figure.target:,.0f}" if figure.at_least else f"{figure.target:,.1f}"
            self.stdout.write(f"{figure.name:<44}{target:>12}{figure.generated:>12,.1f}  {mark}")
        return result

    def load(self, directory: Path) -> None:
        def progress(resource: str, count: int) -> None:
            self.stderr.write(f"loaded {resource}: {count} rows")

        try:
            result = bundle_load(actor=Actor.system(), directory=directory, progress=progress)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error
        except BundleRefused as error:
            raise CommandError(str(error)) from error
        except BundleInvalid as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(error)) from error
        for name, count in result.loaded.counts.items():
            self.stdout.write(f"{name}: {count} rows ({result.created.get(name, 0)} new)")
        for name in result.not_imported:
            self.stdout.write(f"{name}: {NOT_IMPORTED}")
        self.stdout.write(self.style.SUCCESS(f"Loaded {result.loaded.name}."))

    def demo(self) -> None:
        if not settings.CAIRN_DEMO:
            raise CommandError("The demo world is loaded only on a demo instance (CAIRN_DEMO=1).")
        if not (DEMO_DIR / "datapackage.json").is_file():
            # The demo's year ends a month before today, so its caseloads, reviews and missing
            # episodes look current, and nothing lies in the future.
            self.generate("local", DEMO_SEED, DEMO_DIR, start=date.today() - timedelta(days=395))
        previous = bundle_already_loaded(directory=DEMO_DIR)
        if previous is not None:
            self.stdout.write(f"The demo world was loaded on {previous.loaded_at:%d %b %Y}.")
            return
        self.load(DEMO_DIR)
        # What an analyst opens first: the people resolved from the reports, and the networks
        # (`link run` rebuilds them after re-linking).
        call_command("link", "run", stdout=self.stdout, stderr=self.stderr)
