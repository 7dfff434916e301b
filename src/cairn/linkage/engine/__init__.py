"""Cairn's entity-resolution engine: a Splink 5 model of person mentions on DuckDB.

Django-independent on purpose, so the intelligence app, `cairn link` and the benchmark share it.
"""

from cairn.linkage.engine.clustering import Placement, resolve
from cairn.linkage.engine.model import (
    Contribution,
    Model,
    Thresholds,
    cluster,
    connect,
    explain,
    link_new,
    predict,
    train,
)
from cairn.linkage.engine.schema import MATCHING_COLUMNS, PersonMention, matching_table

__all__ = [
    "MATCHING_COLUMNS",
    "Contribution",
    "Model",
    "PersonMention",
    "Placement",
    "Thresholds",
    "cluster",
    "connect",
    "explain",
    "link_new",
    "matching_table",
    "predict",
    "resolve",
    "train",
]
