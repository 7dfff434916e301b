"""The typed input of the linkage engine: one person mention, and its derived matching columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import duckdb
import jellyfish
import pyarrow as pa

from cairn.linkage.engine.nicknames import canonical_forms

SEXES = ("female", "male")
UNKNOWN_AREA = "(unknown)"


@dataclass(frozen=True, kw_only=True)
class PersonMention:
    """A person as one record describes them; every field but the id may be unknown.

    `age_min`/`age_max` are a reporter's estimate of the age on `age_observed_on` (the report's
    date). Phones are E.164, postcodes normalised (upper case, one space), vehicles normalised
    registrations without spaces; partial registrations (with '?') belong elsewhere, not here.
    """

    mention_id: str
    given_name: str | None = None
    family_name: str | None = None
    nicknames: Sequence[str] = ()
    date_of_birth: dt.date | None = None
    age_min: int | None = None
    age_max: int | None = None
    age_observed_on: dt.date | None = None
    sex: str | None = None
    # Canonical physical descriptors ("beard", "scar on cheek"): `descriptors.descriptors_in`.
    descriptors: Sequence[str] = ()
    phones: Sequence[str] = ()
    postcodes: Sequence[str] = ()
    addresses: Sequence[str] = ()
    vehicles: Sequence[str] = ()
    # The record's context: names of the other people and the places mentioned alongside.
    associates: Sequence[str] = ()
    places: Sequence[str] = ()
    # Where the record was made (a force or local authority area). Never compared: it only
    # keeps the broad blocking rules (a given name alone, a street name) within one area.
    area: str | None = None
    # The record the mention comes from (a report id) and what else that record names that is
    # not a person ("place:…", "vehicle:…", "phone:…"). Never compared pair by pair: the
    # collective stage (`collective.py`) uses them to place mentions by the company they keep.
    record: str | None = None
    context: Sequence[str] = ()
    # Further columns for extra comparisons a caller adds (the FEBRL benchmark's identifiers).
    extra: dict[str, str] = field(default_factory=dict)


# The columns the Splink model reads. Nothing else reaches it: in particular no ethnicity,
# religion or nationality, which must never be a matching feature.
MATCHING_COLUMNS = (
    "given_name",
    "family_name",
    "name_keys",
    "given_metaphone",
    "family_metaphone",
    "nicknames",
    "nickname",
    "date_of_birth",
    "born_from",
    "born_to",
    "sex",
    "descriptors",
    "phones",
    "postcodes",
    "addresses",
    "vehicles",
    "associates",
    "places",
)

_list = pa.list_(pa.string())
ARROW_SCHEMA = pa.schema(
    [
        ("mention_id", pa.string()),
        ("given_name", pa.string()),
        ("family_name", pa.string()),
        ("given_canonical", pa.string()),
        ("name_keys", _list),
        ("given_metaphone", pa.string()),
        ("family_metaphone", pa.string()),
        ("nicknames", _list),
        ("nickname", pa.string()),
        ("date_of_birth", pa.date32()),
        ("born_from", pa.date32()),
        ("born_to", pa.date32()),
        ("sex", pa.string()),
        ("descriptors", _list),
        ("phones", _list),
        ("postcodes", _list),
        ("addresses", _list),
        ("vehicles", _list),
        ("associates", _list),
        ("places", _list),
        ("area", pa.string()),
        ("birth_band", pa.int32()),
        ("record", pa.string()),
        ("context", _list),
    ]
)

_SPACES = re.compile(r"\s+")
_NOT_NAME = re.compile(r"[^a-z' -]")


def _clean_name(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = _SPACES.sub(" ", _NOT_NAME.sub("", value.lower())).strip()
    return cleaned or None


def _clean_list(values: Iterable[str], *, upper: bool = False) -> list[str] | None:
    cleaned = sorted(
        {
            _SPACES.sub(" ", v.strip()).upper() if upper else _SPACES.sub(" ", v.strip()).lower()
            for v in values
            if v and v.strip()
        }
    )
    return cleaned or None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_interval(mention: PersonMention) -> tuple[dt.date | None, dt.date | None]:
    """The earliest and latest possible dates of birth the mention allows."""
    if mention.date_of_birth is not None:
        return mention.date_of_birth, mention.date_of_birth
    if mention.age_observed_on is None or (mention.age_min is None and mention.age_max is None):
        return None, None
    oldest = mention.age_max if mention.age_max is not None else mention.age_min
    youngest = mention.age_min if mention.age_min is not None else mention.age_max
    assert oldest is not None and youngest is not None
    born_from = _years_before(mention.age_observed_on, oldest + 1) + dt.timedelta(days=1)
    born_to = _years_before(mention.age_observed_on, youngest)
    return born_from, born_to


def birth_band(born_from: dt.date | None, born_to: dt.date | None) -> int | None:
    """The decade of the middle of the birth interval (1990 for 1985-1996): a blocking key only."""
    if born_from is None or born_to is None:
        return None
    middle = born_from + (born_to - born_from) // 2
    return middle.year // 10 * 10


def matching_row(mention: PersonMention) -> dict[str, object]:
    """The derived columns of one mention, as the model compares them."""
    given = _clean_name(mention.given_name)
    family = _clean_name(mention.family_name)
    nicknames = _clean_list(n for n in (_clean_name(x) for x in mention.nicknames) if n)
    # The given name and the full names it may be short for (Tom -> thomas); nicknames are
    # compared on their own, so a shared street name is not counted twice.
    keys: set[str] = {given, *canonical_forms(given)} if given else set()
    born_from, born_to = birth_interval(mention)
    sex = mention.sex if mention.sex in SEXES else None
    return {
        "mention_id": mention.mention_id,
        "given_name": given,
        "family_name": family,
        "given_canonical": min(canonical_forms(given)) if given else None,
        "name_keys": sorted(keys) or None,
        "given_metaphone": jellyfish.metaphone(given) if given else None,
        "family_metaphone": jellyfish.metaphone(family) if family else None,
        "nicknames": nicknames,
        "nickname": nicknames[0] if nicknames else None,
        "date_of_birth": mention.date_of_birth,
        "born_from": born_from,
        "born_to": born_to,
        "sex": sex,
        "descriptors": _clean_list(mention.descriptors),
        "phones": _clean_list(mention.phones),
        "postcodes": _clean_list(mention.postcodes, upper=True),
        "addresses": _clean_list(mention.addresses),
        "associates": _clean_list(n for n in (_clean_name(a) for a in mention.associates) if n),
        "places": _clean_list(mention.places),
        "area": (mention.area or "").strip().lower() or UNKNOWN_AREA,
        "birth_band": birth_band(born_from, born_to),
        "record": mention.record or None,
        "context": _clean_list(mention.context),
        "vehicles": _clean_list(
            (v.replace(" ", "") for v in mention.vehicles if "?" not in v), upper=True
        ),
    }


def matching_table(mentions: Iterable[PersonMention]) -> pa.Table:
    """The mentions as an Arrow table with the model's columns, ready for DuckDB."""
    mentions = list(mentions)
    extra_columns = sorted({key for m in mentions for key in m.extra})
    rows = [matching_row(m) | {k: m.extra.get(k) or None for k in extra_columns} for m in mentions]
    schema = ARROW_SCHEMA
    for column in extra_columns:
        schema = schema.append(pa.field(column, pa.string()))
    return pa.Table.from_pylist(rows, schema=schema)


