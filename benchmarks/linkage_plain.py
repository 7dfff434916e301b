"""The plain Splink models benchmarks/linkage.py compares Cairn's with, as in Splink's examples."""

from __future__ import annotations

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from cairn.linkage.engine import PersonMention
from cairn.linkage.engine.model import connect, fit


def plain_febrl(frames: list[pd.DataFrame], link_type: str) -> pd.DataFrame:
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


def plain_world(mentions: list[PersonMention]) -> pd.DataFrame:
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
