"""Need-to-know on the young person's record: holders see it, others see only a stub."""

from __future__ import annotations

import pytest

from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db


def test_holding_team_member_sees_the_record_and_the_view_is_audited(team, make_user, sign_in):
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")
    practitioner = make_user(Role.PRACTITIONER, team=team)

    response = sign_in(practitioner).get(f"/young-people/{young_person.pk}/")

    assert response.status_code == 200
    assert "Ellie Testchild" in response.content.decode()
    entry = AuditEntry.objects.filter(action=Action.CONSULTATION).last()
    assert entry.user == practitioner
    assert entry.record_ids == [str(young_person.pk)]


def test_other_team_sees_only_the_restricted_stub(team, other_team, make_user, sign_in):
    young_person = YoungPersonFactory(holding_team=team, given_name="Ellie")
    outsider = make_user(Role.PRACTITIONER, team=other_team)

    response = sign_in(outsider).get(f"/young-people/{young_person.pk}/")

    body = response.content.decode()
    assert response.status_code == 403
    assert "Restricted record" in body
    assert young_person.reference in body
    assert "Ellie" not in body and "Testchild" not in body
    assert not AuditEntry.objects.filter(
        action=Action.CONSULTATION, record_ids__icontains=f'"{young_person.pk}"'
    ).exists()
