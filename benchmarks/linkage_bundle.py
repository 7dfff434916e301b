"""A generated world's bundle in the linkage engine's schema, and its truth (for linkage.py)."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import phonenumbers
import pyarrow as pa

from cairn.linkage.engine import PersonMention
from cairn.linkage.engine.descriptors import AGE_SLACK, age_estimate, descriptors_in, sex_in
from cairn.linkage.engine.model import connect
from cairn.linkage.engine.schema import SEXES, matching_table_from_arrow


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(newline="") as handle:
        yield from csv.DictReader(handle)


def _phone(raw: str) -> str | None:
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _registration(raw: str) -> str | None:
    plate = re.sub(r"\s+", "", raw).upper()
    return plate if plate and "?" not in plate and len(plate) >= 5 else None


def _age_range(estimated: str, description: str) -> tuple[int | None, int | None]:
    """As the application reads a mention's estimated age (`engine.descriptors.age_estimate`)."""
    age = int(estimated) if estimated else None
    return age_estimate(age, age, description)


def _split_name(written: str) -> tuple[str | None, str | None]:
    parts = written.split()
    if not parts:
        return None, None
    if len(parts) == 1:
        return parts[0], None
    return parts[0], parts[-1]


def world_mentions(bundle: Path) -> list[PersonMention]:
    """The bundle's report person mentions and young people in the engine's schema."""
    phones: dict[str, list[str]] = defaultdict(list)
    for row in _rows(bundle / "report_phone_mentions.csv"):
        if row["person_mention_id"] and (number := _phone(row["number_as_written"])):
            phones[row["person_mention_id"]].append(number)
    vehicles: dict[str, list[str]] = defaultdict(list)
    for row in _rows(bundle / "report_vehicle_mentions.csv"):
        if row["person_mention_id"] and (plate := _registration(row["registration_as_written"])):
            vehicles[row["person_mention_id"]].append(plate)
    area_of_organisation = {
        row["organisation_id"]: row["area"] for row in _rows(bundle / "organisations.csv")
    }
    area_of_team = {
        row["team_id"]: area_of_organisation.get(row["organisation_id"])
        for row in _rows(bundle / "teams.csv")
    }
    area_of_report = {
        row["report_id"]: area_of_organisation.get(row["source_organisation_id"])
        for row in _rows(bundle / "intelligence_reports.csv")
    }
    received = {
        row["report_id"]: dt.date.fromisoformat(row["received_at"][:10])
        for row in _rows(bundle / "intelligence_reports.csv")
    }
    people_in_report: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for row in _rows(bundle / "report_person_mentions.csv"):
        names = [n for n in [_split_name(row["name_as_written"])[0], row["nickname"]] if n]
        people_in_report[row["report_id"]].append((row["mention_id"], names))
    places_in_report: dict[str, list[str]] = defaultdict(list)
    context: dict[str, list[str]] = defaultdict(list)
    for row in _rows(bundle / "report_location_mentions.csv"):
        if row["name_as_written"]:
            places_in_report[row["report_id"]].append(row["name_as_written"])
        if place := row["name_as_written"] or row["address_as_written"]:
            context[row["report_id"]].append(f"place:{place}")
    for row in _rows(bundle / "report_vehicle_mentions.csv"):
        if plate := _registration(row["registration_as_written"]):
            context[row["report_id"]].append(f"vehicle:{plate}")
    for row in _rows(bundle / "report_phone_mentions.csv"):
        if number := _phone(row["number_as_written"]):
            context[row["report_id"]].append(f"phone:{number}")
    mentions = []
    for row in _rows(bundle / "report_person_mentions.csv"):
        given, family = _split_name(row["name_as_written"])
        age_min, age_max = _age_range(row["estimated_age"], row["description"])
        mentions.append(
            PersonMention(
                mention_id=row["mention_id"],
                given_name=given,
                family_name=family,
                nicknames=[row["nickname"]] if row["nickname"] else [],
                date_of_birth=(
                    dt.date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
                ),
                age_min=age_min,
                age_max=age_max,
                age_observed_on=received[row["report_id"]],
                sex=row["sex"] if row["sex"] in SEXES else sex_in(row["description"]),
                descriptors=descriptors_in(row["description"]),
                phones=phones.get(row["mention_id"], []),
                addresses=[row["address_as_written"]] if row["address_as_written"] else [],
                vehicles=vehicles.get(row["mention_id"], []),
                associates=[
                    name
                    for other, names in people_in_report[row["report_id"]]
                    if other != row["mention_id"]
                    for name in names
                ],
                places=places_in_report[row["report_id"]],
                area=area_of_report[row["report_id"]],
                record=row["report_id"],
                context=context[row["report_id"]],
            )
        )
    for row in _rows(bundle / "young_people.csv"):
        age_min, age_max = _age_range(row["estimated_age"], "")
        aliases = [a for a in row["aliases"].split("|") if a] + (
            [row["preferred_name"]] if row["preferred_name"] else []
        )
        mentions.append(
            PersonMention(
                mention_id=row["young_person_id"],
                given_name=row["given_name"],
                family_name=row["family_name"],
                nicknames=aliases,
                date_of_birth=(
                    dt.date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
                ),
                age_min=age_min,
                age_max=age_max,
                age_observed_on=dt.date.fromisoformat(row["first_contact_on"]),
                sex=row["sex"],
                postcodes=[row["postcode_district"]] if row["postcode_district"] else [],
                addresses=[row["address"]] if row["address"] else [],
                area=area_of_team.get(row["team_id"]),
            )
        )
    return mentions


