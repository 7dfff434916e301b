"""Reads of referrals, and the possible-duplicate check made while referring."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import list_records, open_record, reference_for, visible_q
from cairn.youngpeople.models import Referral, ReferralStatus, Urgency, YoungPerson
from cairn.youngpeople.names import name_words, phonetic_key, similarity


def _base() -> QuerySet[Referral]:
    return Referral.objects.select_related("receiving_team__organisation", "young_person")


def referral_open(actor: Actor, pk: int, *, purpose: str = "Viewed referral") -> Referral:
    return open_record(actor, _base(), pk, purpose=purpose)


# Screening order: immediate risk first, then urgent, then routine; oldest first within each.
_URGENCY_RANK = Case(
    When(urgency=Urgency.IMMEDIATE, then=Value(0)),
    When(urgency=Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def referrals_awaiting_screening(actor: Actor, *, team_ids: Sequence[int]) -> Sequence[Referral]:
    """The teams' referrals awaiting screening, most urgent first, then oldest first."""
    queryset = _base().filter(
        receiving_team_id__in=team_ids, status=ReferralStatus.AWAITING_SCREENING
    )
    ordered = queryset.order_by(_URGENCY_RANK, "received_at", "id")
    return list_records(actor, ordered, purpose="Viewed referrals")


@dataclass
class PossibleMatch:
    """A record that may be the same child. Its content is present only if the user may see it."""

    reference: str
    held_by: str
    reasons: list[str] = field(default_factory=list)
    young_person: YoungPerson | None = None

    @property
    def visible(self) -> bool:
        return self.young_person is not None


def possible_duplicates(
    actor: Actor,
    *,
    given_name: str,
    family_name: str,
    aliases: str = "",
    date_of_birth: date | None = None,
    estimated_age: int | None = None,
    phone: str = "",
    today: date | None = None,
    limit: int = 10,
) -> list[PossibleMatch]:
    """Records with a name that sounds alike plus a matching birth date or age, or the same
    phone. Matching uses names, birth date, age and phone only."""
    words = name_words(given_name, family_name, *aliases.split(","))
    keys = {phonetic_key(word) for word in words} - {""}
    if not keys and not phone:
        return []
    sounds_alike = Q(pk__in=[])
    for key in keys:
        sounds_alike |= Q(name_keys__contains=f" {key} ")
    query = sounds_alike | (Q(phone=phone) if phone else Q(pk__in=[]))
    candidates = (
        YoungPerson.objects.filter(query)
        .select_related("holding_team__organisation")
        .distinct()[:200]
    )
    wanted = f"{given_name} {family_name}".strip()
    matches: list[tuple[float, PossibleMatch, YoungPerson]] = []
    for candidate in candidates:
        reasons = []
        name_score = similarity(wanted, candidate.full_name) if wanted else 0.0
        if name_score >= 0.85:
            reasons.append(f"name is similar ({name_score:.0%})")
        elif candidate.name_keys and keys & set(candidate.name_keys.split()):
            reasons.append("a name sounds alike")
        if date_of_birth and candidate.date_of_birth == date_of_birth:
            reasons.append("same date of birth")
        elif today is not None:
            their_age = candidate.age_on(today)
            our_age = estimated_age
            if date_of_birth is not None:
                our_age = (
                    today.year
                    - date_of_birth.year
                    - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
                )
            if their_age is not None and our_age is not None and abs(their_age - our_age) <= 1:
                reasons.append("age within a year")
        if phone and candidate.phone == phone:
            reasons.append("same phone number")
        strong = "same phone number" in reasons or (
            len(reasons) >= 2 and any(reason.startswith(("name", "a name")) for reason in reasons)
        )
        if strong:
            match = PossibleMatch(
                reference=reference_for(YoungPerson, candidate.pk),
                held_by=str(candidate.holding_team),
                reasons=reasons,
            )
            matches.append((name_score + len(reasons), match, candidate))
    matches.sort(key=lambda item: -item[0])
    matches = matches[:limit]
    visible_ids = set(
        YoungPerson.objects.filter(visible_q(actor.user, YoungPerson))
        .filter(pk__in=[candidate.pk for _, _, candidate in matches])
        .values_list("pk", flat=True)
    )
    shown = []
    for _, match, candidate in matches:
        if candidate.pk in visible_ids:
            match.young_person = candidate
            shown.append(candidate.pk)
    if shown:
        from cairn.access.queries import audit_consultation

        audit_consultation(
            actor,
            YoungPerson,
            shown,
            summary="Possible-duplicate check while referring",
            detail={"search": {"name": wanted}},
        )
    return [match for _, match, _ in matches]


def referrals_made_by(actor: Actor, user: User) -> Sequence[Referral]:
    return list_records(
        actor, _base().filter(referred_by=user), purpose="Viewed referrals I made", limit=100
    )
