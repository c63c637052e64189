"""A chart as a file: GraphML (yEd, Gephi, i2 imports) and FollowTheMoney entities (JSON
lines that Aleph ingests with ``alephclient write-entities``).

Only what the chart holds is written, and the chart holds only what the reader may see.
FollowTheMoney has no firearm or seizure schema: a seizure is an ``Event`` (its people
and things ``involved``, each role an ``UnknownLink``), a person a ``Person``, a company a
``Company``, a vehicle a ``Vehicle``, an address an ``Address``; a phone number is a
property (``phone``) in FtM, not a thing, so a phone whose holder is unknown is a
``LegalEntity`` holding only that ``phone``. Declarations, records, hits and traces stay
in the GraphML file (no FtM schema says what they are).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from kalibar.files.xmltext import xml_safe
from kalibar.links.graph import Chart
from kalibar.links.nodes import Node

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_NODE_KEYS = ("kind", "label", "reference", "time", "detail")


def graphml(chart: Chart) -> bytes:
    """The chart as GraphML (UTF-8); every value is escaped by the XML writer, and the
    characters XML cannot hold at all are replaced (:func:`xml_safe`)."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for key in _NODE_KEYS:
        ET.SubElement(root, f"{{{GRAPHML_NS}}}key", id=key, attrib={
            "for": "node", "attr.name": key, "attr.type": "string"})  # fmt: skip
    ET.SubElement(root, f"{{{GRAPHML_NS}}}key", id="relation", attrib={
        "for": "edge", "attr.name": "relation", "attr.type": "string"})  # fmt: skip
    graph = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", id="kalibar", edgedefault="undirected")
    for node in chart.nodes:
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}node", id=node.id)
        values = {
            "kind": node.kind,
            "label": node.label,
            "reference": node.reference,
            "time": node.time.isoformat() if node.time else "",
            "detail": node.detail,
        }
        for key in _NODE_KEYS:
            data = ET.SubElement(element, f"{{{GRAPHML_NS}}}data", key=key)
            data.text = xml_safe(values[key])
    for n, edge in enumerate(chart.edges):
        element = ET.SubElement(graph, f"{{{GRAPHML_NS}}}edge", id=f"e{n}",
                                source=edge.source, target=edge.target)  # fmt: skip
        data = ET.SubElement(element, f"{{{GRAPHML_NS}}}data", key="relation")
        data.text = xml_safe(edge.label)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def ftm_id(node_or_id: Node | str) -> str:
    text = node_or_id.id if isinstance(node_or_id, Node) else node_or_id
    return "kalibar-" + text.replace(":", "-")


def _values(*items: str) -> list[str]:
    return [x for x in (i.strip() for i in items) if x]


def _documents(text: str) -> list[str]:
    """``kind:number:country`` lines → the numbers."""
    out = []
    for line in text.splitlines():
        parts = line.split(":")
        number = parts[1] if len(parts) > 1 else parts[0]
        if number.strip():
            out.append(number.strip())
    return out


def _entity_properties(node: Node) -> tuple[str, dict[str, list[str]]]:
    f = node.facts
    country = _values(str(f.get("country", "")).lower())
    if node.kind == "person":
        props = {
            "name": [node.label],
            "firstName": _values(f["given_names"]),
            "lastName": _values(f["family_name"]),
            "birthDate": _values(f["date_of_birth"]),
            "nationality": _values(str(f["nationality"]).lower()),
            "idNumber": _documents(f["identity_documents"]),
            "address": _values(f["address"]),
            "country": country,
        }
        return "Person", props
    if node.kind == "company":
        props = {
            "name": [node.label],
            "registrationNumber": _values(f["registration_number"]),
            "address": _values(f["address"]),
            "jurisdiction": country,
        }
        return "Company", props
    if node.kind == "vehicle":
        props = {
            "name": [node.label],
            "registrationNumber": _values(f["vehicle_registration"] or node.label),
            "model": _values(f["vehicle_make"]),
            "type": _values(f["vehicle_kind"]),
            "country": country,
        }
        return "Vehicle", props
    if node.kind == "phone":
        return "LegalEntity", {
            "name": [node.label],
            "phone": _values(f["phone_number"] or node.label),
        }
    return "Address", {"full": _values(f["address"] or node.label), "country": country}


def ftm_lines(chart: Chart) -> str:
    """One FollowTheMoney entity per line: ``{"id", "schema", "properties"}``."""
    lines: list[dict[str, object]] = []
    kinds = {n.id: n for n in chart.nodes}
    for node in chart.nodes:
        if node.ref[0] == "entity":
            schema, props = _entity_properties(node)
        elif node.kind == "seizure":
            schema = "Event"
            props = {
                "name": [node.label],
                "date": _values(node.time.date().isoformat() if node.time else ""),
                "location": _values(str(node.facts.get("place", ""))),
                "country": _values(str(node.facts.get("country", "")).lower()),
                "involved": sorted(
                    ftm_id(other)
                    for e in chart.edges
                    for other in (e.source, e.target)
                    if node.id in (e.source, e.target)
                    and other != node.id
                    and other in kinds
                    and kinds[other].ref[0] == "entity"
                ),
            }
        else:
            continue
        lines.append({"id": ftm_id(node), "schema": schema,
                      "properties": {k: v for k, v in props.items() if v}})  # fmt: skip
    for n, edge in enumerate(chart.edges):
        a, b = kinds.get(edge.source), kinds.get(edge.target)
        if a is None or b is None:
            continue
        entity, event = (a, b) if a.ref[0] == "entity" else (b, a)
        if entity.ref[0] != "entity" or event.kind != "seizure":
            continue
        lines.append({
            "id": f"kalibar-link-{n}-{ftm_id(entity)}-{ftm_id(event)}",
            "schema": "UnknownLink",
            "properties": {"subject": [ftm_id(entity)], "object": [ftm_id(event)],
                           "role": _values(edge.label)},
        })  # fmt: skip
    return "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)
