"""API for referrals: receive one (with the possible-duplicate check), the screening queue, one
referral, the screening decision, and the duplicate check on its own."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema, Status

from cairn.access.models import LawfulBasis, Team
from cairn.access.queries import RecordNotFound
from cairn.youngpeople import services
from cairn.youngpeople.api.common import actor, open_case, require_casework, router, user_named
from cairn.youngpeople.models import (
    Consent,
    Referral,
    ReferralStatus,
    ScreeningDecision,
    Urgency,
    YoungPerson,
)
from cairn.youngpeople.queries.referral import (
    PossibleMatch,
    possible_duplicates,
    referral_open,
    referrals_awaiting_screening,
)


class MatchedRecordOut(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: date | None
    estimated_age: int | None


class PossibleMatchOut(Schema):
    """A record that may be the same child: who holds it, and its content only if visible."""

    reference: str
    held_by: str
    reasons: list[str]
    visible: bool
    young_person: MatchedRecordOut | None


class ReferralOut(Schema):
    id: int
    reference: str
    receiving_team: str
    received_at: datetime
    referrer_name: str
    referrer_organisation: str
    referrer_contact: str
    given_name: str
    family_name: str
    aliases: str
    date_of_birth: date | None
    estimated_age: int | None
    phone: str
    area: str
    reason: str
    concerns: list[str]
    urgency: Urgency
    consent: Consent
    lawful_basis: LawfulBasis
    status: ReferralStatus
    decision_reason: str
    decided_at: datetime | None
    young_person_id: int | None
    young_person_reference: str | None
    confirmed_different: bool

    @staticmethod
    def resolve_receiving_team(obj: Referral) -> str:
        return str(obj.receiving_team)

    @staticmethod
    def resolve_young_person_reference(obj: Referral) -> str | None:
        return obj.young_person.reference if obj.young_person_id and obj.young_person else None


class ReferralCreatedOut(Schema):
    referral: ReferralOut
    possible_duplicates: list[PossibleMatchOut]


class ReferralIn(Schema):
    receiving_team_id: int
    referrer_name: str
    referrer_organisation: str
    referrer_contact: str
    given_name: str
    family_name: str
    reason: str
    urgency: Urgency
    consent: Consent
    lawful_basis: LawfulBasis
    concerns: list[str] = Field([], description="Indicator codes of the risk tool in use")
    aliases: str = Field("", description="Other names, separated by commas")
    date_of_birth: date | None = None
    estimated_age: int | None = None
    phone: str = ""
    area: str = ""
    young_person_id: int | None = Field(
        None, description="A record you can see that is this child (from the duplicate check)"
    )
    confirmed_different: bool = Field(
        False, description="You checked the possible matches and this is a different child"
    )


class ScreenIn(Schema):
    decision: ScreeningDecision
    reason: str
    young_person_id: int | None = Field(
        None, description="Attach to this existing record instead of creating one"
    )
    key_worker_id: int | None = None


class DuplicateQuery(Schema):
    given_name: str = ""
    family_name: str = ""
    aliases: str = ""
    date_of_birth: date | None = None
    estimated_age: int | None = None
    phone: str = ""


def _open_referral(request: HttpRequest, pk: int, purpose: str) -> Referral:
    require_casework(request)
    try:
        return referral_open(actor(request), pk, purpose=purpose)
    except RecordNotFound as error:
        raise Http404(str(error)) from error


def _visible_record(request: HttpRequest, pk: int | None, purpose: str) -> YoungPerson | None:
    return None if pk is None else open_case(request, pk, purpose)


def _match_out(match: PossibleMatch) -> dict[str, object]:
    return {
        "reference": match.reference,
        "held_by": match.held_by,
        "reasons": match.reasons,
        "visible": match.visible,
        "young_person": match.young_person,
    }


def _phone_or_blank(raw: str) -> str:
    try:
        return services.normalise_phone(raw)
    except ValidationError:
        return ""


@router.get(
    "/referrals/duplicates",
    response=list[PossibleMatchOut],
    summary="Possible duplicates of a child being referred",
    description="Shows that a possible match exists and which team holds it; a record's content "
    "only if you may see it.",
)
def duplicates(request: HttpRequest, query: Query[DuplicateQuery]) -> list[dict[str, object]]:
    require_casework(request)
    matches = possible_duplicates(
        actor(request),
        given_name=query.given_name,
        family_name=query.family_name,
        aliases=query.aliases,
        date_of_birth=query.date_of_birth,
        estimated_age=query.estimated_age,
        phone=_phone_or_blank(query.phone),
        today=timezone.localdate(),
    )
    return [_match_out(match) for match in matches]


@router.get("/referrals", response=list[ReferralOut], summary="Referrals awaiting screening")
def awaiting_screening(request: HttpRequest) -> list[Referral]:
    user = require_casework(request)
    return list(referrals_awaiting_screening(actor(request), team_ids=sorted(user.team_ids())))


@router.post("/referrals", response={201: ReferralCreatedOut}, summary="Make a referral")
def create_referral(request: HttpRequest, payload: ReferralIn) -> Status:
    require_casework(request)
    data = payload.dict()
    team = Team.objects.filter(pk=data.pop("receiving_team_id")).first()
    if team is None:
        raise ValidationError({"receiving_team_id": "No team has that id"})
    young_person = _visible_record(
        request, data.pop("young_person_id"), "Linked a referral to the record through the API"
    )
    referral = services.referral_create(
        actor=actor(request), receiving_team=team, young_person=young_person, **data
    )
    matches = possible_duplicates(
        actor(request),
        given_name=referral.given_name,
        family_name=referral.family_name,
        aliases=referral.aliases,
        date_of_birth=referral.date_of_birth,
        estimated_age=referral.estimated_age,
        phone=referral.phone,
        today=timezone.localdate(),
    )
    body = {
        "referral": referral,
        "possible_duplicates": [_match_out(match) for match in matches],
    }
    return Status(201, body)


@router.get("/referrals/{pk}", response=ReferralOut, summary="One referral")
def get_referral(request: HttpRequest, pk: int) -> Referral:
    return _open_referral(request, pk, "Viewed referral through the API")


@router.post("/referrals/{pk}/screen", response=ReferralOut, summary="Screen a referral")
def screen_referral(request: HttpRequest, pk: int, payload: ScreenIn) -> Referral:
    referral = _open_referral(request, pk, "Opened referral to screen it through the API")
    young_person = _visible_record(
        request, payload.young_person_id, "Opened record to attach a referral through the API"
    )
    return services.referral_screen(
        actor=actor(request),
        referral=referral,
        decision=payload.decision,
        reason=payload.reason,
        young_person=young_person,
        key_worker=user_named(payload.key_worker_id, "key_worker_id"),
    )
