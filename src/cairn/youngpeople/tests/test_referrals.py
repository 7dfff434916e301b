"""Referral pages: making a referral with the possible-duplicate check, the screening queue,
the screening decision, bad input, and who may do what."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cairn.access.models import LawfulBasis, RecordShare
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory, TeamFactory, share_with_team
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.models import Referral, ReferralStatus, Urgency, YoungPerson
from cairn.youngpeople.names import phonetic_key
from cairn.youngpeople.queries.chronology import chronology
from cairn.youngpeople.services.record import refresh_name_keys
from cairn.youngpeople.tests.factories import YoungPersonFactory
from cairn.youngpeople.tests.factories_referrals import ReferralFactory

pytestmark = pytest.mark.django_db

LIST = "/young-people/referrals/"
NEW = "/young-people/referrals/new/"
CHECK = "/young-people/referrals/check/"


@pytest.fixture
def hub():
    """The receiving team: a children's charity's exploitation team."""
    return TeamFactory(
        name="Exploitation Hub", organisation=OrganisationFactory(name="Synthetic Charity")
    )


@pytest.fixture
def police():
    """The referrer's team, in another organisation."""
    return TeamFactory(
        name="Child Protection Unit", organisation=OrganisationFactory(name="Synthetic Police")
    )


@pytest.fixture
def worker(hub, make_user):
    return make_user(Role.PRACTITIONER, team=hub, first_name="Priya", last_name="Shah")


@pytest.fixture
def officer(police, make_user):
    return make_user(
        Role.INVESTIGATOR,
        team=police,
        first_name="Dana",
        last_name="Officer",
        email="dana.officer@example.invalid",
    )


def known_child(team, **fields) -> YoungPerson:
    """A record held by `team`, with the name keys the duplicate check reads."""
    young_person = YoungPersonFactory(holding_team=team, **fields)
    refresh_name_keys(young_person)
    return young_person


def referral_data(team, **changes):
    data = {
        "receiving_team": team.pk,
        "referrer_name": "Dana Officer",
        "referrer_organisation": "Synthetic Police",
        "referrer_contact": "dana.officer@example.invalid",
        "given_name": "Kaylee",
        "family_name": "Smith",
        "aliases": "Kay, KK",
        "date_of_birth": "2011-05-17",
        "estimated_age": "",
        "phone": "07700 900123",
        "area": "Northside",
        "reason": "Seen getting into cars driven by older men outside school.",
        "concerns": ["going_missing", "cars_unknown_adults", "low_self_esteem"],
        "urgency": Urgency.URGENT,
        "consent": "not_sought",
        "lawful_basis": LawfulBasis.SAFEGUARDING,
    }
    data.update(changes)
    return data


def consultations_by(user):
    return AuditEntry.objects.filter(action=Action.CONSULTATION, user=user)


# Making a referral


def test_the_form_is_prefilled_with_the_referrer_and_offers_the_tools_indicators_in_groups(
    officer, sign_in
):
    response = sign_in(officer).get(NEW)

    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="Dana Officer"' in body
    assert 'value="Synthetic Police"' in body
    assert 'value="dana.officer@example.invalid"' in body
    for heading in ("Vulnerabilities", "Moderate indicators (last 6 months)", "Going missing"):
        assert heading in body
    assert 'value="owner"' not in body
    assert "Check for an existing record" in body


def test_a_referral_is_saved_shared_with_the_receiving_team_and_the_referrer_and_logged(
    hub, officer, worker, sign_in
):
    response = sign_in(officer).post(NEW, referral_data(hub))

    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{referral.pk}/"
    assert (referral.given_name, referral.family_name, referral.aliases) == (
        "Kaylee",
        "Smith",
        "Kay, KK",
    )
    assert referral.phone == "+447700900123"
    assert referral.concerns == ["cars_unknown_adults", "going_missing", "low_self_esteem"]
    assert referral.reason == "Seen getting into cars driven by older men outside school."
    assert referral.status == ReferralStatus.AWAITING_SCREENING
    assert referral.referred_by == officer
    assert AuditEntry.objects.get(action=Action.COLLECTION).record_ids == [str(referral.pk)]
    # The referrer follows it; the receiving team sees it in its queue.
    assert sign_in(officer).get(response["Location"]).status_code == 200
    queue = sign_in(worker).get(LIST).content.decode()
    assert referral.reference in queue and "Kaylee Smith" in queue


