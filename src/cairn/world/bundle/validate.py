"""Checks a bundle completely before anything is written: Frictionless first, then Cairn's rules."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import frictionless

from cairn.world.bundle.resources import RESOURCE_BY_NAME
from cairn.world.bundle.schema import FORMAT


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, located as precisely as the error allows."""

    resource: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.resource or "datapackage.json"]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field {self.field}")
        return f"{', '.join(where)}: {self.message}"


def read_descriptor(directory: Path) -> dict[str, Any]:
    path = directory / "datapackage.json"
    if not path.is_file():
        raise FileNotFoundError(f"{directory} has no datapackage.json; is it a bundle?")
    descriptor: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return descriptor


def bundle_digest(directory: Path, descriptor: dict[str, Any]) -> str:
    """SHA-256 over the descriptor and every resource file, in the descriptor's order."""
    digest = hashlib.sha256((directory / "datapackage.json").read_bytes())
    for resource in descriptor.get("resources", []):
        with (directory / str(resource.get("path", ""))).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def rows(
    directory: Path, descriptor: dict[str, Any], resource: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of one resource as text, numbered from 1 for the first row after the header."""
    path = next(item["path"] for item in descriptor["resources"] if item.get("name") == resource)
    with (directory / path).open(encoding="utf-8", newline="") as handle:
        yield from enumerate(csv.DictReader(handle), start=1)


def _cairn_problems(descriptor: dict[str, Any]) -> list[Problem]:
    problems = []
    if not isinstance(descriptor.get("synthetic"), bool):
        problems.append(Problem("", None, "synthetic", "must be true or false"))
    if descriptor.get("cairn:format", FORMAT) != FORMAT:
        problems.append(Problem("", None, "cairn:format", f"must be {FORMAT}"))
    for resource in descriptor.get("resources", []):
        name = resource.get("name", "")
        expected = RESOURCE_BY_NAME.get(name)
        if expected is None:
            problems.append(Problem(name, None, None, "is not a Cairn bundle resource"))
            continue
        fields = [item.get("name") for item in resource.get("schema", {}).get("fields", [])]
        missing = [field for field in expected.field_names if field not in fields]
        if missing:
            problems.append(Problem(name, None, None, f"schema lacks fields: {', '.join(missing)}"))
    return problems


def _frictionless_problems(directory: Path) -> list[Problem]:
    report = frictionless.validate(str(directory / "datapackage.json"))
    problems = []
    for error in report.errors:
        problems.append(Problem("", None, None, error.message))
    for task in report.tasks:
        for error in task.errors:
            line = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            if field is None and getattr(error, "field_names", None):
                field = ", ".join(error.field_names)
            message = getattr(error, "note", "") or error.message
            problems.append(
                Problem(task.name, line - 1 if line else None, field, f"{error.title}: {message}")
            )
    return problems


def validate_bundle(directory: Path) -> tuple[dict[str, Any], list[Problem]]:
    descriptor = read_descriptor(directory)
    problems = _cairn_problems(descriptor)
    problems += _frictionless_problems(directory)
    return descriptor, problems
