"""Network analytics against the generated worlds' ground truth, and at 1,000,000 edges (issue 6).

    python benchmarks/network.py                          # local world, 1,000,000-edge graph
    python benchmarks/network.py --scales local regional
    python benchmarks/network.py --bundle DIR             # an existing bundle with truth/
    python benchmarks/network.py --scales --edges 0 --incremental 200   # on DATABASE_URL
    python benchmarks/network.py --bundle DIR --export OUT --edges 0    # live pipeline

`--incremental` times `network_update_for_report` on the database in DATABASE_URL, after
`cairn world load DIR`, `cairn link run` and `cairn network rebuild` (CAIRN_DEMO=1, a fixed
CAIRN_FIELD_KEYS). `--export OUT` scores `cairn link export --out OUT` and
`cairn network export --out OUT` of that database: the whole pipeline, no truth used to build.

The graph is built from the bundle without the database. People are resolved by the **truth**
entity of each person mention: entity resolution is issue 5's benchmark, so these figures are
an upper bound on what the live pipeline reaches. Phones, vehicles and places are resolved by
their normalised identifiers, as Cairn resolves them (`--resolve truth` uses the truth for them
too). Young people are the truth entities behind the `young_people` rows, which a service knows
from its own case records; whether a child was exploited, or a person offended, is read only
to score.

- ARI: adjusted Rand index of Leiden communities against the true networks, over the true
  network members (offenders and the children they exploited) present in the graph.
- Offender recall: the share of true offenders placed in the same community as a child their
  network exploited. Precision: of the adults placed in the same community as an exploited
  child, the share who are offenders of a network that exploited a child of that community.
  Also reported: of the adults in a community with any young person at all (what an analyst
  sees without the truth), the share who are offenders.

Figures are printed and written to `var/benchmarks/network.json`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import igraph
import numpy as np
import phonenumbers

from cairn.networks import analysis
from cairn.networks.analysis import (
    EVENT,
    LOCATION,
    MISSING_EPISODE,
    PERSON,
    PHONE,
    REPORT,
    VEHICLE,
    YOUNG_PERSON,
    Node,
    SourceRecord,
)

ROOT = Path(__file__).resolve().parent.parent
CAIRN = [sys.executable, "-m", "cairn"]


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def generate_world(scale: str, directory: Path) -> Path:
    bundle = directory / scale
    subprocess.run(  # noqa: S603 — this interpreter's own `cairn` command
        [*CAIRN, "world", "generate", "--scale", scale, "--seed", "1", "--out", str(bundle)],
        check=True,
        capture_output=True,
        env={**os.environ, "CAIRN_DEBUG": "1"},
    )
    return bundle


class Interner:
    """Gives each (kind, key) node a small integer id, and remembers the key."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}
        self.keys: dict[Node, str] = {}

    def node(self, kind: str, key: str) -> Node:
        number = self.ids.setdefault((kind, key), len(self.ids))
        self.keys[(kind, number)] = key
        return (kind, number)


