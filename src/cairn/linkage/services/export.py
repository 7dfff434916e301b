"""The links written out for scoring against a synthetic world's truth: an audited disclosure."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.intelligence.models import PersonMention
from cairn.linkage.models import LinkStatus, MentionLink, PersonEntity


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
