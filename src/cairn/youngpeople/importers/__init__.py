"""Importers for the young-people resources of a bundle (docs/formats/importing.md).

Each module registers its importers with `cairn.world.importers.importer` when imported.
"""

from cairn.youngpeople.importers import missing, record, risk

__all__ = ["missing", "record", "risk"]
