"""A lineage graph drawn as SVG with a small layered layout (left to right), no Graphviz.

Datasets and jobs alternate in layers: a dataset's layer is one more than the job that writes
it, a job's one more than its furthest input (longest path, so every edge points right). Within
a layer nodes are stacked top to bottom; a column's node sits under its dataset. Column edges
carry their transformation as a label in the gap before their target; masked edges are dashed,
red and labelled ``masked``.
"""

from __future__ import annotations

import dataclasses
import html
from typing import TYPE_CHECKING, Any

from workbench.lineage.graph import ColumnKey, DatasetKey, label

if TYPE_CHECKING:
    from workbench.lineage.view import Lineage

CHAR = 7.2
"""Width of one character of the 12px monospace labels."""
HEIGHT = 28
V_GAP = 14
MARGIN = 20
MASKED = "#c0392b"
LEGEND = (
    "blue: dataset, orange: job, green: column; dotted: indirect (filter, join, group, sort…); "
    "red dashed: masked (hash, mask or encryption)"
)


@dataclasses.dataclass
class Node:
    """One box: a dataset, a job or a column."""

    id: str
    kind: str
    text: str
    layer: int = 0
    x: float = 0.0
    y: float = 0.0

    @property
    def width(self) -> float:
        return CHAR * len(self.text) + 20

    @property
    def height(self) -> float:
        return HEIGHT if self.kind != "column" else HEIGHT - 6


@dataclasses.dataclass
class Edge:
    """An arrow; column edges carry the transformation as their label."""

    source: str
    target: str
    kind: str
    text: str = ""
    masked: bool = False
    direct: bool = True


@dataclasses.dataclass
class Picture:
    """Nodes and edges, laid out."""

    nodes: dict[str, Node]
    edges: list[Edge]
    width: float = 0.0
    height: float = 0.0


def render(view: Lineage) -> str:
    """The SVG of ``view``'s graph."""
    picture = layout(*graph_of(view))
    return _svg(picture, view)


def graph_of(view: Lineage) -> tuple[dict[str, Node], list[Edge]]:
    """The nodes and edges ``view`` shows (column nodes and edges only for a column)."""
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []

    def dataset(key: DatasetKey) -> str:
        ident = f"d:{key[0]}:{key[1]}"
        nodes.setdefault(ident, Node(ident, "dataset", label(key)))
        return ident

    for run in view.jobs():
        job = f"j:{run.job}"
        nodes.setdefault(job, Node(job, "job", f"job {run.job}"))
        edges += [Edge(dataset(source), job, "reads") for source in run.inputs]
        edges.append(Edge(job, dataset(run.output), "writes"))
    dataset(view.dataset)
    if view.column is not None:
        _column_part(view, nodes, edges, dataset)
    return nodes, edges


def _column_part(view: Lineage, nodes: dict[str, Node], edges: list[Edge], dataset: Any) -> None:
    def column(key: ColumnKey) -> str:
        ident = f"c:{key[0][0]}:{key[0][1]}:{key[1]}"
        nodes.setdefault(ident, Node(ident, "column", key[1]))
        nodes[ident].id = ident
        _owner[ident] = dataset(key[0])
        return ident

    _owner: dict[str, str] = {}
    column((view.dataset, view.column or ""))
    edges += [
        Edge(column(k.source), column(k.target), "column", k.label(), k.masking, k.direct)
        for k in [*view.column_upstream, *view.column_downstream]
    ]
    edges += [Edge(owner, ident, "has") for ident, owner in _owner.items()]


def layout(nodes: dict[str, Node], edges: list[Edge]) -> Picture:
    """Layers by longest path, stacked boxes, and the picture's size."""
    structural = [e for e in edges if e.kind in ("reads", "writes")]
    owner = {e.target: e.source for e in edges if e.kind == "has"}
    for _ in range(len(nodes)):  # longest path; bounded so that a cycle cannot loop forever
        moved = False
        for e in structural:
            if nodes[e.target].layer < nodes[e.source].layer + 1:
                nodes[e.target].layer = nodes[e.source].layer + 1
                moved = True
        if not moved:
            break
    for ident, parent in owner.items():
        nodes[ident].layer = nodes[parent].layer
    layers: dict[int, list[Node]] = {}
    for node in sorted(nodes.values(), key=lambda n: (n.kind == "column", n.text)):
        if node.kind != "column":
            layers.setdefault(node.layer, []).append(node)
    for ident in sorted(owner, key=lambda i: nodes[i].text):
        stack = layers[nodes[owner[ident]].layer]
        stack.insert(stack.index(nodes[owner[ident]]) + 1, nodes[ident])
    gaps = _gaps(nodes, edges, max(layers, default=0))
    x = float(MARGIN)
    bottom = 0.0
    for index in range(max(layers, default=0) + 1):
        stack = layers.get(index, [])
        y = float(MARGIN + 24)
        for node in stack:
            node.x, node.y = x + (12 if node.kind == "column" else 0), y
            y += node.height + V_GAP
        bottom = max(bottom, y)
        x += max((n.width + (12 if n.kind == "column" else 0) for n in stack), default=0) + gaps[index]
    width = max(x - gaps[max(layers, default=0)] + MARGIN, CHAR * len(LEGEND) + 2 * MARGIN)
    return Picture(nodes, edges, width, bottom + MARGIN + 20)


