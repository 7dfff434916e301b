"""Pages for missing and absent episodes: the list with repeat and co-missing warnings, a new
episode, and one episode with its return and return-home interview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cairn.access.actor import Actor
from cairn.access.permissions import Perm
from cairn.access.queries import audit_consultation
from cairn.core.forms import add_service_errors
from cairn.core.http import AuthenticatedRequest
from cairn.youngpeople import services
from cairn.youngpeople.forms.missing import EpisodeForm, InterviewForm, ReturnForm, same_minute
from cairn.youngpeople.models import InterviewStatus, MissingEpisode, YoungPerson
from cairn.youngpeople.queries.missing import (
    REPEAT_COUNT,
    REPEAT_DAYS,
    co_missing,
    interview_due_by,
    interview_offered_late,
    interview_overdue,
    repeat_episode_count,
)
from cairn.youngpeople.views.common import case_context, case_view, render_form, require_casework


def duration_text(delta: timedelta) -> str:
    """'2 days 5 hours', '3 hours 20 minutes', '40 minutes': the two largest units."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{count} {unit}{'' if count == 1 else 's'}"
        for count, unit in ((days, "day"), (hours, "hour"), (minutes, "minute"))
        if count
    ]
    return " ".join(parts[:2]) or "Under a minute"


@dataclass(frozen=True)
class EpisodeRow:
    """One episode as the list shows it, with the 72-hour interview rule worked out."""

    episode: MissingEpisode
    duration: str
    still_missing: bool
    interview_due_by: datetime | None
    interview_overdue: bool
    interview_offered_late: bool


def episode_row(episode: MissingEpisode, now: datetime) -> EpisodeRow:
    return EpisodeRow(
        episode=episode,
        duration=duration_text((episode.ended_at or now) - episode.started_at),
        still_missing=episode.ended_at is None,
        interview_due_by=interview_due_by(episode),
        interview_overdue=interview_overdue(episode, now=now),
        interview_offered_late=interview_offered_late(episode),
    )


@case_view("Viewed missing episodes")
def missing_list(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    now = timezone.now()
    rows = [episode_row(episode, now) for episode in young_person.missing_episodes.all()]
    together = co_missing(request.user, young_person)
    if together:
        # Naming another child is a consultation of their record too (DPA 2018 s.62).
        audit_consultation(
            Actor.from_request(request),
            YoungPerson,
            sorted({item.other.young_person_id for item in together}),
            summary=f"Shown as missing with {young_person.reference}",
        )
    repeat = repeat_episode_count(young_person)
    context = case_context(
        young_person,
        "missing",
        rows=rows,
        together=together,
        repeat_count=repeat,
        repeat_flag=repeat >= REPEAT_COUNT,
        repeat_days=REPEAT_DAYS,
        overdue_count=sum(1 for row in rows if row.interview_overdue),
        can_edit=request.user.can(Perm.EDIT_PERSON_RECORDS),
    )
    return render(request, "youngpeople/missing/list.html", context)


@case_view("Opened record to record a missing episode", edit=True)
@require_http_methods(["GET", "POST"])
def missing_create(request: AuthenticatedRequest, young_person: YoungPerson) -> HttpResponse:
    form = EpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.missing_episode_create(
                actor=Actor.from_request(request), young_person=young_person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{episode.get_kind_display()} episode recorded.")
            return redirect("youngpeople:missing-detail", young_person.pk, episode.pk)
    context = case_context(young_person, "missing", form=form)
    return render_form(request, "youngpeople/missing/form.html", context)


def _return_initial(episode: MissingEpisode) -> dict[str, Any]:
    return {
        **{name: getattr(episode, name) for name in ReturnForm.FIELDS},
        "version": episode.version,
    }


def _interview_initial(episode: MissingEpisode) -> dict[str, Any]:
    status = episode.interview_status
    return {
        "status": "" if status == InterviewStatus.NOT_OFFERED else status,
        "offered_at": episode.interview_offered_at,
        "done_at": episode.interview_done_at,
        "interviewer": episode.interview_by,
        "learned": episode.interview_learned,
        "interview_version": episode.version,
    }


def _changes(episode: MissingEpisode, cleaned: dict[str, Any]) -> dict[str, Any]:
    changed = {}
    for name in ReturnForm.FIELDS:
        old, new = getattr(episode, name), cleaned[name]
        if isinstance(old, datetime) or isinstance(new, datetime):
            if not same_minute(old, new):
                changed[name] = new
        elif old != new:
            changed[name] = new
    return changed


def _save_return(request: AuthenticatedRequest, episode: MissingEpisode, form: ReturnForm) -> bool:
    changes = _changes(episode, form.cleaned_data)
    if not changes:
        messages.info(request, "Nothing was changed.")
        return True
    try:
        services.missing_episode_update(
            actor=Actor.from_request(request),
            episode=episode,
            expected_version=form.cleaned_data["version"],
            **changes,
        )
    except ValidationError as error:
        episode.refresh_from_db()  # the service set the refused values on it
        add_service_errors(form, error)
        return False
    messages.success(request, "The episode was updated.")
    return True


def _save_interview(
    request: AuthenticatedRequest, episode: MissingEpisode, form: InterviewForm
) -> bool:
    data = form.cleaned_data
    try:
        services.return_interview_record(
            actor=Actor.from_request(request),
            episode=episode,
            status=data["status"],
            offered_at=data["offered_at"],
            done_at=data["done_at"],
            interviewer=data["interviewer"],
            learned=data["learned"],
            expected_version=data["interview_version"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, "The return-home interview was recorded.")
    return True


@case_view("Viewed a missing episode")
@require_http_methods(["GET", "POST"])
def missing_detail(
    request: AuthenticatedRequest, young_person: YoungPerson, episode_pk: int
) -> HttpResponse:
    episode = get_object_or_404(MissingEpisode, pk=episode_pk, young_person=young_person)
    return_form = ReturnForm(initial=_return_initial(episode))
    interview_form = InterviewForm(initial=_interview_initial(episode))
    submitted: ReturnForm | InterviewForm | None = None
    if request.method == "POST":
        require_casework(request, edit=True)
        if request.POST.get("form") == "interview":
            submitted = interview_form = InterviewForm(request.POST)
            saved = interview_form.is_valid() and _save_interview(request, episode, interview_form)
        else:
            submitted = return_form = ReturnForm(request.POST)
            saved = return_form.is_valid() and _save_return(request, episode, return_form)
        if saved:
            return redirect("youngpeople:missing-detail", young_person.pk, episode.pk)
    context = case_context(
        young_person,
        "missing",
        row=episode_row(episode, timezone.now()),
        episode=episode,
        return_form=return_form,
        interview_form=interview_form,
        form=submitted,
        can_edit=request.user.can(Perm.EDIT_PERSON_RECORDS),
    )
    return render_form(request, "youngpeople/missing/detail.html", context, form=submitted)


urlpatterns = [
    path("<int:pk>/missing/", missing_list, name="missing-list"),
    path("<int:pk>/missing/new/", missing_create, name="missing-create"),
    path("<int:pk>/missing/<int:episode_pk>/", missing_detail, name="missing-detail"),
]
