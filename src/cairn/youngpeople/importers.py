"""Importers for the bundle's young-people resources: records, referrals, risk assessments with
their indicators, missing episodes and return-home interviews.

A local world holds thousands of rows, so rows are written in bulk inside the loader's single
transaction rather than one service call each; every rule a service applies to a row is checked
first (each importer's `check`), scores come from the scoring service, every record gets its owner
share, and each resource is one entry in the audit trail. Rows already loaded (the same bundle
identifier in `external_id`) are skipped, so loading a bundle twice adds nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils import timezone

from cairn.access.models import LawfulBasis, Organisation, RecordShare, Team, User
from cairn.access.permissions import Perm
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.world.importers import ImportContext, Row, RowProblem, importer
from cairn.youngpeople.models import (
    Alias,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    Consent,
    Gender,
    IndicatorGroup,
    InterviewStatus,
    LookedAfterStatus,
    MissingEpisode,
    Placement,
    PlacementType,
    Referral,
    ReferralStatus,
    RiskAnswer,
    RiskAssessment,
    RiskIndicator,
    RiskTool,
    Timing,
    Urgency,
    YoungPerson,
)
from cairn.youngpeople.models.choices import band_rank
from cairn.youngpeople.names import phonetic_keys
from cairn.youngpeople.scoring import Subject, UnknownIndicator, score
from cairn.youngpeople.services.record import validate_identity
from cairn.youngpeople.services.risk import current_tool

BATCH = 500
IMPORTED = "Imported"
# How many of the imported open cases the demo's `practitioner` account gets as key worker.
DEMO_CASELOAD = 15
DEMO_PRACTITIONER = "practitioner"

GENDERS = {"female": Gender.FEMALE, "male": Gender.MALE, "not_known": Gender.NOT_KNOWN}
LEGAL_STATUSES = {
    "s20_accommodated": LookedAfterStatus.SECTION_20,
    "care_order": LookedAfterStatus.CARE_ORDER,
    "emergency_protection_order": LookedAfterStatus.EMERGENCY_PROTECTION,
    "police_protection": LookedAfterStatus.POLICE_PROTECTION,
}
AGENCIES = {
    "police": "Police",
    "social_care": "Children's social care",
    "school": "School",
    "health": "Health",
    "charity": "Charity",
    "parent_carer": "Parent or carer",
    "self": "Self-referral",
    "other": "Other agency",
}
URGENCIES = {"routine": Urgency.ROUTINE, "urgent": Urgency.URGENT}
MISSING_FROM = {
    "home": "home",
    "foster_placement": "a foster placement",
    "childrens_home": "a children's home",
    "school": "school",
}
# The bundle names the SERAF-derived indicators in its own words; Cairn's tool (migration 0003)
# uses shorter codes. A code not listed here is looked up in the tool as it is.
INDICATOR_CODES = {
    "family_domestic_abuse_substance_mental_health": "family_history",
    "multiple_unknown_callers": "unknown_callers",
    "worrying_phone_or_internet_use": "worrying_phone_internet_use",
    "not_in_education_training_or_work": "not_in_education",
    "sexually_transmitted_infection": "sexually_transmitted_infections",
    "peers_involved_in_exploitation": "peers_involved",
    "living_independently_not_responding": "independent_not_responding",
    "controlling_older_boyfriend": "controlling_adult",
    "getting_into_cars_with_unknown_adults": "cars_unknown_adults",
    "unexplained_money_gifts_phones": "unexplained_gifts",
    "hanging_around_known_places": "places_known_for_exploitation",
    "contact_with_hotels_taxis_takeaways": "hotels_taxis_takeaways",
    "repeat_infections_or_terminations": "repeat_infections_terminations",
}
SIGNIFICANT_TIMINGS = {
    "current": Timing.CURRENT,
    "past_6_12_months": Timing.PAST,
    "both": Timing.BOTH,
    "not_applicable": Timing.CURRENT,
}


# Reading cells ----------------------------------------------------------------------------------


def _day(cell: str) -> date | None:
    return date.fromisoformat(cell) if cell else None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _moment(cell: str) -> datetime | None:
    if not cell:
        return None
    moment = datetime.fromisoformat(cell)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _flag(cell: str) -> bool:
    return cell.strip().lower() == "true"


def _integer(cell: str) -> int | None:
    return int(cell) if cell else None


def _problems(number: int, error: ValidationError) -> Iterator[RowProblem]:
    for field_name, messages in error.message_dict.items():
        for message in messages:
            yield number, field_name, message


def _audit(context: ImportContext, people: Iterable[int], summary: str, **detail: object) -> None:
    ids = sorted(set(people))
    if ids:
        audit_record(
            actor=context.actor,
            action=Action.COLLECTION,
            record_type=record_label(YoungPerson),
            record_ids=ids,
            summary=summary,
            detail=detail or None,
        )


def _owner_shares(records: Iterable[Model], team_of: Mapping[int, int], model: type[Model]) -> None:
    """The holding team's share of each new record, as grant_owner_access makes one by one."""
    content_type = ContentType.objects.get_for_model(model)
    RecordShare.objects.bulk_create(
        [
            RecordShare(
                content_type=content_type,
                object_id=record.pk,
                team_id=team_of[record.pk],
                lawful_basis=LawfulBasis.OWNER,
            )
            for record in records
        ],
        batch_size=BATCH,
    )


