"""The write path of entity resolution: re-link, link one report, review decisions, unmerge.

Every change is one transaction audited as a combination, naming the mentions and the reasons.
The engine (`cairn.linkage.engine`) scores pairs; this module decides what they mean for the
stored entities, always honouring analysts' decisions.
"""

from __future__ import annotations

import csv
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.queries import scope
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import LocationMention, PersonMention, PhoneMention, VehicleMention
from cairn.intelligence.normalise import parse_name
from cairn.investigations.models import Suspect
from cairn.linkage import engine
from cairn.linkage.engine import stored
from cairn.linkage.engine.clustering import contradiction_between
from cairn.linkage.engine.descriptors import descriptors_in, sex_in
from cairn.linkage.engine.schema import SEXES
from cairn.linkage.models import (
    Decision,
    LinkageModel,
    LinkChange,
    LinkStatus,
    LocationEntity,
    MentionLink,
    PersonEntity,
    PhoneEntity,
    ReviewDecision,
    VehicleEntity,
    YoungPersonLink,
    display_name,
    location_key,
)
from cairn.youngpeople.models import YoungPerson

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Pair:
    """Two mentions the engine scored, smaller id first, with its explanation."""

    first: int
    second: int
    probability: float
    explanation: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RunSummary:
    mentions: int = 0
    pairs_scored: int = 0
    entities: int = 0
    entities_created: int = 0
    entities_removed: int = 0
    mentions_moved: int = 0
    proposed: int = 0
    decisions_respected: int = 0
    suspects_linked: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def thresholds() -> engine.Thresholds:
    return engine.Thresholds(link=settings.CAIRN_LINK_UPPER, review=settings.CAIRN_LINK_LOWER)


def _require_linker(actor: Actor) -> None:
    if actor.is_system:
        return
    if actor.user is None or not actor.user.can(Perm.EDIT_PERSON_RECORDS):
        raise PermissionDenied("Your role cannot change how mentions are linked.")


def _mentions() -> Any:
    return PersonMention.objects.select_related("report").prefetch_related(
        "phones",
        "vehicles",
        "report__person_mentions",
        "report__location_mentions",
        "report__vehicle_mentions",
        "report__phone_mentions",
    )


def engine_mention(mention: PersonMention) -> engine.PersonMention:
    """A stored mention in the engine's schema: names, age, sex, phones, vehicles and context.

    Only these fields reach the model; intelligence mentions record no protected characteristic.
    """
    associates = [
        name
        for other in mention.report.person_mentions.all()
        if other.pk != mention.pk
        for name in (other.given_name, other.nickname)
        if name
    ]
    report = mention.report
    places = [
        location.venue_name or location.address
        for location in report.location_mentions.all()
        if location.venue_name or location.address
    ]
    context = [
        *(f"place:{place}" for place in places),
        *(
            f"vehicle:{vehicle.registration}"
            for vehicle in report.vehicle_mentions.all()
            if vehicle.registration and not vehicle.is_partial
        ),
        *(f"phone:{phone.e164}" for phone in report.phone_mentions.all() if phone.e164),
    ]
    return engine.PersonMention(
        mention_id=str(mention.pk),
        given_name=mention.given_name or None,
        family_name=mention.family_name or None,
        nicknames=[mention.nickname] if mention.nickname else [],
        date_of_birth=mention.date_of_birth,
        age_min=mention.age_min,
        age_max=mention.age_max,
        age_observed_on=mention.report.reported_at.date(),
        sex=mention.sex if mention.sex in SEXES else sex_in(mention.description),
        descriptors=descriptors_in(mention.description),
        phones=[phone.e164 for phone in mention.phones.all() if phone.e164],
        vehicles=[
            vehicle.registration
            for vehicle in mention.vehicles.all()
            if vehicle.registration and not vehicle.is_partial
        ],
        associates=associates,
        places=places,
        record=str(mention.report_id),
        context=context,
    )


def young_person_engine_mention(young_person: YoungPerson) -> engine.PersonMention:
    """A young person's own record in the engine's schema, under a negative id (-pk) so it
    never meets an intelligence mention's id. Names, aliases, date of birth or estimated age,
    sex (only when recorded as female or male) and phone: nothing else of the record."""
    aliases = [alias.name for alias in young_person.aliases.all()]
    return engine.PersonMention(
        mention_id=str(-young_person.pk),
        given_name=young_person.given_name or None,
        family_name=young_person.family_name or None,
        nicknames=[n for n in [*aliases, young_person.preferred_name] if n],
        date_of_birth=young_person.date_of_birth,
        age_min=young_person.estimated_age,
        age_max=young_person.estimated_age,
        age_observed_on=young_person.created_at.date(),
        sex=young_person.gender if young_person.gender in SEXES else None,
        phones=[young_person.phone] if young_person.phone else [],
    )


