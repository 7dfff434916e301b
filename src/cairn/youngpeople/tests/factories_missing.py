"""Factories for missing episodes (synthetic people only)."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from cairn.youngpeople.models import EpisodeKind, MissingEpisode
from cairn.youngpeople.tests.factories import YoungPersonFactory


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    """A missing episode that began two days ago and ended a day later."""

    class Meta:
        model = MissingEpisode

    young_person = factory.SubFactory(YoungPersonFactory)
    kind = EpisodeKind.MISSING
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    ended_at = factory.LazyAttribute(lambda episode: episode.started_at + timedelta(days=1))
    reported_by = "Synthetic residential home"