def _existing(model: type[Model], external_ids: Iterable[str]) -> dict[str, int]:
    wanted = list(set(external_ids))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), BATCH):
        found.update(
            model._default_manager.filter(
                external_id__in=wanted[start : start + BATCH]
            ).values_list("external_id", "pk")
        )
    return found


# Young people -----------------------------------------------------------------------------------


def _aliases(row: Mapping[str, str]) -> list[str]:
    return [name.strip() for name in row.get("aliases", "").split("|") if name.strip()]


def _check_young_people(rows: Iterable[Row]) -> Iterator[RowProblem]:
    for number, row in rows:
        try:
            validate_identity(
                given_name=row["given_name"],
                family_name=row["family_name"],
                date_of_birth=_day(row["date_of_birth"]),
                estimated_age=_integer(row["estimated_age"]),
            )
        except ValidationError as error:
            yield from _problems(number, error)


def _looked_after(row: Mapping[str, str]) -> str:
    if not _flag(row["looked_after"]):
        return LookedAfterStatus.NOT_LOOKED_AFTER
    return LEGAL_STATUSES.get(row["legal_status"], LookedAfterStatus.NOT_KNOWN)


@importer("young_people", order=30, check=_check_young_people)
def import_young_people(context: ImportContext, rows: Iterable[Row]) -> int:
    teams = context.ids.get("teams", {})
    loaded = context.ids.setdefault("young_people", {})
    rows = list(rows)
    existing = _existing(YoungPerson, (row["young_person_id"] for _, row in rows))
    people: list[YoungPerson] = []
    details: list[dict[str, str]] = []
    for _, row in rows:
        external_id = row["young_person_id"]
        if external_id in existing:
            loaded[external_id] = existing[external_id]
            continue
        first_contact = _start_of(date.fromisoformat(row["first_contact_on"]))
        names = [row["given_name"], row["family_name"], row["preferred_name"], *_aliases(row)]
        people.append(
            YoungPerson(
                given_name=row["given_name"].strip(),
                family_name=row["family_name"].strip(),
                preferred_name=row["preferred_name"].strip(),
                date_of_birth=_day(row["date_of_birth"]),
                estimated_age=_integer(row["estimated_age"]),
                gender=GENDERS.get(row["sex"], Gender.NOT_KNOWN),
                looked_after=_looked_after(row),
                learning_disability=_flag(row["learning_disability"]),
                area=row["postcode_district"].strip(),
                holding_team_id=teams[row["team_id"]],
                name_keys=phonetic_keys(names),
                external_id=external_id,
                synthetic=context.synthetic,
                created_at=first_contact,
                updated_at=first_contact,
            )
        )
        details.append(row)
    YoungPerson.objects.bulk_create(people, batch_size=BATCH)
    aliases: list[Alias] = []
    placements: list[Placement] = []
    events: list[CaseEvent] = []
    for person, row in zip(people, details, strict=True):
        loaded[person.external_id] = person.pk
        aliases += [Alias(young_person=person, name=name) for name in _aliases(row)]
        if row["address"].strip() or row["postcode_district"].strip():
            placements.append(
                Placement(
                    young_person=person,
                    # The bundle says only whether the child is looked after, not where they live.
                    placement_type=PlacementType.OTHER
                    if _flag(row["looked_after"])
                    else PlacementType.FAMILY_HOME,
                    address=row["address"].strip(),
                    postcode=row["postcode_district"].strip().upper(),
                    started_on=date.fromisoformat(row["first_contact_on"]),
                )
            )
        events.append(
            CaseEvent(
                young_person=person,
                kind=CaseEventKind.OPENED,
                at=person.created_at,
                note="Imported from a bundle",
            )
        )
    Alias.objects.bulk_create(aliases, batch_size=BATCH)
    Placement.objects.bulk_create(placements, batch_size=BATCH)
    CaseEvent.objects.bulk_create(events, batch_size=BATCH)
    _owner_shares(people, {person.pk: person.holding_team_id for person in people}, YoungPerson)
    _audit(
        context,
        (person.pk for person in people),
        f"Imported {len(people)} young people's records from a bundle",
    )
    context.created["young_people"] = [person.pk for person in people]
    return len(people)