def test_the_referral_page_shows_concerns_by_their_wording(hub, worker, sign_in):
    referral = ReferralFactory(
        receiving_team=hub, concerns=["going_missing", "cars_unknown_adults"]
    )

    body = sign_in(worker).get(f"{LIST}{referral.pk}/").content.decode()

    assert "Going missing" in body
    assert "Getting into cars driven by unknown adults" in body
    assert "cars_unknown_adults" not in body


def test_the_duplicate_check_shows_another_teams_match_only_as_reference_and_holder(
    hub, officer, make_user, sign_in
):
    elsewhere = TeamFactory(
        name="Safeguarding Team", organisation=OrganisationFactory(name="Synthetic Council")
    )
    hidden = known_child(
        elsewhere,
        given_name="Kayleigh",
        family_name="Smyth",
        date_of_birth=date(2011, 5, 17),
        area="Docklands",
        phone="+447700900999",
    )

    response = sign_in(officer).get(
        CHECK,
        {"given_name": "Kaylee", "family_name": "Smith", "date_of_birth": "2011-05-17"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert hidden.reference in body
    assert "held by Safeguarding Team (Synthetic Council)" in body
    assert "same date of birth" in body
    for secret in ("Kayleigh", "Smyth", "Docklands", "17 May 2011", "900999", "Synthetic summary"):
        assert secret not in body
    assert f'value="{hidden.pk}"' not in body
    assert "None of these is this child" in body
    assert not consultations_by(officer).filter(record_ids__icontains=f'"{hidden.pk}"').exists()


def test_the_duplicate_check_shows_a_visible_records_details_and_logs_the_look(
    hub, police, officer, sign_in
):
    visible = known_child(
        hub,
        given_name="Kayleigh",
        family_name="Smyth",
        date_of_birth=date(2011, 5, 17),
        area="Docklands",
    )
    share_with_team(visible, police, LawfulBasis.SAFEGUARDING)

    response = sign_in(officer).get(
        CHECK, {"given_name": "Kaylee", "family_name": "Smith", "estimated_age": "14"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert f"This is Kayleigh Smyth ({visible.reference})" in body
    assert "Born 17 May 2011, Docklands" in body
    assert "Held by Exploitation Hub (Synthetic Charity)" in body
    assert f'name="existing_young_person" type="radio" value="{visible.pk}"' in body
    entry = consultations_by(officer).get(summary="Possible-duplicate check while referring")
    assert entry.record_ids == [str(visible.pk)]


def test_the_duplicate_check_says_so_when_nothing_matches(officer, sign_in):
    response = sign_in(officer).get(CHECK, {"given_name": "Zebedee", "family_name": "Quorn"})

    assert response.status_code == 200
    assert "No existing record matches these details." in response.content.decode()


def test_a_referral_with_a_possible_match_is_refused_until_the_referrer_answers(
    hub, police, officer, sign_in
):
    hidden = known_child(hub, given_name="Kayleigh", family_name="Smyth")
    client = sign_in(officer)

    refused = client.post(NEW, referral_data(hub))

    body = refused.content.decode()
    assert refused.status_code == 400
    assert "There is a problem" in body
    assert "choose the record that is this child, or confirm that none of these is" in body
    assert 'href="#id_existing_young_person"' in body and 'id="id_existing_young_person"' in body
    assert hidden.reference in body and "Kayleigh" not in body
    assert not Referral.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.COLLECTION).exists()

    accepted = client.post(NEW, referral_data(hub, existing_young_person="different"))

    assert accepted.status_code == 302
    referral = Referral.objects.get()
    assert referral.confirmed_different and referral.young_person is None


def test_the_referrer_can_link_a_record_they_can_see_and_screening_preselects_it(
    hub, police, officer, worker, sign_in
):
    visible = known_child(hub, given_name="Kayleigh", family_name="Smyth")
    share_with_team(visible, police, LawfulBasis.SAFEGUARDING)

    response = sign_in(officer).post(NEW, referral_data(hub, existing_young_person=visible.pk))

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.young_person == visible and not referral.confirmed_different
    screening = sign_in(worker).get(f"{LIST}{referral.pk}/").content.decode()
    chosen = re.search(r'<input[^>]*name="record"[^>]*checked[^>]*>', screening)
    assert chosen is not None and f'value="{visible.pk}"' in chosen.group()
    assert "the referrer says this is the same child" in screening


def test_linking_a_record_the_referrer_cannot_see_is_refused(hub, officer, sign_in):
    hidden = known_child(hub, given_name="Kayleigh", family_name="Smyth")

    response = sign_in(officer).post(NEW, referral_data(hub, existing_young_person=hidden.pk))

    assert response.status_code == 400
    assert "Choose one of the records shown" in response.content.decode()
    assert not Referral.objects.exists()


def test_checking_without_javascript_shows_matches_and_saves_nothing(hub, police, officer, sign_in):
    visible = known_child(hub, given_name="Kayleigh", family_name="Smyth")
    share_with_team(visible, police, LawfulBasis.SAFEGUARDING)

    response = sign_in(officer).post(NEW, referral_data(hub, reason="", check="1"))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"This is Kayleigh Smyth ({visible.reference})" in body
    assert "There is a problem" not in body
    assert 'value="Kaylee"' in body and 'value="going_missing"' in body
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"date_of_birth": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date_of_birth",
            "Date of birth must be today or in the past",
        ),
        ({"date_of_birth": "1995-01-01"}, "date_of_birth", "must be under 25"),
        ({"date_of_birth": "", "estimated_age": "25"}, "estimated_age", "must be under 25"),
        (
            {"date_of_birth": "", "estimated_age": ""},
            "date_of_birth",
            "Enter a date of birth or an estimated age",
        ),
        ({"concerns": ["going_missing", "made_up_indicator"]}, "concerns", "made_up_indicator"),
        ({"lawful_basis": ""}, "lawful_basis", "Select lawful basis"),
        ({"lawful_basis": "owner"}, "lawful_basis", "not one of the available choices"),
        ({"reason": "  "}, "reason", "Answer the question"),
        ({"phone": "not a phone"}, "phone", "is not a phone number"),
        ({"receiving_team": "999999"}, "receiving_team", "valid choice"),
    ],
    ids=[
        "future date of birth",
        "over 25",
        "estimated 25",
        "no date of birth or age",
        "unknown indicator",
        "no lawful basis",
        "owner is not a basis for sharing",
        "no reason",
        "bad phone",
        "unknown team",
    ],
)
def test_bad_referrals_are_explained_and_nothing_is_saved(
    hub, officer, sign_in, changes, field, message
):
    response = sign_in(officer).post(NEW, referral_data(hub, **changes))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert "There is a problem" in response.content.decode()
    assert not Referral.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.COLLECTION).exists()


