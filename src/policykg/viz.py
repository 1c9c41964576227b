"""Drawings and exports of a citation lineage (a graph made by :mod:`policykg.lineage`).

One style table serves every output: an instrument's kind is its shape, its issuer its
colour, and a citation's relation (the clause verb's edge property) its line colour and
dash. Instruments are placed on a time axis: one column per year that has instruments, in
order, with a wider gap where years are skipped, and an "undated" column last.

:func:`render` writes ``svg``, ``png`` (matplotlib; the SVG keeps its text as text, so the
labels, legend and axis years can be searched), ``graphml`` and ``gexf`` (networkx; every
attribute a string or an int), ``dot`` (Graphviz), ``mermaid`` and ``json`` (what the web
page draws).
"""

from __future__ import annotations

import io
import json
import re
import zlib
from collections import defaultdict
from collections.abc import Mapping

import networkx as nx

from .lineage import KINDS, RELATIONS, Filters

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "citations_per_year_svg",
    "legend",
    "render",
    "time_layout",
    "to_json",
    "verb_mix_svg",
]

FORMATS = ("svg", "png", "graphml", "gexf", "dot", "mermaid", "json")
MEDIA_TYPES = {
    "svg": "image/svg+xml",
    "png": "image/png",
    "graphml": "application/graphml+xml",
    "gexf": "application/gexf+xml",
    "dot": "text/vnd.graphviz; charset=utf-8",
    "mermaid": "text/vnd.mermaid; charset=utf-8",
    "json": "application/json",
}
EXTENSIONS = {
    "svg": ".svg",
    "png": ".png",
    "graphml": ".graphml",
    "gexf": ".gexf",
    "dot": ".dot",
    "mermaid": ".mmd",
    "json": ".json",
}

# --- the style table ------------------------------------------------------------------------

# kind -> (matplotlib marker, Cytoscape shape, Graphviz shape)
KIND_SHAPES: dict[str, tuple[str, str, str]] = {
    "resolution": ("o", "ellipse", "ellipse"),
    "decision": ("h", "hexagon", "hexagon"),
    "treaty": ("s", "round-rectangle", "box"),
    "declaration": ("D", "diamond", "diamond"),
    "report": ("^", "triangle", "triangle"),
    "document": ("p", "pentagon", "note"),
    "programme": ("*", "star", "component"),
    "body": ("8", "octagon", "octagon"),
    "group": ("8", "octagon", "octagon"),
    "instrument": ("d", "rhomboid", "parallelogram"),
}
# Okabe–Ito colours for the main issuers; others get a stable colour from their name.
ISSUER_COLOURS = {
    "CND": "#0072B2",
    "GA": "#D55E00",
    "ECOSOC": "#009E73",
    "INCB": "#CC79A7",
    "UNODC": "#E69F00",
    "WHO": "#56B4E9",
    "HRC": "#8C564B",
}
_MORE_COLOURS = ("#BCBD22", "#17BECF", "#9467BD", "#E377C2", "#7F7F7F", "#AEC7E8", "#98DF8A")
NO_ISSUER = "#D9D9D9"
# relation -> (colour, dash, width). Dashes: solid, dashed, dotted, dashdot.
RELATION_STYLES: dict[str, tuple[str, str, float]] = {
    "recalls": ("#4D4D4D", "solid", 1.4),
    "reaffirms": ("#1A9850", "solid", 2.2),
    "reiterates": ("#66BD63", "dashed", 1.4),
    "affirms": ("#66BD63", "dotted", 1.6),
    "recognizes": ("#3288BD", "dashed", 1.4),
    "acknowledges": ("#3288BD", "dotted", 1.6),
    "notes": ("#8C8C8C", "dashed", 1.2),
    "takesNoteOf": ("#8C8C8C", "dotted", 1.6),
    "welcomes": ("#9E0142", "dashdot", 1.4),
    "endorses": ("#9E0142", "solid", 1.8),
    "invokes": ("#F46D43", "dotted", 1.8),
    "emphasizes": ("#5E4FA2", "dashed", 1.4),
    "stresses": ("#5E4FA2", "dotted", 1.6),
    "underlines": ("#5E4FA2", "dashdot", 1.4),
    "underscores": ("#5E4FA2", "solid", 1.2),
    "highlights": ("#8073AC", "dashed", 1.4),
    "bearsInMind": ("#BF812D", "dashed", 1.4),
    "takesIntoAccount": ("#BF812D", "dotted", 1.6),
    "considers": ("#BF812D", "dashdot", 1.4),
    "isGuidedBy": ("#BF812D", "solid", 1.6),
    "expressesConcernAbout": ("#D73027", "dashed", 1.4),
    "cites": ("#B3B3B3", "dotted", 1.2),
}
_OTHER_RELATION = ("#B3B3B3", "dashed", 1.0)
_MPL_DASH = {"solid": "-", "dashed": "--", "dotted": ":", "dashdot": "-."}
_DOT_DASH = {"solid": "solid", "dashed": "dashed", "dotted": "dotted", "dashdot": "dashed"}
_CSS_DASH = {"solid": "", "dashed": "6 3", "dotted": "2 3", "dashdot": "6 3 2 3"}