# The raw columns `matching_table_from_arrow` reads: PersonMention's fields, lists as lists.
RAW_SCHEMA = pa.schema(
    [
        ("mention_id", pa.string()),
        ("given_name", pa.string()),
        ("family_name", pa.string()),
        ("nicknames", _list),
        ("date_of_birth", pa.date32()),
        ("age_min", pa.int32()),
        ("age_max", pa.int32()),
        ("age_observed_on", pa.date32()),
        ("sex", pa.string()),
        ("descriptors", _list),
        ("phones", _list),
        ("postcodes", _list),
        ("addresses", _list),
        ("vehicles", _list),
        ("associates", _list),
        ("places", _list),
        ("area", pa.string()),
        ("record", pa.string()),
        ("context", _list),
    ]
)


def _sql_name(expression: str) -> str:
    """`_clean_name` in DuckDB SQL."""
    cleaned = (
        f"trim(regexp_replace(regexp_replace(lower({expression}), '[^a-z'' -]', '', 'g'), "
        "'\\s+', ' ', 'g'))"
    )
    return f"nullif({cleaned}, '')"


def _sql_list(column: str, *, upper: bool = False, name: bool = False) -> str:
    """`_clean_list` in DuckDB SQL: cleaned, distinct, sorted, NULL when empty."""
    if name:
        item = _sql_name("x")
    else:
        item = f"trim(regexp_replace({'upper' if upper else 'lower'}(x), '\\s+', ' ', 'g'))"
    if column == "vehicles":
        item = f"replace({item}, ' ', '')"
        where = "x is not null and strpos(x, '?') = 0"
    else:
        where = "x is not null"
    cleaned = (
        f"list_filter(list_transform(list_filter({column}, lambda x: {where}), lambda x: {item}), "
    )
    cleaned += "lambda x: x is not null and x <> '')"
    return f"nullif(list_sort(list_distinct({cleaned})), [])"


