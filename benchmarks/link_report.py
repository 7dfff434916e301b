"""Time `link_report`: one new report's people linked against a demo-sized store (issue 5, §3).

    python benchmarks/link_report.py                        # 20,000 stored mentions, 100 reports
    python benchmarks/link_report.py --mentions 5000 --reports 50

A throwaway SQLite database in a temporary folder gets synthetic person mentions shaped like the
local world's (19,578 person mentions): four mentions of each person, names from the world
generator's name pool with its diminutives and misspellings, a date of birth or an estimated
age, phones, vehicles and street names on some. `cairn link run`'s service trains and keeps the
model once; then new reports are recorded one at a time, half of them mentioning a known person
again and half a stranger, and only `link_report` (the background job a save queues) is timed.
The first one loads the kept model into the process and is reported apart; the percentiles are
of the rest. The machine's load average is printed too: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

SEXES = ("female", "male")
OBSERVED = datetime(2026, 3, 1, 21, 30, tzinfo=UTC)


def _setup(database: Path) -> None:
    logging.getLogger("splink").setLevel(logging.WARNING)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cairn.settings")
    os.environ.setdefault("CAIRN_DEBUG", "1")
    os.environ["CAIRN_LINK_ON_SAVE"] = "0"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _plate(rng: random.Random) -> str:
    from cairn.world.generator.noise import PLATE_LETTERS

    letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(5))
    return f"{letters[:2]}{rng.randrange(10, 25)}{letters[2:]}"


def people(count: int, seed: int) -> list[dict[str, Any]]:
    """Synthetic people: name, sex, date of birth, a phone and perhaps a vehicle."""
    from cairn.world.generator.noise import NamePool

    rng = random.Random(seed)  # noqa: S311 — synthetic data, not security
    names = NamePool(seed)
    found = []
    for number in range(count):
        sex = rng.choice(SEXES)
        found.append(
            {
                "given": names.given(rng, sex),
                "family": rng.choice(names.family),
                "sex": sex,
                "born": date(1970, 1, 1) + timedelta(days=rng.randrange(365 * 40)),
                "phone": f"+4477009{number:05d}",
                "vehicle": _plate(rng) if rng.random() < 0.3 else "",
                "street_name": rng.choice(("Boss", "Tiny", "Ace", "Red", "Chef", "Bear"))
                if rng.random() < 0.15
                else "",
            }
        )
    return found


def mention_fields(person: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """One report's view of a person, with the errors reports make."""
    from cairn.world.generator.noise import DIMINUTIVES, misspell

    given = person["given"]
    if rng.random() < 0.25:
        given = rng.choice(DIMINUTIVES.get(given, [given]))
    family = misspell(rng, person["family"]) if rng.random() < 0.15 else person["family"]
    fields: dict[str, Any] = {
        "name_as_written": f"{given} {family}",
        "given_name": given,
        "family_name": family,
        "sex": person["sex"],
        "nickname": person["street_name"] if rng.random() < 0.7 else "",
    }
    if rng.random() < 0.4:
        fields["date_of_birth"] = person["born"]
    else:
        age = (OBSERVED.date() - person["born"]).days // 365
        fields.update(age_min=max(age - 4, 0), age_max=age + 4)
    return fields