# The screening queue


def test_the_queue_shows_the_teams_referrals_most_urgent_then_oldest_first(
    hub, police, worker, sign_in
):
    now = timezone.now()
    old_routine = ReferralFactory(
        receiving_team=hub, given_name="Alpha", received_at=now - timedelta(days=9)
    )
    new_routine = ReferralFactory(
        receiving_team=hub, given_name="Bravo", received_at=now - timedelta(days=1)
    )
    urgent = ReferralFactory(
        receiving_team=hub, given_name="Charlie", urgency=Urgency.URGENT, received_at=now
    )
    immediate = ReferralFactory(
        receiving_team=hub, given_name="Delta", urgency=Urgency.IMMEDIATE, received_at=now
    )
    ReferralFactory(receiving_team=police, given_name="Elsewhere")
    ReferralFactory(receiving_team=hub, given_name="Screened", status=ReferralStatus.ACCEPTED)

    body = sign_in(worker).get(LIST).content.decode()

    order = [body.index(ref.reference) for ref in (immediate, urgent, old_routine, new_routine)]
    assert order == sorted(order)
    assert "Referrals awaiting screening (4)" in body
    assert "Immediate risk</strong>" in body and "Urgent</strong>" in body
    assert "Elsewhere" not in body and "Screened" not in body
    assert 'aria-current="page">Referrals' in body
    assert f'href="{NEW}"' in body


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_takes_the_same_number_of_queries_however_many_referrals(
    hub, worker, sign_in, django_assert_max_num_queries, count
):
    ReferralFactory.create_batch(count, receiving_team=hub)
    client = sign_in(worker)

    # 15 on SQLite, 16 on PostgreSQL (the audit chain takes a lock): never one per referral.
    with django_assert_max_num_queries(16):
        response = client.get(LIST)

    assert f"Referrals awaiting screening ({count})" in response.content.decode()


