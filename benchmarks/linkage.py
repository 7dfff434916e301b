"""Entity-resolution accuracy and speed (issue 5, section 6), Cairn's model beside a plain one.

    python benchmarks/linkage.py                      # FEBRL3, FEBRL4, worlds tiny and local
    python benchmarks/linkage.py --scales tiny local regional --incremental
    python benchmarks/linkage.py --relink BUNDLE      # national: 1,000,000 mentions; any bundle
    python benchmarks/linkage.py --export OUT --bundle BUNDLE   # the application's own people

Pairwise precision, recall and F1 count a pair of records as linked when the model scores it at
or above the link threshold. Figures are printed and written to `var/benchmarks/linkage.json`.
"""

# The parts live beside this script (its folder is on sys.path when it runs): linkage_truth
# (pairwise scores), linkage_plain (the plain Splink models), linkage_febrl, linkage_bundle (a
# world's bundle in the engine's schema), linkage_world (worlds scored, link_new timed) and
# linkage_national (the national re-link and the blocking-only count).

from __future__ import annotations

import argparse
import json
import resource
import tempfile
from pathlib import Path
from typing import Any

from linkage_bundle import generate_world
from linkage_febrl import run_febrl
from linkage_national import blocking_only, time_full_relink
from linkage_truth import Score
from linkage_world import CEILINGS, run_world, score_export, time_incremental

ROOT = Path(__file__).resolve().parent.parent


def print_table(scores: list[Score]) -> None:
    header = f"{'dataset':<24}{'model':<14}{'records':>9}{'true pairs':>12}{'precision':>11}"
    header += f"{'recall':>9}{'F1':>8}{'blocked':>9}{'seconds':>9}"
    print(header)
    for s in scores:
        blocked = f"{s.blocking_recall:.4f}" if s.blocking_recall is not None else "-"
        print(
            f"{s.dataset:<24}{s.model:<14}{s.records:>9,}{s.true_pairs:>12,}{s.precision:>11.4f}"
            f"{s.recall:>9.4f}{s.f1:>8.4f}{blocked:>9}{s.seconds:>9.1f}"
        )


def _report(figures: dict[str, Any], name: str) -> None:
    """Print figures and write them to var/benchmarks/`name`."""
    print(json.dumps(figures, indent=2))
    out = ROOT / "var" / "benchmarks" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--febrl", nargs="*", default=["febrl3", "febrl4"])
    parser.add_argument("--scales", nargs="*", default=["tiny", "local"])
    parser.add_argument("--incremental", action="store_true", help="time link_new (local)")
    parser.add_argument(
        "--relink", metavar="BUNDLE", help="time a full re-link of an existing bundle (national)"
    )
    parser.add_argument("--limit", type=int, default=1_000_000, help="mentions to re-link")
    parser.add_argument(
        "--blocking-only",
        metavar="BUNDLE",
        help="count the pairs and true pairs of the national blocking rules and candidates",
    )
    parser.add_argument(
        "--export",
        metavar="DIR",
        help="score `cairn link export --out DIR` of a database that loaded --bundle",
    )
    parser.add_argument("--bundle", metavar="BUNDLE", help="the bundle --export was loaded from")
    args = parser.parse_args(argv)
    if args.export:
        if not args.bundle:
            parser.error("--export needs --bundle")
        print_table([score_export(Path(args.export), Path(args.bundle))])
        return
    if args.blocking_only:
        bundle = Path(args.blocking_only)
        _report(blocking_only(bundle, limit=args.limit), f"linkage-blocking-{bundle.name}.json")
        return
    if args.relink:
        bundle = Path(args.relink)
        _report(time_full_relink(bundle, limit=args.limit), f"linkage-relink-{bundle.name}.json")
        return
    scores: list[Score] = []
    extra: dict[str, Any] = {}
    for which in args.febrl:
        scores.extend(run_febrl(which))
    with tempfile.TemporaryDirectory() as directory:
        for scale in args.scales:
            bundle = generate_world(scale, Path(directory))
            scores.extend(run_world(scale, bundle))
            if args.incremental and scale == args.scales[-1]:
                extra["incremental"] = {"scale": scale, **time_incremental(bundle)}
    print_table(scores)
    extra["recall_ceiling"] = CEILINGS
    for dataset, ceiling in CEILINGS.items():
        print(f"{dataset}: {ceiling:.1%} of true pairs involve no unplaceable mention")
    if extra:
        print(json.dumps(extra, indent=2))
    extra["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = ROOT / "var" / "benchmarks" / "linkage.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scores": [s.row() for s in scores], **extra}, indent=2))


if __name__ == "__main__":
    main()
