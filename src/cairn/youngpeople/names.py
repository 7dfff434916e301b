"""Spelling-tolerant names: phonetic keys for search and possible-duplicate checks."""

from __future__ import annotations

import re
from collections.abc import Iterable

import jellyfish

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def name_words(*names: str) -> list[str]:
    return [word.lower() for name in names for word in _WORD.findall(name or "")]


def phonetic_key(word: str) -> str:
    # Metaphone groups Kayleigh/Kaylee/Caley and Mohammed/Muhammad; empty for no letters.
    return jellyfish.metaphone(word).upper()


def phonetic_keys(names: Iterable[str]) -> str:
    """Space-separated, sorted, unique keys, wrapped in spaces so ' KEY ' matches whole keys."""
    keys = sorted({phonetic_key(word) for word in name_words(*names)} - {""})
    return f" {' '.join(keys)} " if keys else ""


def similarity(left: str, right: str) -> float:
    """Jaro-Winkler similarity of two names, 0 to 1, ignoring case."""
    return jellyfish.jaro_winkler_similarity(left.lower(), right.lower())
