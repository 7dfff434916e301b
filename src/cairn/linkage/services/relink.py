"""The full re-link: train, score, apply thresholds and analysts' decisions, write."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
from django.conf import settings
from django.db import transaction

from cairn.access.actor import Actor
from cairn.linkage import engine
from cairn.linkage.models import (
    Decision,
    LinkageModel,
    LinkStatus,
    MentionLink,
    MentionName,
    PersonEntity,
    YoungPersonLink,
    display_name,
)
from cairn.linkage.services import scoring
from cairn.linkage.services.common import (
    Pair,
    Progress,
    RunSummary,
    audit_mentions,
    require_linker,
    review_decisions,
    thresholds,
)
from cairn.linkage.services.identifiers import identifiers_resolve
from cairn.linkage.services.rows import stored_mentions, young_person_engine_mention
from cairn.linkage.services.suspects import link_suspects
from cairn.youngpeople.models import YoungPerson

READ_CHUNK = 5000
# Rows written per query, and links held in memory before they are written.
WRITE_BATCH = 1000
LINKS_HELD = 50_000


class _LinkWriter:
    """Mention links written as they are made, `LINKS_HELD` at a time: a national re-link
    makes about two million, too many to hold as model instances at once."""

    def __init__(self) -> None:
        self.held: list[MentionLink] = []

    def append(self, link: MentionLink) -> None:
        self.held.append(link)
        if len(self.held) >= LINKS_HELD:
            self.flush()

    def flush(self) -> None:
        MentionLink.objects.bulk_create(self.held, batch_size=WRITE_BATCH)
        self.held = []


def _young_rejections() -> dict[tuple[int, int], str]:
    """Rejected young person links as rejected pairs (-young person, mention)."""
    pairs: dict[tuple[int, int], str] = {}
    for link in YoungPersonLink.objects.filter(rejected=True):
        for mention in link.rejected_mentions:
            pairs[(-link.young_person_id, int(mention))] = Decision.REJECT
    return pairs


def _write_young_links(
    young_of: dict[int, int],
    entity_of: dict[int, int],
    by_pair: dict[tuple[int, int], Pair],
    scores: scoring.Scores,
) -> None:
    """Replace the young people's automatic links by this run's (rejections stay)."""
    YoungPersonLink.objects.filter(rejected=False).delete()
    # A young person's record has a negative id, so it is always the pair's first.
    best_of: dict[tuple[int, int], Pair] = {}
    for (a, b), pair in by_pair.items():
        if a < 0 and b in entity_of:
            key = (-a, entity_of[b])
            if key not in best_of or pair.probability > best_of[key].probability:
                best_of[key] = pair
    links = []
    for young_person, member in young_of.items():
        entity = entity_of[member]
        best = best_of.get((young_person, entity))
        links.append(
            YoungPersonLink(
                young_person_id=young_person,
                entity_id=entity,
                match_probability=best.probability if best else None,
                explanation=scores.explain(best) if best else [],
            )
        )
    YoungPersonLink.objects.bulk_create(links)


def _placement_explanation(placement: engine.Placement) -> list[dict[str, Any]]:
    """A context placement in the shape of a pair's explanation, for the entity page."""
    street_names = sorted(
        thing.rsplit(":", 1)[1] for thing in placement.shared if thing.startswith("nickname:")
    )
    kinds = Counter(
        thing.split(":", 1)[0] for thing in placement.shared if not thing.startswith("nickname:")
    )
    words = {"person": ("person", "people"), "place": ("place", "places")}
    words |= {"vehicle": ("vehicle", "vehicles"), "phone": ("phone", "phones")}
    shared = ", ".join(
        f"{count} {words.get(kind, (kind, kind + 's'))[count != 1]}"
        for kind, count in sorted(kinds.items())
    )
    reasons = ["described the same way"]
    if street_names:
        quoted = ", ".join(f"'{name.title()}'" for name in street_names)
        reasons.append(f"known by the same street name ({quoted})")
    if shared:
        reasons.append(f"seen with the same {shared}")
    return [
        {
            "comparison": "context",
            "level": (
                f"Placed by context: {'; '.join(reasons)} as in this person's other records "
                f"(evidence {placement.score:.1f} against {placement.runner_up:.1f} for the "
                "next candidate)"
            ),
            "match_weight": placement.score,
        }
    ]


