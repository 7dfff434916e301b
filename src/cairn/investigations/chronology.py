"""Investigation events on each linked young person's chronology (issue 7, section 5).

The young person's key worker may not be able to see the investigation itself, so entries say
what happened and give the investigation's reference, never a suspect's name."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone

from cairn.investigations.models import Investigation, KeyDate, Outcome, Victim, Witness
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.queries.chronology import ChronologyEvent, chronology_provider

KIND = "investigation"


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _event(
    at: datetime, investigation: Investigation, title: str, detail: str = ""
) -> ChronologyEvent:
    return ChronologyEvent(
        at=at,
        kind=KIND,
        title=title,
        detail=f"Investigation {investigation.reference}" + (f"; {detail}" if detail else ""),
        url=reverse("investigations:detail", args=[investigation.pk]),
    )


def _victim_events(victim: Victim) -> Iterable[ChronologyEvent]:
    investigation = victim.investigation
    yield _event(victim.added_at, investigation, "Named as a victim in an investigation")
    if victim.abe_interview_on:
        yield _event(
            _at(victim.abe_interview_on), investigation, "Achieving Best Evidence interview"
        )
    if victim.withdrew_on:
        yield _event(_at(victim.withdrew_on), investigation, "Withdrew support for the prosecution")


def _investigation_events(investigation: Investigation) -> Iterable[ChronologyEvent]:
    key_date: KeyDate
    for key_date in investigation.key_dates.all():
        yield _event(_at(key_date.on), investigation, key_date.get_kind_display())
    outcome: Outcome
    for outcome in investigation.outcomes.select_related("outcome_type"):
        if outcome.charging_decision_on:
            yield _event(
                _at(outcome.charging_decision_on),
                investigation,
                f"Charging decision: {outcome.get_charging_decision_display().lower()}",
                "for one suspect",
            )
        if outcome.court_result_on:
            yield _event(
                _at(outcome.court_result_on),
                investigation,
                f"Court result: {outcome.get_court_result_display().lower()}",
                "for one suspect",
            )
        if outcome.decided_on and outcome.outcome_type.number:
            yield _event(
                _at(outcome.decided_on),
                investigation,
                f"Outcome {outcome.outcome_type.number}: {outcome.outcome_type.name}",
                "for one suspect",
            )


@chronology_provider(KIND, "Investigations")
def _investigations(young_person: YoungPerson) -> Iterable[ChronologyEvent]:
    victims = Victim.objects.filter(young_person=young_person).select_related("investigation")
    witnesses = Witness.objects.filter(young_person=young_person).select_related("investigation")
    seen: dict[int, Investigation] = {}
    for victim in victims:
        yield from _victim_events(victim)
        seen[victim.investigation_id] = victim.investigation
    for witness in witnesses:
        investigation = witness.investigation
        if witness.statement_on:
            yield _event(_at(witness.statement_on), investigation, "Gave a witness statement")
        seen[witness.investigation_id] = investigation
    for investigation in seen.values():
        yield from _investigation_events(investigation)
