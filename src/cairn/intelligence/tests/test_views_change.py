"""Changing a report and linking young people from its page: who may, and what is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cairn.access.models import Team, User
from cairn.access.permissions import Role
from cairn.audit.models import Action, AuditEntry
from cairn.intelligence.models import IntelligenceReport, ReportYoungPerson
from cairn.intelligence.tests.factories import IntelligenceReportFactory
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.django_db
SignIn = Callable[[User], Client]


def _change(report: IntelligenceReport, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": report.version,
        "reported_at": "2026-03-01T21:30",
        "source_type": "hotel_staff",
        "source_evaluation": "2",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "narrative": "Synthetic: corrected narrative",
    }
    data.update(overrides)
    return data


def test_anonymous_and_outsiders_cannot_change_or_link(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    report = IntelligenceReportFactory(owning_team=team)
    young_person = YoungPersonFactory(holding_team=team)
    edit, link = (
        reverse("intelligence:edit", args=[report.pk]),
        reverse("intelligence:link", args=[report.pk]),
    )
    assert Client().get(edit).status_code == 302
    assert Client().post(link, {"young_person": young_person.reference}).status_code == 302
    outsider = make_user(Role.ANALYST, team=other_team)
    assert sign_in(outsider).get(edit).status_code == 403
    assert sign_in(outsider).post(edit, _change(report)).status_code == 403
    assert sign_in(outsider).post(link, {"young_person": young_person.reference}).status_code == 403
    auditor = make_user(Role.AUDITOR, team=team)
    assert sign_in(auditor).post(edit, _change(report)).status_code == 403
    assert sign_in(auditor).post(link, {"young_person": young_person.reference}).status_code == 403
    assert IntelligenceReport.objects.get().version == 1
    assert not ReportYoungPerson.objects.exists()
    assert not AuditEntry.objects.filter(
        user__in=[outsider, auditor], action=Action.CONSULTATION
    ).exists()


def test_the_team_changes_a_report_and_a_stale_change_gets_409(
    make_user: Callable[..., User], sign_in: SignIn, team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    report = IntelligenceReportFactory(owning_team=team)
    edit = reverse("intelligence:edit", args=[report.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, _change(report)).status_code == 302
    changed = IntelligenceReport.objects.get()
    assert (changed.intelligence_assessment, changed.version) == ("A", 2)
    stale = client.post(edit, _change(report, version=1, intelligence_assessment="C"))
    assert stale.status_code == 409
    assert "Someone else changed" in stale.content.decode()
    refused = client.post(edit, _change(changed, source_evaluation="E"))
    assert refused.status_code == 400
    assert "Source evaluation must be 1, 2 or 3" in refused.content.decode()
    assert IntelligenceReport.objects.get().intelligence_assessment == "A"


def test_linking_from_the_report_page_needs_a_young_person_shared_with_the_user(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    client = sign_in(make_user(Role.PRACTITIONER, team=team))
    report = IntelligenceReportFactory(owning_team=team)
    link = reverse("intelligence:link", args=[report.pk])
    hidden = YoungPersonFactory(holding_team=other_team)
    for reference in (hidden.reference, "YP-999999"):
        refused = client.post(link, {"young_person": reference})
        assert refused.status_code == 400
        assert "No young person with that reference is shared with you" in refused.content.decode()
    assert client.post(link, {"young_person": "Tiger"}).status_code == 400
    assert not ReportYoungPerson.objects.exists()
    ours = YoungPersonFactory(holding_team=team)
    assert client.post(link, {"young_person": ours.reference}).status_code == 302
    assert list(report.young_people.all()) == [ours]
    chronology = client.get(reverse("youngpeople:chronology", args=[ours.pk])).content.decode()
    assert f"Intelligence report {report.reference} (graded 2B P)" in chronology


def test_the_capture_form_links_only_young_people_shared_with_the_user(
    make_user: Callable[..., User], sign_in: SignIn, team: Team, other_team: Team
) -> None:
    client = sign_in(make_user(Role.ANALYST, team=team))
    hidden = YoungPersonFactory(holding_team=other_team)
    data = {
        "owning_team": team.pk,
        "reported_at": "2026-03-01T21:30",
        "source_type": "teacher",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "narrative": "Synthetic narrative",
        "young_people": hidden.reference,
        "action": "save",
    }
    for prefix in ("people", "phones", "vehicles", "locations", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"}
    refused = client.post(reverse("intelligence:create"), data)
    assert refused.status_code == 400
    assert f"No young person {hidden.reference} is shared with you" in refused.content.decode()
    missing = client.post(reverse("intelligence:create"), data | {"young_people": "YP-999999"})
    assert "No young person YP-999999 is shared with you" in missing.content.decode()
    assert not IntelligenceReport.objects.exists()