def world_table(bundle: Path) -> pa.Table:
    """`world_mentions` as the engine's matching table, in DuckDB (no loop over the mentions).

    Same mapping as `world_mentions`; phone numbers are parsed once per distinct number.
    """
    con = connect()
    csv = {
        name: str(bundle / f"{name}.csv")
        for name in (
            "report_person_mentions",
            "report_phone_mentions",
            "report_vehicle_mentions",
            "organisations",
            "teams",
            "intelligence_reports",
            "report_location_mentions",
            "young_people",
        )
    }

    def read(name: str) -> str:
        return f"read_csv('{csv[name]}', all_varchar = true, header = true)"

    written = con.sql(
        f"select distinct number_as_written as w from {read('report_phone_mentions')} "  # noqa: S608 — identifiers only, values are parameters
        "where person_mention_id is not null"
    ).fetchall()
    con.register(
        "phone_lookup",
        pa.table({"w": [w for (w,) in written], "e164": [_phone(w) for (w,) in written]}),
    )
    plates = con.sql(
        f"select distinct registration_as_written from {read('report_vehicle_mentions')}"  # noqa: S608 — identifiers only, values are parameters
    ).fetchall()
    con.register(
        "plate_lookup",
        pa.table(
            {"w": [w for (w,) in plates], "plate": [_registration(w or "") for (w,) in plates]}
        ),
    )
    described = [
        d
        for (d,) in con.sql(
            f"select distinct description from {read('report_person_mentions')}"  # noqa: S608 — identifiers only, values are parameters
        ).fetchall()
    ]
    con.register(
        "description_lookup",
        pa.table(
            {
                "d": described,
                "descriptors": pa.array(
                    [descriptors_in(d) for d in described], type=pa.list_(pa.string())
                ),
                "described_sex": [sex_in(d) for d in described],
            }
        ),
    )
    age = r"""
        case when {est} is not null then greatest(0, cast({est} as int) - {s})
             when regexp_matches({d}, 'about (\d+)')
                 then greatest(0, cast(regexp_extract({d}, 'about (\d+)', 1) as int) - {s})
             when regexp_matches({d}, '(\d)0s')
                 then cast(regexp_extract({d}, '(\d)0s', 1) as int) * 10 - {s} end as age_min,
        case when {est} is not null then cast({est} as int) + {s}
             when regexp_matches({d}, 'about (\d+)')
                 then cast(regexp_extract({d}, 'about (\d+)', 1) as int) + {s}
             when regexp_matches({d}, '(\d)0s')
                 then cast(regexp_extract({d}, '(\d)0s', 1) as int) * 10 + 9 + {s} end as age_max
    """
    raw = con.sql(
        rf"""
        with people as (
            select *, string_split_regex(trim(name_as_written), '\s+') as parts
            from {read("report_person_mentions")}
        ), named as (
            select *, case when parts[1] <> '' then parts[1] end as given,
                case when len(parts) > 1 then parts[-1] end as family
            from people
        ), phones as (
            select person_mention_id as id, list(e164) as phones
            from {read("report_phone_mentions")} p join phone_lookup l on l.w = p.number_as_written
            where person_mention_id is not null and e164 is not null group by 1
        ), vehicles as (
            select person_mention_id as id,
                list(upper(regexp_replace(registration_as_written, '\s+', '', 'g'))) as vehicles
            from {read("report_vehicle_mentions")}
            where person_mention_id is not null
              and strpos(registration_as_written, '?') = 0
              and length(regexp_replace(registration_as_written, '\s+', '', 'g')) >= 5
            group by 1
        ), org as (select organisation_id, area from {read("organisations")}),
        reports as (
            select report_id, o.area, cast(left(received_at, 10) as date) as received
            from {read("intelligence_reports")} r
            left join org o on o.organisation_id = r.source_organisation_id
        ), names_in_report as (
            select report_id, mention_id, unnest([given, nickname]) as name from named
        ), associates as (
            select a.mention_id as id, list(b.name) filter (where b.name is not null) as associates
            from named a join names_in_report b
              on b.report_id = a.report_id and b.mention_id <> a.mention_id
            group by 1
        ), places as (
            select report_id, list(name_as_written) as places
            from {read("report_location_mentions")} where name_as_written is not null group by 1
        ), context as (
            select report_id, list(thing) as context from (
                select report_id, 'place:' || coalesce(name_as_written, address_as_written)
                    as thing
                from {read("report_location_mentions")}
                where coalesce(name_as_written, address_as_written) is not null
                union all
                select report_id, 'vehicle:' || l.plate
                from {read("report_vehicle_mentions")} v
                join plate_lookup l on l.w = v.registration_as_written where l.plate is not null
                union all
                select report_id, 'phone:' || l.e164
                from {read("report_phone_mentions")} p
                join phone_lookup l on l.w = p.number_as_written where l.e164 is not null
            ) group by 1
        )
        select n.mention_id, n.given as given_name, n.family as family_name,
            case when n.nickname is not null then [n.nickname] else [] end as nicknames,
            cast(n.date_of_birth as date) as date_of_birth,
            {age.format(est="n.estimated_age", d="coalesce(n.description, '')", s=AGE_SLACK)},
            r.received as age_observed_on,
            case when n.sex in ('female', 'male') then n.sex else dl.described_sex end as sex,
            coalesce(dl.descriptors, []) as descriptors,
            n.report_id as record, coalesce(cx.context, []) as context,
            coalesce(ph.phones, []) as phones, [] as postcodes,
            case when n.address_as_written is not null then [n.address_as_written] else [] end
                as addresses,
            coalesce(v.vehicles, []) as vehicles,
            coalesce(a.associates, []) as associates,
            coalesce(pl.places, []) as places, r.area
        from named n
        left join reports r on r.report_id = n.report_id
        left join phones ph on ph.id = n.mention_id
        left join vehicles v on v.id = n.mention_id
        left join associates a on a.id = n.mention_id
        left join places pl on pl.report_id = n.report_id
        left join context cx on cx.report_id = n.report_id
        left join description_lookup dl on dl.d = n.description
        union all by name
        select y.young_person_id as mention_id, y.given_name, y.family_name,
            list_filter(string_split(coalesce(y.aliases, ''), '|') || [y.preferred_name],
                lambda x: x is not null and x <> '') as nicknames,
            cast(y.date_of_birth as date) as date_of_birth,
            {age.format(est="y.estimated_age", d="''", s=AGE_SLACK)},
            cast(y.first_contact_on as date) as age_observed_on, y.sex,
            [] as phones,
            case when y.postcode_district is not null then [y.postcode_district] else [] end
                as postcodes,
            case when y.address is not null then [y.address] else [] end as addresses,
            [] as vehicles, [] as associates, [] as places, o.area
        from {read("young_people")} y
        left join {read("teams")} t on t.team_id = y.team_id
        left join org o on o.organisation_id = t.organisation_id
        """  # noqa: S608 — identifiers only, values are parameters
    ).to_arrow_table()
    # Sorted by id (report mentions, then young people) so that `--limit` picks the same
    # mentions every run: DuckDB's joins do not keep the files' order.
    return matching_table_from_arrow(raw, con).sort_by("mention_id")


def world_truth(bundle: Path) -> dict[str, str]:
    wanted = {"report_person_mentions", "young_people"}
    return {
        row["record_id"]: row["entity_id"]
        for row in _rows(bundle / "truth" / "mentions.csv")
        if row["resource"] in wanted
    }


def generate_world(scale: str, directory: Path) -> Path:
    bundle = directory / scale
    subprocess.run(  # noqa: S603 — this interpreter's own `cairn` command
        [
            sys.executable,
            "-m",
            "cairn",
            "world",
            "generate",
            "--scale",
            scale,
            "--seed",
            "1",
            "--out",
            str(bundle),
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "CAIRN_DEBUG": "1"},
    )
    return bundle
