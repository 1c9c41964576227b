"""Citation lineage on the web: an interactive page, a JSON API, downloads and an overview.

``/lineage/{id}`` is a page that draws the lineage of one instrument with Cytoscape.js
(served from the npm folder at ``/assets/cytoscape/``, never from a CDN) on a time axis;
it reads ``/api/lineage/{id}``, which answers the same lineage as ``policykg lineage``:
``?up=&down=`` steps, filters ``kind``, ``issuer``, ``verb`` (comma-separated or repeated),
``from`` and ``to`` (years), and ``format`` (json by default, or svg, png, graphml, gexf,
dot, mermaid as a download). ``{id}`` is an IRI's path after the base
(``resolution/CND/64/4``) or a key (``CND 64/4``). ``/overview`` ranks instruments by
PageRank and in-degree and plots citations per year and the clause-verb mix.

The citation graph is read through the query workers (two SELECTs, see
:mod:`policykg.lineage`) and kept for :data:`CACHE_SECONDS`; each lineage then asks the
workers for the quotes and paragraphs of its own citations.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import quote

import networkx as nx
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

from .. import lineage as lin
from .. import viz
from . import errors
from .assets import ENV_VAR, web_assets_dir
from .executor import PoolBusy, QueryJob, QueryTimeout

__all__ = ["CACHE_SECONDS", "MAX_DEPTH", "MAX_NODES", "router"]

router = APIRouter(tags=["lineage"])

CACHE_SECONDS = 60.0  # how long the citation graph read from the store is reused
MAX_DEPTH = 50
MAX_NODES = 5000  # a larger lineage is refused: narrow the depth or the filters
OVERVIEW_TOP = 20
_SPARQL_JSON = "application/sparql-results+json"
# The Cytoscape.js files the pages may load, from the npm package's dist folder.
CYTOSCAPE_FILES = {"cytoscape.min.js", "cytoscape.umd.js", "cytoscape.esm.min.mjs"}


def lineage_too_large(nodes: int) -> errors.ApiError:
    return errors.ApiError(
        422,
        "lineage_too_large",
        f"the lineage has {nodes:,} instruments, over the limit of "
        f"{MAX_NODES:,}; ask for fewer steps (up, down) or add filters",
    )


# --- the citation graph, cached ----------------------------------------------------------


@dataclass
class _Cache:
    graph: nx.MultiDiGraph | None = None
    loaded: float = 0.0
    overview: dict | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _cache(request: Request) -> _Cache:
    state = request.app.state
    if getattr(state, "lineage_cache", None) is None:
        state.lineage_cache = _Cache()
    return state.lineage_cache


async def _select(request: Request, sparql: str) -> list[dict[str, str]]:
    """Rows of a SELECT run by a query worker."""
    settings = request.app.state.settings
    job = QueryJob(
        sparql,
        results_mime=_SPARQL_JSON,
        graph_mime=None,
        union=True,
        max_bytes=settings.max_result_bytes,
    )
    try:
        outcome = await request.app.state.pool.run(job)
    except QueryTimeout:
        raise errors.query_timeout(settings.query_timeout) from None
    except PoolBusy:
        raise errors.overloaded(request.app.state.pool.wait) from None
    if outcome.status == "too_large":
        raise errors.result_too_large(settings.max_result_bytes)
    if outcome.status != "ok":  # our own queries: a failure here is a bug, not bad input
        raise RuntimeError(f"lineage query failed ({outcome.status}): {outcome.message}")
    return lin.rows_from_sparql_json(outcome.body)


async def citation_graph(request: Request) -> nx.MultiDiGraph:
    """The whole citation graph (structure only), read at most every CACHE_SECONDS."""
    cache = _cache(request)
    async with cache.lock:
        if cache.graph is None or time.monotonic() - cache.loaded > CACHE_SECONDS:
            nodes = await _select(request, lin.nodes_query())
            edges = await _select(request, lin.edges_query())
            base = request.app.state.settings.base
            cache.graph = await asyncio.to_thread(
                lin.graph_from_rows, lin.pivot_nodes(nodes), edges, base
            )
            cache.loaded = time.monotonic()
            cache.overview = None
        return cache.graph


def _split(values: list[str] | None) -> list[str]:
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


async def _lineage(
    request: Request,
    ident: str,
    up: int,
    down: int,
    kind: list[str] | None,
    issuer: list[str] | None,
    verb: list[str] | None,
    year_from: int | None,
    year_to: int | None,
) -> nx.MultiDiGraph:
    graph = await citation_graph(request)
    try:
        flt = lin.Filters.of(_split(kind), _split(issuer), _split(verb), year_from, year_to)
    except lin.LineageError as exc:
        raise errors.bad_request(str(exc)) from None
    try:
        root = lin.find_instrument(graph, ident)
    except lin.UnknownInstrument as exc:
        raise errors.not_found(str(exc)) from None
    sub = await asyncio.to_thread(lin.lineage, graph, root, up, down, flt)
    if sub.number_of_nodes() > MAX_NODES:
        raise lineage_too_large(sub.number_of_nodes())
    citing = [n for n in sub if sub.out_degree(n)]
    if citing:
        lin.attach_citations(sub, await _select(request, lin.citations_query(citing)))
    return sub


def _options(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """What the filters can choose from, over the whole graph."""
    full = viz.legend(graph)
    return {
        "kinds": [k["kind"] for k in full["kinds"]],
        "issuers": [i["issuer"] for i in full["issuers"] if i["issuer"]],
        "relations": [r["relation"] for r in full["relations"]],
    }


# --- routes ---------------------------------------------------------------------------------

Up = Annotated[int, Query(ge=0, le=MAX_DEPTH, description="Steps to what it cites.")]
Down = Annotated[int, Query(ge=0, le=MAX_DEPTH, description="Steps to what cites it.")]
Kind = Annotated[list[str] | None, Query(description="Kinds to keep (resolution, treaty, …).")]
Issuer = Annotated[list[str] | None, Query(description="Issuers to keep (CND, GA, …).")]
Verb = Annotated[
    list[str] | None, Query(description="Relations (recalls) or clause verbs (Recalling) to keep.")
]
From = Annotated[int | None, Query(alias="from", description="Earliest year kept.")]
To = Annotated[int | None, Query(alias="to", description="Latest year kept.")]


@router.get("/api/lineage/{ident:path}", summary="The citation lineage of one instrument")
async def lineage_api(
    request: Request,
    ident: str,
    up: Up = 2,
    down: Down = 2,
    kind: Kind = None,
    issuer: Issuer = None,
    verb: Verb = None,
    year_from: From = None,
    year_to: To = None,
    format: Annotated[
        str, Query(description="json, svg, png, graphml, gexf, dot or mermaid.")
    ] = "json",
) -> Response:
    if format not in viz.FORMATS:
        raise errors.bad_request(f"format={format!r}: expected one of {', '.join(viz.FORMATS)}")
    sub = await _lineage(request, ident, up, down, kind, issuer, verb, year_from, year_to)
    if format == "json":
        data = viz.to_json(sub)
        data["options"] = _options(await citation_graph(request))
        return JSONResponse(data)
    body = await asyncio.to_thread(viz.render, sub, format)
    key = sub.nodes[sub.graph["root"]]["key"]
    name = "lineage-" + "".join(c if c.isalnum() else "-" for c in key).strip("-")
    return Response(
        body,
        media_type=viz.MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}{viz.EXTENSIONS[format]}"'},
    )


@router.get(
    "/lineage/{ident:path}",
    response_class=HTMLResponse,
    tags=["pages"],
    summary="Interactive citation lineage of one instrument",
)
async def lineage_page(request: Request, ident: str) -> HTMLResponse:
    graph = await citation_graph(request)
    pages = request.app.state.pages
    try:
        root = lin.find_instrument(graph, ident)
    except lin.UnknownInstrument as exc:
        return HTMLResponse(
            pages.render("lineage.html", request=request, error=str(exc), node=None, ident=ident),
            status_code=404,
        )
    return HTMLResponse(
        pages.render(
            "lineage.html",
            request=request,
            error=None,
            node=graph.nodes[root],
            ident=ident,
            api="/api/lineage/" + quote(ident.strip("/"), safe="/"),
        )
    )


async def _overview(request: Request) -> dict:
    graph = await citation_graph(request)
    cache = _cache(request)
    if cache.overview is None:
        cache.overview = await asyncio.to_thread(_compute_overview, graph)
    return cache.overview


def _compute_overview(graph: nx.MultiDiGraph) -> dict:
    base = graph.graph.get("base", "")
    ranked = lin.influence(graph)
    rows = [
        {
            "key": r.key,
            "label": r.label,
            "kind": r.kind,
            "issuer": r.issuer,
            "year": r.year,
            "cited_by": r.cited_by,
            "citations": r.citations,
            "pagerank": round(r.pagerank, 6),
            "lineage": "/lineage/"
            + quote(
                r.node[len(base) + 1 :] if base and r.node.startswith(base + "/") else r.key,
                safe="/",
            ),
        }
        for r in ranked
    ]
    by_degree = sorted(rows, key=lambda r: (-r["cited_by"], -r["citations"], r["key"]))
    mix = lin.verb_mix(graph)
    verbs = lin.verb_mix(graph, by="verb")
    total = sum(mix.values()) or 1
    groups = lin.communities(graph)
    pairs = lin.co_citation(graph, min_count=2, top=OVERVIEW_TOP)
    key = {n: d["key"] for n, d in graph.nodes(data=True)}
    return {
        "instruments": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "citations": sum(mix.values()),
        "by_pagerank": rows[:OVERVIEW_TOP],
        "by_in_degree": by_degree[:OVERVIEW_TOP],
        "per_year": {k or "": v for k, v in lin.citations_per_year(graph).items()},
        "relations": [
            {"relation": k, "citations": v, "share": round(v / total, 4)}
            for k, v in mix.most_common()
        ],
        "clause_verbs": [{"verb": k, "citations": v} for k, v in verbs.most_common()],
        "communities": [sorted(key[n] for n in c) for c in groups if len(c) > 1][:10],
        "co_citation": [
            {"first": key[p.first], "second": key[p.second], "together": p.together} for p in pairs
        ],
        "per_year_svg": viz.citations_per_year_svg(lin.citations_per_year(graph)),
        "verbs_svg": viz.verb_mix_svg(mix),
    }


@router.get("/api/overview", summary="Influence, citations per year and the clause-verb mix")
async def overview_api(request: Request) -> JSONResponse:
    data = await _overview(request)
    return JSONResponse({k: v for k, v in data.items() if not k.endswith("_svg")})


@router.get(
    "/overview",
    response_class=HTMLResponse,
    tags=["pages"],
    summary="The most influential instruments and the shape of the citation graph",
)
async def overview_page(request: Request) -> HTMLResponse:
    data = await _overview(request)
    return HTMLResponse(request.app.state.pages.render("overview.html", request=request, data=data))


@router.get(
    "/overview/citations-per-year.svg",
    tags=["pages"],
    summary="Plot: citations made per year, by issuer",
)
async def per_year_plot(request: Request) -> Response:
    return Response((await _overview(request))["per_year_svg"], media_type="image/svg+xml")


@router.get(
    "/overview/clause-verbs.svg",
    tags=["pages"],
    summary="Plot: citations by clause verb (relation)",
)
async def verbs_plot(request: Request) -> Response:
    return Response((await _overview(request))["verbs_svg"], media_type="image/svg+xml")


@router.api_route(
    "/assets/cytoscape/{name}",
    methods=["GET", "HEAD"],
    tags=["assets"],
    summary="Cytoscape.js as installed by npm (web/node_modules)",
)
async def cytoscape_asset(name: str) -> FileResponse:
    if name not in CYTOSCAPE_FILES:
        raise errors.not_found(
            f"/assets/cytoscape/{name}: not served; available: "
            + ", ".join(sorted(CYTOSCAPE_FILES))
        )
    path = web_assets_dir() / "cytoscape" / "dist" / name
    if not path.is_file():
        raise errors.not_found(
            f"Cytoscape.js is not installed: no file {path}; run 'make "
            f"install' (npm ci in web/) or set {ENV_VAR}"
        )
    return FileResponse(
        path,
        media_type="text/javascript; charset=utf-8",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"},
    )
