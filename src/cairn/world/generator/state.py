"""What the whole world shares while areas are simulated one after another: ids, names, output."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from cairn.world.bundle.resources import RESOURCES
from cairn.world.bundle.truth import TRUTH_RESOURCES
from cairn.world.bundle.writer import Cell, PackageWriter
from cairn.world.generator.noise import NamePool, landline_number, mobile_number
from cairn.world.generator.scales import Scale


class WorldState:
    """Identifier sequences, the name pool and the two package writers (bundle and truth)."""

    def __init__(self, scale: Scale, seed: int, out: Path) -> None:
        self.scale = scale
        self.seed = seed
        self.names = NamePool(seed)
        self.bundle = PackageWriter(out, RESOURCES)
        self.truth = PackageWriter(out / "truth", TRUTH_RESOURCES)
        self.figures: Counter[str] = Counter()
        self._counters: Counter[str] = Counter()

    def rng(self, *stream: object) -> random.Random:
        """An independent, reproducible random stream per area and purpose."""
        return random.Random(":".join(str(part) for part in (self.seed, *stream)))  # noqa: S311

    def counter(self, name: str) -> int:
        self._counters[name] += 1
        return self._counters[name]

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{self.counter(prefix):07d}"

    def last_id(self, prefix: str) -> str:
        return f"{prefix}{self._counters[prefix]:07d}"

    def mobile(self) -> str:
        return mobile_number(self.counter("mobile"))

    def landline(self, area_index: int) -> str:
        return landline_number(self.counter("landline"), area_index)

    def write(self, resource_name: str, /, **values: Cell) -> None:
        self.bundle.write(resource_name, **values)

    def truth_of(self, resource: str, record_id: str, entity_id: str) -> None:
        self.truth.write("mentions", resource=resource, record_id=record_id, entity_id=entity_id)
