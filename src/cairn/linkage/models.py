"""Resolved people: entities, the links of mentions to them, analysts' decisions and undo."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cairn.intelligence.models import PersonMention
from cairn.youngpeople.models import YoungPerson


class PersonEntity(models.Model):
    """One person as Cairn resolves them from the mentions linked to it."""

    REFERENCE_PREFIX = "PE"

    display_name = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = "person entity"
        verbose_name_plural = "person entities"

    def __str__(self) -> str:
        return f"{self.reference} {self.display_name}".strip()

    def get_absolute_url(self) -> str:
        return reverse("linkage:person", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"{self.REFERENCE_PREFIX}-{self.pk:06d}"


class LinkStatus(models.TextChoices):
    """How a mention came to be linked (issue 5, section 3)."""

    AUTOMATIC = "automatic", "Linked automatically"
    ACCEPTED = "accepted", "Accepted by an analyst"
    PROPOSED = "proposed", "Proposed for review"


class LinkChange(models.Model):
    """One change to the links (an accepted pair, an unmerge), with the state it replaced.

    `before` holds the entities and links of every mention the change touched, so undoing it
    restores that state exactly.
    """

    kind = models.CharField(max_length=20)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, default="")
    before = models.JSONField(default=dict)
    # The mentions the change touched, so each one's history can list it.
    mentions = models.ManyToManyField(PersonMention, related_name="+", blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class MentionLink(models.Model):
    """A mention's membership of an entity, or (proposed) a pair waiting for review."""

    mention = models.ForeignKey(PersonMention, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(PersonEntity, on_delete=models.CASCADE, related_name="links")
    status = models.CharField(max_length=10, choices=LinkStatus.choices)
    # For a proposal: the mention it was scored against (already in `entity`).
    paired_with = models.ForeignKey(
        PersonMention, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # None for the mention an entity was founded on.
    match_probability = models.FloatField(null=True, blank=True)
    # [{"comparison", "level", "match_weight"}, ...] from the engine's `explain`.
    explanation = models.JSONField(default=list, blank=True)
    change = models.ForeignKey(
        LinkChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="links"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mention"],
                condition=~models.Q(status="proposed"),
                name="one_entity_per_mention",
            )
        ]
        # The review queue, most probable first: its first page without sorting every pair.
        indexes = [
            models.Index(fields=["status", "-match_probability", "id"], name="links_by_probability")
        ]

    def __str__(self) -> str:
        return f"{self.mention_id} → {self.entity_id} ({self.status})"


class YoungPersonLink(models.Model):
    """A young person's own record resolved to a person entity by a re-link, or (rejected) a
    key worker's or analyst's word that the record is not that person.

    A rejection keeps the entity's mentions at the time (`rejected_mentions`): later runs never
    put the record with any of them again.
    """

    young_person = models.ForeignKey(YoungPerson, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(
        PersonEntity, on_delete=models.SET_NULL, null=True, blank=True, related_name="young_links"
    )
    rejected = models.BooleanField(default=False)
    match_probability = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    rejected_mentions = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["young_person"],
                condition=models.Q(rejected=False),
                name="one_entity_per_young_person",
            )
        ]

    def __str__(self) -> str:
        return f"young person {self.young_person_id} → {self.entity_id}"


class Decision(models.TextChoices):
    """An analyst's answer to a proposed pair."""

    ACCEPT = "accept", "Same person"
    REJECT = "reject", "Different people"


class ReviewDecision(models.Model):
    """An analyst's decision on a pair of mentions; every later run respects it."""

    # Stored with the smaller mention id first, so a pair has one row.
    first = models.ForeignKey(PersonMention, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(PersonMention, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=6, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="one_decision")]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id}: {self.decision}"


class LinkageModel(models.Model):
    """The person model the last full re-link trained, for linking single reports quickly.

    Only the newest is kept: `link_run` replaces it, and each run's audit entry records that
    it did. `settings` is Splink's settings JSON with the trained m and u values;
    `term_frequencies` the share of each name among the mentions it was trained on.
    """

    settings = models.JSONField()
    term_frequencies = models.JSONField(default=dict)
    mentions = models.PositiveIntegerField()
    trained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"Person model trained {self.trained_at:%Y-%m-%d %H:%M} on {self.mentions} mentions"


class Named(Protocol):
    @property
    def given_name(self) -> str: ...
    @property
    def family_name(self) -> str: ...
    @property
    def nickname(self) -> str: ...
    @property
    def name_as_written(self) -> str: ...


@dataclass(frozen=True, slots=True)
class MentionName:
    """The names of a mention an entity may be called by, without the rest of the mention."""

    given_name: str
    family_name: str
    nickname: str
    name_as_written: str

    @classmethod
    def of(cls, mention: Named) -> MentionName:
        return cls(
            mention.given_name, mention.family_name, mention.nickname, mention.name_as_written
        )


def display_name(mentions: Iterable[Named]) -> str:
    """The most frequent full name among the entity's mentions, else its commonest nickname."""
    mentions = list(mentions)
    names = Counter(
        f"{m.given_name} {m.family_name}".strip() for m in mentions if m.family_name
    ) or Counter(
        m.nickname or m.name_as_written for m in mentions if m.nickname or m.name_as_written
    )
    if not names:
        return "Unnamed person"
    return sorted(names.items(), key=lambda item: (-item[1], item[0]))[0][0]


class PhoneEntity(models.Model):
    """A phone, resolved by its E.164 number: every mention of that number is this phone."""

    e164 = models.CharField(max_length=20, unique=True)

    class Meta:
        ordering = ["e164"]
        verbose_name = "phone"

    def __str__(self) -> str:
        return self.e164

    def get_absolute_url(self) -> str:
        return reverse("linkage:phone", args=[self.pk])


class VehicleEntity(models.Model):
    """A vehicle, resolved by its full registration; partial marks only propose candidates."""

    registration = models.CharField(max_length=10, unique=True)

    class Meta:
        ordering = ["registration"]
        verbose_name = "vehicle"

    def __str__(self) -> str:
        return self.registration

    def get_absolute_url(self) -> str:
        return reverse("linkage:vehicle", args=[self.pk])


class LocationEntity(models.Model):
    """A place, resolved by its normalised postcode and address or venue name."""

    key = models.CharField(max_length=320, unique=True)
    postcode = models.CharField(max_length=8, blank=True, default="")
    label = models.CharField(max_length=300)

    class Meta:
        ordering = ["postcode", "label"]
        verbose_name = "location"

    def __str__(self) -> str:
        return ", ".join(part for part in (self.label, self.postcode) if part)

    def get_absolute_url(self) -> str:
        return reverse("linkage:location", args=[self.pk])


def location_key(*, postcode: str, venue_name: str, address: str) -> str:
    """Postcode and the place's name or address, lower case with punctuation dropped."""
    place = " ".join(re.sub(r"[^a-z0-9]+", " ", (venue_name or address).lower()).split())
    if not place:
        return ""
    return f"{postcode.upper()}|{place}"
