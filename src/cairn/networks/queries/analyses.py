"""Analyses of the graph of the records in a window: structure, hotspots, young people together."""

from __future__ import annotations

from datetime import date

from cairn.networks import analysis, loader


def network_graph(
    *, start: date | None = None, end: date | None = None
) -> tuple[analysis.NetworkGraph, analysis.Structure]:
    """The graph of the records in the window, with its networks, communities and centrality."""
    records = loader.stored_records(start=start, end=end)
    graph = analysis.build_graph(analysis.edges_from(records))
    return graph, analysis.analyse(graph)


def hotspots(
    *, start: date | None = None, end: date | None = None, top: int = 20
) -> list[analysis.Hotspot]:
    return analysis.hotspots(loader.stored_records(start=start, end=end), top=top)


def co_occurrences(
    *, start: date | None = None, end: date | None = None, hours: int = 6
) -> list[analysis.CoOccurrence]:
    """Young people missing at overlapping times, then those seen at one place within hours."""
    return analysis.missing_together(
        loader.stored_episodes(start=start, end=end)
    ) + analysis.seen_together(loader.stored_records(start=start, end=end), hours=hours)
