"""Train, predict, explain, cluster and link incrementally with Cairn's person model.

The model is kept in modules by what is done with it: `person_model` (the trained model, its
connection, thresholds and settings), `training`, `scoring` (pairs, explanations, connected
components) and `incremental` (`link_new`). Every name stays importable from here.
"""

from cairn.linkage.engine.incremental import (
    KEY_INDEX,
    build_key_index,
    link_new,
)
from cairn.linkage.engine.person_model import (
    TF_COLUMNS,
    Contribution,
    Model,
    Thresholds,
    as_table,
    connect,
    person_settings,
)
from cairn.linkage.engine.scoring import (
    SCORE_COLUMNS,
    cluster,
    explain,
    pairs_frame,
    predict,
    scored_frame,
)
from cairn.linkage.engine.training import (
    AREA_SCOPED_FROM,
    DEFAULT_PRIOR,
    EM_MAX_PAIRS,
    EM_PROBE_MENTIONS,
    M_FLOOR,
    NATIONAL_FROM,
    deterministic_recall,
    fit,
    train,
)

__all__ = [
    "AREA_SCOPED_FROM",
    "DEFAULT_PRIOR",
    "EM_MAX_PAIRS",
    "EM_PROBE_MENTIONS",
    "KEY_INDEX",
    "M_FLOOR",
    "NATIONAL_FROM",
    "SCORE_COLUMNS",
    "TF_COLUMNS",
    "Contribution",
    "Model",
    "Thresholds",
    "as_table",
    "build_key_index",
    "cluster",
    "connect",
    "deterministic_recall",
    "explain",
    "fit",
    "link_new",
    "pairs_frame",
    "person_settings",
    "predict",
    "scored_frame",
    "train",
]