def issuer_colour(issuer: str) -> str:
    if not issuer:
        return NO_ISSUER
    if issuer in ISSUER_COLOURS:
        return ISSUER_COLOURS[issuer]
    return _MORE_COLOURS[zlib.crc32(issuer.encode()) % len(_MORE_COLOURS)]


def relation_style(relation: str) -> tuple[str, str, float]:
    return RELATION_STYLES.get(relation, _OTHER_RELATION)


def _kind_order(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def legend(g: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """The kinds, issuers and relations present in ``g``, with their styles."""
    kinds = sorted({d["kind"] for _, d in g.nodes(data=True)}, key=_kind_order)
    issuers = sorted({d["issuer"] for _, d in g.nodes(data=True)}, key=lambda i: (not i, i))
    relations = sorted(
        {k for _, _, k in g.edges(keys=True)},
        key=lambda r: (RELATIONS.index(r) if r in RELATIONS else 99, r),
    )
    return {
        "kinds": [
            {"kind": k, "shape": KIND_SHAPES.get(k, KIND_SHAPES["instrument"])[1]} for k in kinds
        ],
        "issuers": [
            {"issuer": i, "label": i or "no issuer", "color": issuer_colour(i)} for i in issuers
        ],
        "relations": [
            dict(
                zip(("relation", "color", "dash", "width"), (r, *relation_style(r)), strict=True),
                dash_pattern=_CSS_DASH[relation_style(r)[1]],
            )
            for r in relations
        ],
    }


# --- the time layout ------------------------------------------------------------------------

UNDATED = "undated"


def time_layout(g: nx.MultiDiGraph) -> tuple[dict[str, tuple[float, float]], list[dict]]:
    """Positions ``{node: (x, y)}`` in column units, and the axis ``[{x, label}]``.

    x: one column per year with instruments (a gap of 1.5 where years are skipped; undated
    instruments last); y: rows within a column, centred on 0, ordered by the mean row of
    their neighbours in earlier columns so that citations cross less.
    """
    by_year: dict[int | None, list[str]] = defaultdict(list)
    for n, d in g.nodes(data=True):
        by_year[d.get("year")].append(n)
    years = sorted(y for y in by_year if y is not None)
    columns: list[tuple[float, str, list[str]]] = []
    x = 0.0
    for i, year in enumerate(years):
        if i:
            x += 1.0 if year - years[i - 1] == 1 else 1.5
        columns.append((x, str(year), by_year[year]))
    if None in by_year:
        columns.append((x + 1.5 if years else 0.0, UNDATED, by_year[None]))
    pos: dict[str, tuple[float, float]] = {}
    nodes = g._node
    # Two sweeps: first by neighbours in earlier columns, then by all neighbours.
    for sweep in (0, 1):
        for cx, _, members in columns:

            def order(n: str, sweep: int = sweep, cx: float = cx) -> tuple:
                near = [
                    pos[m][1]
                    for m in (*g._succ[n], *g._pred[n])
                    if m in pos and (sweep or pos[m][0] < cx)
                ]
                centre = sum(near) / len(near) if near else pos.get(n, (0.0, 0.0))[1]
                d = nodes[n]
                return (centre, _kind_order(d["kind"]), d["key"])

            ranked = sorted(members, key=order)
            offset = (len(ranked) - 1) / 2
            for row, n in enumerate(ranked):
                pos[n] = (cx, row - offset)
    return pos, [{"x": cx, "label": label} for cx, label, _ in columns]


# --- JSON (the web page's data) -------------------------------------------------------------


def _href(iri: str, base: str) -> str:
    return iri[len(base) :] if base and iri.startswith(base + "/") else ""


def to_json(g: nx.MultiDiGraph) -> dict:
    """The lineage as JSON-ready data: nodes with positions and styles, edges with their
    citations (quote, paragraph, verb), the axis and the legend."""
    base = g.graph.get("base", "")
    pos, axis = time_layout(g)
    root = g.graph.get("root")
    nodes = []
    for n, d in g.nodes(data=True):
        nodes.append(
            {
                "id": n,
                "key": d["key"],
                "label": d["label"],
                "short": d["short"],
                "kind": d["kind"],
                "issuer": d["issuer"],
                "year": d["year"],
                "year_source": d.get("year_source", ""),
                "distance": d.get("distance"),
                "direction": d.get("direction", ""),
                "href": _href(n, base),
                "x": pos[n][0],
                "y": pos[n][1],
                "color": issuer_colour(d["issuer"]),
                "shape": KIND_SHAPES.get(d["kind"], KIND_SHAPES["instrument"])[1],
            }
        )
    nodes.sort(key=lambda r: (r["x"], r["y"]))
    edges = []
    for i, (u, v, k, d) in enumerate(
        sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2]))
    ):
        colour, dash, width = relation_style(k)
        edges.append(
            {
                "id": f"e{i}",
                "source": u,
                "target": v,
                "relation": k,
                "count": d["count"],
                "verbs": d["verbs"],
                "citations": d.get("citations", []),
                "color": colour,
                "dash": dash,
                "dash_pattern": _CSS_DASH[dash],
                "width": width,
            }
        )
    flt: Filters | None = g.graph.get("filters")
    return {
        "root": root,
        "root_key": g.nodes[root]["key"] if root in g else None,
        "up": g.graph.get("up"),
        "down": g.graph.get("down"),
        "filters": flt.to_query() if flt else {},
        "nodes": nodes,
        "edges": edges,
        "axis": axis,
        "legend": legend(g),
    }