def place_name(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _phone(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _registration(raw: str) -> str:
    mark = re.sub(r"\s+", "", raw.upper())
    return "" if not mark or "?" in mark else mark


class Truth:
    """What a world's `truth/` says: who each mention is, the networks, offenders and children."""

    def __init__(self, truth: Path) -> None:
        self.entity_of = {
            (row["resource"], row["record_id"]): row["entity_id"]
            for row in _rows(truth / "mentions.csv")
        }
        self.children = {row["entity_id"] for row in _rows(truth / "children.csv")}
        self.network_of: dict[str, str] = {}
        self.offenders: dict[str, str] = {}
        self.exploited: dict[str, set[str]] = defaultdict(set)
        for row in _rows(truth / "network_members.csv"):
            self.network_of.setdefault(row["entity_id"], row["network_id"])
            if row["member_type"] == "offender":
                self.offenders.setdefault(row["entity_id"], row["network_id"])
            else:
                self.exploited[row["network_id"]].add(row["entity_id"])

    def score(self, community: dict[str, int]) -> dict[str, Any]:
        """ARI, offender recall and precision of a community for each true person entity."""
        members = sorted(e for e in self.network_of if e in community)
        ari = adjusted_rand_index(
            [self.network_of[e] for e in members], [community[e] for e in members]
        )
        hits = sum(
            1
            for offender, network in self.offenders.items()
            if offender in community
            and any(community.get(c) == community[offender] for c in self.exploited[network])
        )
        exploited_in: dict[int, set[str]] = defaultdict(set)
        for network, children in self.exploited.items():
            for child in children:
                if child in community:
                    exploited_in[community[child]].add(network)
        adults = {e: c for e, c in community.items() if e not in self.children}
        flagged = {e for e, c in adults.items() if exploited_in.get(c)}
        true_flagged = {e for e in flagged if self.offenders.get(e) in exploited_in[adults[e]]}
        with_any_child = {c for e, c in community.items() if e in self.children}
        flagged_any = {e for e, c in adults.items() if c in with_any_child}
        return {
            "true_networks": len(set(self.network_of.values())),
            "network_members_in_graph": len(members),
            "ari": round(ari, 4),
            "offenders": len(self.offenders),
            "offender_recall": round(hits / len(self.offenders), 4) if self.offenders else None,
            "adults_flagged": len(flagged),
            "offender_precision": round(len(true_flagged) / len(flagged), 4) if flagged else None,
            "adults_with_any_child": len(flagged_any),
            "offender_share_with_any_child": round(
                len(flagged_any & set(self.offenders)) / len(flagged_any), 4
            )
            if flagged_any
            else None,
        }


class World(Truth):
    """A bundle read as records of nodes, with the truth needed to score."""

    def __init__(self, bundle: Path, resolve: str) -> None:
        super().__init__(bundle / "truth")
        self.nodes = Interner()
        self.records = self._reports(bundle, resolve) + self._episodes(bundle)

    def _person(self, resource: str, record_id: str) -> Node:
        entity = self.entity_of[(resource, record_id)]
        return self.nodes.node(YOUNG_PERSON if entity in self.children else PERSON, entity)

    def _reports(self, bundle: Path, resolve: str) -> list[SourceRecord]:
        nodes: dict[str, set[Node]] = defaultdict(set)
        for row in _rows(bundle / "report_person_mentions.csv"):
            nodes[row["report_id"]].add(self._person("report_person_mentions", row["mention_id"]))
        by_name: dict[str, Counter[Node]] = defaultdict(Counter)
        resources = (
            ("report_phone_mentions", PHONE, lambda r: _phone(r["number_as_written"])),
            (
                "report_vehicle_mentions",
                VEHICLE,
                lambda r: _registration(r["registration_as_written"]),
            ),
            (
                "report_location_mentions",
                LOCATION,
                lambda r: place_name(r["name_as_written"] or r["address_as_written"]),
            ),
        )
        for resource, kind, identifier in resources:
            for row in _rows(bundle / f"{resource}.csv"):
                key = (
                    self.entity_of.get((resource, row["mention_id"]), "")
                    if resolve == "truth"
                    else identifier(row)
                )
                if not key:
                    continue
                node = self.nodes.node(kind, key)
                nodes[row["report_id"]].add(node)
                if kind == LOCATION:
                    by_name[place_name(row["name_as_written"])][node] += 1
        self.places = {name: found.most_common(1)[0][0] for name, found in by_name.items()}
        for row in _rows(bundle / "report_event_mentions.csv"):
            nodes[row["report_id"]].add(self.nodes.node(EVENT, row["mention_id"]))
        records = []
        for number, row in enumerate(_rows(bundle / "intelligence_reports.csv")):
            graded = row["grading_system"] == "3x5x2"
            records.append(
                SourceRecord(
                    kind=REPORT,
                    id=number,
                    at=_when(row["received_at"]),
                    nodes=frozenset(nodes.get(row["report_id"], ())),
                    grading=row["source_evaluation"] + row["intelligence_assessment"]
                    if graded
                    else "",
                )
            )
        return records

    def _episodes(self, bundle: Path) -> list[SourceRecord]:
        records = []
        for number, row in enumerate(_rows(bundle / "missing_episodes.csv")):
            found = {self._person("young_people", row["young_person_id"])}
            place = self.places.get(place_name(row["found_at"])) if row["found_at"] else None
            if place is not None:
                found.add(place)
            records.append(
                SourceRecord(
                    kind=MISSING_EPISODE,
                    id=number,
                    at=_when(row["returned_at"] or row["went_missing_at"]),
                    nodes=frozenset(found),
                )
            )
        return records


def adjusted_rand_index(truth: list[str], found: list[int]) -> float:
    def pairs(n: int) -> float:
        return n * (n - 1) / 2

    table = Counter(zip(truth, found, strict=True))
    rows, columns = Counter(truth), Counter(found)
    index = sum(pairs(n) for n in table.values())
    row_sum = sum(pairs(n) for n in rows.values())
    column_sum = sum(pairs(n) for n in columns.values())
    expected = row_sum * column_sum / pairs(len(truth)) if len(truth) > 1 else 0.0
    maximum = (row_sum + column_sum) / 2
    return (index - expected) / (maximum - expected) if maximum != expected else 1.0


def score_world(world: World) -> dict[str, Any]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    edges = analysis.edges_from(world.records)
    timings["edges_s"] = time.perf_counter() - started
    started = time.perf_counter()
    graph = analysis.build_graph(edges)
    structure = analysis.analyse(graph)
    timings["analysis_s"] = time.perf_counter() - started
    started = time.perf_counter()
    analysis.hotspots(world.records)
    analysis.seen_together(world.records)
    timings["hotspots_and_co_occurrence_s"] = time.perf_counter() - started

    community: dict[str, int] = {}
    for vertex, (kind, number) in enumerate(graph.nodes):
        if kind in (PERSON, YOUNG_PERSON):
            community[world.nodes.keys[(kind, number)]] = structure.community[vertex]
    return {
        "records": len(world.records),
        "nodes": len(graph.nodes),
        "edges": len(edges),
        "networks": len(set(structure.network)),
        "communities": len(set(structure.community)),
        **world.score(community),
        **{name: round(seconds, 3) for name, seconds in timings.items()},
    }


def score_export(export: Path, bundle: Path) -> dict[str, Any]:
    """The live pipeline end to end: `cairn link export` and `cairn network export` of a
    database that loaded `bundle`, scored against its truth.

    Each true person takes the community most of their mentions (and their young person's
    record) were placed in by Cairn's own entities; nothing here uses the truth to build.
    """
    truth = Truth(bundle / "truth")
    placed = {
        (row["kind"], row["entity_id"]): int(row["community_id"])
        for row in _rows(export / "entity_network.csv")
    }
    votes: dict[str, Counter[int]] = defaultdict(Counter)
    for row in _rows(export / "mentions.csv"):
        found = placed.get((PERSON, row["entity_id"]))
        true = truth.entity_of.get(("report_person_mentions", row["mention_external_id"]))
        if found is not None and true is not None:
            votes[true][found] += 1
    for row in _rows(export / "entity_network.csv"):
        true = truth.entity_of.get(("young_people", row["external_id"]))
        if row["kind"] == YOUNG_PERSON and true is not None:
            votes[true][int(row["community_id"])] += 1
    community = {e: counts.most_common(1)[0][0] for e, counts in votes.items()}
    return {"people_placed": len(community), **truth.score(community)}


def planted_graph(
    edges: int, community_size: int = 30, inside: float = 0.9, seed: int = 1
) -> tuple[igraph.Graph, list[int]]:
    """A random graph of `edges` edges in communities of `community_size`: `inside` of the edges
    fall within a community, the rest anywhere."""
    rng = np.random.default_rng(seed)
    wanted, edges = edges, int(edges * 1.05)  # room for the self-loops dropped below
    nodes = wanted // 5
    truth = np.arange(nodes) // community_size
    count_inside = int(edges * inside)
    sources = rng.integers(0, nodes, edges)
    offsets = rng.integers(0, community_size, count_inside)
    targets = np.empty(edges, dtype=np.int64)
    targets[:count_inside] = np.minimum(
        truth[sources[:count_inside]] * community_size + offsets, nodes - 1
    )
    targets[count_inside:] = rng.integers(0, nodes, edges - count_inside)
    keep = np.flatnonzero(sources != targets)
    rng.shuffle(keep)
    keep = keep[:wanted]
    graph = igraph.Graph(
        n=nodes, edges=np.column_stack([sources[keep], targets[keep]]).tolist(), directed=False
    )
    graph.es["weight"] = rng.integers(1, 5, wanted).astype(float).tolist()
    return graph, truth.tolist()


def time_large(edges: int) -> dict[str, Any]:
    graph, truth = planted_graph(edges)
    figures: dict[str, Any] = {"nodes": graph.vcount(), "edges": graph.ecount()}
    cpu_started = time.process_time()
    started = time.perf_counter()
    network = analysis.connected_networks(graph)
    figures["components_s"] = time.perf_counter() - started
    started = time.perf_counter()
    community = analysis.leiden_communities(graph, network)
    figures["leiden_s"] = time.perf_counter() - started
    started = time.perf_counter()
    analysis.centrality(graph, community)
    figures["centrality_s"] = time.perf_counter() - started
    figures["total_s"] = figures["components_s"] + figures["leiden_s"] + figures["centrality_s"]
    # CPU time too: on a shared machine the wall time includes waiting for the other work.
    figures["total_cpu_s"] = time.process_time() - cpu_started
    figures["ari_planted"] = round(adjusted_rand_index([str(t) for t in truth], community), 4)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}


def time_incremental(samples: int) -> dict[str, Any]:
    """`network_update_for_report` on `samples` reports of the configured database, which must
    hold a loaded, linked world whose graph was rebuilt (see the module docstring)."""
    import random

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairn.settings")
    django.setup()
    from cairn.access.actor import Actor
    from cairn.intelligence.models import IntelligenceReport
    from cairn.networks.services import network_update_for_report

    ids = list(IntelligenceReport.objects.values_list("pk", flat=True))
    chosen = random.Random(1).sample(  # noqa: S311 — a reproducible sample, not a secret
        ids, min(samples, len(ids))
    )
    seconds = []
    for report_id in chosen:
        started = time.perf_counter()
        network_update_for_report(actor=Actor.system(), report_id=report_id)
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {
        "reports": len(ids),
        "samples": len(seconds),
        "median_ms": round(1000 * seconds[len(seconds) // 2], 1),
        "p95_ms": round(1000 * seconds[int(len(seconds) * 0.95) - 1], 1),
        "max_ms": round(1000 * seconds[-1], 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="*", default=["local"])
    parser.add_argument("--bundle", type=Path, help="Score this bundle instead of generating")
    parser.add_argument("--resolve", choices=["identifiers", "truth"], default="identifiers")
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument(
        "--incremental", type=int, default=0, help="Time this many updates on the database"
    )
    parser.add_argument(
        "--export",
        type=Path,
        help="Score the link and network exports in this folder against --bundle's truth",
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "people_resolved_by": "the truth entity of each mention (an upper bound)",
        "worlds": {},
    }
    if args.export:
        results["end_to_end"] = scored = score_export(args.export, args.bundle)
        print("end to end (Cairn's entities): " + ", ".join(f"{k} {v}" for k, v in scored.items()))
    with tempfile.TemporaryDirectory() as directory:
        bundles = (
            {args.bundle.name: args.bundle}
            if args.bundle
            else {scale: generate_world(scale, Path(directory)) for scale in args.scales}
        )
        for name, bundle in bundles.items():
            world = World(bundle, args.resolve)
            results["worlds"][f"{name} ({args.resolve})"] = figures = score_world(world)
            print(f"world {name}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    if args.edges:
        results["large"] = large = time_large(args.edges)
        print(f"{args.edges:,}-edge graph: " + ", ".join(f"{k} {v}" for k, v in large.items()))
    if args.incremental:
        results["incremental"] = timed = time_incremental(args.incremental)
        print("incremental update: " + ", ".join(f"{k} {v}" for k, v in timed.items()))
    out = ROOT / "var" / "benchmarks" / "network.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    # Runs with different options add to the figures of earlier runs rather than erase them.
    earlier = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    worlds = {**earlier.get("worlds", {}), **results.pop("worlds")}
    out.write_text(json.dumps({**earlier, **results, "worlds": worlds}, indent=2) + "\n")
    print(f"Wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
