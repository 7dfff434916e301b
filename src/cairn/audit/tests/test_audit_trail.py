"""The s.62 audit trail: what is logged when records are seen, searched, shared or opened in an
emergency, and that tampering with the hash chain is caught."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cairn.access.actor import Actor
from cairn.access.models import BreakGlassGrant, LawfulBasis, Notification
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.audit.services import audit_record
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

LABEL = "youngpeople.youngperson"


def consultations(user) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(user=user, action=Action.CONSULTATION))


# Consultation -------------------------------------------------------------------------------


def test_viewing_a_record_logs_who_from_where_and_which_record(team, make_user, sign_in):
    young_person = YoungPersonFactory(holding_team=team)
    practitioner = make_user(Role.PRACTITIONER, team=team)

    sign_in(practitioner).get(f"/young-people/{young_person.pk}/", REMOTE_ADDR="192.0.2.7")

    [entry] = consultations(practitioner)
    assert entry.username == practitioner.username
    assert entry.ip_address == "192.0.2.7"
    assert entry.channel == "web"
    assert entry.record_type == LABEL
    assert entry.record_ids == [str(young_person.pk)]


def test_the_list_page_logs_one_consultation_naming_every_record_shown(team, make_user, sign_in):
    shown = [YoungPersonFactory(holding_team=team) for _ in range(3)]
    YoungPersonFactory()  # another team's record, not shown
    practitioner = make_user(Role.PRACTITIONER, team=team)

    sign_in(practitioner).get("/young-people/team/")

    [entry] = consultations(practitioner)
    assert sorted(entry.record_ids) == sorted(str(record.pk) for record in shown)
    assert entry.summary == "Viewed team caseload"


def test_a_search_logs_its_terms_and_the_records_found(team, make_user, sign_in):
    found = YoungPersonFactory(holding_team=team, given_name="Ellie")
    YoungPersonFactory(holding_team=team, given_name="Maya")
    practitioner = make_user(Role.PRACTITIONER, team=team)

    response = sign_in(practitioner).get("/young-people/search/", {"name": "ellie"})

    assert "Ellie" in response.content.decode() and "Maya" not in response.content.decode()
    [entry] = consultations(practitioner)
    assert entry.record_ids == [str(found.pk)]
    assert entry.detail == {"search": {"name": "ellie"}}


def test_a_search_that_finds_nothing_is_still_logged_with_its_terms(team, make_user, sign_in):
    practitioner = make_user(Role.PRACTITIONER, team=team)

    sign_in(practitioner).get("/young-people/search/", {"name": "nobody"})

    [entry] = consultations(practitioner)
    assert entry.record_ids == []
    assert entry.detail == {"search": {"name": "nobody"}}


# Disclosure ---------------------------------------------------------------------------------


def test_sharing_logs_a_disclosure_with_recipient_and_lawful_basis(
    team, other_team, make_user, sign_in
):
    young_person = YoungPersonFactory(holding_team=team)
    practitioner = make_user(Role.PRACTITIONER, team=team)

    response = sign_in(practitioner).post(
        f"/access/records/{LABEL}/{young_person.pk}/share/",
        {
            "team": other_team.pk,
            "lawful_basis": LawfulBasis.SECTION_47,
            "reason": "Joint s.47 enquiry",
        },
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=Action.DISCLOSURE)
    assert entry.user == practitioner
    assert entry.record_ids == [str(young_person.pk)]
    assert entry.detail == {"recipient_team": other_team.pk, "lawful_basis": "ca1989_s47"}
    assert str(other_team) in entry.summary
    assert entry.justification == "Joint s.47 enquiry"


# Break-glass --------------------------------------------------------------------------------

REASON = "Child reported missing tonight; the holding team cannot be reached."


def test_break_glass_is_logged_flagged_to_managers_and_opens_the_record(
    team, other_team, make_user, sign_in, django_capture_on_commit_callbacks, settings
):
    settings.CAIRN_BREAK_GLASS_DURATION = timedelta(hours=2)
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    manager = make_user(Role.MANAGER, team=other_team, email="lead@example.invalid")
    make_user(Role.MANAGER, team=team)  # the holding team's manager is not the outsider's
    client = sign_in(outsider)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/access/records/{LABEL}/{young_person.pk}/break-glass/", {"reason": REASON}
        )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=Action.BREAK_GLASS)
    assert entry.user == outsider
    assert entry.justification == REASON
    assert entry.record_ids == [str(young_person.pk)]
    grant = BreakGlassGrant.objects.get()
    assert timedelta(minutes=119) < grant.expires_at - timezone.now() <= timedelta(hours=2)
    [notification] = Notification.objects.all()
    assert notification.recipient == manager
    assert REASON in notification.body
    [email] = mail.outbox
    assert email.to == ["lead@example.invalid"]
    assert young_person.reference in email.body
    assert "Ellie" not in email.body  # the e-mail names the record, not the child

    opened = client.get(f"/young-people/{young_person.pk}/")
    assert opened.status_code == 200
    assert "Ellie" in opened.content.decode()
    view = AuditEntry.objects.filter(user=outsider, action=Action.CONSULTATION).get()
    assert view.justification == f"Break-glass: {REASON}"

    review_list = sign_in(manager).get("/access/break-glass/")
    assert outsider.display_name in review_list.content.decode()
    assert REASON in review_list.content.decode()


def test_break_glass_needs_a_written_reason(team, other_team, make_user, sign_in):
    young_person = YoungPersonFactory(holding_team=team)
    outsider = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(outsider).post(
        f"/access/records/{LABEL}/{young_person.pk}/break-glass/", {"reason": "urgent"}
    )

    assert response.status_code == 400
    assert "at least 20 characters" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.BREAK_GLASS).exists()


def test_expired_break_glass_no_longer_opens_the_record(team, other_team, make_user, sign_in):
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")
    outsider = make_user(Role.PRACTITIONER, team=other_team)
    BreakGlassGrant.objects.create(
        content_type=ContentType.objects.get_for_model(YoungPerson),
        object_id=young_person.pk,
        user=outsider,
        reason=REASON,
        granted_at=timezone.now() - timedelta(hours=5),
        expires_at=timezone.now() - timedelta(hours=1),
    )

    response = sign_in(outsider).get(f"/young-people/{young_person.pk}/")

    assert response.status_code == 403
    assert "Ellie" not in response.content.decode()
    assert not consultations(outsider)


def test_a_manager_reviews_break_glass_and_the_review_is_logged(
    team, other_team, make_user, sign_in
):
    young_person = YoungPersonFactory(holding_team=other_team)
    practitioner = make_user(Role.PRACTITIONER, team=team)
    manager = make_user(Role.MANAGER, team=team)
    grant = BreakGlassGrant.objects.create(
        content_type=ContentType.objects.get_for_model(YoungPerson),
        object_id=young_person.pk,
        user=practitioner,
        reason=REASON,
        expires_at=timezone.now() + timedelta(hours=1),
    )

    response = sign_in(manager).post(
        f"/access/break-glass/{grant.pk}/review/", {"note": "Proportionate."}
    )

    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == manager and grant.review_note == "Proportionate."
    entry = AuditEntry.objects.get(action=Action.BREAK_GLASS, user=manager)
    assert entry.justification == "Proportionate."
    listing = sign_in(manager).get("/access/break-glass/").content.decode()
    assert f"Reviewed by {manager.display_name}" in listing


# Tamper evidence ------------------------------------------------------------------------------


def write_entries(count: int) -> list[AuditEntry]:
    return [
        audit_record(actor=Actor.system(), action=Action.ADMINISTRATION, summary=f"Entry {n}")
        for n in range(count)
    ]


def behind_the_applications_back(sql: str, params: list[object]) -> None:
    """Run raw SQL as someone with database access would, bypassing the model."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER cairn_audit_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER cairn_audit_append_only")


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_verify_passes_on_an_intact_chain():
    write_entries(5)

    assert "Audit chain intact: 5 entries." in verify()