def resolve_groups(
    table: pa.Table,
    pairs: Sequence[Pair],
    decisions: dict[tuple[int, int], str],
    limits: engine.Thresholds,
) -> tuple[list[list[int]], dict[int, list[dict[str, Any]]]]:
    """The people the scored pairs make, honouring decisions: the engine's clustering that
    refuses contradictions, then placement of anonymous mentions by context.

    `table` is the engine's matching table the pairs were scored from. Returns the groups
    (each sorted) and, for each mention placed by context, its explanation.
    """
    undecided = [p for p in pairs if (p.first, p.second) not in decisions]
    frame = pd.DataFrame(
        {
            "mention_id_l": [str(p.first) for p in undecided],
            "mention_id_r": [str(p.second) for p in undecided],
            "match_probability": [p.probability for p in undecided],
        }
    )
    known = set(table.column("mention_id").to_pylist())

    def decided(kind: str) -> list[tuple[str, str]]:
        return [
            (str(a), str(b))
            for (a, b), d in decisions.items()
            if d == kind and str(a) in known and str(b) in known
        ]

    # Placement by context runs in DuckDB: capped, so a national re-link spills rather than
    # taking the machine's memory.
    connection = engine.connect(memory_limit=settings.CAIRN_LINK_MEMORY)
    try:
        entity_of, placements = engine.resolve(
            frame,
            table,
            limits.link,
            must_link=decided(Decision.ACCEPT),
            cannot_link=decided(Decision.REJECT),
            connection=connection,
        )
    finally:
        connection.close()
    members: dict[str, list[int]] = defaultdict(list)
    for mention, entity in entity_of.items():
        members[entity].append(int(mention))
    placed = {
        int(mention): _placement_explanation(placement)
        for placement in placements
        for mention in placement.mentions
    }
    return sorted(sorted(group) for group in members.values()), placed


