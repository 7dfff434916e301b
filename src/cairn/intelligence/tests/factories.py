"""Factories for intelligence reports (synthetic only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import factory

from cairn.access.tests.factories import TeamFactory, share_with_team
from cairn.intelligence.models import IntelligenceReport, PersonMention, SourceType


class IntelligenceReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntelligenceReport
        skip_postgeneration_save = True

    reported_at = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)
    owning_team = factory.SubFactory(TeamFactory)
    source_type = SourceType.HOTEL_STAFF
    source_evaluation = "2"
    intelligence_assessment = "B"
    handling_code = "P"
    narrative = "Synthetic: girl seen with an older man at the Station Hotel."
    synthetic = True

    @factory.post_generation
    def owner_share(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            share_with_team(self, self.owning_team)


class PersonMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonMention

    report = factory.SubFactory(IntelligenceReportFactory)
    name_as_written = "Tiger"
    nickname = "Tiger"
