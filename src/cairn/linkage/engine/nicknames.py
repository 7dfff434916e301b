"""Given-name diminutives (Tom/Thomas), loaded from the shipped `data/nicknames.csv`."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def nickname_table() -> dict[str, frozenset[str]]:
    """Every known name or diminutive -> the canonical names it can stand for."""
    forms: dict[str, set[str]] = {}
    text = resources.files("cairn.linkage.engine").joinpath("data/nicknames.csv").read_text()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        canonical, *variants = (part.strip().lower() for part in line.split(","))
        for name in (canonical, *variants):
            forms.setdefault(name, set()).add(canonical)
    return {name: frozenset(canonicals) for name, canonicals in forms.items()}


def canonical_forms(name: str) -> frozenset[str]:
    """The canonical names `name` may be short for, or the name itself when none is known."""
    key = name.strip().lower()
    return nickname_table().get(key, frozenset({key}))
