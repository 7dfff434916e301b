"""Renders docs/formats/bundle.md and truth.md from the schemas and a generated tiny world."""

from __future__ import annotations

import csv
from pathlib import Path

from cairn.world.bundle.schema import ResourceSchema


def render(title: str, intro: str, resources: list[ResourceSchema], example: Path) -> str:
    lines = [f"# {title}", "", intro, ""]
    for resource in resources:
        lines += [f"## `{resource.name}` — {resource.title}", "", resource.description, ""]
        lines += [f"Primary key: `{', '.join(resource.primary_key)}`."]
        for key in resource.foreign_keys:
            lines.append(f"Foreign key: `{key.field}` → `{key.resource}.{key.reference}`.")
        lines += ["", "| Field | Type | Required | Description | Values |", "|---|---|---|---|---|"]
        for described in resource.fields:
            values = ", ".join(f"`{value}`" for value in described.enum) if described.enum else ""
            required = "yes" if described.required else ""
            lines.append(
                f"| `{described.name}` | {described.type} | {required} | "
                f"{described.description} | {values} |"
            )
        with (example / resource.path).open(encoding="utf-8", newline="") as handle:
            row = next(csv.DictReader(handle), None)
        if row is not None:
            lines += [
                "",
                "Example row:",
                "",
                "```csv",
                ",".join(row),
                ",".join(f'"{value}"' if "," in value else value for value in row.values()),
                "```",
            ]
        lines.append("")
    return "\n".join(lines)