def test_verify_names_the_first_entry_edited_behind_the_applications_back():
    entries = write_entries(5)
    behind_the_applications_back(
        "UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["Nothing to see", entries[2].pk]
    )

    with pytest.raises(CommandError) as failure:
        verify()

    assert f"broken at entry {entries[2].pk}" in str(failure.value)
    assert "contents were changed" in str(failure.value)
    assert "2 entries before it are intact" in str(failure.value)


def test_verify_catches_a_deleted_middle_entry():
    entries = write_entries(5)
    behind_the_applications_back("DELETE FROM audit_auditentry WHERE id = %s", [entries[2].pk])

    with pytest.raises(CommandError) as failure:
        verify()

    assert f"broken at entry {entries[3].pk}" in str(failure.value)
    assert "link to the previous entry is broken" in str(failure.value)


def test_verify_catches_an_entry_rehashed_to_hide_an_edit():
    entries = write_entries(4)
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.summary = "Forged"
    behind_the_applications_back(
        "UPDATE audit_auditentry SET summary = %s, entry_hash = %s WHERE id = %s",
        ["Forged", forged.compute_hash(), forged.pk],
    )

    with pytest.raises(CommandError) as failure:
        verify()

    assert f"broken at entry {entries[2].pk}" in str(failure.value)


