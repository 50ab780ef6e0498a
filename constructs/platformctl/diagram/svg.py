"""An environment :class:`~platformctl.diagram.model.Picture` as a standalone SVG, laid out in pure Python.

Layered layout: the outside world on top (internet, DNS, certificates, firewalls) next to the
tooling account (image repositories, state bucket); below it the VPC with one row per subnet tier
(public, private, isolated) and one column per zone. Each resource is a box across the zones of its
subnets, stacked inside its tier's row. Links run as right-angled lines through their own lane at
the right of the VPC, so no two share a segment; traffic links are solid arrows labelled with
protocol and port, attachments (DNS alias, TLS, firewall, image pull) dashed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from platformctl.diagram.model import INTERNET, TIERS, Link, Node, Picture

MARGIN, LABEL_W, ZONE_W, SUBNET_H = 24, 118, 250, 46
BOX_W, BOX_H, LINE_H, GAP = 236, 44, 14, 12
LANE_W, TITLE_H = 22, 64
_FILL = {"public": "#e8f5e9", "private": "#e3f2fd", "isolated": "#fff3e0"}
_STROKE = {"public": "#43a047", "private": "#1e88e5", "isolated": "#fb8c00"}
_ROLE_FILL = {"Kubernetes cluster": "#bbdefb", "database": "#ffe0b2", "cache": "#ffccbc", "event streaming": "#f8bbd0",
              "search": "#d1c4e9", "load balancer": "#c8e6c9", "image repository": "#eeeeee",
              "state bucket": "#eeeeee", "DNS record": "#fff9c4", "certificate": "#fff9c4", "web firewall": "#ffcdd2",
              "internet": "#ffffff"}
_EDGE_ROLES = ("internet", "DNS record", "web firewall", "certificate")
_ROLE_ORDER = ("load balancer", "Kubernetes cluster", "database", "cache", "event streaming", "search")


@dataclass
class _Box:
    node: Node
    x: float
    y: float
    w: float
    h: float


def _height(node: Node) -> float:
    return BOX_H + LINE_H * len(node.parts)


def render(picture: Picture) -> str:  # noqa: PLR0912, PLR0915 - one page drawn top to bottom
    """The SVG document (UTF-8 text)."""
    zones = picture.zones or ("(no subnets)",)
    column = {zone: MARGIN + LABEL_W + index * ZONE_W for index, zone in enumerate(zones)}
    vpc_right = MARGIN + LABEL_W + len(zones) * ZONE_W
    boxes: dict[str, _Box] = {}
    elements: list[ET.Element] = []

    # the outside world and the tooling account, side by side above the VPC
    outside = [Node(INTERNET, "internet", "Internet", "", "")] if any(
        link.source == INTERNET for link in picture.links) else []
    outside += sorted((node for node in picture.nodes if node.role in _EDGE_ROLES), key=lambda n: n.role)
    outside += [Node(link.source, "internet", link.source.removeprefix("cidr:"), "clients", "")
                for link in picture.links if link.source.startswith("cidr:")]
    tooling = sorted((node for node in picture.nodes if node.tier is None and node.role not in _EDGE_ROLES),
                     key=lambda n: (n.role, n.name))
    y: float = MARGIN + TITLE_H
    x: float = MARGIN
    row_h = max((_height(node) for node in outside + tooling), default=0)
    for node in outside + tooling:
        if node is (tooling[0] if tooling else None) and outside:
            x += GAP * 2
        width = max(BOX_W * 0.8, 7.4 * len(node.name) + 16, 5.8 * len(_subtitle(node)) + 16)
        boxes[node.key] = _Box(node, x, y + 16, width, _height(node))
        x += width + GAP
    if tooling:
        first = boxes[tooling[0].key]
        stacks = ", ".join(sorted({node.stack for node in tooling}))
        elements.append(_text(first.x, y + 10, f"tooling account (stacks {stacks})", size=11, weight="bold"))
    if outside:
        elements.append(_text(MARGIN, y + 10, "outside the VPC", size=11, weight="bold"))
    top_of_vpc = y + (row_h + 16 + 24 + 8 * len(picture.links) if outside or tooling else 0)

    # the VPC: one row per tier, one column per zone
    y = top_of_vpc + 44
    bands: list[tuple[str, float, float]] = []
    for tier in TIERS:
        subnets = [subnet for subnet in picture.subnets if subnet.tier == tier]
        inside = sorted((node for node in picture.nodes if node.tier == tier),
                        key=lambda n: (_ROLE_ORDER.index(n.role) if n.role in _ROLE_ORDER else 99, n.name))
        if not subnets and not inside:
            continue
        band_top = y
        for subnet in subnets:
            cell = ET.Element("g")
            cell.append(_rect(column.get(subnet.zone, column[zones[0]]) + 6, y + 6, ZONE_W - 12, SUBNET_H - 8,
                              fill="#ffffff", stroke=_STROKE[tier], dash=True))
            cell.append(_text(column.get(subnet.zone, 0) + 14, y + 22, subnet.name, size=11, weight="bold"))
            nat = "   NAT gateway" if tier == "public" and subnet.zone in picture.nat_zones else ""
            cell.append(_text(column.get(subnet.zone, 0) + 14, y + 36, f"{subnet.cidr}{nat}", size=10))
            cell.append(_title(subnet.address))
            elements.append(cell)
        y += SUBNET_H + 4
        for node in inside:
            span = [column[zone] for zone in node.zones if zone in column] or [column[zones[0]]]
            left, right = min(span) + 10, max(span) + ZONE_W - 10
            boxes[node.key] = _Box(node, left, y, right - left, _height(node))
            y += _height(node) + GAP
        y += 6
        bands.append((tier, band_top, y))

    # links: each in its own lane right of the VPC
    link_elements: list[ET.Element] = []
    lanes = [link for link in picture.links if link.source in boxes and link.target in boxes]
    leaving: dict[str, int] = {}
    arriving: dict[str, int] = {}
    for index, link in enumerate(lanes):
        out_index = leaving[link.source] = leaving.get(link.source, -1) + 1
        in_index = arriving[link.target] = arriving.get(link.target, -1) + 1
        link_elements += _route(link, boxes[link.source], boxes[link.target], vpc_right + 28 + index * LANE_W,
                                top_of_vpc - 10 - index * 8, out_index, in_index)
    width = max(vpc_right + 48 + len(lanes) * LANE_W + 60, x + MARGIN)
    height = y + 24 + 3 * 16

    svg = ET.Element("svg", xmlns="http://www.w3.org/2000/svg", width=f"{width:.0f}", height=f"{height:.0f}",
                     viewBox=f"0 0 {width:.0f} {height:.0f}", attrib={"font-family": "Helvetica, Arial, sans-serif"})
    svg.append(_defs())
    svg.append(_rect(0, 0, width, height, fill="#fafafa", stroke="none"))
    svg.append(_text(MARGIN, MARGIN + 14, f"{picture.environment} — {picture.region}", size=18, weight="bold"))
    svg.append(_text(MARGIN, MARGIN + 34, f"from the synthesized stacks {', '.join(picture.stacks)}", size=11))
    if bands:
        svg.append(_rect(MARGIN, top_of_vpc, vpc_right - MARGIN, bands[-1][2] - top_of_vpc + 8, fill="none",
                         stroke="#546e7a", width=2))
        svg.append(_text(MARGIN + 8, top_of_vpc + 18, f"VPC {picture.vpc} {picture.cidr}", size=12, weight="bold"))
        for zone, left in column.items():
            svg.append(_text(left + ZONE_W / 2, top_of_vpc + 36, zone, size=11, weight="bold", anchor="middle"))
    for tier, top, bottom in bands:
        svg.append(_rect(MARGIN + 6, top, vpc_right - MARGIN - 12, bottom - top, fill=_FILL[tier], stroke="none"))
        svg.append(_text(MARGIN + 14, top + 22, tier, size=12, weight="bold", fill=_STROKE[tier]))
        svg.append(_text(MARGIN + 14, top + 36, "subnets", size=10, fill=_STROKE[tier]))
    for element in elements:
        svg.append(element)
    for box in boxes.values():
        svg.append(_box(box))
    for element in link_elements:
        svg.append(element)
    footnote = ", ".join(f"{count} {kind}" for kind, count in picture.counts.items() if count)
    legend_y = y + 24
    svg.append(_text(MARGIN, legend_y, "solid arrow: a security-group rule lets the source reach the target "
                                       "(protocol and port); dashed: attached (DNS alias, TLS, firewall, image pull)",
                     size=10))
    if footnote:
        svg.append(_text(MARGIN, legend_y + 16, f"not drawn: {footnote}", size=10))
    ET.indent(svg)
    return ET.tostring(svg, encoding="unicode", xml_declaration=False) + "\n"


def _route(link: Link, source: _Box, target: _Box, lane_x: float, bus_y: float, out_index: int,
           in_index: int) -> list[ET.Element]:
    """Source → its lane → down or up to the target's height → the target's right edge.

    The n-th link leaving (or reaching) a box uses its own height on that box's edge.
    """
    if source.node.tier is None:  # above the VPC: leave from the bottom, along a bus of its own
        start = (source.x + source.w / 2 + 8 * out_index, source.y + source.h)
        points = [start, (start[0], bus_y), (lane_x, bus_y)]
    else:
        start = (source.x + source.w, source.y + min(source.h - 4, 10 + 8 * out_index))
        points = [start, (lane_x, start[1])]
    end = (target.x + target.w, target.y + min(target.h - 4, 12 + 13 * in_index))
    points += [(lane_x, end[1]), (end[0] + 2, end[1])]
    path = ET.Element("polyline", points=" ".join(f"{px:.0f},{py:.0f}" for px, py in points), fill="none",
                      stroke="#37474f" if link.kind == "traffic" else "#8d6e63",
                      attrib={"stroke-width": "1.4", "marker-end": "url(#arrow)"})
    if link.kind != "traffic":
        path.set("stroke-dasharray", "5,3")
    path.append(_title(f"{source.node.name} → {target.node.name}: {link.label}"))
    # on a light background, so the label stays readable where other lanes cross it
    background = _rect(end[0] + 8, end[1] - 13, 5.8 * len(link.label) + 4, 13, fill="#fafafa", stroke="none")
    background.set("fill-opacity", "0.9")
    return [path, background, _text(end[0] + 10, end[1] - 3, link.label, size=10, fill="#263238")]


def _defs() -> ET.Element:
    defs = ET.Element("defs")
    marker = ET.SubElement(defs, "marker", id="arrow", viewBox="0 0 10 10", refX="10", refY="5", markerWidth="7",
                           markerHeight="7", orient="auto-start-reverse")
    ET.SubElement(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill="#37474f")
    return defs


def _box(box: _Box) -> ET.Element:
    node = box.node
    group = ET.Element("g", attrib={"class": node.role.replace(" ", "-")})
    group.append(_title(f"{node.key} ({node.role})"))
    group.append(_rect(box.x, box.y, box.w, box.h, fill=_ROLE_FILL.get(node.role, "#ffffff"), stroke="#455a64",
                       rounded=True))
    group.append(_text(box.x + 8, box.y + 16, node.name, size=12, weight="bold"))
    group.append(_text(box.x + 8, box.y + 31, _subtitle(node), size=10))
    for index, part in enumerate(node.parts):
        group.append(_text(box.x + 14, box.y + 31 + LINE_H * (index + 1), f"• {part}", size=10))
    return group


def _subtitle(node: Node) -> str:
    return node.role + (f" · {node.detail}" if node.detail else "")


def _rect(x: float, y: float, w: float, h: float, *, fill: str, stroke: str, width: float = 1, dash: bool = False,
          rounded: bool = False) -> ET.Element:
    rect = ET.Element("rect", x=f"{x:.0f}", y=f"{y:.0f}", width=f"{w:.0f}", height=f"{h:.0f}", fill=fill, stroke=stroke,
                      attrib={"stroke-width": str(width)})
    if dash:
        rect.set("stroke-dasharray", "4,3")
    if rounded:
        rect.set("rx", "6")
    return rect


def _text(x: float, y: float, content: str, *, size: int, weight: str = "normal", anchor: str = "start",
          fill: str = "#212121") -> ET.Element:
    text = ET.Element("text", x=f"{x:.0f}", y=f"{y:.0f}", fill=fill,
                      attrib={"font-size": str(size), "font-weight": weight, "text-anchor": anchor})
    text.text = content
    return text


def _title(content: str) -> ET.Element:
    title = ET.Element("title")
    title.text = content
    return title