def matching_table_from_arrow(
    raw: pa.Table, connection: duckdb.DuckDBPyConnection | None = None
) -> pa.Table:
    """`matching_table` for a whole table at once (columns of RAW_SCHEMA), in DuckDB.

    The same derived columns as `matching_row`, without a Python loop over the records: the
    name lookups (diminutives, metaphone) run once per distinct name. For millions of mentions.
    """
    con = connection or duckdb.connect()
    raw = raw.select(RAW_SCHEMA.names).cast(RAW_SCHEMA)
    raw = raw.append_column("__order", pa.array(range(raw.num_rows), type=pa.int64()))
    con.register("__cairn_raw", raw)
    cleaned = con.sql(
        f"""
        select __order, mention_id,
            {_sql_name("given_name")} as given_name,
            {_sql_name("family_name")} as family_name,
            {_sql_list("nicknames", name=True)} as nicknames,
            date_of_birth, age_min, age_max, age_observed_on,
            case when sex in {SEXES} then sex end as sex,
            {_sql_list("descriptors")} as descriptors,
            {_sql_list("phones")} as phones,
            {_sql_list("postcodes", upper=True)} as postcodes,
            {_sql_list("addresses")} as addresses,
            {_sql_list("vehicles", upper=True)} as vehicles,
            {_sql_list("associates", name=True)} as associates,
            {_sql_list("places")} as places,
            coalesce(nullif(lower(trim(area)), ''), '{UNKNOWN_AREA}') as area,
            nullif(record, '') as record, {_sql_list("context")} as context
        from __cairn_raw
        """  # noqa: S608 — identifiers only, values are parameters
    ).to_arrow_table()
    con.unregister("__cairn_raw")
    names = set(cleaned.column("given_name").unique().to_pylist()) - {None}
    families = set(cleaned.column("family_name").unique().to_pylist()) - {None}
    given_lookup = pa.table(
        {
            "g": sorted(names),
            "g_canonical": [min(canonical_forms(g)) for g in sorted(names)],
            "g_keys": [sorted({g, *canonical_forms(g)}) for g in sorted(names)],
            "g_metaphone": [jellyfish.metaphone(g) for g in sorted(names)],
        }
    )
    family_lookup = pa.table(
        {"f": sorted(families), "f_metaphone": [jellyfish.metaphone(f) for f in sorted(families)]}
    )
    con.register("__cairn_clean", cleaned)
    con.register("__cairn_given", given_lookup)
    con.register("__cairn_family", family_lookup)
    oldest = "coalesce(c.age_max, c.age_min)"
    youngest = "coalesce(c.age_min, c.age_max)"
    estimated = "c.age_observed_on is not null and coalesce(c.age_min, c.age_max) is not null"
    table = con.sql(
        f"""
        select * exclude (birth_band, __order, record, context),
            cast(year(born_from + cast((born_to - born_from) // 2 as integer)) // 10 * 10
                as integer) as birth_band, record, context
        from (select c.__order, c.mention_id, c.given_name, c.family_name,
            g.g_canonical as given_canonical, g.g_keys as name_keys,
            g.g_metaphone as given_metaphone, f.f_metaphone as family_metaphone,
            c.nicknames, c.nicknames[1] as nickname, c.date_of_birth,
            case when c.date_of_birth is not null then c.date_of_birth
                when {estimated} then cast(c.age_observed_on - to_years({oldest} + 1)
                    + interval 1 day as date) end as born_from,
            case when c.date_of_birth is not null then c.date_of_birth
                when {estimated} then cast(c.age_observed_on - to_years({youngest}) as date)
                end as born_to,
            c.sex, c.descriptors, c.phones, c.postcodes, c.addresses, c.vehicles,
            c.associates, c.places, c.area, null as birth_band, c.record, c.context
        from __cairn_clean c
        left join __cairn_given g on g.g = c.given_name
        left join __cairn_family f on f.f = c.family_name)
        order by __order
        """  # noqa: S608 — identifiers only, values are parameters
    ).to_arrow_table()
    for name in ("__cairn_clean", "__cairn_given", "__cairn_family"):
        con.unregister(name)
    return table.cast(ARROW_SCHEMA)
