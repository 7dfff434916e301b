"""A phone, vehicle or place with the sightings of it in reports one user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from cairn.access.actor import Actor
from cairn.access.queries import RecordNotFound, audit_consultation
from cairn.intelligence.models import (
    IntelligenceReport,
    LocationMention,
    PersonMention,
    PhoneMention,
    VehicleMention,
)
from cairn.intelligence.normalise import registration_pattern
from cairn.linkage.models import (
    LinkStatus,
    LocationEntity,
    MentionLink,
    PhoneEntity,
    VehicleEntity,
    location_key,
)
from cairn.linkage.queries.common import EntityRestricted, visible_report_ids

Identifier = PhoneEntity | VehicleEntity | LocationEntity
IDENTIFIER_MODELS: dict[str, type[Identifier]] = {
    "phone": PhoneEntity,
    "vehicle": VehicleEntity,
    "location": LocationEntity,
}


@dataclass(frozen=True)
class Sighting:
    """One mention of a phone, vehicle or place, in a report the user may see."""

    report: IntelligenceReport
    as_written: str
    person: PersonMention | None
    person_entity_id: int | None


@dataclass
class IdentifierView:
    kind: str
    entity: Identifier
    sightings: list[Sighting]
    restricted_count: int
    # For a vehicle: partial marks seen in visible reports that could be this one (never merged).
    partial_sightings: list[Sighting] = field(default_factory=list)


def vehicle_candidates(mark: str) -> QuerySet[VehicleEntity]:
    """The resolved vehicles a partial mark (with `?` for unread characters) could be."""
    return VehicleEntity.objects.filter(registration__regex=registration_pattern(mark.upper()))


def _identifier_mentions(kind: str, entity: Identifier) -> list[Any]:
    if isinstance(entity, PhoneEntity):
        return list(
            PhoneMention.objects.filter(e164=entity.e164).select_related("report", "person")
        )
    if isinstance(entity, VehicleEntity):
        return list(
            VehicleMention.objects.filter(
                registration=entity.registration, is_partial=False
            ).select_related("report", "person")
        )
    return [
        mention
        for mention in LocationMention.objects.filter(postcode=entity.postcode).select_related(
            "report"
        )
        if location_key(
            postcode=mention.postcode, venue_name=mention.venue_name, address=mention.address
        )
        == entity.key
    ]


def _as_written(mention: Any) -> str:
    if isinstance(mention, PhoneMention):
        return mention.number_as_written
    if isinstance(mention, VehicleMention):
        details = " ".join(p for p in (mention.colour, mention.make, mention.model) if p)
        return f"{mention.registration_as_written} {details}".strip()
    return str(mention)


def _sightings(mentions: list[Any], visible: set[int]) -> list[Sighting]:
    people = [m.person_id for m in mentions if getattr(m, "person_id", None)]
    entity_of = dict(
        MentionLink.objects.exclude(status=LinkStatus.PROPOSED)
        .filter(mention_id__in=people)
        .values_list("mention_id", "entity_id")
    )
    return sorted(
        (
            Sighting(
                report=m.report,
                as_written=_as_written(m),
                person=getattr(m, "person", None),
                person_entity_id=entity_of.get(getattr(m, "person_id", None) or 0),
            )
            for m in mentions
            if m.report_id in visible
        ),
        key=lambda s: (s.report.reported_at, s.report.pk),
    )


def identifier_open(actor: Actor, kind: str, pk: int) -> IdentifierView:
    """A phone, vehicle or place with the reports mentioning it that the user may see."""
    model = IDENTIFIER_MODELS[kind]
    entity = model._default_manager.filter(pk=pk).first()
    if entity is None:
        raise RecordNotFound(f"No {kind} {pk}")
    mentions = _identifier_mentions(kind, entity)
    partials: list[VehicleMention] = []
    if isinstance(entity, VehicleEntity):
        pattern_of = {
            m: re.compile(registration_pattern(m.registration))
            for m in VehicleMention.objects.filter(is_partial=True)
            .exclude(registration="")
            .select_related("report", "person")
            if len(m.registration) == len(entity.registration)
        }
        partials = [m for m, rx in pattern_of.items() if rx.match(entity.registration)]
    visible = visible_report_ids(actor.user, {m.report_id for m in [*mentions, *partials]})
    if not visible:
        raise EntityRestricted(f"{kind.capitalize()} {pk} is restricted")
    sightings = _sightings(mentions, visible)
    view = IdentifierView(
        kind=kind,
        entity=entity,
        sightings=sightings,
        restricted_count=len({m.report_id for m in mentions} - visible),
        partial_sightings=_sightings(partials, visible),
    )
    audit_consultation(
        actor,
        IntelligenceReport,
        sorted({s.report.pk for s in [*view.sightings, *view.partial_sightings]}),
        summary=f"Viewed {kind} {entity}",
        detail={kind: entity.pk},
    )
    return view
