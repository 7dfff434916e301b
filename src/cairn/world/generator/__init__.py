"""The synthetic world simulator behind `cairn world generate`: areas simulated one by one."""

from __future__ import annotations

import dataclasses
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cairn.world.generator.agencies import write_agencies, write_charity
from cairn.world.generator.care import write_missing, write_young_people
from cairn.world.generator.intelligence import ReportWriter, background, observations_from
from cairn.world.generator.justice import JusticeWriter
from cairn.world.generator.population import Area, Populator
from cairn.world.generator.scales import (
    NATIONAL_HIGH_RISK_PER_YEAR,
    NATIONAL_PERSON_MENTIONS,
    SCALES,
    TOLERANCE,
    Scale,
)
from cairn.world.generator.simulate import simulate_contacts
from cairn.world.generator.state import WorldState
from cairn.world.generator.truth import write_area_truth

GENERATOR_VERSION = "1"


@dataclass(frozen=True)
class Figure:
    name: str
    target: float
    generated: float
    at_least: bool = False

    @property
    def ok(self) -> bool:
        if self.at_least:
            return self.generated >= self.target
        return abs(self.generated - self.target) <= TOLERANCE * self.target


@dataclass(frozen=True)
class Generated:
    scale: Scale
    seed: int
    out: Path
    counts: Counter[str]
    figures: list[Figure]


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, by largest remainder, so the parts sum exactly."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda index: parts[index] - shares[index])
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def generate(
    scale_name: str,
    seed: int,
    out: Path,
    progress: Callable[[str], None] | None = None,
    start: date | None = None,
) -> Generated:
    """Simulate a world; the same scale, seed and start always give the same bytes."""
    scale = SCALES[scale_name]
    if start is not None:
        scale = dataclasses.replace(scale, start=start)
    if out.exists():
        shutil.rmtree(out)
    world = WorldState(scale, seed, out)
    layout = random.Random(f"{seed}:layout")  # noqa: S311 (simulation, not security)
    weights = [layout.uniform(0.6, 1.4) for _ in range(scale.areas)]
    quotas = {
        "young_people": allocate(scale.young_people, weights),
        "investigations": allocate(scale.investigations, weights),
        "convicted": allocate(scale.convicted_investigations, weights),
        "cawns": allocate(scale.cawns, weights),
    }
    towns = ["Northmoor", *dict.fromkeys(town for town in world.names.towns if town != "Northmoor")]
    charity = write_charity(world)
    start = scale.start
    end = start + timedelta(days=365 * scale.years)
    for index in range(scale.areas):
        name = towns[index % len(towns)] + ("" if index < len(towns) else f" {index}")
        prefix = "NM" if index == 0 else "".join(word[0] for word in name.split())[:2].upper() + "Z"
        area = Area(index, name, prefix, start, end)
        agencies = write_agencies(world, index, name, charity)
        young_people = quotas["young_people"][index]
        Populator(world, area, world.rng(index, "population")).build(young_people)
        contacts = simulate_contacts(area, world.rng(index, "simulate"))
        care = world.rng(index, "care")
        write_young_people(world, area, agencies, care)
        disclosures = write_missing(world, area, agencies, contacts, care)
        intelligence = world.rng(index, "intelligence")
        seen = observations_from(contacts, disclosures, intelligence)
        target = round(young_people * scale.reports_per_young_person)
        # Most of what happens is never reported: keep a share, fill the rest with ordinary noise.
        keep = min(len(seen), round(target * 0.7))
        seen = [seen[i] for i in sorted(intelligence.sample(range(len(seen)), keep))]
        seen += background(area, intelligence, target - len(seen))
        seen.sort(key=lambda observation: observation.when)
        reports = ReportWriter(world, agencies, intelligence)
        for observation in seen:
            reports.write(observation)
        JusticeWriter(world, area, agencies, world.rng(index, "justice")).write(
            contacts,
            quotas["investigations"][index],
            quotas["convicted"][index],
            quotas["cawns"][index],
        )
        write_area_truth(world, area)
        if progress is not None:
            progress(f"area {index + 1} of {scale.areas} ({name}): {young_people} young people")
    name = f"cairn-world-{scale.name}-seed-{seed}"
    metadata = {
        "scale": scale.name,
        "seed": seed,
        "start": scale.start.isoformat(),
        "generator_version": GENERATOR_VERSION,
    }
    world.bundle.close(
        name=name,
        title=f"Cairn synthetic world: {scale.name}, seed {seed} (SYNTHETIC - no real people)",
        description="Invented people, places and events generated by `cairn world generate`.",
        synthetic=True,
        extra={"cairn:generator": metadata},
    )
    world.truth.close(
        name=f"{name}-truth",
        title=f"Ground truth for {name} (SYNTHETIC)",
        description="The true entities, networks and statuses behind the bundle. Never imported.",
        synthetic=True,
        extra={"cairn:truth-of": name, "cairn:generator": metadata},
    )
    return Generated(scale, seed, out, world.bundle.counts, calibrate(scale, world))


def calibrate(scale: Scale, world: WorldState) -> list[Figure]:
    counts, figures = world.bundle.counts, world.figures
    table = [
        Figure("young people", scale.young_people, counts["young_people"]),
        Figure("investigations", scale.investigations, figures["investigations"]),
        Figure(
            "investigations ending in conviction",
            scale.convicted_investigations,
            figures["convicted_investigations"],
        ),
        Figure("child abduction warning notices", scale.cawns, figures["cawns"]),
        Figure(
            "intelligence reports",
            round(scale.young_people * scale.reports_per_young_person),
            figures["reports"],
        ),
    ]
    recorded = figures["victim_sex:female"] + figures["victim_sex:male"]
    if recorded:
        # 1,264 female and 182 male among victims whose sex was recorded (2008-2011).
        table.append(
            Figure(
                "victims female, % (of sex known)",
                87.4,
                100 * figures["victim_sex:female"] / recorded,
            )
        )
    victims = sum(value for key, value in figures.items() if key.startswith("victim_age:"))
    if victims:
        # "Victims most often 14-15": the 14-15 band must be the largest two-year band.
        def share(first: int) -> float:
            aged = figures[f"victim_age:{first}"] + figures[f"victim_age:{first + 1}"]
            return 100 * aged / victims

        largest_other = max(share(first) for first in (8, 10, 12, 16, 18, 20))
        table.append(
            Figure(
                "victims aged 14-15, % (>= any other 2-year band)",
                round(largest_other, 1),
                share(14),
                at_least=True,
            )
        )
    years = Counter(key.split(":")[1] for key in figures if key.startswith("high_risk:"))
    if scale.name == "national":
        per_year = sum(years.values()) / scale.years
        table.append(Figure("children at high risk a year", NATIONAL_HIGH_RISK_PER_YEAR, per_year))
        table.append(
            Figure(
                "person mentions",
                NATIONAL_PERSON_MENTIONS,
                figures["person_mentions"],
                at_least=True,
            )
        )
    return table