def _allocate_demo_caseload(context: ImportContext) -> None:
    """On a demo instance, give the `practitioner` account (from `cairn demo setup`) a caseload
    worth showing: new open cases of their team, those with the highest latest risk band and
    most missing episodes first. Runs after the assessments and episodes are loaded."""
    if not context.synthetic:
        return
    people = list(YoungPerson.objects.filter(pk__in=context.created.get("young_people", [])))
    practitioner = User.objects.filter(username=DEMO_PRACTITIONER, is_active=True).first()
    if practitioner is None or not practitioner.can(Perm.EDIT_PERSON_RECORDS):
        return
    teams = practitioner.team_ids()
    candidates = [
        person
        for person in people
        if person.holding_team_id in teams and person.status == CaseStatus.OPEN
    ]
    latest_band: dict[int, str] = {}
    for young_person_id, band in (
        RiskAssessment.objects.filter(young_person__in=candidates)
        .order_by("young_person_id", "assessed_on", "id")
        .values_list("young_person_id", "band")
    ):
        latest_band[young_person_id] = band
    episodes = Counter(
        MissingEpisode.objects.filter(young_person__in=candidates).values_list(
            "young_person_id", flat=True
        )
    )
    chosen = sorted(
        candidates,
        key=lambda person: (
            band_rank(latest_band[person.pk]) if person.pk in latest_band else -1,
            episodes[person.pk],
            person.created_at,
        ),
        reverse=True,
    )[:DEMO_CASELOAD]
    if not chosen:
        return
    for person in chosen:
        person.key_worker = practitioner
    YoungPerson.objects.bulk_update(chosen, ["key_worker"])
    CaseEvent.objects.bulk_create(
        [
            CaseEvent(
                young_person=person,
                kind=CaseEventKind.ALLOCATED,
                key_worker=practitioner,
                note="Demo caseload",
            )
            for person in chosen
        ]
    )
    audit_record(
        actor=context.actor,
        action=Action.ALTERATION,
        record_type=record_label(YoungPerson),
        record_ids=[person.pk for person in chosen],
        summary=f"Allocated {len(chosen)} imported cases to {practitioner.display_name} (demo)",
    )


# Referrals --------------------------------------------------------------------------------------


@importer("referrals", order=40)
def import_referrals(context: ImportContext, rows: Iterable[Row]) -> int:
    """Historical referrals: accepted, since the bundle holds the record each one led to. The
    bundle does not carry the referrer's name, consent or lawful basis; the decision says so."""
    teams = context.ids.get("teams", {})
    people_ids = context.ids.get("young_people", {})
    loaded = context.ids.setdefault("referrals", {})
    rows = list(rows)
    existing = _existing(Referral, (row["referral_id"] for _, row in rows))
    people = YoungPerson.objects.in_bulk([people_ids[row["young_person_id"]] for _, row in rows])
    referrals: list[Referral] = []
    for _, row in rows:
        external_id = row["referral_id"]
        if external_id in existing:
            loaded[external_id] = existing[external_id]
            continue
        person = people[people_ids[row["young_person_id"]]]
        received_at = _start_of(date.fromisoformat(row["referred_on"]))
        referrals.append(
            Referral(
                receiving_team_id=teams[row["team_id"]],
                received_at=received_at,
                referrer_name="Not recorded in the bundle",
                referrer_organisation=AGENCIES.get(row["referrer_agency_type"], "Other agency"),
                referrer_contact="Not recorded in the bundle",
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth,
                estimated_age=person.estimated_age,
                phone=person.phone,
                area=person.area,
                reason=row["reason"].strip() or "Not recorded in the bundle",
                urgency=URGENCIES.get(row["urgency"], Urgency.ROUTINE),
                consent=Consent.NOT_SOUGHT,
                lawful_basis=LawfulBasis.SAFEGUARDING,
                status=ReferralStatus.ACCEPTED,
                decision_reason=(
                    "Imported from a bundle with the young person's record. The bundle does not "
                    "record the referrer's name, consent or the lawful basis for sharing."
                ),
                decided_at=received_at,
                young_person=person,
                external_id=external_id,
                synthetic=context.synthetic,
            )
        )
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    for referral in referrals:
        loaded[referral.external_id] = referral.pk
    _owner_shares(
        referrals, {referral.pk: referral.receiving_team_id for referral in referrals}, Referral
    )
    if referrals:
        audit_record(
            actor=context.actor,
            action=Action.COLLECTION,
            record_type=record_label(Referral),
            record_ids=[referral.pk for referral in referrals],
            summary=f"Imported {len(referrals)} referrals from a bundle",
        )
    return len(referrals)


