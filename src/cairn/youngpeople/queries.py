"""Permission-scoped reads of young people's records, each logged as a consultation."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from cairn.access.actor import Actor
from cairn.access.queries import list_records, open_record
from cairn.youngpeople.models import YoungPerson


def _base() -> QuerySet[YoungPerson]:
    return YoungPerson.objects.select_related("holding_team__organisation", "key_worker")


def young_person_open(actor: Actor, pk: int, *, purpose: str = "Viewed record") -> YoungPerson:
    return open_record(actor, _base(), pk, purpose=purpose)


def young_people_list(actor: Actor, *, name: str = "", limit: int = 200) -> Sequence[YoungPerson]:
    queryset = _base()
    terms = name.split()
    for term in terms:
        queryset = queryset.filter(
            Q(given_name__icontains=term)
            | Q(family_name__icontains=term)
            | Q(preferred_name__icontains=term)
        )
    return list_records(
        actor,
        queryset,
        purpose="Searched young people" if terms else "Listed young people",
        search={"name": name} if terms else None,
        limit=limit,
    )