# Investigation suspects are scored under ids from -SUSPECT_IDS down, so they never meet a
# report's mention (positive) or a young person's record (-pk).
SUSPECT_IDS = 10**12


def suspect_engine_mention(suspect: Suspect) -> engine.PersonMention:
    """An investigation suspect as recorded, in the engine's schema: name (an "Unknown male
    known as 'Shorty'" gives only the street name), date of birth or estimated age when the
    investigation started, and sex when recorded as female or male; nothing else."""
    name = parse_name(suspect.name_as_recorded)
    unnamed = name.given_name.lower() in {"unknown", "unnamed"}
    return engine.PersonMention(
        mention_id=str(-(SUSPECT_IDS + suspect.pk)),
        given_name=None if unnamed else name.given_name or None,
        family_name=None if unnamed else name.family_name or None,
        nicknames=[name.nickname] if name.nickname else [],
        date_of_birth=suspect.date_of_birth,
        age_min=suspect.estimated_age,
        age_max=suspect.estimated_age,
        age_observed_on=suspect.investigation.started_on,
        sex=suspect.sex if suspect.sex in SEXES else None,
    )


def _best_entities(
    suspects: Sequence[Suspect],
    candidates: Sequence[engine.PersonMention],
    entity_of: dict[int, int],
) -> dict[int, int]:
    """Suspect pk → the entity of the mention it scores highest against, at or above the
    upper threshold; suspects scoring no mention that high are left out."""
    rows = [suspect_engine_mention(suspect) for suspect in suspects]
    limit = thresholds().link
    best: dict[int, Pair] = {}
    for pair in score_new(candidates, rows) if rows and candidates else []:
        sure = pair.second in entity_of and pair.probability >= limit
        if sure and (pair.first not in best or pair.probability > best[pair.first].probability):
            best[pair.first] = pair
    return {-row - SUSPECT_IDS: entity_of[pair.second] for row, pair in best.items()}


def _link_suspects(candidates: Sequence[engine.PersonMention], entity_of: dict[int, int]) -> int:
    """Give each suspect without a person the best entity above the upper threshold.

    A suspect's person, once set (by a run, or by a user choosing it), is not replaced: a
    run respects that choice. One whose entity a run removed has lost it (SET_NULL) and is
    linked afresh.
    """
    suspects = list(Suspect.objects.filter(person__isnull=True).select_related("investigation"))
    found = _best_entities(suspects, candidates, entity_of)
    for suspect in suspects:
        if suspect.pk in found:
            suspect.person_id = found[suspect.pk]
            suspect.save(update_fields=["person"])
    return len(found)


def suspect_resolve(suspect: Suspect) -> PersonEntity | None:
    """Link a suspect just added to the best person above the upper threshold, else leave it
    for the user to pick. Part of the caller's transaction and audit entry (the service that
    added the suspect); uses the model the last re-link kept, and waits for the next run when
    there is none."""
    if suspect.person_id is not None or not LinkageModel.objects.exists():
        return suspect.person
    row = suspect_engine_mention(suspect)
    # No report is numbered 0: every stored mention may be a candidate.
    mentions = list(_mentions().filter(pk__in=candidate_ids([row], report_id=0)))
    entity_of = dict(
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .filter(mention_id__in=[m.pk for m in mentions])
        .values_list("mention_id", "entity_id")
    )
    found = _best_entities([suspect], [engine_mention(m) for m in mentions], entity_of)
    if suspect.pk not in found:
        return None
    suspect.person_id = found[suspect.pk]
    suspect.save(update_fields=["person"])
    return suspect.person


def _young_rejections() -> dict[tuple[int, int], str]:
    """Rejected young person links as rejected pairs (-young person, mention)."""
    pairs: dict[tuple[int, int], str] = {}
    for link in YoungPersonLink.objects.filter(rejected=True):
        for mention in link.rejected_mentions:
            pairs[(-link.young_person_id, int(mention))] = Decision.REJECT
    return pairs


def _pairs(model: engine.Model, frame: Any) -> list[Pair]:
    pairs = []
    for _, row in frame.iterrows():
        a, b = int(row["mention_id_l"]), int(row["mention_id_r"])
        pairs.append(
            Pair(
                first=min(a, b),
                second=max(a, b),
                probability=float(row["match_probability"]),
                explanation=[asdict(c) for c in engine.explain(model, row)],
            )
        )
    return pairs


