"""`cairn keys generate` prints a new field key; `cairn keys rotate` re-encrypts every field."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record
from cairn.core.crypto import PREFIX, encrypted_fields, rotate


class Command(BaseCommand):
    help = "Field-encryption keys: 'generate' a new key, or 'rotate' all data to the first key."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("generate", help="Print a new key to put first in CAIRN_FIELD_KEYS")
        sub.add_parser("rotate", help="Re-encrypt every encrypted field with the first key")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "generate":
            self.stdout.write(Fernet.generate_key().decode())
            return
        if action != "rotate":
            raise CommandError(f"Unknown action {action}")
        counts: dict[str, int] = {}
        quote = connection.ops.quote_name
        # One transaction: either every value moves to the new key or none does.
        with transaction.atomic(), connection.cursor() as cursor:
            for model, field_name in encrypted_fields():
                table = quote(str(model._meta.db_table))
                field = model._meta.get_field(field_name)
                assert isinstance(field, models.Field) and model._meta.pk is not None
                column = quote(str(field.column))
                pk_column = quote(str(model._meta.pk.column))
                # The stored ciphertext is read and written as it is, bypassing the field.
                cursor.execute(f"SELECT {pk_column}, {column} FROM {table}")  # noqa: S608
                rotated = [
                    (rotate(stored), pk)
                    for pk, stored in cursor.fetchall()
                    if stored and stored.startswith(PREFIX)
                ]
                cursor.executemany(
                    f"UPDATE {table} SET {column} = %s WHERE {pk_column} = %s",  # noqa: S608
                    rotated,
                )
                counts[f"{model._meta.label}.{field_name}"] = len(rotated)
                self.stdout.write(f"{model._meta.label}.{field_name}: {len(rotated)} re-encrypted")
            audit_record(
                actor=Actor.system(),
                action=Action.ALTERATION,
                summary="Rotated field-encryption keys",
                detail={"reencrypted": counts},
            )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {sum(counts.values())} values use the first key.")
        )