def _gaps(nodes: dict[str, Node], edges: list[Edge], last: int) -> dict[int, float]:
    """Room after each layer: enough for the labels of the column edges leaving it."""
    gaps = dict.fromkeys(range(last + 1), 60.0)
    for e in edges:
        if e.kind == "column" and e.text:
            layer = nodes[e.source].layer
            if layer in gaps:
                gaps[layer] = max(gaps[layer], CHAR * len(e.text) + 40)
    return gaps


def _svg(picture: Picture, view: Lineage) -> str:
    title = label(view.dataset) + (f".{view.column}" if view.column else "")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workbench-lineage" '
        f'width="{picture.width:.0f}" height="{picture.height:.0f}" '
        f'viewBox="0 0 {picture.width:.0f} {picture.height:.0f}" '
        'font-family="ui-monospace, Menlo, Consolas, monospace" font-size="12">',
        f"<title>Lineage of {html.escape(title)}</title>",
        "<defs>" + _marker("arrow", "#555") + _marker("arrow-masked", MASKED) + "</defs>",
        f'<text x="{MARGIN}" y="{MARGIN + 4}" font-size="13" font-weight="bold">'
        f"Lineage of {html.escape(title)} (each job's latest completed run)</text>",
    ]
    seen: dict[str, int] = {}
    for edge in picture.edges:
        if edge.kind != "has":
            parts.append(_edge(picture.nodes, edge, seen.get(edge.source, 0)))
            seen[edge.source] = seen.get(edge.source, 0) + (1 if edge.text else 0)
    parts += [_node(n, view) for n in picture.nodes.values()]
    parts.append(_legend(picture))
    parts.append("</svg>")
    return "\n".join(parts)


def _marker(name: str, colour: str) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{colour}"/></marker>'
    )


_STYLE = {
    "dataset": ("#e8f1fb", "#2f6db5"),
    "job": ("#fdf3e1", "#b7791f"),
    "column": ("#eef7ee", "#3c8d40"),
}


def _node(node: Node, view: Lineage) -> str:
    fill, stroke = _STYLE[node.kind]
    focus = node.id in (
        f"c:{view.dataset[0]}:{view.dataset[1]}:{view.column}",
        f"d:{view.dataset[0]}:{view.dataset[1]}",
    )
    width = ' stroke-width="2.5"' if focus else ""
    return (
        f'<g class="node {node.kind}" data-id="{html.escape(node.id)}">'
        f'<rect x="{node.x:.1f}" y="{node.y:.1f}" width="{node.width:.1f}" height="{node.height:.1f}" '
        f'rx="{4 if node.kind == "dataset" else 12}" fill="{fill}" stroke="{stroke}"{width}/>'
        f'<text x="{node.x + 10:.1f}" y="{node.y + node.height / 2 + 4:.1f}">'
        f"{html.escape(node.text)}</text></g>"
    )


def _edge(nodes: dict[str, Node], edge: Edge, nth: int) -> str:
    """The arrow, labelled where it leaves its source (the ``nth`` label of a node ``nth`` lines lower)."""
    a, b = nodes[edge.source], nodes[edge.target]
    x1, y1 = a.x + a.width, a.y + a.height / 2
    x2, y2 = b.x, b.y + b.height / 2
    bend = max((x2 - x1) / 2, 20)
    colour = MASKED if edge.masked else ("#555" if edge.kind == "column" else "#999")
    dash = ' stroke-dasharray="6 3"' if edge.masked else ("" if edge.direct else ' stroke-dasharray="2 3"')
    marker = "arrow-masked" if edge.masked else "arrow"
    classes = f"edge {edge.kind}" + (" masked" if edge.masked else "") + ("" if edge.direct else " indirect")
    out = (
        f'<path class="{classes}" d="M {x1:.1f} {y1:.1f} C {x1 + bend:.1f} {y1:.1f}, '
        f'{x2 - bend:.1f} {y2:.1f}, {x2:.1f} {y2:.1f}" fill="none" stroke="{colour}" '
        f'stroke-width="{1.6 if edge.kind == "column" else 1.2}"{dash} marker-end="url(#{marker})"/>'
    )
    if edge.text:
        out += (
            f'<text class="edge-label{" masked" if edge.masked else ""}" x="{x1 + 8:.1f}" '
            f'y="{y1 - 5 + 13 * nth:.1f}" fill="{colour}">{html.escape(edge.text)}</text>'
        )
    return out


def _legend(picture: Picture) -> str:
    y = picture.height - 12
    return f'<g class="legend"><text x="{MARGIN}" y="{y:.0f}" fill="#555">{html.escape(LEGEND)}</text></g>'
