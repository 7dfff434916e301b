"""Factories for investigations (synthetic people only); other apps' tests import them."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from cairn.access.models import OrganisationType
from cairn.access.tests.factories import OrganisationFactory, TeamFactory, share_with_team
from cairn.investigations.models import (
    EvidenceItem,
    EvidenceSource,
    EvidenceStatus,
    EvidenceType,
    Incident,
    Investigation,
    KeyDate,
    KeyDateKind,
    Offence,
    OffenceCategory,
    Outcome,
    OutcomeType,
    Sex,
    Suspect,
    Victim,
    Witness,
    WitnessType,
)


class PoliceTeamFactory(TeamFactory):
    organisation = factory.SubFactory(
        OrganisationFactory, organisation_type=OrganisationType.POLICE_FORCE
    )
    name = factory.Sequence(lambda n: f"Child exploitation team {n}")


class InvestigationFactory(factory.django.DjangoModelFactory):
    """An investigation held (and owner-shared) by its team."""

    class Meta:
        model = Investigation
        skip_postgeneration_save = True

    operation_name = factory.Sequence(lambda n: f"Operation Synthetic{n}")
    offence_types = factory.LazyFunction(lambda: [OffenceCategory.CHILD_SEXUAL_EXPLOITATION.value])
    team = factory.SubFactory(PoliceTeamFactory)
    started_on = date(2025, 3, 1)
    synthetic = True

    @factory.post_generation
    def owner_share(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            share_with_team(self, self.team)


class KeyDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyDate

    investigation = factory.SubFactory(InvestigationFactory)
    kind = KeyDateKind.ARREST
    on = date(2025, 4, 2)


class VictimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Victim

    investigation = factory.SubFactory(InvestigationFactory)
    name_as_recorded = factory.Sequence(lambda n: f"Synthetic Victim{n}")
    age_at_offence = 14
    sex = Sex.FEMALE
    supports_prosecution = True


class SuspectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suspect

    investigation = factory.SubFactory(InvestigationFactory)
    name_as_recorded = factory.Sequence(lambda n: f"Synthetic Suspect{n}")
    estimated_age = 30
    sex = Sex.MALE


class WitnessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Witness

    investigation = factory.SubFactory(InvestigationFactory)
    witness_type = WitnessType.PROFESSIONAL
    name_as_recorded = factory.Sequence(lambda n: f"Synthetic Witness{n}")


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident
        skip_postgeneration_save = True

    investigation = factory.SubFactory(InvestigationFactory)
    title = factory.Sequence(lambda n: f"Incident {n}")
    occurred_from = date(2025, 2, 14)
    place = "Synthetic takeaway, High Street"

    @factory.post_generation
    def suspects(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.suspects.set(extracted)

    @factory.post_generation
    def victims(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.victims.set(extracted)


class OffenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offence

    incident = factory.SubFactory(IncidentFactory)
    category = OffenceCategory.CHILD_SEXUAL_EXPLOITATION


def evidence_type(code: str) -> EvidenceType:
    """The reference row (migration 0002) for an evidence type code."""
    return EvidenceType.objects.get(code=code)


def outcome_type(number: int) -> OutcomeType:
    return OutcomeType.objects.get(number=number)


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    """EvidenceItemFactory(investigation=i, type_code="anpr", suspects=[s], incidents=[n])."""

    class Meta:
        model = EvidenceItem
        skip_postgeneration_save = True
        exclude = ["type_code"]

    investigation = factory.SubFactory(InvestigationFactory)
    type_code = "abe_interview"
    evidence_type = factory.LazyAttribute(lambda item: evidence_type(item.type_code))
    source = EvidenceSource.CHILD
    dated = date(2025, 3, 10)
    shows = "Synthetic account of what the item shows."
    status = EvidenceStatus.OBTAINED

    @factory.post_generation
    def suspects(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.suspects.set(extracted)

    @factory.post_generation
    def incidents(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.incidents.set(extracted)


class OutcomeFactory(factory.django.DjangoModelFactory):
    """OutcomeFactory(suspect=s, number=16)."""

    class Meta:
        model = Outcome
        exclude = ["number"]

    suspect = factory.SubFactory(SuspectFactory)
    investigation = factory.SelfAttribute("suspect.investigation")
    number = 1
    outcome_type = factory.LazyAttribute(lambda outcome: outcome_type(outcome.number))
    decided_on = date(2025, 6, 1)