def link_run(
    *,
    actor: Actor,
    progress: Progress | None = None,
    backend: str = "duckdb",
    spark_master: str = "",
) -> RunSummary:
    """Re-link every person mention: train, score, apply thresholds and decisions, write."""
    require_linker(actor)
    say = progress or (lambda message: None)
    limits = thresholds()
    # Read as values in chunks (`stored_mentions`); only the names an entity is called by are
    # kept beside the engine's rows.
    mentions: dict[int, MentionName] = {}
    mention_rows = []
    for mention, row in stored_mentions(READ_CHUNK):
        mention_rows.append(row)
        mentions[mention.pk] = MentionName.of(mention)
    young = [
        young_person_engine_mention(y)
        for y in YoungPerson.objects.select_related("holding_team__organisation")
        .prefetch_related("aliases", "placements")
        .iterator(chunk_size=READ_CHUNK)
    ]
    say(f"Read {len(mentions)} person mentions and {len(young)} young people's records")
    rows = [*mention_rows, *young]
    del mention_rows
    # Derived once (names' diminutives and sounds, birth intervals) for training and placement.
    table = engine.matching_table(rows)
    scores = scoring.score_pairs(table, backend=backend, spark_master=spark_master)
    pairs = [p for p in scores.pairs if p.second >= 0]  # two young people: not ours to pair
    say(f"Scored {len(pairs)} pairs")
    decisions = review_decisions()
    summary = RunSummary(mentions=len(mentions), pairs_scored=len(pairs))
    summary.decisions_respected = len(decisions)
    by_pair = {(p.first, p.second): p for p in pairs}
    resolved, placed = resolve_groups(table, pairs, {**decisions, **_young_rejections()}, limits)
    del table
    say(f"Placed {len(placed)} mentions by the company they keep")
    # Young people's records join the entity of their group; alone, they make none.
    groups = [[m for m in g if m >= 0] for g in resolved if any(m >= 0 for m in g)]
    young_of = {
        -m: next(x for x in g if x >= 0) for g in resolved for m in g if m < 0 and max(g) >= 0
    }
    pairs = [p for p in pairs if p.first >= 0 and p.second >= 0]

    with transaction.atomic():
        current = dict(
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED).values_list(
                "mention_id", "entity_id"
            )
        )
        existing_entities = set(PersonEntity.objects.values_list("pk", flat=True))
        claimed: set[int] = set()
        entity_of: dict[int, int] = {}
        kept: list[PersonEntity] = []
        new: list[tuple[list[int], PersonEntity]] = []
        for group in groups:
            votes = Counter(current[m] for m in group if m in current)
            choice = next(
                (
                    e
                    for e, _ in sorted(votes.items(), key=lambda i: (-i[1], i[0]))
                    if e not in claimed
                ),
                None,
            )
            entity = PersonEntity(pk=choice, display_name=display_name(mentions[m] for m in group))
            if choice is None:
                new.append((group, entity))
                continue
            kept.append(entity)
            claimed.add(choice)
            for member in group:
                entity_of[member] = choice
        # In bulk: a national re-link makes hundreds of thousands of people.
        PersonEntity.objects.bulk_update(kept, ["display_name"], batch_size=WRITE_BATCH)
        PersonEntity.objects.bulk_create([e for _, e in new], batch_size=WRITE_BATCH)
        summary.entities_created = len(new)
        for group, entity in new:
            claimed.add(entity.pk)
            for member in group:
                entity_of[member] = entity.pk
        summary.entities = len(groups)
        summary.mentions_moved = sum(1 for m, e in entity_of.items() if current.get(m) != e)
        MentionLink.objects.all().delete()
        links = _LinkWriter()
        for group in groups:
            for member in group:
                best = max(
                    (
                        by_pair.get((min(member, o), max(member, o)))
                        for o in group
                        if o != member and (min(member, o), max(member, o)) in by_pair
                    ),
                    key=lambda p: p.probability if p else -1.0,
                    default=None,
                )
                accepted = any(
                    decisions.get((min(member, o), max(member, o))) == Decision.ACCEPT
                    for o in group
                    if o != member
                )
                founder = member == group[0] and not accepted
                by_context = (
                    member in placed
                    and not accepted
                    and (best is None or best.probability < limits.link)
                )
                if by_context:
                    explanation = placed[member]
                elif founder or best is None:
                    explanation = []
                else:
                    explanation = scores.explain(best)
                links.append(
                    MentionLink(
                        mention_id=member,
                        entity_id=entity_of[member],
                        status=LinkStatus.ACCEPTED if accepted else LinkStatus.AUTOMATIC,
                        match_probability=(
                            None if founder or best is None or by_context else best.probability
                        ),
                        explanation=explanation,
                    )
                )
        proposed: set[tuple[int, int]] = set()
        for pair in sorted(pairs, key=lambda p: -p.probability):
            key = (pair.first, pair.second)
            if (
                limits.review <= pair.probability < limits.link
                and key not in decisions
                and entity_of[pair.first] != entity_of[pair.second]
                and key not in proposed
            ):
                proposed.add(key)
                links.append(
                    MentionLink(
                        mention_id=pair.second,
                        paired_with_id=pair.first,
                        entity_id=entity_of[pair.first],
                        status=LinkStatus.PROPOSED,
                        match_probability=pair.probability,
                        explanation=scores.explain(pair),
                    )
                )
        links.flush()
        summary.proposed = len(proposed)
        _write_young_links(young_of, entity_of, by_pair, scores)
        identifiers = identifiers_resolve()
        removed = existing_entities - claimed
        PersonEntity.objects.filter(pk__in=removed).delete()
        summary.entities_removed = len(removed)
        if scores.model is not None:
            LinkageModel.objects.all().delete()
            LinkageModel.objects.create(
                settings=scores.model.settings,
                term_frequencies=scores.model.term_frequencies,
                mentions=scores.model.mentions,
            )
        summary.suspects_linked = link_suspects(
            [row for row in rows if int(row.mention_id) >= 0], entity_of
        )
        audit_mentions(
            actor,
            [m for m, e in entity_of.items() if current.get(m) != e],
            "Re-linked person mentions",
            changes=summary.as_dict(),
            identifiers=identifiers,
            model_kept=scores.model is not None,
            reason=f"Model thresholds: link at {limits.link}, review from {limits.review}",
        )
    say(
        f"{summary.entities} people from {summary.mentions} mentions: "
        f"{summary.entities_created} new, {summary.entities_removed} removed, "
        f"{summary.mentions_moved} mentions moved, {summary.proposed} pairs for review"
    )
    return summary
