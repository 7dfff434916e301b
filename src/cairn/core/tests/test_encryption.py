"""Encrypted free text: ciphertext at rest, plaintext through the ORM, and key rotation."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.models import YoungPerson
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db

DISCLOSURE = "Told her teacher about the man at the takeaway."


def stored_summary(young_person: YoungPerson) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT summary FROM youngpeople_youngperson WHERE id = %s", [young_person.pk]
        )
        return cursor.fetchone()[0]


def test_encrypted_text_is_ciphertext_in_the_database_and_text_through_the_orm():
    young_person = YoungPersonFactory(summary=DISCLOSURE)

    raw = stored_summary(young_person)

    assert raw.startswith("fernet:")
    assert "takeaway" not in raw
    assert YoungPerson.objects.get(pk=young_person.pk).summary == DISCLOSURE


def test_rotating_keys_re_encrypts_everything_for_the_new_key_alone(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CAIRN_FIELD_KEYS = [old_key]
    records = [YoungPersonFactory(summary=f"{DISCLOSURE} {n}") for n in range(3)]
    empty = YoungPersonFactory(summary="")
    before = [stored_summary(record) for record in records]

    settings.CAIRN_FIELD_KEYS = [new_key, old_key]
    out = StringIO()
    call_command("keys", "rotate", stdout=out)
    settings.CAIRN_FIELD_KEYS = [new_key]

    assert "youngpeople.YoungPerson.summary: 3 re-encrypted" in out.getvalue()
    assert [stored_summary(record) for record in records] != before
    assert [YoungPerson.objects.get(pk=r.pk).summary for r in records] == [
        f"{DISCLOSURE} {n}" for n in range(3)
    ]
    assert YoungPerson.objects.get(pk=empty.pk).summary == ""
    entry = AuditEntry.objects.filter(action=Action.ALTERATION).last()
    assert entry.summary == "Rotated field-encryption keys"
    reencrypted = entry.detail["reencrypted"]
    assert reencrypted["youngpeople.YoungPerson.summary"] == 3
    assert sum(reencrypted.values()) == 3


def test_a_missing_key_gives_a_clear_error(settings):
    settings.CAIRN_FIELD_KEYS = [Fernet.generate_key().decode()]
    young_person = YoungPersonFactory(summary=DISCLOSURE)
    settings.CAIRN_FIELD_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ValueError, match="a key it was written with is missing"):
        YoungPerson.objects.get(pk=young_person.pk)


def test_keys_generate_prints_a_usable_key():
    out = StringIO()

    call_command("keys", "generate", stdout=out)

    key = out.getvalue().strip()
    assert Fernet(key.encode()).decrypt(Fernet(key.encode()).encrypt(b"x")) == b"x"
