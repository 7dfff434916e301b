"""Every investigation page, filled with a small case, passes axe-core's WCAG 2.2 AA checks with
no CSP errors and reflows; so do the error states of the forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.investigations.tests.factories import (
    EvidenceItemFactory,
    IncidentFactory,
    InvestigationFactory,
    KeyDateFactory,
    OffenceFactory,
    OutcomeFactory,
    PoliceTeamFactory,
    SuspectFactory,
    VictimFactory,
    WitnessFactory,
)
from cairn.youngpeople.tests.factories import YoungPersonFactory

pytestmark = pytest.mark.browser


def test_every_page_of_a_case_passes_the_checks(
    make_user: Callable[..., User],
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    team = PoliceTeamFactory()
    investigator = make_user(Role.INVESTIGATOR, team=team)
    investigation = InvestigationFactory(team=team, officer_in_charge=investigator)
    key_date = KeyDateFactory(investigation=investigation)
    seen = VictimFactory(
        investigation=investigation, young_person=YoungPersonFactory(holding_team=team)
    )
    VictimFactory(investigation=investigation, young_person=YoungPersonFactory())  # restricted
    witness = WitnessFactory(investigation=investigation)
    suspect = SuspectFactory(investigation=investigation)
    incident = IncidentFactory(investigation=investigation, suspects=[suspect], victims=[seen])
    offence = OffenceFactory(incident=incident, suspect=suspect)
    item = EvidenceItemFactory(
        investigation=investigation, suspects=[suspect], incidents=[incident]
    )
    EvidenceItemFactory(
        investigation=investigation, type_code="cctv", source="third_party", suspects=[suspect]
    )
    served = EvidenceItemFactory(investigation=investigation, status="served")
    outcome = OutcomeFactory(suspect=suspect, number=16)
    sign_in_browser(investigator)
    page.set_default_timeout(30_000)
    base = f"/investigations/{investigation.pk}"

    for url in [
        "/investigations/?show=mine",
        "/investigations/?status=open&offence=child_sexual_exploitation&q=OP-1",
        "/investigations/?status=lost",
        f"{base}/",
        f"{base}/edit/",
        f"{base}/key-dates/new/",
        f"{base}/suspects/new/",
        f"{base}/suspects/{suspect.pk}/edit/",
        f"{base}/victims/{seen.pk}/edit/",
        f"{base}/victims/{seen.pk}/remove/",
        f"{base}/suspects/{suspect.pk}/remove/",
        f"{base}/witnesses/new/",
        f"{base}/incidents/",
        f"{base}/offences/new/",
        f"{base}/evidence/",
        f"{base}/evidence/new/",
        f"{base}/evidence/{item.pk}/edit/",
        f"{base}/evidence/{item.pk}/status/",
        f"{base}/evidence/{item.pk}/independence/",
        f"{base}/evidence/{item.pk}/remove/",
        f"{base}/evidence/{served.pk}/remove/",
        f"{base}/key-dates/{key_date.pk}/edit/",
        f"{base}/key-dates/{key_date.pk}/remove/",
        f"{base}/witnesses/{witness.pk}/edit/",
        f"{base}/witnesses/{witness.pk}/remove/",
        f"{base}/incidents/{incident.pk}/edit/",
        f"{base}/incidents/{incident.pk}/remove/",
        f"{base}/offences/{offence.pk}/edit/",
        f"{base}/offences/{offence.pk}/remove/",
        f"{base}/matrix/",
        f"{base}/summary/",
        f"{base}/outcomes/",
        f"{base}/outcomes/new/",
        f"{base}/outcomes/{outcome.pk}/edit/",
    ]:
        page.goto(url)
        assert_page_ok()

    page.goto(f"{base}/evidence/{item.pk}/independence/")
    page.get_by_label("Yes, it is independent").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Explain why")
    assert_page_ok()

    page.goto(f"{base}/witnesses/{witness.pk}/remove/")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Explain why this entry is being removed"
    )
    assert_page_ok()
    page.get_by_label("Why are you removing it?").fill("Added to the wrong investigation")
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Witness removed.")
    assert_page_ok()

    page.goto(f"{base}/outcomes/new/")
    page.get_by_label("Suspect").select_option(label=suspect.name_as_recorded)
    page.get_by_label("Home Office outcome type").select_option("1")
    page.get_by_label("Charging decision", exact=True).select_option("charged")
    page.get_by_label("Date of the charging decision").fill("2025-05-01")
    page.get_by_label("Court result", exact=True).select_option("acquitted")
    page.get_by_label("Date of the court result").fill("2025-04-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The court result must not be before the charge"
    )
    assert_page_ok()


def test_another_teams_investigation_shows_only_its_stub(
    make_user: Callable[..., User],
    page: Page,
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    investigation = InvestigationFactory(operation_name="Operation Synthetic Hidden")
    sign_in_browser(make_user(Role.INVESTIGATOR, team=PoliceTeamFactory()))
    page.set_default_timeout(30_000)

    page.goto(f"/investigations/{investigation.pk}/matrix/")

    expect(page.get_by_role("heading", name="Restricted record")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Operation Synthetic Hidden")
    assert_page_ok()
