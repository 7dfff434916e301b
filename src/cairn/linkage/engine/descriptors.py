"""Physical descriptors and described sex in free text, from the shipped `data/descriptors.csv`.

A reporter's description ("male, 30s, beard, scar on cheek") says something stable about a
person. The vocabulary holds only physical features, build and clothing; nothing that stands for
a protected characteristic is in it, so nothing of the kind can reach the model.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

_WORDS = re.compile(r"[a-z]+")
_SEX_WORDS = {
    "male": "male", "man": "male", "boy": "male", "m": "male",
    "female": "female", "woman": "female", "girl": "female", "f": "female",
}  # fmt: skip


@cache
def _phrases() -> list[tuple[int, dict[tuple[str, ...], str]]]:
    """For each phrase length, longest first so longer phrases win: words → canonical term."""
    text = resources.files("cairn.linkage.engine").joinpath("data/descriptors.csv").read_text()
    by_size: dict[int, dict[tuple[str, ...], str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, *variants = (part.strip().lower() for part in line.split(","))
        for phrase in {canonical, *variants}:
            words = tuple(_WORDS.findall(phrase))
            by_size.setdefault(len(words), {})[words] = canonical
    return sorted(by_size.items(), reverse=True)


def descriptors_in(text: str | None) -> list[str]:
    """The canonical descriptors a free-text description contains, sorted and distinct.

    Longer phrases are read first ("scar on cheek" before "scar"), and a word counts once.
    """
    if not text:
        return []
    words = _WORDS.findall(text.lower())
    found: set[str] = set()
    used = [False] * len(words)
    for size, phrases in _phrases():
        for start in range(len(words) - size + 1):
            canonical = phrases.get(tuple(words[start : start + size]))
            if canonical is None or any(used[start : start + size]):
                continue
            found.add(canonical)
            used[start : start + size] = [True] * size
    return sorted(found)


def sex_in(text: str | None) -> str | None:
    """ "male" or "female" when a description opens with it ("male, 30s…", "girl about 14")."""
    words = _WORDS.findall((text or "").lower())
    return _SEX_WORDS.get(words[0]) if words else None


# How far out a reporter's guess of someone's age often is: "about 14" may be 9 or 19.
AGE_SLACK = 5
_ABOUT_AGE = re.compile(r"\b(?:about|around|aged|age|approx(?:imately)?)\s+(\d{1,2})\b")
_DECADE = re.compile(r"\b(?:early |mid |mid-|late )?(\d)0s\b")


def age_estimate(
    age_min: int | None, age_max: int | None, description: str | None = None
) -> tuple[int | None, int | None]:
    """The ages a person might be, from a reporter's estimate.

    A single guess (23, or "about 14" in the description) becomes the guess give or take
    `AGE_SLACK` years; a decade ("30s") becomes that decade with the same slack either side; a
    range the reporter gave is widened the same way. Nothing is guessed from nothing.
    """
    if age_min is None and age_max is None:
        text = (description or "").lower()
        if about := _ABOUT_AGE.search(text):
            age_min = age_max = int(about.group(1))
        elif decade := _DECADE.search(text):
            age_min, age_max = int(decade.group(1)) * 10, int(decade.group(1)) * 10 + 9
        else:
            return None, None
    low = age_min if age_min is not None else age_max
    high = age_max if age_max is not None else age_min
    assert low is not None and high is not None
    return max(0, low - AGE_SLACK), high + AGE_SLACK
