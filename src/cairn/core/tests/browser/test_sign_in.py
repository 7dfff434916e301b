"""Signing in through the browser: two-factor enrolment, recovery codes and lock-out."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from cairn.access.models import User
from cairn.access.tests.factories import PASSWORD
from cairn.audit.models import AuditEntry

pytestmark = pytest.mark.browser


def submit_sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def current_code(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    # A code about to roll over could expire between reading and submitting it.
    if 30 - time.time() % 30 < 2:
        time.sleep(2)
    return f"{totp(key, step=30, digits=6):06d}"


def test_new_user_enrols_an_authenticator_and_signs_in_again_with_a_recovery_code(
    page: Page, make_user: Callable[..., User], assert_page_ok: Callable[[], None]
) -> None:
    user = make_user()

    submit_sign_in(page, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/two-factor/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    assert_page_ok()

    page.get_by_text("I cannot scan the code").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.get_by_label("Code from your authenticator app").fill(current_code(secret))
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    codes = [code.strip() for code in page.locator("#recovery-codes li").all_inner_texts()]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert_page_ok()

    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cairn")
    expect(page.get_by_role("link", name=re.compile(user.display_name))).to_be_visible()

    # A fresh sign-in asks for a code; a recovery code works once.
    page.context.clear_cookies()
    submit_sign_in(page, user.username, PASSWORD)
    expect(page).to_have_url(re.compile(r"/sign-in/verify/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    assert_page_ok()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Cairn")

    page.context.clear_cookies()
    submit_sign_in(page, user.username, PASSWORD)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/sign-in/verify/$"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    expect(page.locator("#id_code-error")).to_contain_text("That code is not right")
    assert_page_ok()

    # django-otp throttles a device for a second after a wrong code.
    time.sleep(1.1)
    page.get_by_label("Code").fill(codes[1])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cairn")


def test_sign_in_errors_follow_the_govuk_pattern(
    page: Page, make_user: Callable[..., User], assert_page_ok: Callable[[], None]
) -> None:
    make_user(username="someone")

    page.goto("/sign-in/")
    assert_page_ok()
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert_page_ok()

    submit_sign_in(page, "someone", "not the password")
    expect(page.locator(".govuk-error-summary")).to_contain_text("username and password")
    assert_page_ok()


def test_five_failed_sign_ins_lock_the_account_even_against_the_right_password(
    page: Page, make_user: Callable[..., User], assert_page_ok: Callable[[], Any]
) -> None:
    user = make_user()

    for _ in range(4):
        submit_sign_in(page, user.username, "wrong password, again")
        expect(page.locator(".govuk-error-summary")).to_contain_text("username and password")
    # The fifth failure locks the account at once.
    submit_sign_in(page, user.username, "wrong password, again")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")

    submit_sign_in(page, user.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is locked")
    assert_page_ok()
    locked = AuditEntry.objects.filter(action="locked_out")
    # One entry for the attempt that locked the account, one for each attempt while locked.
    assert [entry.detail.get("username_tried") for entry in locked] == [user.username] * 2
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/"))
