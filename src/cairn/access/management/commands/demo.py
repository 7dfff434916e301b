"""`cairn demo setup`: synthetic organisations, teams and one account per role, for a demo."""

from __future__ import annotations

import secrets
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cairn.access import services
from cairn.access.actor import Actor
from cairn.access.models import Organisation, OrganisationType, Team, User
from cairn.access.permissions import Role

# Invented organisations for the demo; every name is synthetic.
DEMO_ORGANISATIONS = [
    (
        "Northmoor Police (synthetic)",
        OrganisationType.POLICE_FORCE,
        ["Child Exploitation Team", "Intelligence Unit", "Witness Care"],
    ),
    (
        "Harbourside Children's Charity (synthetic)",
        OrganisationType.CHILDRENS_CHARITY,
        ["Exploitation Service"],
    ),
    (
        "Northmoor Children's Services (synthetic)",
        OrganisationType.LOCAL_AUTHORITY,
        ["Adolescent Safeguarding"],
    ),
]
DEMO_ACCOUNTS = [
    ("practitioner", "Priya", "Keyworker", 1, "Exploitation Service", [Role.PRACTITIONER]),
    ("manager", "Morgan", "Lead", 1, "Exploitation Service", [Role.MANAGER]),
    ("investigator", "Ian", "Detective", 0, "Child Exploitation Team", [Role.INVESTIGATOR]),
    ("analyst", "Ana", "Analyst", 0, "Intelligence Unit", [Role.ANALYST]),
    ("witnesscare", "Wren", "Supporter", 0, "Witness Care", [Role.WITNESS_CARE]),
    ("socialworker", "Sam", "Social-Worker", 2, "Adolescent Safeguarding", [Role.PRACTITIONER]),
    ("auditor", "Aud", "Itor", 0, "Intelligence Unit", [Role.AUDITOR]),
    ("admin", "Ada", "Admin", 0, "Intelligence Unit", [Role.ADMIN]),
]


class Command(BaseCommand):
    help = (
        "Demo set-up: synthetic organisations, teams and one account per role (passwords printed)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("setup", help="Create or refresh the demo accounts; prints new passwords")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if not settings.CAIRN_DEMO:
            raise CommandError("Demo accounts are made only on a demo instance (CAIRN_DEMO=1).")
        actor = Actor.system()
        rows = []
        with transaction.atomic():
            organisations = []
            for name, kind, team_names in DEMO_ORGANISATIONS:
                organisation = Organisation.objects.filter(name=name).first()
                if organisation is None:
                    organisation = services.organisation_create(
                        actor=actor, name=name, organisation_type=kind
                    )
                for team_name in team_names:
                    if not Team.objects.filter(organisation=organisation, name=team_name).exists():
                        services.team_create(actor=actor, organisation=organisation, name=team_name)
                organisations.append(organisation)
            for username, first, last, org_index, team_name, roles in DEMO_ACCOUNTS:
                organisation = organisations[org_index]
                team = Team.objects.get(organisation=organisation, name=team_name)
                password = "-".join(secrets.token_urlsafe(6) for _ in range(3))
                user = User.objects.filter(username=username).first()
                if user is None:
                    services.user_create(
                        actor=actor,
                        username=username,
                        first_name=first,
                        last_name=last,
                        email=f"{username}@example.invalid",
                        organisation=organisation,
                        teams=[team],
                        roles=[role.value for role in roles],
                        password=password,
                    )
                else:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                rows.append(
                    (username, password, ", ".join(role.label for role in roles), str(team))
                )
        self.stdout.write("Demo accounts (synthetic; passwords change each time this runs):")
        width = max(len(row[0]) for row in rows)
        for username, password, role_names, team_name in rows:
            self.stdout.write(f"  {username.ljust(width)}  {password}  {role_names} — {team_name}")
