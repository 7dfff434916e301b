"""Factories for young people's records (synthetic people only)."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory

from cairn.access.tests.factories import TeamFactory, share_with_team
from cairn.youngpeople.models import Gender, YoungPerson


class YoungPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YoungPerson
        skip_postgeneration_save = True

    given_name = factory.Sequence(lambda n: f"Synthetic{n}")
    family_name = "Testchild"
    date_of_birth = date(2011, 5, 17)
    gender = Gender.FEMALE
    holding_team = factory.SubFactory(TeamFactory)
    summary = "Synthetic summary text."
    synthetic = True

    @factory.post_generation
    def owner_share(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            share_with_team(self, self.holding_team)