@dataclass
class Scores:
    """The pairs a newly trained model scored, and that model to keep for single reports."""

    pairs: list[Pair]
    model: stored.StoredModel | None = None


def score_pairs(
    mentions: Sequence[engine.PersonMention], *, backend: str = "duckdb", spark_master: str = ""
) -> Scores:
    """Train without labels on all the mentions and score every blocked pair above `lower`.

    `backend` "spark" runs the same model on Apache Spark (`spark_master` or CAIRN_SPARK_MASTER).
    """
    if len(mentions) < 2:
        return Scores([])
    if backend == "spark":
        from cairn.linkage.engine import spark

        trained = spark.train(mentions, thresholds=thresholds(), max_pairs=2e5, master=spark_master)
        return Scores(_pairs(trained, spark.predict(trained)), spark.export(trained))
    model = engine.train(mentions, thresholds=thresholds(), max_pairs=2e5)
    return Scores(_pairs(model, engine.predict(model)), stored.export(model))


def kept_model() -> stored.StoredModel | None:
    """The model the last full re-link trained, if there has been one."""
    record = LinkageModel.objects.first()
    if record is None:
        return None
    return stored.StoredModel(
        settings=record.settings,
        term_frequencies=record.term_frequencies,
        mentions=record.mentions,
    )


# This process's scorer for the kept model: loading one takes longer than using it.
_scorers: dict[tuple[Any, ...], stored.Scorer] = {}
_scorers_lock = threading.Lock()


def _kept_scorer() -> stored.Scorer | None:
    newest = LinkageModel.objects.values_list("pk", "trained_at").first()
    if newest is None:
        return None
    limits = thresholds()
    key = (*newest, limits)
    with _scorers_lock:
        scorer = _scorers.get(key)
        if scorer is None:
            kept = kept_model()
            if kept is None:
                return None
            for old in _scorers.values():
                old.close()
            _scorers.clear()
            scorer = _scorers[key] = stored.Scorer(kept, thresholds=limits)
    return scorer


def score_new(
    existing: Sequence[engine.PersonMention], new: Sequence[engine.PersonMention]
) -> list[Pair]:
    """Score the new mentions against the existing ones only.

    With the model the last re-link kept, in a fraction of a second; without one (no re-link
    yet), a model is trained on `existing` first, which takes seconds.
    """
    if not existing or not new:
        return []
    scorer = _kept_scorer()
    if scorer is not None:
        model, frame = scorer.score(existing, new)
        return _pairs(model, frame)
    model = engine.train(existing, thresholds=thresholds(), max_pairs=2e5)
    return _pairs(model, engine.link_new(model, new))


def candidate_ids(new: Sequence[engine.PersonMention], *, report_id: int) -> set[int]:
    """Stored mentions (outside the report) that the model's blocking could pair with `new`.

    Looked up by the values the blocking rules join on (`stored.candidate_values`), so the
    cost follows the number of namesakes, phones and vehicles in common, not of mentions.
    """
    values = stored.candidate_values(new)
    others = PersonMention.objects.exclude(report_id=report_id).annotate(
        given=Lower("given_name"), family=Lower("family_name"), street_name=Lower("nickname")
    )
    conditions = [
        Q(**{lookup: sorted(found, key=str)})
        for lookup, found in (
            ("given__in", values.given_names),
            ("family__in", values.family_names),
            ("street_name__in", values.nicknames),
            ("date_of_birth__in", values.dates_of_birth),
            ("phones__e164__in", values.phones),
            ("vehicles__registration__in", values.vehicles),
        )
        if found
    ]
    if values.associates:
        alongside = PersonMention.objects.annotate(
            given=Lower("given_name"), street_name=Lower("nickname")
        ).filter(Q(given__in=values.associates) | Q(street_name__in=values.associates))
        conditions.append(Q(report_id__in=alongside.values("report_id")))
    if not conditions:
        return set()
    return set(others.filter(reduce(or_, conditions)).values_list("pk", flat=True))


def _decisions(mention_ids: Iterable[int] | None = None) -> dict[tuple[int, int], str]:
    decisions = ReviewDecision.objects.all()
    if mention_ids is not None:
        ids = list(mention_ids)
        decisions = decisions.filter(Q(first_id__in=ids) | Q(second_id__in=ids))
    return {(d.first_id, d.second_id): d.decision for d in decisions}


def _write_young_links(
    young_of: dict[int, int], entity_of: dict[int, int], by_pair: dict[tuple[int, int], Pair]
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
                explanation=best.explanation if best else [],
            )
        )
    YoungPersonLink.objects.bulk_create(links)