def test_the_referrer_sees_referrals_they_made_to_other_teams_and_their_status(
    hub, officer, sign_in
):
    sign_in(officer).post(NEW, referral_data(hub))

    body = sign_in(officer).get(LIST).content.decode()

    assert "Referrals you made to other teams (1)" in body
    assert "Awaiting screening" in body


# Screening


def screen(client, referral, **data):
    return client.post(f"{LIST}{referral.pk}/screen/", data)


def test_accepting_creates_a_record_shared_with_the_team_allocates_it_and_adds_the_chronology(
    hub, worker, sign_in
):
    referral = ReferralFactory(
        receiving_team=hub, given_name="Mia", aliases="Mimi, M", phone="+447700900123"
    )

    response = screen(
        sign_in(worker),
        referral,
        decision="accepted",
        reason="Meets the threshold: significant indicators.",
        key_worker=worker.pk,
        record="new",
    )

    young_person = YoungPerson.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/young-people/{young_person.pk}/"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.young_person == young_person and referral.decided_by == worker
    assert (young_person.full_name, young_person.holding_team, young_person.key_worker) == (
        "Mia Testchild",
        hub,
        worker,
    )
    assert sorted(young_person.aliases.values_list("name", flat=True)) == ["M", "Mimi"]
    assert (
        RecordShare.objects.active()
        .filter(
            content_type=ContentType.objects.get_for_model(YoungPerson),
            object_id=young_person.pk,
            team=hub,
        )
        .exists()
    )
    titles = [event.title for event in chronology(young_person)]
    assert "Referral received from Synthetic Academy" in titles
    assert "Referral screened: Accepted and allocated" in titles
    assert "Allocated to Priya Shah" in titles
    assert sign_in(worker).get(response["Location"]).status_code == 200


def test_accepting_can_attach_to_an_existing_record_adding_the_names_the_referrer_used(
    hub, worker, sign_in
):
    existing = known_child(hub, given_name="Kayleigh", family_name="Smyth")
    referral = ReferralFactory(
        receiving_team=hub,
        given_name="Kaylee",
        family_name="Smith",
        aliases="Princess",
        date_of_birth=existing.date_of_birth,
    )
    client = sign_in(worker)
    page = client.get(f"{LIST}{referral.pk}/").content.decode()
    assert f"Attach to Kayleigh Smyth ({existing.reference})" in page

    response = screen(
        client,
        referral,
        decision="accepted",
        reason="Already known to us.",
        key_worker=worker.pk,
        record=existing.pk,
    )

    assert response.status_code == 302 and response["Location"] == f"/young-people/{existing.pk}/"
    assert YoungPerson.objects.count() == 1
    referral.refresh_from_db()
    assert referral.young_person == existing
    assert sorted(existing.aliases.values_list("name", flat=True)) == ["Kaylee Smith", "Princess"]
    existing.refresh_from_db()
    assert existing.key_worker == worker
    assert phonetic_key("Princess") in existing.name_keys.split()


@pytest.mark.parametrize("decision", ["signposted", "nfa"])
def test_signposting_or_no_further_action_needs_a_reason_and_creates_no_record(
    hub, worker, sign_in, decision
):
    referral = ReferralFactory(receiving_team=hub)
    client = sign_in(worker)

    refused = screen(client, referral, decision=decision, reason="")

    assert refused.status_code == 400
    assert "Enter reason for the decision" in refused.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_SCREENING

    done = screen(client, referral, decision=decision, reason="Better met by the youth service.")

    assert done.status_code == 302 and done["Location"] == LIST
    referral.refresh_from_db()
    assert referral.status == decision
    assert referral.decision_reason == "Better met by the youth service."
    assert not YoungPerson.objects.exists()


