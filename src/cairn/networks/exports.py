"""Exports of a link chart: GraphML, GEXF and a link CSV laid out for i2 Analyst's Notebook.

Each holds what the chart showed the user (restricted nodes stay restricted) and is a
disclosure (DPA 2018 s.62), so audited.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from cairn.access.actor import Actor
from cairn.audit.models import Action
from cairn.audit.services import audit_record, record_label
from cairn.networks.models import Edge
from cairn.networks.queries import Chart

GRAPHML = "http://graphml.graphdrawing.org/xmlns"
GEXF = "http://www.gexf.net/1.2draft"
LINK_TYPE = "Named in the same record"
I2_COLUMNS = [
    "Entity1 Type",
    "Entity1 ID",
    "Entity1 Label",
    "Link Type",
    "Entity2 Type",
    "Entity2 ID",
    "Entity2 Label",
    "First Seen",
    "Last Seen",
    "Count",
    "Grading",
]


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def graphml(chart: Chart) -> bytes:
    root = ET.Element("graphml", xmlns=GRAPHML)
    keys = [
        ("label", "node", "string"),
        ("kind", "node", "string"),
        ("count", "edge", "int"),
        ("first_seen", "edge", "string"),
        ("last_seen", "edge", "string"),
        ("grading", "edge", "string"),
    ]
    for name, owner, kind in keys:
        ET.SubElement(root, "key", {"id": name, "for": owner, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, "graph", id="link-chart", edgedefault="undirected")
    for node in chart.nodes:
        element = ET.SubElement(graph, "node", id=node.key)
        ET.SubElement(element, "data", key="label").text = node.label
        ET.SubElement(element, "data", key="kind").text = node.kind
    for link in chart.edges:
        facts = link.as_json()
        element = ET.SubElement(
            graph, "edge", id=str(facts["id"]), source=link.first.key, target=link.second.key
        )
        for name in ("count", "first_seen", "last_seen", "grading"):
            ET.SubElement(element, "data", key=name).text = str(facts[name])
    return _xml(root)


def gexf(chart: Chart) -> bytes:
    root = ET.Element("gexf", xmlns=GEXF, version="1.2")
    graph = ET.SubElement(root, "graph", mode="static", defaultedgetype="undirected")
    node_attributes = ET.SubElement(graph, "attributes", {"class": "node"})
    ET.SubElement(node_attributes, "attribute", id="kind", title="kind", type="string")
    edge_attributes = ET.SubElement(graph, "attributes", {"class": "edge"})
    for name in ("first_seen", "last_seen", "grading"):
        ET.SubElement(edge_attributes, "attribute", id=name, title=name, type="string")
    nodes = ET.SubElement(graph, "nodes")
    for node in chart.nodes:
        element = ET.SubElement(nodes, "node", id=node.key, label=node.label)
        values = ET.SubElement(element, "attvalues")
        ET.SubElement(values, "attvalue", {"for": "kind", "value": node.kind})
    edges = ET.SubElement(graph, "edges")
    for link in chart.edges:
        facts = link.as_json()
        element = ET.SubElement(
            edges,
            "edge",
            id=str(facts["id"]),
            source=link.first.key,
            target=link.second.key,
            weight=str(facts["count"]),
        )
        values = ET.SubElement(element, "attvalues")
        for name in ("first_seen", "last_seen", "grading"):
            ET.SubElement(values, "attvalue", {"for": name, "value": str(facts[name])})
    return _xml(root)


def _cell(text: str) -> str:
    """A spreadsheet must not take a label for a formula."""
    return f"'{text}" if text[:1] in {"=", "+", "-", "@"} else text


def i2_links(chart: Chart) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(I2_COLUMNS)
    for link in chart.edges:
        facts = link.as_json()
        writer.writerow(
            [
                link.first.kind_label,
                link.first.key,
                _cell(link.first.label),
                LINK_TYPE,
                link.second.kind_label,
                link.second.key,
                _cell(link.second.label),
                facts["first_seen"],
                facts["last_seen"],
                facts["count"],
                facts["grading"],
            ]
        )
    return out.getvalue().encode("utf-8")


FORMATS: dict[str, tuple[Callable[[Chart], bytes], str, str]] = {
    "graphml": (graphml, "application/graphml+xml", "graphml"),
    "gexf": (gexf, "application/gexf+xml", "gexf"),
    "csv": (i2_links, "text/csv; charset=utf-8", "csv"),
}


def chart_disclosed(*, actor: Actor, chart: Chart, fmt: str, centres: list[str]) -> None:
    """Audit the chart leaving Cairn as a file in `fmt` (a PNG is drawn by the browser)."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=Action.DISCLOSURE,
            record_type=record_label(Edge),
            record_ids=[link.edge.pk for link in chart.edges],
            summary=f"Exported a link chart as {fmt.upper()}",
            detail={
                "format": fmt,
                "centres": centres,
                "nodes": len(chart.nodes),
                "edges": len(chart.edges),
            },
        )


def chart_export(*, actor: Actor, chart: Chart, fmt: str, centres: list[str]) -> ExportFile:
    """The chart in `fmt`, its disclosure audited."""
    write, content_type, extension = FORMATS[fmt]
    content = write(chart)
    chart_disclosed(actor=actor, chart=chart, fmt=fmt, centres=centres)
    return ExportFile(content, content_type, f"link-chart.{extension}")