# --- GraphML, GEXF --------------------------------------------------------------------------


def _flat(g: nx.MultiDiGraph, positions: bool) -> nx.MultiDiGraph:
    """A copy whose attributes are all strings or ints (no None, no lists)."""
    pos, _ = time_layout(g) if positions else ({}, [])
    h = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        attrs: dict = {
            "instrument_key": d["key"],
            "label": d["label"],
            "short": d["short"],
            "kind": d["kind"],
            "issuer": d["issuer"],
            "year_source": d.get("year_source", ""),
            "direction": d.get("direction", ""),
        }
        if d.get("year") is not None:
            attrs["year"] = int(d["year"])
        if d.get("distance") is not None:
            attrs["distance"] = int(d["distance"])
        if positions:
            c = issuer_colour(d["issuer"])
            attrs["viz"] = {
                "position": {"x": pos[n][0] * 120.0, "y": -pos[n][1] * 40.0, "z": 0.0},
                "color": {"r": int(c[1:3], 16), "g": int(c[3:5], 16), "b": int(c[5:7], 16)},
            }
        h.add_node(n, **attrs)
    for u, v, k, d in g.edges(keys=True, data=True):
        cites = d.get("citations", [])
        h.add_edge(
            u,
            v,
            key=k,
            relation=k,
            count=int(d["count"]),
            clause_verbs=", ".join(sorted(d["verbs"])),
            paragraphs=", ".join(c["paragraph"] for c in cites if c["paragraph"]),
            quotes=" | ".join(c["quote"] for c in cites if c["quote"]),
        )
    return h