def _placement_explanation(placement: engine.Placement) -> list[dict[str, Any]]:
    """A context placement in the shape of a pair's explanation, for the entity page."""
    kinds = Counter(thing.split(":", 1)[0] for thing in placement.shared)
    words = {"person": ("person", "people"), "place": ("place", "places")}
    words |= {"vehicle": ("vehicle", "vehicles"), "phone": ("phone", "phones")}
    shared = ", ".join(
        f"{count} {words.get(kind, (kind, kind + 's'))[count != 1]}"
        for kind, count in sorted(kinds.items())
    )
    return [
        {
            "comparison": "context",
            "level": (
                f"No identifier; described the same way and seen with the same {shared} as in "
                f"this person's other reports (evidence {placement.score:.1f} against "
                f"{placement.runner_up:.1f} for the next candidate)"
            ),
            "match_weight": placement.score,
        }
    ]


def resolve_groups(
    rows: Sequence[engine.PersonMention],
    pairs: Sequence[Pair],
    decisions: dict[tuple[int, int], str],
    limits: engine.Thresholds,
) -> tuple[list[list[int]], dict[int, list[dict[str, Any]]]]:
    """The people the scored pairs make, honouring decisions: the engine's clustering that
    refuses contradictions, then placement of anonymous mentions by context.

    `rows` are the engine rows the pairs were scored from. Returns the groups (each sorted)
    and, for each mention placed by context, its explanation.
    """
    table = engine.matching_table(rows)
    undecided = [p for p in pairs if (p.first, p.second) not in decisions]
    frame = pd.DataFrame(
        {
            "mention_id_l": [str(p.first) for p in undecided],
            "mention_id_r": [str(p.second) for p in undecided],
            "match_probability": [p.probability for p in undecided],
        }
    )
    known = {row.mention_id for row in rows}

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


def _audit(actor: Actor, mention_ids: Iterable[int], summary: str, **detail: Any) -> None:
    audit_record(
        actor=actor,
        action=Action.COMBINATION,
        record_type=record_label(PersonMention),
        record_ids=sorted(set(mention_ids)),
        summary=summary,
        detail=detail or None,
    )


