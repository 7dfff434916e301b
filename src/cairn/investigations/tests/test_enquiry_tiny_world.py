"""Lines of enquiry on the generated `tiny` world, loaded, linked and built into a network once
for this module: they include the world's known phone and vehicle links (its ground truth),
and never put a young person before someone outside their need-to-know."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from cairn.access.actor import Actor
from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.queries import scope
from cairn.access.tests.factories import UserFactory
from cairn.intelligence.normalise import NotNormalisable, normalise_phone
from cairn.investigations.enquiry.queries import lines_of_enquiry
from cairn.investigations.enquiry.services import lines_of_enquiry_refresh
from cairn.investigations.models import Investigation, LineOfEnquiryKind
from cairn.linkage.services import link_run
from cairn.networks.services import network_rebuild
from cairn.world.generator import generate
from cairn.world.services import bundle_load
from cairn.youngpeople.models import YoungPerson

SYSTEM = Actor.system()
Known = dict[str, set[str]]


def _rows(bundle: Path, name: str) -> list[dict[str, str]]:
    with (bundle / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _known_links(bundle: Path) -> tuple[Known, Known]:
    """Per investigation, the phones (E.164) and vehicles (registrations) its ground truth names
    in a report with one of its victims and one of its suspects."""
    truth = {
        (row["resource"], row["record_id"]): row["entity_id"]
        for row in _rows(bundle / "truth", "mentions")
    }
    value = {row["entity_id"]: row["value"] for row in _rows(bundle / "truth", "entities")}
    child = {
        row["young_person_id"]: row["entity_id"] for row in _rows(bundle / "truth", "children")
    }
    people: dict[str, set[str]] = defaultdict(set)
    for row in _rows(bundle, "report_person_mentions"):
        people[row["report_id"]].add(truth[("report_person_mentions", row["mention_id"])])
    suspects: dict[str, set[str]] = defaultdict(set)
    for row in _rows(bundle, "investigation_suspects"):
        suspects[row["investigation_id"]].add(truth[("investigation_suspects", row["suspect_id"])])
    victims: dict[str, set[str]] = defaultdict(set)
    for row in _rows(bundle, "investigation_victims"):
        victims[row["investigation_id"]].add(child[row["young_person_id"]])
    phones: Known = defaultdict(set)
    vehicles: Known = defaultdict(set)
    for resource, known, field in (
        ("report_phone_mentions", phones, "phone"),
        ("report_vehicle_mentions", vehicles, "vehicle"),
    ):
        for row in _rows(bundle, resource):
            named = people[row["report_id"]]
            entity = value[truth[(resource, row["mention_id"])]]
            for investigation, suspected in suspects.items():
                if named & suspected and named & victims[investigation]:
                    if field == "phone":
                        try:
                            known[investigation].add(normalise_phone(entity))
                        except NotNormalisable:
                            continue
                    else:
                        known[investigation].add(entity.split()[0])
    return phones, vehicles


@pytest.fixture(scope="module")
def tiny(
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: None,
    django_db_blocker: pytest.FixtureRequest,
) -> Iterator[Path]:
    """The tiny world loaded, linked, built into a network and its lines of enquiry found;
    rolled back after the module."""
    bundle = generate("tiny", 7, tmp_path_factory.mktemp("tiny") / "bundle").out
    with django_db_blocker.unblock(), override_settings(CAIRN_DEMO=True), transaction.atomic():  # type: ignore[attr-defined]
        _fresh_ids()
        bundle_load(actor=SYSTEM, directory=bundle)
        link_run(actor=SYSTEM)
        network_rebuild(actor=SYSTEM)
        for investigation in Investigation.objects.all():
            lines_of_enquiry_refresh(SYSTEM, investigation=investigation)
        yield bundle
        transaction.set_rollback(True)


def _fresh_ids() -> None:
    """Give the world the ids a fresh database would (SQLite does; PostgreSQL's sequences keep
    counting past earlier tests' rolled-back rows). The linkage model's training reads the
    mentions in id order, so other ids can move a borderline mention between two people, and
    this small world has only a handful of links to find."""
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _suggested(kind: str, subject: str) -> Known:
    found: Known = defaultdict(set)
    for investigation in Investigation.objects.all():
        for line in investigation.lines_of_enquiry.filter(kind=kind).select_related(
            "phone", "vehicle"
        ):
            thing = line.phone.e164 if subject == "phone" else line.vehicle.registration
            found[investigation.external_id].add(thing)
    return found


def _pairs(links: Known) -> set[tuple[str, str]]:
    return {(investigation, thing) for investigation, things in links.items() for thing in things}


@pytest.mark.django_db
def test_lines_of_enquiry_include_the_worlds_known_phone_and_vehicle_links(tiny: Path) -> None:
    phones, vehicles = _known_links(tiny)
    suggested_phones = _pairs(_suggested(LineOfEnquiryKind.CALL_DATA, "phone"))
    suggested_vehicles = _pairs(_suggested(LineOfEnquiryKind.ANPR, "vehicle"))
    assert _pairs(phones) & suggested_phones
    assert _pairs(vehicles) & suggested_vehicles


@pytest.mark.django_db
def test_no_young_person_is_put_before_someone_outside_their_need_to_know(
    tiny: Path, sign_in: Callable[[User], Client]
) -> None:
    investigation = Investigation.objects.filter(
        lines_of_enquiry__kind=LineOfEnquiryKind.YOUNG_PERSON
    ).first()
    assert investigation is not None
    officer = UserFactory(roles=[Role.INVESTIGATOR.value], team=investigation.team)
    visible = set(scope(officer, YoungPerson.objects.all()).values_list("pk", flat=True))
    suggested = set(
        investigation.lines_of_enquiry.filter(kind=LineOfEnquiryKind.YOUNG_PERSON).values_list(
            "young_person_id", flat=True
        )
    )
    hidden = suggested - visible
    assert hidden, "the world should suggest a young person this officer may not see"
    view = lines_of_enquiry(Actor(user=officer), investigation)
    shown = {item.line.young_person_id for item in view.all if item.line.young_person_id}
    assert shown <= visible
    client = sign_in(officer)
    page = client.get(reverse("investigations:enquiries", args=[investigation.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    for young_person in YoungPerson.objects.filter(pk__in=hidden):
        assert young_person.reference not in text
        assert young_person.full_name not in text