def test_accepting_needs_a_key_worker(hub, worker, sign_in):
    referral = ReferralFactory(receiving_team=hub)

    response = screen(sign_in(worker), referral, decision="accepted", reason="Meets threshold.")

    assert response.status_code == 400
    assert "Choose a key worker to allocate the case to" in response.content.decode()
    assert not YoungPerson.objects.exists()


def test_a_screened_referral_cannot_be_screened_again(hub, worker, sign_in):
    referral = ReferralFactory(receiving_team=hub, status=ReferralStatus.SIGNPOSTED)

    response = screen(sign_in(worker), referral, decision="nfa", reason="Changed my mind.")

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SIGNPOSTED
    assert (
        "Screen this referral" not in sign_in(worker).get(f"{LIST}{referral.pk}/").content.decode()
    )


# Who may do what


@pytest.mark.parametrize("url", [LIST, NEW, CHECK + "?given_name=Kay"])
def test_anonymous_users_are_sent_to_sign_in(url, client):
    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
@pytest.mark.parametrize("url", [LIST, NEW, CHECK + "?given_name=Kay"])
def test_roles_without_casework_are_refused(hub, make_user, sign_in, role, url):
    response = sign_in(make_user(role, team=hub)).get(url)

    assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_roles_without_casework_cannot_refer(hub, make_user, sign_in, role):
    response = sign_in(make_user(role, team=hub)).post(NEW, referral_data(hub))

    assert response.status_code == 403
    assert not Referral.objects.exists()


@pytest.mark.parametrize("suffix", ["", "screen/"])
def test_anonymous_users_cannot_open_or_screen_a_referral(hub, client, suffix):
    referral = ReferralFactory(receiving_team=hub)

    response = client.post(f"{LIST}{referral.pk}/{suffix}", {"decision": "nfa", "reason": "x"})

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_SCREENING


@pytest.mark.parametrize("suffix", ["", "screen/"])
def test_another_teams_practitioner_sees_only_the_restricted_stub(
    hub, other_team, make_user, sign_in, suffix
):
    referral = ReferralFactory(receiving_team=hub, given_name="Noor", family_name="Hidden")
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    client = sign_in(outsider)

    viewed = client.get(f"{LIST}{referral.pk}/{suffix}")
    posted = client.post(f"{LIST}{referral.pk}/screen/", {"decision": "nfa", "reason": "Mine."})

    body = viewed.content.decode()
    assert viewed.status_code == 403 and posted.status_code == 403
    assert "Restricted record" in body and referral.reference in body
    assert "Noor" not in body and "Hidden" not in body and "cars" not in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_SCREENING
    assert not consultations_by(outsider).exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
@pytest.mark.parametrize("suffix", ["", "screen/"])
def test_same_team_roles_without_casework_cannot_open_or_screen(
    hub, make_user, sign_in, role, suffix
):
    referral = ReferralFactory(receiving_team=hub)
    user = make_user(role, team=hub)

    viewed = sign_in(user).get(f"{LIST}{referral.pk}/{suffix}")
    posted = sign_in(user).post(f"{LIST}{referral.pk}/screen/", {"decision": "nfa", "reason": "x"})

    assert viewed.status_code == 403 and posted.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_SCREENING
    assert not consultations_by(user).exists()


def test_the_referrer_follows_the_referral_but_only_the_receiving_team_screens_it(
    hub, officer, worker, sign_in
):
    sign_in(officer).post(NEW, referral_data(hub))
    referral = Referral.objects.get()

    page = sign_in(officer).get(f"{LIST}{referral.pk}/")
    posted = screen(sign_in(officer), referral, decision="nfa", reason="Not my call.")

    assert page.status_code == 200 and "Screen this referral" not in page.content.decode()
    assert posted.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.AWAITING_SCREENING
    receiving = sign_in(worker).get(f"{LIST}{referral.pk}/")
    assert "Screen this referral" in receiving.content.decode()
    assert consultations_by(worker).filter(summary="Viewed referral").exists()