def link_run(
    *,
    actor: Actor,
    progress: Progress | None = None,
    backend: str = "duckdb",
    spark_master: str = "",
) -> RunSummary:
    """Re-link every person mention: train, score, apply thresholds and decisions, write."""
    _require_linker(actor)
    say = progress or (lambda message: None)
    limits = thresholds()
    mentions = {m.pk: m for m in _mentions()}
    young = [
        young_person_engine_mention(y) for y in YoungPerson.objects.prefetch_related("aliases")
    ]
    say(f"Read {len(mentions)} person mentions and {len(young)} young people's records")
    rows = [*(engine_mention(m) for m in mentions.values()), *young]
    scores = score_pairs(rows, backend=backend, spark_master=spark_master)
    pairs = [p for p in scores.pairs if p.second >= 0]  # two young people: not ours to pair
    say(f"Scored {len(pairs)} pairs")
    decisions = _decisions()
    summary = RunSummary(mentions=len(mentions), pairs_scored=len(pairs))
    summary.decisions_respected = len(decisions)
    by_pair = {(p.first, p.second): p for p in pairs}
    resolved, placed = resolve_groups(rows, pairs, {**decisions, **_young_rejections()}, limits)
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
            entity = (
                PersonEntity.objects.get(pk=choice)
                if choice is not None
                else PersonEntity.objects.create()
            )
            if choice is None:
                summary.entities_created += 1
            entity.display_name = display_name(mentions[m] for m in group)
            entity.save(update_fields=["display_name"])
            claimed.add(entity.pk)
            for member in group:
                entity_of[member] = entity.pk
        summary.entities = len(groups)
        summary.mentions_moved = sum(1 for m, e in entity_of.items() if current.get(m) != e)
        MentionLink.objects.all().delete()
        links = []
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
                    explanation = best.explanation
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
                        explanation=pair.explanation,
                    )
                )
        MentionLink.objects.bulk_create(links)
        summary.proposed = len(proposed)
        _write_young_links(young_of, entity_of, by_pair)
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
        summary.suspects_linked = _link_suspects(
            [row for row in rows if int(row.mention_id) >= 0], entity_of
        )
        _audit(
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


def _contradicts(rows: Sequence[engine.PersonMention], mention_id: int, entity_id: int) -> bool:
    """Whether the mention contradicts what the entity's mentions say (then it goes to review
    instead of being linked, however sure the model is of one pair)."""
    members = MentionLink.objects.filter(entity_id=entity_id).exclude(status=LinkStatus.PROPOSED)
    member_rows = [engine_mention(m) for m in _mentions().filter(pk__in=members.values("mention"))]
    new_row = next(r for r in rows if r.mention_id == str(mention_id))
    if not member_rows:
        return False
    table = engine.matching_table([new_row, *member_rows])
    return (
        contradiction_between(table, [new_row.mention_id], [r.mention_id for r in member_rows])
        is not None
    )


def link_report(*, actor: Actor, report_id: int) -> RunSummary:
    """Link one new or edited report's person mentions against the existing entities."""
    _require_linker(actor)
    limits = thresholds()
    new = {m.pk: m for m in _mentions().filter(report_id=report_id)}
    new_rows = [engine_mention(m) for m in new.values()]
    others = _mentions().exclude(report_id=report_id)
    if LinkageModel.objects.exists():
        others = others.filter(pk__in=candidate_ids(new_rows, report_id=report_id))
    pairs = score_new([engine_mention(m) for m in others], new_rows) if new_rows else []
    decisions = _decisions(new)
    summary = RunSummary(mentions=len(new), pairs_scored=len(pairs))
    with transaction.atomic():
        previous = set(
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .filter(mention_id__in=new)
            .values_list("entity_id", flat=True)
        )
        MentionLink.objects.filter(Q(mention_id__in=new) | Q(paired_with_id__in=new)).delete()
        # The entities of every mention scored or decided against: a rejected mention may
        # share no blocking value with the new one, yet its entity stays out of bounds.
        entity_of = dict(
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .filter(
                mention_id__in={*(p.first for p in pairs), *(p.second for p in pairs)}
                | {m for pair in decisions for m in pair}
            )
            .exclude(mention_id__in=new)
            .values_list("mention_id", "entity_id")
        )
        rejected_entities: dict[int, set[int]] = defaultdict(set)
        for (a, b), decision in decisions.items():
            if decision == Decision.REJECT:
                mine, theirs = (a, b) if a in new else (b, a)
                if theirs in entity_of:
                    rejected_entities[mine].add(entity_of[theirs])
        for mention_id, mention in new.items():
            candidates = sorted(
                (p for p in pairs if mention_id in (p.first, p.second)),
                key=lambda p: -p.probability,
            )
            forced = [
                (b if a == mention_id else a)
                for (a, b), d in decisions.items()
                if d == Decision.ACCEPT and mention_id in (a, b)
            ]
            target: tuple[int, LinkStatus, Pair | None] | None = None
            for other in forced:
                if other in entity_of:
                    target = (entity_of[other], LinkStatus.ACCEPTED, None)
                    break
            for pair in candidates:
                other = pair.first if pair.second == mention_id else pair.second
                entity_id = entity_of.get(other)
                if entity_id is None or entity_id in rejected_entities[mention_id]:
                    continue
                if (min(mention_id, other), max(mention_id, other)) in decisions:
                    continue
                sure = pair.probability >= limits.link
                if target is None and sure and not _contradicts(new_rows, mention_id, entity_id):
                    target = (entity_id, LinkStatus.AUTOMATIC, pair)
                elif limits.review <= pair.probability and (
                    target is None or target[0] != entity_id
                ):
                    MentionLink.objects.create(
                        mention_id=mention_id,
                        paired_with_id=other,
                        entity_id=entity_id,
                        status=LinkStatus.PROPOSED,
                        match_probability=pair.probability,
                        explanation=pair.explanation,
                    )
                    summary.proposed += 1
            if target is None:
                entity = PersonEntity.objects.create(display_name=display_name([mention]))
                summary.entities_created += 1
                target = (entity.pk, LinkStatus.AUTOMATIC, None)
            else:
                summary.mentions_moved += 1
            entity_id, status, evidence = target
            MentionLink.objects.create(
                mention_id=mention_id,
                entity_id=entity_id,
                status=status,
                match_probability=evidence.probability if evidence else None,
                explanation=evidence.explanation if evidence else [],
            )
            entity_of[mention_id] = entity_id
        _refresh_names({entity_of[m] for m in new})
        _remove_empty_entities(among=previous)
        identifiers_resolve(report_id=report_id)
        _audit(
            actor,
            new,
            "Linked a report's person mentions",
            report=report_id,
            changes=summary.as_dict(),
            reason=f"Model thresholds: link at {limits.link}, review from {limits.review}",
        )
    return summary


def _refresh_names(entity_ids: Iterable[int]) -> None:
    for entity in PersonEntity.objects.filter(pk__in=list(entity_ids)):
        members = PersonMention.objects.filter(
            pk__in=entity.links.exclude(status=LinkStatus.PROPOSED).values("mention_id")
        )
        entity.display_name = display_name(members)
        entity.save(update_fields=["display_name"])


def _remove_empty_entities(*, among: Iterable[int] | None = None) -> None:
    """Delete entities left without a linked mention (of `among`, when only those can be)."""
    entities = (
        PersonEntity.objects.all()
        if among is None
        else PersonEntity.objects.filter(pk__in=list(among))
    )
    entities.exclude(
        pk__in=MentionLink.objects.exclude(status=LinkStatus.PROPOSED).values("entity_id")
    ).delete()


# --- Snapshots: what a change touched, so undoing it restores that state exactly ---

LINK_FIELDS = (
    "id",
    "mention_id",
    "entity_id",
    "status",
    "paired_with_id",
    "match_probability",
    "explanation",
    "change_id",
    "created_at",
)


def _snapshot(entity_ids: set[int], mention_ids: set[int], pair: tuple[int, int]) -> dict[str, Any]:
    links = MentionLink.objects.filter(
        Q(entity_id__in=entity_ids)
        | Q(mention_id__in=mention_ids)
        | Q(paired_with_id__in=mention_ids)
    ).order_by("id")
    decision = ReviewDecision.objects.filter(first_id=pair[0], second_id=pair[1]).first()
    return {
        "entities": [
            {"id": e.pk, "display_name": e.display_name, "created_at": e.created_at.isoformat()}
            for e in PersonEntity.objects.filter(pk__in=entity_ids).order_by("id")
        ],
        "links": [
            {
                name: (value.isoformat() if name == "created_at" else value)
                for name in LINK_FIELDS
                for value in [getattr(link, name)]
            }
            for link in links
        ],
        "pair": list(pair),
        "decision": (
            {
                "id": decision.pk,
                "decision": decision.decision,
                "decided_by_id": decision.decided_by_id,
                "decided_at": decision.decided_at.isoformat(),
                "reason": decision.reason,
            }
            if decision
            else None
        ),
    }


def _members(entity_id: int) -> set[int]:
    return set(
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .filter(entity_id=entity_id)
        .values_list("mention_id", flat=True)
    )


def _pair(a: int, b: int) -> tuple[int, int]:
    return (min(a, b), max(a, b))


def _decide(actor: Actor, pair: tuple[int, int], decision: Decision, reason: str) -> ReviewDecision:
    record, _ = ReviewDecision.objects.update_or_create(
        first_id=pair[0],
        second_id=pair[1],
        defaults={
            "decision": decision,
            "decided_by": actor.user,
            "decided_at": timezone.now(),
            "reason": reason,
        },
    )
    return record


def _proposal(link: MentionLink) -> MentionLink:
    if link.status != LinkStatus.PROPOSED or link.paired_with_id is None:
        raise ValidationError("This pair is no longer waiting for review.")
    return link


def review_accept(*, actor: Actor, link: MentionLink, reason: str = "") -> PersonEntity:
    """The analyst says both mentions are one person: merge their entities."""
    _require_linker(actor)
    _proposal(link)
    assert link.paired_with_id is not None
    pair = _pair(link.mention_id, link.paired_with_id)
    with transaction.atomic():
        keep = (
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .get(mention_id=link.paired_with_id)
            .entity_id
        )
        gone = (
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
            .get(mention_id=link.mention_id)
            .entity_id
        )
        members = _members(keep) | _members(gone)
        before = _snapshot({keep, gone}, members, pair)
        change = LinkChange.objects.create(
            kind="accept", made_by=actor.user, before=before, reason=reason
        )
        change.mentions.set(members)
        _decide(actor, pair, Decision.ACCEPT, reason)
        if keep != gone:
            MentionLink.objects.exclude(status=LinkStatus.PROPOSED).filter(entity_id=gone).update(
                entity_id=keep
            )
            # Proposals between the two are settled; others pointing at the old entity move.
            MentionLink.objects.filter(
                status=LinkStatus.PROPOSED, mention_id__in=members, paired_with_id__in=members
            ).delete()
            MentionLink.objects.filter(status=LinkStatus.PROPOSED, entity_id=gone).update(
                entity_id=keep
            )
            PersonEntity.objects.filter(pk=gone).delete()
        else:
            MentionLink.objects.filter(pk=link.pk).delete()
        MentionLink.objects.filter(mention_id=link.mention_id).exclude(
            status=LinkStatus.PROPOSED
        ).update(
            status=LinkStatus.ACCEPTED,
            match_probability=link.match_probability,
            explanation=link.explanation,
            change=change,
        )
        _refresh_names([keep])
        # Undo restores `before` only while the entity still holds exactly these mentions.
        change.before["after_members"] = sorted(_members(keep))
        change.save(update_fields=["before"])
        _audit(
            actor,
            pair,
            "Accepted a proposed link: the same person",
            entity=keep,
            merged_entity=gone if gone != keep else None,
            match_probability=link.match_probability,
            reason=reason,
        )
    return PersonEntity.objects.get(pk=keep)


def review_reject(*, actor: Actor, link: MentionLink, reason: str = "") -> ReviewDecision:
    """The analyst says they are different people: never link this pair."""
    _require_linker(actor)
    _proposal(link)
    assert link.paired_with_id is not None
    pair = _pair(link.mention_id, link.paired_with_id)
    with transaction.atomic():
        decision = _decide(actor, pair, Decision.REJECT, reason)
        MentionLink.objects.filter(
            Q(mention_id=pair[0], paired_with_id=pair[1])
            | Q(mention_id=pair[1], paired_with_id=pair[0])
        ).delete()
        _audit(
            actor,
            pair,
            "Rejected a proposed link: different people",
            match_probability=link.match_probability,
            reason=reason,
        )
    return decision


def young_person_link_reject(
    *, actor: Actor, link: YoungPersonLink, reason: str
) -> YoungPersonLink:
    """A young person's record is not this person: undo the link, and never make it again
    with any of the entity's present mentions. Needs a reason and sight of the record."""
    _require_linker(actor)
    if link.rejected or link.entity_id is None:
        raise ValidationError({"reason": "This link has already been undone."})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why this record is not this person"})
    if not scope(actor.user, YoungPerson.objects.filter(pk=link.young_person_id)).exists():
        raise PermissionDenied("You may not see this young person's record")
    members = sorted(
        MentionLink.objects.filter(entity_id=link.entity_id)
        .exclude(status=LinkStatus.PROPOSED)
        .values_list("mention_id", flat=True)
    )
    with transaction.atomic():
        link.rejected = True
        link.rejected_mentions = members
        link.decided_by = actor.user
        link.decided_at = timezone.now()
        link.reason = reason.strip()
        link.save()
        audit_record(
            actor=actor,
            action=Action.COMBINATION,
            record_type=record_label(YoungPerson),
            record_ids=[link.young_person_id],
            summary="Undid a young person's record's link to a person entity",
            detail={"entity": link.entity_id, "mentions": members, "reason": link.reason},
        )
    return link


def _restore(
    before: dict[str, Any], touched_entities: set[int], touched_mentions: set[int]
) -> None:
    MentionLink.objects.filter(
        Q(entity_id__in=touched_entities)
        | Q(mention_id__in=touched_mentions)
        | Q(paired_with_id__in=touched_mentions)
    ).delete()
    for entity in before["entities"]:
        PersonEntity.objects.update_or_create(
            pk=entity["id"],
            defaults={"display_name": entity["display_name"], "created_at": entity["created_at"]},
        )
    MentionLink.objects.bulk_create(
        MentionLink(**{name: row[name] for name in LINK_FIELDS}) for row in before["links"]
    )
    first, second = before["pair"]
    ReviewDecision.objects.filter(first_id=first, second_id=second).delete()
    if before["decision"]:
        ReviewDecision.objects.create(first_id=first, second_id=second, **before["decision"])
    _remove_empty_entities()


def unmerge(*, actor: Actor, link: MentionLink, reason: str = "") -> PersonEntity:
    """Undo a link: an analyst's merge is undone exactly; an automatic link is split off.

    Splitting off records that the mention is not the same person as the entity's others, so
    later runs do not link it back.
    """
    _require_linker(actor)
    if link.status == LinkStatus.PROPOSED:
        raise ValidationError("A proposed pair is not linked: accept or reject it instead.")
    with transaction.atomic():
        change = link.change
        if (
            change is not None
            and change.undone_at is None
            and change.before.get("after_members") == sorted(_members(link.entity_id))
        ):
            entities = {e["id"] for e in change.before["entities"]} | {link.entity_id}
            mentions = {row["mention_id"] for row in change.before["links"]} | _members(
                link.entity_id
            )
            _restore(change.before, entities, mentions)
            change.undone_at = timezone.now()
            change.undone_by = actor.user
            change.undo_reason = reason
            change.save(update_fields=["undone_at", "undone_by", "undo_reason"])
            _audit(
                actor,
                mentions,
                "Undid a merge of person mentions",
                change=change.pk,
                restored_entities=sorted(entities),
                reason=reason,
            )
            restored = MentionLink.objects.exclude(status=LinkStatus.PROPOSED).get(
                mention_id=link.mention_id
            )
            return PersonEntity.objects.get(pk=restored.entity_id)
        others = _members(link.entity_id) - {link.mention_id}
        if not others:
            raise ValidationError("This mention is the only one in its entity.")
        entity = PersonEntity.objects.create(
            display_name=display_name([PersonMention.objects.get(pk=link.mention_id)])
        )
        MentionLink.objects.filter(pk=link.pk).update(
            entity=entity, status=LinkStatus.ACCEPTED, match_probability=None, explanation=[]
        )
        for other in others:
            _decide(actor, _pair(link.mention_id, other), Decision.REJECT, reason or "Unmerged")
        MentionLink.objects.filter(
            status=LinkStatus.PROPOSED, mention_id=link.mention_id, entity_id=link.entity_id
        ).delete()
        _refresh_names([link.entity_id])
        _audit(
            actor,
            {link.mention_id, *others},
            "Split a person mention from an entity",
            entity=link.entity_id,
            new_entity=entity.pk,
            reason=reason,
        )
    return entity


def links_export(*, actor: Actor, out: Path) -> tuple[int, int]:
    """Write `mentions.csv` and `entities.csv` to `out`; a disclosure, so audited."""
    if not actor.is_system:
        raise PermissionDenied("Only an operator can export the links.")
    out.mkdir(parents=True, exist_ok=True)
    links = (
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .select_related("mention__report")
        .order_by("entity_id", "mention_id")
    )
    seen: dict[int, list[datetime]] = defaultdict(list)
    mention_ids: list[int] = []
    with (out / "mentions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["mention_external_id", "mention_id", "entity_id", "match_probability", "status"]
        )
        for link in links.iterator(chunk_size=2000):
            mention_ids.append(link.mention_id)
            seen[link.entity_id].append(link.mention.report.reported_at)
            writer.writerow(
                [
                    link.mention.external_id,
                    link.mention_id,
                    link.entity_id,
                    "" if link.match_probability is None else f"{link.match_probability:.6f}",
                    link.status,
                ]
            )
    entities = PersonEntity.objects.order_by("id")
    with (out / "entities.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["entity_id", "reference", "display_name", "mentions", "first_seen", "last_seen"]
        )
        for entity in entities.iterator(chunk_size=2000):
            dates = seen.get(entity.pk, [])
            writer.writerow(
                [
                    entity.pk,
                    entity.reference,
                    entity.display_name,
                    len(dates),
                    min(dates).date().isoformat() if dates else "",
                    max(dates).date().isoformat() if dates else "",
                ]
            )
    audit_record(
        actor=actor,
        action=Action.DISCLOSURE,
        record_type=record_label(PersonMention),
        record_ids=[],
        summary="Exported person entities and their links",
        detail={"out": str(out), "mentions": len(mention_ids), "entities": len(seen)},
    )
    return len(mention_ids), len(seen)


def identifiers_resolve(*, report_id: int | None = None) -> dict[str, int]:
    """Phones, vehicles and places by their normalised identifiers (all, or one report's).

    Partial registrations are not resolved: they only propose candidates (`vehicle_candidates`).
    """
    phones = PhoneMention.objects.exclude(e164="")
    vehicles = VehicleMention.objects.filter(is_partial=False).exclude(registration="")
    locations = LocationMention.objects.all()
    if report_id is not None:
        phones, vehicles = phones.filter(report_id=report_id), vehicles.filter(report_id=report_id)
        locations = locations.filter(report_id=report_id)
    numbers = set(phones.values_list("e164", flat=True))
    marks = {m for m in vehicles.values_list("registration", flat=True) if "?" not in m}
    places: dict[str, tuple[str, str]] = {}
    for postcode, venue, address in locations.values_list("postcode", "venue_name", "address"):
        key = location_key(postcode=postcode, venue_name=venue, address=address)
        if key:
            places.setdefault(key, (postcode, venue or address))
    PhoneEntity.objects.bulk_create(
        [PhoneEntity(e164=n) for n in sorted(numbers)], ignore_conflicts=True
    )
    VehicleEntity.objects.bulk_create(
        [VehicleEntity(registration=r) for r in sorted(marks)], ignore_conflicts=True
    )
    LocationEntity.objects.bulk_create(
        [
            LocationEntity(key=k, postcode=p, label=label)
            for k, (p, label) in sorted(places.items())
        ],
        ignore_conflicts=True,
    )
    return {"phones": len(numbers), "vehicles": len(marks), "locations": len(places)}


def link_report_later(*, report_id: int) -> None:
    """Queue `link_report` for when the caller's transaction commits.

    With a kept model it takes a fraction of a second; queued, a save never waits for it.
    """
    from cairn.linkage.tasks import link_report_task

    transaction.on_commit(lambda: link_report_task.enqueue(report_id))
