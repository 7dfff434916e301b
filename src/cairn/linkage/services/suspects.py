"""Investigation suspects linked to the person entities the reports make."""

from __future__ import annotations

from collections.abc import Sequence

from cairn.investigations.models import Suspect
from cairn.linkage import engine
from cairn.linkage.models import LinkageModel, LinkStatus, MentionLink, PersonEntity
from cairn.linkage.services import scoring
from cairn.linkage.services.common import Pair, mentions_with_context, thresholds
from cairn.linkage.services.rows import SUSPECT_IDS, engine_mention, suspect_engine_mention
from cairn.linkage.services.scoring import candidate_ids


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
    for pair in scoring.score_new(candidates, rows) if rows and candidates else []:
        sure = pair.second in entity_of and pair.probability >= limit
        if sure and (pair.first not in best or pair.probability > best[pair.first].probability):
            best[pair.first] = pair
    return {-row - SUSPECT_IDS: entity_of[pair.second] for row, pair in best.items()}


def link_suspects(candidates: Sequence[engine.PersonMention], entity_of: dict[int, int]) -> int:
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
    mentions = list(mentions_with_context().filter(pk__in=candidate_ids([row], report_id=0)))
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