def store(team: Any, mentions: list[tuple[dict[str, Any], str]], rng: random.Random) -> list[int]:
    """Record one report for each (person, external id), as the import or the form would.

    Returns the reports' ids. Written in bulk, like `cairn world load`.
    """
    from cairn.intelligence.models import (
        IntelligenceReport,
        PersonMention,
        PhoneMention,
        VehicleMention,
    )

    reports = IntelligenceReport.objects.bulk_create(
        IntelligenceReport(
            owning_team=team,
            reported_at=OBSERVED,
            source_type="hotel_staff",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="P",
            narrative="Synthetic.",
            synthetic=True,
        )
        for _ in mentions
    )
    people_mentioned = PersonMention.objects.bulk_create(
        PersonMention(report=report, external_id=external_id, **mention_fields(person, rng))
        for report, (person, external_id) in zip(reports, mentions, strict=True)
    )
    phones, vehicles = [], []
    for mention, (person, _) in zip(people_mentioned, mentions, strict=True):
        if rng.random() < 0.5:
            phones.append(
                PhoneMention(
                    report=mention.report,
                    number_as_written=person["phone"],
                    e164=person["phone"],
                    person=mention,
                )
            )
        if person["vehicle"] and rng.random() < 0.5:
            vehicles.append(
                VehicleMention(
                    report=mention.report,
                    registration_as_written=person["vehicle"],
                    registration=person["vehicle"],
                    person=mention,
                )
            )
    PhoneMention.objects.bulk_create(phones)
    VehicleMention.objects.bulk_create(vehicles)
    return [report.pk for report in reports]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentions", type=int, default=20_000, help="stored person mentions")
    parser.add_argument("--reports", type=int, default=100, help="new reports to link")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("var/benchmarks/link_report.json"))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        _setup(Path(directory) / "bench.sqlite3")
        figures = run(arguments.mentions, arguments.reports, arguments.seed)
    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures, indent=2))
    print(f"Written to {arguments.out}. Reproduce: python {' '.join(sys.argv)}")


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, int(len(ordered) * share) - 1)]


def run(mentions: int, reports: int, seed: int) -> dict[str, Any]:
    from django.db import transaction

    from cairn.access.actor import Actor
    from cairn.access.models import Organisation, Team
    from cairn.linkage import services
    from cairn.linkage.models import LinkStatus, MentionLink
    from cairn.linkage.services import scoring

    rng = random.Random(seed)  # noqa: S311 — synthetic data, not security
    organisation = Organisation.objects.create(
        name="Synthetic force", organisation_type="police_force"
    )
    team = Team.objects.create(organisation=organisation, name="Synthetic team")
    known = people(mentions // 4, seed)
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, mentions, 2000):
            batch = range(start, min(start + 2000, mentions))
            store(team, [(known[number // 4], f"M{number}") for number in batch], rng)
    stored_seconds = time.perf_counter() - started
    system = Actor.system()
    started = time.perf_counter()
    services.link_run(actor=system)
    relink_seconds = time.perf_counter() - started

    scored: list[int] = []
    score_new = scoring.score_new

    def counting(existing: Any, new: Any) -> list[services.Pair]:
        scored.append(len(existing))
        return score_new(existing, new)

    scoring.score_new = counting  # type: ignore[assignment]
    strangers = people(reports, seed + 1)
    timings: list[float] = []
    cpu: list[float] = []
    found = 0
    for number in range(reports):
        again = number % 2 == 0
        person_number = rng.randrange(len(known))
        person = known[person_number] if again else strangers[number]
        (report_id,) = store(team, [(person, f"N{number}")], rng)
        began, began_cpu = time.perf_counter(), time.process_time()
        services.link_report(actor=system, report_id=report_id)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        if again:
            link = MentionLink.objects.exclude(status=LinkStatus.PROPOSED).get(
                mention__external_id=f"N{number}"
            )
            others = MentionLink.objects.filter(
                entity_id=link.entity_id, mention__external_id__startswith="M"
            ).values_list("mention__external_id", flat=True)
            found += any(int(m[1:]) // 4 == person_number for m in others)
    # The first report after a re-link loads the kept model into this process.
    first, timings = timings[0], sorted(timings[1:])
    first_cpu, cpu = cpu[0], sorted(cpu[1:])
    return {
        "stored_mentions": mentions,
        "reports_linked": reports,
        "store_seconds": round(stored_seconds, 1),
        "relink_seconds": round(relink_seconds, 1),
        "first_link_report_ms": round(first, 1),
        "link_report_ms_p50": round(statistics.median(timings), 1),
        "link_report_ms_p95": round(_percentile(timings, 0.95), 1),
        "link_report_ms_max": round(timings[-1], 1),
        # CPU time of this process (DuckDB runs on one thread here): what an idle machine takes.
        "first_link_report_cpu_ms": round(first_cpu, 1),
        "link_report_cpu_ms_p50": round(statistics.median(cpu), 1),
        "link_report_cpu_ms_p95": round(_percentile(cpu, 0.95), 1),
        "candidates_scored_median": statistics.median(scored) if scored else 0,
        "known_people_found": f"{found} of {(reports + 1) // 2}",
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    main()
