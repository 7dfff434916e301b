"""The four sizes of world, and the published figures each is calibrated against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Scale:
    """Totals for the whole world; each area gets its share.

    Targets come from docs/domain reference "Figures for calibrating synthetic data": one charity's
    year (2011/12) for `local`, the gangs and groups inquiry (2012) for `national`.
    """

    name: str
    areas: int
    years: int
    young_people: int
    investigations: int
    convicted_investigations: int
    cawns: int
    reports_per_young_person: float
    start: date = date(2023, 4, 1)


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 1, 1, 80, 9, 2, 2, 6.0),
    "local": Scale("local", 1, 1, 1_200, 137, 24, 16, 10.0),
    # 20,000 young people and 200,000 intelligence reports across 8 areas.
    "regional": Scale("regional", 8, 1, 20_000, 2_283, 400, 267, 10.0),
    # 16,500 children at high risk a year for 5 years. A measured run of 196,000 young people gave
    # 25,506 a year (reviews run into the next year), so 196,000 x 16,500 / 25,506 = 126,800.
    # Its five years start in April 2021 so that they end in the past: a bundle with records
    # dated after today is refused on loading.
    "national": Scale(
        "national", 40, 5, 126_800, 14_477, 2_536, 1_691, 5.0, start=date(2021, 4, 1)
    ),
}

# What `cairn world generate` compares its output against, per scale.
NATIONAL_HIGH_RISK_PER_YEAR = 16_500
NATIONAL_PERSON_MENTIONS = 1_000_000
TOLERANCE = 0.10
