"""Permission-scoped reads of young people's records: open, search, caseloads and queues."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.queries import list_records, open_record
from cairn.youngpeople.models import (
    ActionStatus,
    CaseStatus,
    Contact,
    MissingEpisode,
    PlanAction,
    RiskAssessment,
    YoungPerson,
)
from cairn.youngpeople.names import name_words, phonetic_key, similarity

RECENT_MISSING_DAYS = 30


def _count(queryset: QuerySet, field: str = "young_person") -> Subquery:
    return Subquery(
        queryset.order_by().values(field).annotate(total=Count("pk")).values("total")[:1],
        output_field=IntegerField(),
    )


def with_case_summary(queryset: QuerySet[YoungPerson]) -> QuerySet[YoungPerson]:
    """Risk band, last contact, next review, overdue actions and recent missing episodes,
    each as one subquery, so a caseload of any size costs a fixed number of queries."""
    today = timezone.localdate()
    latest = RiskAssessment.objects.filter(young_person=OuterRef("pk")).order_by(
        "-assessed_on", "-id"
    )
    contacts = Contact.objects.filter(young_person=OuterRef("pk")).order_by("-happened_at")
    overdue = PlanAction.objects.filter(
        plan__young_person=OuterRef("pk"),
        plan__superseded_at__isnull=True,
        status=ActionStatus.OPEN,
        due_on__lt=today,
    )
    recent_missing = MissingEpisode.objects.filter(
        young_person=OuterRef("pk"),
        started_at__gte=timezone.now() - timedelta(days=RECENT_MISSING_DAYS),
    )
    return queryset.select_related("holding_team__organisation", "key_worker").annotate(
        risk_band=Subquery(latest.values("band")[:1]),
        next_review_due=Subquery(latest.values("next_review_due")[:1]),
        last_contact_at=Subquery(contacts.values("happened_at")[:1]),
        overdue_actions=Coalesce(_count(overdue, "plan__young_person"), Value(0)),
        recent_missing=Coalesce(_count(recent_missing), Value(0)),
    )


def _base() -> QuerySet[YoungPerson]:
    return YoungPerson.objects.select_related("holding_team__organisation", "key_worker")


def young_person_open(actor: Actor, pk: int, *, purpose: str = "Viewed record") -> YoungPerson:
    return open_record(actor, _base(), pk, purpose=purpose)


@dataclass(frozen=True)
class Search:
    name: str = ""
    date_of_birth: date | None = None
    area: str = ""
    band: str = ""
    include_closed: bool = False

    def terms(self) -> dict[str, str]:
        given = {
            "name": self.name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "area": self.area,
            "band": self.band,
            "include_closed": "yes" if self.include_closed else "",
        }
        return {key: value for key, value in given.items() if value}


def name_filter(name: str) -> Q:
    """Every word of the query must match a name or alias, exactly in part or by sound."""
    query = Q()
    for word in name_words(name):
        key = phonetic_key(word)
        by_sound = Q(name_keys__contains=f" {key} ") if key else Q(pk__in=[])
        query &= (
            by_sound
            | Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(aliases__name__icontains=word)
        )
    return query


def _name_rank(young_person: YoungPerson, name: str) -> float:
    """How close the nearest of the young person's names or aliases is to the query, so a
    record found by an alias ranks by that alias, not below every name that merely sounds alike."""
    candidates = [
        young_person.full_name,
        young_person.given_name,
        young_person.family_name,
        young_person.preferred_name,
        *(alias.name for alias in young_person.aliases.all()),
    ]
    return max(similarity(name, candidate) for candidate in candidates if candidate)


def young_people_search(actor: Actor, search: Search, *, limit: int = 200) -> Sequence[YoungPerson]:
    """The search page: spelling-tolerant name or alias, date of birth, area and band."""
    queryset = with_case_summary(_base())
    if not search.include_closed:
        queryset = queryset.filter(status=CaseStatus.OPEN)
    if search.name.strip():
        queryset = queryset.filter(name_filter(search.name)).distinct().prefetch_related("aliases")
    if search.date_of_birth:
        queryset = queryset.filter(date_of_birth=search.date_of_birth)
    if search.area.strip():
        queryset = queryset.filter(area__icontains=search.area.strip())
    if search.band:
        # An annotation of with_case_summary(), which the type checker cannot see.
        queryset = queryset.filter(**{"risk_band": search.band})
    terms = search.terms()
    records = list(
        list_records(
            actor,
            queryset,
            purpose="Searched young people" if terms else "Listed young people",
            search=terms or None,
            limit=limit,
        )
    )
    if search.name.strip():
        records.sort(key=lambda record: -_name_rank(record, search.name))
    return records


def young_people_list(actor: Actor, *, name: str = "", limit: int = 200) -> Sequence[YoungPerson]:
    return young_people_search(actor, Search(name=name), limit=limit)


def caseload(actor: Actor, *, key_worker: User) -> Sequence[YoungPerson]:
    """'My caseload': the open cases this worker is key worker for."""
    queryset = with_case_summary(_base()).filter(key_worker=key_worker, status=CaseStatus.OPEN)
    return list_records(actor, queryset, purpose="Viewed caseload")


def team_cases(actor: Actor, *, team_ids: Sequence[int]) -> Sequence[YoungPerson]:
    """The team and manager view: every open case held by the user's teams."""
    queryset = with_case_summary(_base()).filter(
        holding_team_id__in=team_ids, status=CaseStatus.OPEN
    )
    return list_records(actor, queryset, purpose="Viewed team caseload")