# Risk assessments -------------------------------------------------------------------------------


def _tool_code(bundle_code: str) -> str:
    return INDICATOR_CODES.get(bundle_code, bundle_code)


def _timing(indicator: RiskIndicator, bundle_timing: str) -> str:
    if indicator.group == IndicatorGroup.SIGNIFICANT:
        return SIGNIFICANT_TIMINGS.get(bundle_timing, Timing.CURRENT)
    return Timing.PRESENT


def _check_indicators(rows: Iterable[Row]) -> Iterator[RowProblem]:
    try:
        tool = current_tool()
    except ValidationError as error:
        yield 0, "indicator", " ".join(error.messages)
        return
    known = set(tool.indicators.values_list("code", flat=True))
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        code = _tool_code(row["indicator"])
        if code not in known:
            yield number, "indicator", f"Unknown indicator for {tool}: {row['indicator']}"
        key = (row["risk_assessment_id"], code)
        if key in seen:
            yield number, "indicator", f"The same indicator repeats row {seen[key]}"
        seen.setdefault(key, number)


def _score_into(
    assessment: RiskAssessment,
    *,
    tool: RiskTool,
    indicators: Mapping[str, RiskIndicator],
    answers: Mapping[str, str],
    person: YoungPerson,
    bundle_band: str,
) -> None:
    """Compute with the scoring service. A higher band recorded by the source service is kept as
    a professional override ("Imported"); a lower one is not, so an import never lowers the band
    that Cairn's own scoring and local rules give a child."""
    try:
        outcome = score(
            tool=tool,
            indicators=indicators,
            answers=answers,
            subject=Subject(
                age=person.age_on(assessment.assessed_on),
                learning_disability=person.learning_disability,
            ),
        )
    except UnknownIndicator as error:  # the check has already refused such bundles
        raise ValidationError({"indicator": str(error)}) from error
    assessment.score = outcome.score
    assessment.computed_band = outcome.computed_band
    assessment.rule_notes = outcome.rule_notes
    differs = bool(bundle_band) and band_rank(bundle_band) > band_rank(outcome.computed_band)
    assessment.override_band = bundle_band if differs else ""
    assessment.override_rationale = IMPORTED if differs else ""
    assessment.band = bundle_band if differs else outcome.computed_band


