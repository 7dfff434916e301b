"""The graph is derived from other apps' records: no bundle resource of its own to import."""
