"""The key worker's journey through one child's case, in a browser: a referral is made and
accepted with a key worker, the child's risk is assessed, a missing episode is recorded with its
return-home interview, and a safety plan is made. Every page on the way passes axe, CSP and reflow.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cairn.access.models import User
from cairn.access.permissions import Role
from cairn.access.tests.factories import OrganisationFactory, TeamFactory
from cairn.audit.models import Action, AuditEntry
from cairn.youngpeople.models import (
    InterviewStatus,
    MissingEpisode,
    Referral,
    RiskAssessment,
    SafetyPlan,
    YoungPerson,
)

pytestmark = pytest.mark.browser


def _local(moment: timezone.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_referral_allocation_assessment_missing_episode_and_plan(
    page: Page,
    make_user: Callable[..., User],
    sign_in_browser: Callable[[User], None],
    assert_page_ok: Callable[[], None],
) -> None:
    hub = TeamFactory(
        name="Exploitation Hub", organisation=OrganisationFactory(name="Synthetic Charity")
    )
    worker = make_user(Role.PRACTITIONER, team=hub, first_name="Priya", last_name="Shah")
    sign_in_browser(worker)

    # 1. A referral arrives (here made by the team itself, as after a phone call).
    page.goto("/young-people/referrals/new/")
    assert_page_ok()
    page.get_by_label("Team to refer to").select_option(label="Synthetic Charity: Exploitation Hub")
    page.get_by_label("Given name").fill("Jodie")
    page.get_by_label("Family name").fill("Testperson")
    page.get_by_label("Date of birth").fill("2011-09-03")
    page.get_by_label("Why are you referring them?").fill(
        "Synthetic: seen getting into a silver car outside school with older men."
    )
    page.get_by_label("Getting into cars driven by unknown adults").check()
    page.get_by_label("Going missing").check()
    page.get_by_label("Urgent (within 1 working day)").check()
    page.get_by_label("Young person or carer consents").check()
    page.get_by_label("Lawful basis for sharing this information").select_option(index=1)
    page.get_by_role("button", name="Send referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jodie Testperson")
    assert_page_ok()
    referral = Referral.objects.get()

    # 2. Screening: accept and allocate the key worker.
    page.get_by_label("Accept and allocate").check()
    page.get_by_label("Reason for the decision").fill("Significant indicators present.")
    page.get_by_label("Key worker").select_option(label="Priya Shah")
    page.get_by_role("button", name="Save the decision").click()
    young_person = YoungPerson.objects.get()
    expect(page).to_have_url(
        f"{page.url.split('/young-people/')[0]}/young-people/{young_person.pk}/"
    )
    expect(page.get_by_text("Not assessed")).to_be_visible()
    assert_page_ok()
    referral.refresh_from_db()
    assert referral.young_person == young_person
    assert young_person.key_worker == worker

    # 3. Risk assessment: two significant indicators, current, for a 15-year-old.
    page.get_by_role("link", name="Risk").click()
    assert_page_ok()
    page.get_by_role("link", name="New risk assessment").click()
    assert_page_ok()
    page.get_by_label("Going missing").select_option(label="Current (last 6 months)")
    page.get_by_label("Getting into cars driven by unknown adults").select_option(
        label="Current (last 6 months)"
    )
    page.get_by_label("Staying out late").select_option(label="Present")
    page.get_by_role("button", name="Score and save").click()
    expect(page.get_by_role("heading", name="Risk assessment of")).to_be_visible()
    assert_page_ok()
    assessment = RiskAssessment.objects.get()
    assert (assessment.score, assessment.band) == (11, "moderate")

    # 4. A missing episode, then the return-home interview within 72 hours.
    went = timezone.now() - timedelta(days=2)
    back = went + timedelta(hours=20)
    page.get_by_role("link", name="Missing episodes").click()
    assert_page_ok()
    page.get_by_role("link", name="Record a missing episode").click()
    page.get_by_label("Missing", exact=True).check()
    page.get_by_label("When did it start?").fill(_local(went))
    page.get_by_label("When did they return or were they found? (optional)").fill(_local(back))
    page.get_by_label("Who reported it?").fill("Residential care staff")
    page.get_by_label("Where were they found? (optional)").fill("Synthetic Takeaway, Station Road")
    page.get_by_role("button", name="Save episode").click()
    episode = MissingEpisode.objects.get()
    page.goto(f"/young-people/{young_person.pk}/missing/{episode.pk}/")
    assert_page_ok()
    page.get_by_role("radio", name="Done").check()
    page.get_by_label("When was it offered?").fill(_local(back + timedelta(hours=12)))
    page.get_by_label("When did it take place? (if done)").fill(_local(back + timedelta(hours=14)))
    page.get_by_label("Who did the interview? (if done)").fill("Priya Shah")
    page.get_by_label("What was learned (optional)").fill("Synthetic: went with friends by car.")
    page.get_by_role("button", name="Save the interview").click()
    assert_page_ok()
    episode.refresh_from_db()
    assert episode.interview_status == InterviewStatus.DONE

    # 5. A safety plan with one action.
    page.get_by_role("link", name="Safety plan").click()
    assert_page_ok()
    page.get_by_role("link", name="Make a safety plan").click()
    assert_page_ok()
    page.get_by_label("What is the plan?").fill("Synthetic: weekly visits; school to report lates.")
    page.get_by_role("button", name="Save").click()
    assert_page_ok()
    assert SafetyPlan.objects.filter(young_person=young_person).count() == 1

    # The chronology now tells the story, and every step is in the audit trail.
    page.get_by_role("link", name="Chronology").click()
    assert_page_ok()
    for text in ("Referral received", "Risk assessment: Moderate", "Went missing", "Safety plan"):
        expect(page.get_by_text(text, exact=False).first).to_be_visible()
    written = set(
        AuditEntry.objects.filter(record_ids__icontains=f'"{young_person.pk}"').values_list(
            "action", flat=True
        )
    )
    assert {Action.COLLECTION, Action.CONSULTATION, Action.ALTERATION} <= written
