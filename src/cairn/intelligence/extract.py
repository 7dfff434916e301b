"""Suggestions from a narrative: the phone numbers, registration marks and postcodes in it,
each with where it was found. Nothing here creates a mention; the user confirms each one."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from cairn.intelligence.normalise import (
    NotNormalisable,
    normalise_phone,
    normalise_postcode,
    normalise_registration,
)


@dataclass(frozen=True)
class Suggestion:
    kind: str  # "phone", "vehicle" or "postcode"
    text: str  # as written in the narrative
    normalised: str
    start: int
    end: int
    is_partial: bool = False

    @property
    def key(self) -> str:
        """The value of its confirm checkbox: enough to make the mention on save."""
        return f"{self.kind}:{self.text}"

    @property
    def label(self) -> str:
        return {"phone": "Phone", "vehicle": "Vehicle", "postcode": "Postcode"}[self.kind]


_EDGE_BEFORE, _EDGE_AFTER = r"(?<![A-Za-z0-9?])", r"(?![A-Za-z0-9?])"
_L, _N = "[A-Z?]", "[0-9?]"
# Dated formats only: dateless marks ("A3", "M6") are too like model names and roads to guess.
_REGISTRATION = re.compile(
    _EDGE_BEFORE
    + "(?:"
    + rf"{_L}{{2}}{_N}{{2}} ?{_L}{{3}}"
    + rf"|{_L}{_N}{{1,3}} ?{_L}{{3}}"
    + rf"|{_L}{{3}} ?{_N}{{1,3}}{_L}"
    + ")"
    + _EDGE_AFTER
)
_POSTCODE = re.compile(r"(?<![A-Z0-9])[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}(?![A-Za-z0-9])")


def find_phones(text: str) -> list[Suggestion]:
    found = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, "GB", leniency=phonenumbers.Leniency.POSSIBLE
    ):
        try:
            e164 = normalise_phone(match.raw_string)
        except NotNormalisable:
            continue
        found.append(Suggestion("phone", match.raw_string, e164, match.start, match.end))
    return found


def find_registrations(text: str) -> list[Suggestion]:
    found = []
    for match in _REGISTRATION.finditer(text):
        raw = match.group(0)
        # A mark has both letters and digits (or unread characters standing for them).
        if not re.search(r"[0-9]", raw) or not re.search(r"[A-Z]", raw):
            continue
        try:
            mark = normalise_registration(raw)
        except NotNormalisable:
            continue
        found.append(
            Suggestion("vehicle", raw, mark.normalised, match.start(), match.end(), mark.is_partial)
        )
    return found


def find_postcodes(text: str) -> list[Suggestion]:
    found = []
    for match in _POSTCODE.finditer(text):
        try:
            postcode = normalise_postcode(match.group(0))
        except NotNormalisable:
            continue
        found.append(Suggestion("postcode", match.group(0), postcode, match.start(), match.end()))
    return found


def suggestions(text: str) -> list[Suggestion]:
    """Every phone, registration and postcode in `text`, in reading order, without overlaps."""
    candidates = find_phones(text) + find_postcodes(text) + find_registrations(text)
    chosen: list[Suggestion] = []
    for candidate in sorted(candidates, key=lambda item: (item.start, -item.end)):
        if any(candidate.start < kept.end and kept.start < candidate.end for kept in chosen):
            continue
        if any(
            kept.kind == candidate.kind and kept.normalised == candidate.normalised
            for kept in chosen
        ):
            continue
        chosen.append(candidate)
    return chosen
