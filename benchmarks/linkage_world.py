"""Generated worlds scored with the plain Splink model and Cairn's, and link_new timed on one."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

from linkage_bundle import world_mentions, world_truth
from linkage_plain import plain_world
from linkage_truth import LINK_THRESHOLD, Score, score_entities, true_pairs

from cairn.linkage.engine import PersonMention, cluster, link_new, predict, train
from cairn.linkage.engine.clustering import resolve

# The share of true pairs that involve no unplaceable mention, per world scored.
CEILINGS: dict[str, float] = {}


def _has_evidence(mention: PersonMention) -> bool:
    return bool(
        mention.given_name
        or mention.family_name
        or mention.nicknames
        or mention.date_of_birth
        or mention.phones
        or mention.vehicles
        or mention.addresses
    )


def unplaceable(mentions: list[PersonMention]) -> set[str]:
    """Mentions no method can place: nothing identifying ("male, 30s, tall") and nothing else
    in their report but a place (no other person, vehicle or phone)."""
    in_record = Counter(m.record for m in mentions if m.record)
    return {
        m.mention_id
        for m in mentions
        if not _has_evidence(m)
        and in_record[m.record] == 1
        and not any(not c.startswith("place:") for c in m.context)
    }


def run_world(scale: str, bundle: Path) -> list[Score]:
    mentions = world_mentions(bundle)
    ids = [m.mention_id for m in mentions]
    truth = true_pairs(world_truth(bundle))
    hopeless = unplaceable(mentions)
    placeable = {p for p in truth if p[0] not in hopeless and p[1] not in hopeless}
    CEILINGS[f"world {scale}"] = len(placeable) / len(truth)
    started = time.perf_counter()
    plain = plain_world(mentions).rename(
        columns={"unique_id_l": "mention_id_l", "unique_id_r": "mention_id_r"}
    )
    plain_entities = cluster(plain, LINK_THRESHOLD, ids)
    plain_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = train(mentions)
    ours = predict(model, threshold=0.01)
    entity_of, _ = resolve(ours, model.table, LINK_THRESHOLD)
    seconds = time.perf_counter() - started
    scores = [
        score_entities(
            f"world {scale}", "plain Splink", plain_entities, truth, len(ids), plain_seconds
        ),
        score_entities(f"world {scale}", "Cairn", entity_of, truth, len(ids), seconds),
    ]
    # The same, leaving out the pairs that involve an unplaceable mention.
    kept = [m for m in ids if m not in hopeless]
    for name, entities in (("plain Splink", plain_entities), ("Cairn", entity_of)):
        scores.append(
            score_entities(
                f"world {scale} placeable",
                name,
                {m: entities[m] for m in kept},
                placeable,
                len(kept),
                seconds if name == "Cairn" else plain_seconds,
            )
        )
    return scores


def time_incremental(bundle: Path, samples: int = 50) -> dict[str, float]:
    """Link single held-out mentions against the rest, as a new report would be."""
    mentions = world_mentions(bundle)
    held_out, existing = mentions[-samples:], mentions[:-samples]
    model = train(existing)
    timings = []
    for mention in held_out:
        started = time.perf_counter()
        link_new(model, [mention])
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "existing_mentions": len(existing),
        "p50_ms": 1000 * timings[len(timings) // 2],
        "p95_ms": 1000 * timings[int(len(timings) * 0.95) - 1],
    }


def score_export(export: Path, bundle: Path) -> Score:
    """The application's own people: `cairn link export --out EXPORT` of a database that
    loaded `bundle` and ran `cairn link run`, scored pair by pair against its truth (report
    mentions only: the export names no young person's record)."""
    truth = world_truth(bundle)
    with (export / "mentions.csv").open(newline="") as handle:
        ours = {row["mention_external_id"]: row["entity_id"] for row in csv.DictReader(handle)}
    kept = sorted(set(ours) & set(truth))
    return score_entities(
        f"{bundle.name} (application)",
        "cairn link run",
        {m: ours[m] for m in kept},
        true_pairs({m: truth[m] for m in kept}),
        len(kept),
        0.0,
    )