def graphml(g: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(_flat(g, positions=False), out, encoding="utf-8")
    return out.getvalue()


def gexf(g: nx.MultiDiGraph) -> bytes:
    out = io.BytesIO()
    nx.write_gexf(_flat(g, positions=True), out, encoding="utf-8")
    return out.getvalue()


# --- DOT and Mermaid ------------------------------------------------------------------------


def _dq(text: str) -> str:
    """A double-quoted DOT string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(g: nx.MultiDiGraph) -> bytes:
    """Graphviz DOT: cited instruments to the left, one rank per year (a year axis made of
    plain-text year nodes along the top)."""
    _, axis = time_layout(g)
    root = g.graph.get("root")
    title = f"Citation lineage of {g.nodes[root]['key']}" if root in g else "Citation graph"
    lines = [
        "// policykg citation lineage: nodes are instruments (shape: kind, colour: issuer),",
        "// edges run from the citing to the cited instrument (colour and style: relation).",
        "digraph lineage {",
        f"  graph [rankdir=RL, fontname=Helvetica, labelloc=t, label={_dq(title)}];",
        "  node [fontname=Helvetica, fontsize=10, style=filled];",
        "  edge [fontname=Helvetica, fontsize=8, arrowsize=0.6];",
    ]
    by_column: dict[str, list[str]] = defaultdict(list)
    for n, d in g.nodes(data=True):
        by_column[str(d["year"]) if d.get("year") is not None else UNDATED].append(n)
    labels = [a["label"] for a in axis]
    for label in labels:
        lines.append(
            f'  {_dq("axis:" + label)} [shape=plaintext, style="", '
            f"label={_dq(label)}, fontsize=12];"
        )
    for newer, older in zip(labels[::-1], labels[::-1][1:], strict=False):
        lines.append(f"  {_dq('axis:' + newer)} -> {_dq('axis:' + older)} [style=invis];")
    for n, d in sorted(g.nodes(data=True), key=lambda nd: nd[1]["key"]):
        shape = KIND_SHAPES.get(d["kind"], KIND_SHAPES["instrument"])[2]
        pen = ", penwidth=3" if n == root else ""
        lines.append(
            f"  {_dq(n)} [label={_dq(d['short'])}, tooltip={_dq(d['label'])}, shape={shape}, "
            f"fillcolor={_dq(issuer_colour(d['issuer']))}{pen}];"
        )
    for label in labels:
        members = " ".join(_dq(n) for n in sorted(by_column[label]))
        lines.append(f"  {{ rank=same; {_dq('axis:' + label)} {members} }}")
    for u, v, k in sorted(g.edges(keys=True)):
        colour, dash, width = relation_style(k)
        lines.append(
            f"  {_dq(u)} -> {_dq(v)} [label={_dq(k)}, color={_dq(colour)}, "
            f"style={_DOT_DASH[dash]}, penwidth={width:g}];"
        )
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


_MERMAID_ESCAPES = {
    '"': "#quot;",
    "#": "#35;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "`": "#96;",
}


def _mq(text: str) -> str:
    return "".join(_MERMAID_ESCAPES.get(c, c) for c in text.replace("\n", " "))


def mermaid(g: nx.MultiDiGraph) -> bytes:
    """A Mermaid flowchart: one subgraph per year, oldest first."""
    ids = {n: f"n{i}" for i, n in enumerate(sorted(g, key=lambda n: g.nodes[n]["key"]))}
    root = g.graph.get("root")
    lines = [
        "%% policykg citation lineage: an arrow runs from the citing instrument to the cited one",
        "flowchart RL",
    ]
    by_column: dict[str, list[str]] = defaultdict(list)
    for n, d in g.nodes(data=True):
        by_column[str(d["year"]) if d.get("year") is not None else UNDATED].append(n)
    _, axis = time_layout(g)
    for a in axis:
        label = a["label"]
        lines.append(f'  subgraph y_{label} ["{_mq(label)}"]')
        for n in sorted(by_column[label], key=lambda n: g.nodes[n]["key"]):
            d = g.nodes[n]
            lines.append(f'    {ids[n]}["{_mq(d["short"])}"]')
        lines.append("  end")
    classes: dict[str, list[str]] = defaultdict(list)
    for n, d in g.nodes(data=True):
        classes[d["issuer"]].append(ids[n])
    for i, (u, v, k) in enumerate(sorted(g.edges(keys=True))):
        colour, dash, width = relation_style(k)
        arrow = "-->" if dash == "solid" else "-.->"
        lines.append(f"  {ids[u]} {arrow}|{_mq(k)}| {ids[v]}")
        pattern = f",stroke-dasharray:{_CSS_DASH[dash]}" if _CSS_DASH[dash] else ""
        lines.append(f"  linkStyle {i} stroke:{colour},stroke-width:{width:g}px{pattern}")
    for issuer, members in sorted(classes.items()):
        name = "issuer_" + (re.sub(r"\W", "_", issuer) or "none")
        lines.append(f"  classDef {name} fill:{issuer_colour(issuer)},color:#000")
        lines.append(f"  class {','.join(sorted(members))} {name}")
    if root in ids:
        lines.append(f"  style {ids[root]} stroke:#000,stroke-width:3px")
    return ("\n".join(lines) + "\n").encode()


# --- SVG and PNG (matplotlib) ---------------------------------------------------------------

_X_INCH = 1.45  # inches per column of the time axis
_Y_INCH = 0.5  # inches per row
_ARROW_LIMIT = 400  # above this many edges, lines without arrowheads
_MAX_PNG_PIXELS = 6000  # the longer side of a PNG at most
_LABEL_LIMIT = 250  # above this many instruments only the most cited are labelled


def _figure(g: nx.MultiDiGraph, title: str | None = None):
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    pos, axis = time_layout(g)
    leg = legend(g)
    xmax = max((a["x"] for a in axis), default=0.0)
    rows = max((sum(1 for p in pos.values() if p[0] == a["x"]) for a in axis), default=1)
    legend_rows = 3 + len(leg["kinds"]) + len(leg["issuers"]) + len(leg["relations"]) + 2
    width = min(60.0, 1.0 + _X_INCH * (xmax + 1.6))
    height = min(60.0, max(5.0, _Y_INCH * rows + 2.0, 0.24 * legend_rows + 1.2))
    fig = Figure(figsize=(width + 3.0, height))
    gs = fig.add_gridspec(
        1,
        2,
        width_ratios=[width, 3.0],
        wspace=0.02,
        left=0.03,
        right=0.99,
        top=1 - 0.75 / height,
        bottom=0.9 / height,
    )
    ax = fig.add_subplot(gs[0, 0])
    lx = fig.add_subplot(gs[0, 1])
    root = g.graph.get("root")
    if title is None:
        title = (
            f"Citation lineage of {g.nodes[root]['label']} ({g.nodes[root]['key']})"
            if root in g
            else "Citation graph"
        )
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")

    # Citations: one arrow per relation, curved apart when two instruments share several.
    # Many citations: straight lines without heads, one collection per relation (drawing
    # thousands of arrows one by one takes matplotlib many seconds); the time axis still
    # tells which end cites.
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for u, v, k in g.edges(keys=True):
        pairs[(u, v)].append(k)
    arrows = g.number_of_edges() <= _ARROW_LIMIT
    lines: dict[str, list] = defaultdict(list)
    for (u, v), keys in pairs.items():
        (x1, y1), (x2, y2) = pos[u], pos[v]
        inches = max(0.5, ((x2 - x1) * _X_INCH) ** 2 + ((y2 - y1) * _Y_INCH) ** 2) ** 0.5
        for i, k in enumerate(sorted(keys)):
            if not arrows:
                lines[k].append([pos[u], pos[v]])
                continue
            colour, dash, lw = relation_style(k)
            # Bend by about the same distance on the page whatever the arrow's length.
            rad = min(0.4, (0.22 + 0.16 * i) / inches)
            ax.add_patch(
                FancyArrowPatch(
                    pos[u],
                    pos[v],
                    arrowstyle="-|>",
                    mutation_scale=9,
                    lw=lw,
                    color=colour,
                    linestyle=_MPL_DASH[dash],
                    connectionstyle=f"arc3,rad={rad}",
                    shrinkA=7,
                    shrinkB=7,
                    alpha=0.85,
                    zorder=1,
                )
            )
    for k, segments in lines.items():
        colour, dash, lw = relation_style(k)
        ax.add_collection(
            LineCollection(
                segments,
                colors=colour,
                linewidths=lw * 0.7,
                linestyles=_MPL_DASH[dash],
                alpha=0.5,
                zorder=1,
            )
        )

    # Instruments: shape by kind, fill by issuer; the root outlined in black.
    for n, d in g.nodes(data=True):
        marker = KIND_SHAPES.get(d["kind"], KIND_SHAPES["instrument"])[0]
        is_root = n == root
        ax.scatter(
            [pos[n][0]],
            [pos[n][1]],
            s=190 if is_root else 95,
            marker=marker,
            c=issuer_colour(d["issuer"]),
            edgecolors="#000000" if is_root else "#333333",
            linewidths=2.2 if is_root else 0.7,
            zorder=3,
        )
    cited = {n: g.in_degree(n) for n in g}
    labelled = (
        set(g)
        if len(g) <= _LABEL_LIMIT
        else set(sorted(g, key=lambda n: -cited[n])[:_LABEL_LIMIT]) | {root}
    )
    for n in labelled:
        if n not in pos:
            continue
        d = g.nodes[n]
        ax.annotate(
            d["short"],
            pos[n],
            xytext=(8, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=7.5,
            fontweight="bold" if n == root else "normal",
            zorder=4,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75},
        )

    # The time axis.
    ax.set_xticks(
        [a["x"] for a in axis],
        [a["label"] for a in axis],
        fontsize=8,
        rotation=45 if len(axis) > 24 else 0,
    )
    ax.set_xlim(-0.5, xmax + 1.1)
    ys = [p[1] for p in pos.values()] or [0.0]
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_yticks([])
    ax.set_xlabel(
        "Year of the instrument (one column per year with instruments; "
        + (
            "arrows run from the citing instrument to the cited one)"
            if arrows
            else "lines join a citing instrument to the earlier one it cites)"
        ),
        fontsize=8,
    )
    for spine in ("left", "right", "top"):
        ax.spines[spine].set_visible(False)
    for a in axis:
        ax.axvline(a["x"], color="#EEEEEE", lw=0.8, zorder=0)
    for i in range(1, len(axis)):
        prev, cur = axis[i - 1], axis[i]
        if cur["x"] - prev["x"] > 1.0:  # years skipped: a break mark on the axis
            ax.annotate(
                "//",
                ((prev["x"] + cur["x"]) / 2, 0),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="center",
                fontsize=8,
                color="#777777",
                annotation_clip=False,
            )

    # The legend, drawn row by row in its own axes.
    lx.set_axis_off()
    lx.set_xlim(0, 1)
    total = legend_rows
    lx.set_ylim(total, 0)
    row = 0.5

    def heading(text: str) -> None:
        nonlocal row
        lx.text(0.02, row, text, fontsize=9, fontweight="bold", va="center")
        row += 1

    heading("Kind (shape)")
    for item in leg["kinds"]:
        marker = KIND_SHAPES.get(item["kind"], KIND_SHAPES["instrument"])[0]
        lx.scatter([0.08], [row], marker=marker, s=70, c="#FFFFFF", edgecolors="#333333")
        lx.text(0.18, row, item["kind"], fontsize=8, va="center")
        row += 1
    row += 0.3
    heading("Issuer (colour)")
    for item in leg["issuers"]:
        lx.scatter([0.08], [row], marker="o", s=70, c=item["color"], edgecolors="#333333")
        lx.text(0.18, row, item["label"], fontsize=8, va="center")
        row += 1
    row += 0.3
    heading("Clause verb (relation)")
    for item in leg["relations"]:
        lx.add_line(
            Line2D(
                [0.02, 0.14],
                [row, row],
                color=item["color"],
                lw=item["width"],
                linestyle=_MPL_DASH[item["dash"]],
            )
        )
        lx.text(0.18, row, item["relation"], fontsize=8, va="center")
        row += 1
    return fig


def _save(fig, fmt: str) -> bytes:
    import matplotlib

    out = io.BytesIO()
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "policykg", "font.family": "DejaVu Sans"}
    ):
        fig.savefig(
            out,
            format=fmt,
            dpi=min(150, _MAX_PNG_PIXELS / max(fig.get_size_inches())) if fmt == "png" else None,
            metadata={"Date": None} if fmt == "svg" else None,
        )
    return out.getvalue()


def svg(g: nx.MultiDiGraph, title: str | None = None) -> bytes:
    return _save(_figure(g, title), "svg")


def png(g: nx.MultiDiGraph, title: str | None = None) -> bytes:
    return _save(_figure(g, title), "png")


def render(g: nx.MultiDiGraph, fmt: str) -> bytes:
    """``g`` in one of :data:`FORMATS`."""
    if fmt == "json":
        return json.dumps(to_json(g), ensure_ascii=False, indent=1).encode()
    writers = {
        "svg": svg,
        "png": png,
        "graphml": graphml,
        "gexf": gexf,
        "dot": dot,
        "mermaid": mermaid,
    }
    if fmt not in writers:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return writers[fmt](g)


# --- overview plots -------------------------------------------------------------------------


def citations_per_year_svg(per_year: Mapping[str, Mapping[int, int]]) -> bytes:
    """Stacked bars: citations made each year, by the issuer of the citing instrument."""
    from matplotlib.figure import Figure

    years = sorted({y for counts in per_year.values() for y in counts})
    fig = Figure(figsize=(max(6.0, 0.35 * len(years) + 3.0), 4.2))
    ax = fig.add_subplot(1, 1, 1)
    bottom = dict.fromkeys(years, 0)
    for issuer, counts in sorted(per_year.items(), key=lambda kv: (not kv[0], kv[0])):
        heights = [counts.get(y, 0) for y in years]
        ax.bar(
            years,
            heights,
            bottom=[bottom[y] for y in years],
            color=issuer_colour(issuer),
            edgecolor="#333333",
            linewidth=0.4,
            label=issuer or "no issuer",
        )
        for y, h in zip(years, heights, strict=True):
            bottom[y] += h
    ax.set_title(
        "Citations made per year, by issuer of the citing instrument",
        loc="left",
        fontsize=11,
        fontweight="bold",
    )
    ax.set_xlabel("Year of the citing instrument", fontsize=9)
    ax.set_ylabel("Citations (paragraph mentions)", fontsize=9)
    if years:
        ax.set_xticks(
            years, [str(y) for y in years], fontsize=8, rotation=45 if len(years) > 12 else 0
        )
        ax.legend(title="Issuer", fontsize=8, title_fontsize=9, frameon=False)
    else:
        ax.text(0.5, 0.5, "no dated citing instruments", ha="center", transform=ax.transAxes)
    for spine in ("right", "top"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    return _save(fig, "svg")


def verb_mix_svg(mix: Mapping[str, int]) -> bytes:
    """Horizontal bars: citations by relation (the clause verb's edge property)."""
    from matplotlib.figure import Figure

    items = sorted(mix.items(), key=lambda kv: (kv[1], kv[0]))
    fig = Figure(figsize=(6.5, max(2.5, 0.28 * len(items) + 1.2)))
    ax = fig.add_subplot(1, 1, 1)
    names = [k or "(no verb)" for k, _ in items]
    ax.barh(names, [v for _, v in items], color=[relation_style(k)[0] for k, _ in items])
    for i, (_, v) in enumerate(items):
        ax.text(v, i, f" {v}", va="center", fontsize=8)
    ax.set_title("Citations by clause verb (relation)", loc="left", fontsize=11, fontweight="bold")
    ax.set_xlabel("Citations", fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    for spine in ("right", "top"):
        ax.spines[spine].set_visible(False)
    fig.tight_layout()
    return _save(fig, "svg")