@importer("risk_assessments", order=50)
def import_risk_assessments(context: ImportContext, rows: Iterable[Row]) -> int:
    """Each assessment is scored with the tool in use; `risk_indicators` then adds its answers
    and scores it again."""
    people_ids = context.ids.get("young_people", {})
    loaded = context.ids.setdefault("risk_assessments", {})
    rows = list(rows)
    existing = _existing(RiskAssessment, (row["risk_assessment_id"] for _, row in rows))
    new_rows = [row for _, row in rows if row["risk_assessment_id"] not in existing]
    for _, row in rows:
        if row["risk_assessment_id"] in existing:
            loaded[row["risk_assessment_id"]] = existing[row["risk_assessment_id"]]
    if not new_rows:
        return 0
    tool = current_tool()
    indicators = {indicator.code: indicator for indicator in tool.indicators.all()}
    people = YoungPerson.objects.in_bulk([people_ids[row["young_person_id"]] for row in new_rows])
    assessments: list[RiskAssessment] = []
    for row in new_rows:
        person = people[people_ids[row["young_person_id"]]]
        assessed_on = date.fromisoformat(row["assessed_on"])
        assessment = RiskAssessment(
            young_person=person,
            tool=tool,
            assessed_on=assessed_on,
            next_review_due=assessed_on + timedelta(days=tool.review_interval_days),
            external_id=row["risk_assessment_id"],
            created_at=_start_of(assessed_on),
        )
        _score_into(
            assessment,
            tool=tool,
            indicators=indicators,
            answers={},
            person=person,
            bundle_band=row["band"],
        )
        assessments.append(assessment)
    RiskAssessment.objects.bulk_create(assessments, batch_size=BATCH)
    for assessment in assessments:
        loaded[assessment.external_id] = assessment.pk
    _audit(
        context,
        (assessment.young_person_id for assessment in assessments),
        f"Imported {len(assessments)} risk assessments from a bundle",
    )
    return len(assessments)


@importer("risk_indicators", order=55, check=_check_indicators)
def import_risk_indicators(context: ImportContext, rows: Iterable[Row]) -> int:
    assessment_ids = context.ids.get("risk_assessments", {})
    loaded = context.ids.setdefault("risk_indicators", {})
    by_assessment: dict[int, list[dict[str, str]]] = defaultdict(list)
    for _, row in rows:
        by_assessment[assessment_ids[row["risk_assessment_id"]]].append(row)
    answered = set(
        RiskAnswer.objects.filter(assessment_id__in=list(by_assessment))
        .values_list("assessment_id", flat=True)
        .distinct()
    )
    tool_ids = set(
        RiskAssessment.objects.filter(pk__in=list(by_assessment)).values_list("tool_id", flat=True)
    )
    tools = {tool.pk: tool for tool in RiskTool.objects.filter(pk__in=tool_ids)}
    indicators_of = {
        tool_id: {indicator.code: indicator for indicator in tool.indicators.all()}
        for tool_id, tool in tools.items()
    }
    assessments = RiskAssessment.objects.select_related("young_person").in_bulk(
        [pk for pk in by_assessment if pk not in answered]
    )
    answers: list[RiskAnswer] = []
    answer_rows: list[str] = []
    for pk, assessment in assessments.items():
        indicators = indicators_of[assessment.tool_id]
        chosen: dict[str, str] = {}
        for row in by_assessment[pk]:
            indicator = indicators[_tool_code(row["indicator"])]
            chosen[indicator.code] = _timing(indicator, row["timing"])
            answers.append(
                RiskAnswer(
                    assessment=assessment, indicator=indicator, timing=chosen[indicator.code]
                )
            )
            answer_rows.append(row["risk_indicator_id"])
        _score_into(
            assessment,
            tool=tools[assessment.tool_id],
            indicators=indicators,
            answers=chosen,
            person=assessment.young_person,
            bundle_band=assessment.override_band or assessment.band,
        )
    RiskAnswer.objects.bulk_create(answers, batch_size=BATCH)
    RiskAssessment.objects.bulk_update(
        list(assessments.values()),
        ["score", "computed_band", "rule_notes", "override_band", "override_rationale", "band"],
        batch_size=BATCH,
    )
    for row_id, answer in zip(answer_rows, answers, strict=True):
        loaded[row_id] = answer.pk
    if answered:
        # Loaded before: each ticked indicator is the answer already held for it.
        held = {
            (assessment_id, code): pk
            for pk, assessment_id, code in RiskAnswer.objects.filter(
                assessment_id__in=answered
            ).values_list("pk", "assessment_id", "indicator__code")
        }
        for pk in answered:
            for row in by_assessment[pk]:
                key = (pk, _tool_code(row["indicator"]))
                if key in held:
                    loaded[row["risk_indicator_id"]] = held[key]
    _audit(
        context,
        (assessment.young_person_id for assessment in assessments.values()),
        f"Imported the answers of {len(assessments)} risk assessments from a bundle",
    )
    return len(answers)


# Missing episodes and return-home interviews ----------------------------------------------------