def test_the_cairn_command_exits_non_zero_on_a_broken_chain():
    entries = write_entries(2)
    behind_the_applications_back(
        "UPDATE audit_auditentry SET username = %s WHERE id = %s", ["someone", entries[0].pk]
    )

    with pytest.raises(SystemExit) as exited:
        from cairn.cli import main

        main(["audit", "verify"])

    assert exited.value.code != 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditentry SET summary = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_postgresql_refuses_raw_updates_and_deletes_of_audit_rows(sql):
    [entry] = write_entries(1)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).summary == "Entry 0"


def test_the_model_and_queryset_refuse_to_update_or_delete():
    [entry] = write_entries(1)

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Entry 0"


# Auditor pages ----------------------------------------------------------------------------------


@pytest.fixture
def trail(team, make_user):
    """Two practitioners' activity on two records."""
    alice = make_user(Role.PRACTITIONER, team=team, username="alice")
    bob = make_user(Role.PRACTITIONER, team=team, username="bob")
    first, second = YoungPersonFactory(holding_team=team), YoungPersonFactory(holding_team=team)
    for user, record, action in [
        (alice, first, Action.CONSULTATION),
        (alice, second, Action.ALTERATION),
        (bob, second, Action.CONSULTATION),
    ]:
        audit_record(
            actor=Actor(user=user),
            action=action,
            record_type=LABEL,
            record_ids=[record.pk],
            summary=f"{user.username} {action} {record.reference}",
        )
    return first, second


def shown(response) -> set[str]:
    body = response.content.decode()
    return {
        line
        for line in ("alice consultation", "alice alteration", "bob consultation")
        if line in body
    }


def test_auditor_search_filters_by_user_record_action_and_date(team, make_user, sign_in, trail):
    _first, second = trail
    client = sign_in(make_user(Role.AUDITOR, team=team))
    today = timezone.localdate()

    assert shown(client.get("/audit/", {"user": "alice"})) == {
        "alice consultation",
        "alice alteration",
    }
    assert shown(client.get("/audit/", {"record_type": LABEL, "record_id": second.pk})) == {
        "alice alteration",
        "bob consultation",
    }
    assert shown(client.get("/audit/", {"action": "alteration"})) == {"alice alteration"}
    assert len(shown(client.get("/audit/", {"date_from": today, "date_to": today}))) == 3
    assert shown(client.get("/audit/", {"date_from": today + timedelta(days=1)})) == set()
    assert shown(client.get("/audit/", {"date_to": today - timedelta(days=1)})) == set()


def test_auditor_searches_are_themselves_logged_with_their_terms(team, make_user, sign_in, trail):
    auditor = make_user(Role.AUDITOR, team=team)

    sign_in(auditor).get("/audit/", {"user": "bob", "action": "consultation"})

    entry = AuditEntry.objects.filter(user=auditor).last()
    assert entry.summary == "Searched the audit trail"
    assert entry.detail == {"search": {"user": "bob", "action": "consultation"}}


def test_a_date_range_ending_before_it_starts_is_refused(team, make_user, sign_in):
    client = sign_in(make_user(Role.AUDITOR, team=team))
    today = timezone.localdate()

    response = client.get("/audit/", {"date_from": today, "date_to": today - timedelta(days=1)})

    assert response.status_code == 400
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_who_has_seen_this_record_lists_its_consultations(team, make_user, sign_in):
    young_person = YoungPersonFactory(holding_team=team)
    practitioner = make_user(Role.PRACTITIONER, team=team, username="keyworker")
    sign_in(practitioner).get(f"/young-people/{young_person.pk}/")

    response = sign_in(make_user(Role.AUDITOR, team=team)).get(
        f"/audit/records/{LABEL}/{young_person.pk}/"
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert young_person.reference in body
    assert "keyworker" in body and "Viewed record" in body
