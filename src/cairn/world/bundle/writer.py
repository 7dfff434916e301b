"""Streams rows to a bundle's CSV files and writes its `datapackage.json` at the end."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from cairn.world.bundle.schema import ResourceSchema, package_descriptor

Cell = str | int | bool | date | datetime | None


def cell(value: Cell) -> str | int:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, datetime):
        # Bundles carry UTC instants; the writer is given naive UTC values.
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return value


class PackageWriter:
    """One CSV per resource, written row by row so memory stays bounded at any scale."""

    def __init__(self, directory: Path, resources: list[ResourceSchema]) -> None:
        self.directory = directory
        self.resources = resources
        self.counts: Counter[str] = Counter()
        self._files: dict[str, IO[str]] = {}
        self._writers: dict[str, Any] = {}
        self._fields = {resource.name: resource.field_names for resource in resources}
        directory.mkdir(parents=True, exist_ok=True)
        for resource in resources:
            handle = (directory / resource.path).open("w", encoding="utf-8", newline="")
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(resource.field_names)
            self._files[resource.name] = handle
            self._writers[resource.name] = writer

    def write(self, resource_name: str, /, **values: Cell) -> None:
        row = [cell(values.get(name)) for name in self._fields[resource_name]]
        self._writers[resource_name].writerow(row)
        self.counts[resource_name] += 1

    def close(self, **package: Any) -> None:
        for handle in self._files.values():
            handle.close()
        descriptor = package_descriptor(resources=self.resources, **package)
        text = json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"
        (self.directory / "datapackage.json").write_text(text, encoding="utf-8")

    def __enter__(self) -> PackageWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for handle in self._files.values():
            handle.close()
