"""Forms for sign-in, two-factor, administration, sharing, break-glass and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from cairn.access.models import LawfulBasis, Organisation, OrganisationType, Team, TokenScope
from cairn.access.permissions import Role
from cairn.core.forms import GovukForm, GovukFormMixin


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is not active. Ask your administrator.",
    }


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()


class EnrolForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class OrganisationForm(GovukForm):
    name = forms.CharField(label="Name", max_length=200)
    organisation_type = forms.ChoiceField(label="Type", choices=OrganisationType.choices)
    area = forms.CharField(
        label="Area it serves (optional)",
        help_text="The police force or local authority area, for example Northmoor. Leave "
        "blank for a service that works across areas.",
        max_length=100,
        required=False,
    )


class TeamForm(GovukForm):
    name = forms.CharField(label="Team name", max_length=200)


class UserCreateForm(GovukForm):
    username = forms.CharField(label="Username", max_length=150)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Email address")
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.all())
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.select_related("organisation"),
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label="Roles", choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label="Temporary password",
        help_text="At least 12 characters. Give it to the user in person or by a separate channel.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class UserUpdateForm(GovukForm):
    teams = forms.ModelMultipleChoiceField(
        label="Teams", queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    roles = forms.MultipleChoiceField(
        label="Roles", choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(label="Account is active", required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["teams"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Team.objects.filter(organisation=organisation).select_related(
            "organisation"
        )


class ShareForm(GovukForm):
    team = forms.ModelChoiceField(
        label="Team to share with", queryset=Team.objects.select_related("organisation")
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=[choice for choice in LawfulBasis.choices if choice[0] != LawfulBasis.OWNER],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Why this team needs to know",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BreakGlassForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need this record now?",
        help_text="Your managers are told at once, and this reason is kept in the audit trail.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewForm(GovukForm):
    note = forms.CharField(
        label="Review note", widget=forms.Textarea(attrs={"rows": 3}), required=True
    )


class TokenForm(GovukForm):
    name = forms.CharField(label="Token name", max_length=100, help_text="What the token is for.")
    scope = forms.ChoiceField(label="Access", choices=TokenScope.choices, widget=forms.RadioSelect)
    days = forms.IntegerField(label="Expires after (days)", min_value=1, max_value=365, initial=30)
