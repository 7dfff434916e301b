"""Factories for referrals (synthetic people only)."""

from __future__ import annotations

from datetime import date

import factory

from cairn.access.actor import Actor
from cairn.access.models import LawfulBasis
from cairn.access.services import grant_owner_access
from cairn.access.tests.factories import TeamFactory
from cairn.youngpeople.models import Consent, Referral, Urgency


class ReferralFactory(factory.django.DjangoModelFactory):
    """An unscreened referral, shared with its receiving team as `referral_create` shares it."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    receiving_team = factory.SubFactory(TeamFactory)
    referrer_name = "Synthetic Teacher"
    referrer_organisation = "Synthetic Academy"
    referrer_contact = "safeguarding@example.invalid"
    given_name = factory.Sequence(lambda n: f"Referred{n}")
    family_name = "Testchild"
    date_of_birth = date(2010, 9, 1)
    reason = "Synthetic reason: seen getting into cars with older men after school."
    concerns = factory.LazyFunction(lambda: ["going_missing"])
    urgency = Urgency.ROUTINE
    consent = Consent.GIVEN
    lawful_basis = LawfulBasis.SAFEGUARDING
    synthetic = True

    @factory.post_generation
    def owner_share(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            grant_owner_access(record=self, team=self.receiving_team, actor=Actor.system())