def _check_episodes(rows: Iterable[Row]) -> Iterator[RowProblem]:
    now = timezone.now()
    for number, row in rows:
        started_at = _moment(row["went_missing_at"])
        ended_at = _moment(row["returned_at"])
        if started_at is not None and started_at > now:
            yield number, "went_missing_at", "The start must be now or in the past"
        if ended_at is not None and started_at is not None and ended_at < started_at:
            yield number, "returned_at", "The return must be after the start"


@importer("missing_episodes", order=60, check=_check_episodes)
def import_missing_episodes(context: ImportContext, rows: Iterable[Row]) -> int:
    people_ids = context.ids.get("young_people", {})
    organisations = context.ids.get("organisations", {})
    loaded = context.ids.setdefault("missing_episodes", {})
    names = dict(
        Organisation.objects.filter(pk__in=organisations.values()).values_list("pk", "name")
    )
    rows = list(rows)
    existing = _existing(MissingEpisode, (row["missing_episode_id"] for _, row in rows))
    episodes: list[MissingEpisode] = []
    for _, row in rows:
        external_id = row["missing_episode_id"]
        if external_id in existing:
            loaded[external_id] = existing[external_id]
            continue
        started_at = _moment(row["went_missing_at"])
        assert started_at is not None  # required by the bundle's schema
        where_from = MISSING_FROM.get(row["missing_from"], row["missing_from"])
        episodes.append(
            MissingEpisode(
                young_person_id=people_ids[row["young_person_id"]],
                started_at=started_at,
                ended_at=_moment(row["returned_at"]),
                reported_by=names.get(organisations[row["reported_by_organisation_id"]], ""),
                where_found=row["found_at"].strip(),
                found_with=row["missing_with"].strip(),
                notes=f"Went missing from {where_from}." if where_from else "",
                external_id=external_id,
                created_at=started_at,
            )
        )
    MissingEpisode.objects.bulk_create(episodes, batch_size=BATCH)
    for episode in episodes:
        loaded[episode.external_id] = episode.pk
    _audit(
        context,
        (episode.young_person_id for episode in episodes),
        f"Imported {len(episodes)} missing episodes from a bundle",
    )
    return len(episodes)


@importer("return_home_interviews", order=65)
def import_return_home_interviews(context: ImportContext, rows: Iterable[Row]) -> int:
    """Each interview is kept on its episode; one already recorded there is left as it is."""
    episode_ids = context.ids.get("missing_episodes", {})
    teams = context.ids.get("teams", {})
    loaded = context.ids.setdefault("return_home_interviews", {})
    team_names = dict(Team.objects.filter(pk__in=teams.values()).values_list("pk", "name"))
    rows = list(rows)
    episodes = MissingEpisode.objects.in_bulk(
        [episode_ids[row["missing_episode_id"]] for _, row in rows]
    )
    changed: list[MissingEpisode] = []
    for _, row in rows:
        episode = episodes[episode_ids[row["missing_episode_id"]]]
        loaded[row["return_home_interview_id"]] = episode.pk
        if episode.interview_status != InterviewStatus.NOT_OFFERED:
            continue
        # The bundle gives days; an offer is never before the return, nor the interview before
        # the offer (the rules return_interview_record applies).
        offered_at = _start_of(date.fromisoformat(row["offered_on"]))
        if episode.ended_at is not None:
            offered_at = max(offered_at, episode.ended_at)
        completed = _day(row["completed_on"])
        if _flag(row["declined"]):
            status, done_at = InterviewStatus.DECLINED, None
        elif completed is not None:
            status, done_at = InterviewStatus.DONE, max(_start_of(completed), offered_at)
        else:
            status, done_at = InterviewStatus.OFFERED, None
        episode.interview_status = status
        episode.interview_offered_at = offered_at
        episode.interview_done_at = done_at
        episode.interview_by = team_names.get(teams[row["team_id"]], "") if done_at else ""
        episode.interview_learned = row["notes"].strip()
        changed.append(episode)
    MissingEpisode.objects.bulk_update(
        changed,
        [
            "interview_status",
            "interview_offered_at",
            "interview_done_at",
            "interview_by",
            "interview_learned",
        ],
        batch_size=BATCH,
    )
    _audit(
        context,
        (episode.young_person_id for episode in changed),
        f"Imported {len(changed)} return-home interviews from a bundle",
    )
    # The last of the case resources: the demo caseload can now be chosen on what was loaded.
    _allocate_demo_caseload(context)
    return len(changed)
