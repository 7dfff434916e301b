"""Factories for organisations, teams and users (synthetic people only)."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from cairn.access.models import LawfulBasis, Organisation, OrganisationType, RecordShare, Team, User
from cairn.access.permissions import Role

PASSWORD = "correct-horse-battery-staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Synthetic Organisation {n}")
    organisation_type = OrganisationType.CHILDRENS_CHARITY


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Synthetic"
    last_name = factory.Sequence(lambda n: f"Worker{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")
    roles = factory.LazyFunction(lambda: [Role.PRACTITIONER.value])
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def team(self, create: bool, extracted: Team | None, **kwargs: Any) -> None:
        """UserFactory(team=t) puts the user in t and its organisation; otherwise a new team."""
        if not create:
            return
        team = extracted or TeamFactory()
        self.organisation = team.organisation
        self.save(update_fields=["organisation"])
        self.teams.add(team)


def share_with_team(record: Model, team: Team, basis: str = LawfulBasis.OWNER) -> RecordShare:
    return RecordShare.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        team=team,
        lawful_basis=basis,
    )
