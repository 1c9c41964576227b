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
import logging
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

__all__ = ["CACHE_SECONDS", "GRAPH_TIMEOUT", "INLINE_CITING", "MAX_DEPTH", "MAX_NODES", "router"]

router = APIRouter(tags=["lineage"])
log = logging.getLogger("policykg")

CACHE_SECONDS = 300.0  # after this the citation graph is read again (in the background)
GRAPH_TIMEOUT = 120.0  # seconds our own queries may run (they are few, and cached)
INLINE_CITING = 60  # lineages with more citing instruments load quotes edge by edge
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
    refresh: asyncio.Task | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _cache(app) -> _Cache:
    if getattr(app.state, "lineage_cache", None) is None:
        app.state.lineage_cache = _Cache()
    return app.state.lineage_cache


async def _select(app, sparql: str, timeout: float | None = None) -> list[dict[str, str]]:
    """Rows of one of our SELECTs (GRAPH patterns, no union graph), run by a query worker."""
    settings = app.state.settings
    job = QueryJob(
        sparql,
        results_mime=_SPARQL_JSON,
        graph_mime=None,
        union=False,
        max_bytes=settings.max_result_bytes,
    )
    try:
        outcome = await app.state.pool.run(job, timeout)
    except QueryTimeout:
        raise errors.query_timeout(timeout or settings.query_timeout) from None
    except PoolBusy:
        raise errors.overloaded(app.state.pool.wait) from None
    if outcome.status == "too_large":
        raise errors.result_too_large(settings.max_result_bytes)
    if outcome.status != "ok":  # our own queries: a failure here is a bug, not bad input
        raise RuntimeError(f"lineage query failed ({outcome.status}): {outcome.message}")
    return lin.rows_from_sparql_json(outcome.body)


async def _load(app, cache: _Cache) -> None:
    limit = max(app.state.settings.query_timeout, GRAPH_TIMEOUT)
    nodes = await _select(app, lin.nodes_query(), limit)
    lookups = await _select(app, lin.lookups_query(), limit)
    edges = await _select(app, lin.edges_query(), limit)
    dates = await _select(app, lin.dates_query(), limit)
    base = app.state.settings.base
    cache.graph = await asyncio.to_thread(
        lin.graph_from_rows, lin.pivot_nodes(nodes, lookups), edges, base, dates
    )
    cache.loaded = time.monotonic()
    cache.overview = None


async def _refresh(app, cache: _Cache) -> None:
    try:
        await _load(app, cache)
    except (errors.ApiError, RuntimeError) as exc:  # keep serving the graph we have
        log.warning("policykg: the citation graph could not be reloaded: %s", exc)


async def citation_graph(request: Request) -> nx.MultiDiGraph:
    """The whole citation graph (structure only). The first request reads it; after
    CACHE_SECONDS a request gets the graph in hand while a new one is read in the background
    (the first read of a store of 2.5 M quads takes a few seconds)."""
    app = request.app
    cache = _cache(app)
    if cache.graph is None:
        async with cache.lock:
            if cache.graph is None:
                await _load(app, cache)
    elif time.monotonic() - cache.loaded > CACHE_SECONDS and (
        cache.refresh is None or cache.refresh.done()
    ):
        cache.refresh = asyncio.create_task(_refresh(app, cache))
    assert cache.graph is not None
    return cache.graph


def _split(values: list[str] | None) -> list[str]:
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


async def _citations(
    app, citing: set[str], cited: str | None = None, timeout: float | None = None
) -> list[dict[str, str]]:
    """Citation records of :func:`policykg.lineage.citation_records`."""
    rows = await _select(app, lin.citations_query(citing, cited), timeout)
    wanted = {r["paragraph"] for r in rows if "paragraph" in r}
    paragraphs = await _select(app, lin.paragraphs_query(wanted), timeout) if wanted else []
    return lin.citation_records(rows, paragraphs)


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
    citations: str = "auto",
) -> nx.MultiDiGraph:
    """The lineage, with the citations behind its edges: ``all``, ``none`` (for drawings,
    which show no quotes), or ``auto``: when it has at most INLINE_CITING citing
    instruments; ``graph["citations_inline"]`` says whether they are there. Without them the
    page asks /api/citations for one edge at a time."""
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
    citing = {u for u, _ in sub.edges()}
    inline = citations == "all" or (citations == "auto" and len(citing) <= INLINE_CITING)
    if citing and inline:
        limit = (
            max(request.app.state.settings.query_timeout, GRAPH_TIMEOUT)
            if citations == "all"
            else None
        )
        lin.attach_citations(sub, await _citations(request.app, citing, timeout=limit))
    sub.graph["citations_inline"] = inline
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
    sub = await _lineage(
        request,
        ident,
        up,
        down,
        kind,
        issuer,
        verb,
        year_from,
        year_to,
        citations={"json": "auto", "graphml": "all", "gexf": "all"}.get(format, "none"),
    )
    if format == "json":
        data = viz.to_json(sub)
        data["citations_inline"] = sub.graph["citations_inline"]
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


@router.get("/api/citations", summary="The citations behind one edge of a lineage")
async def citations_api(
    request: Request,
    citing: Annotated[str, Query(description="Citing instrument: key, IRI or path.")],
    cited: Annotated[str, Query(description="Cited instrument: key, IRI or path.")],
    relation: Annotated[
        str | None, Query(description="Only this relation (recalls, reaffirms, …).")
    ] = None,
) -> JSONResponse:
    graph = await citation_graph(request)
    try:
        a, b = lin.find_instrument(graph, citing), lin.find_instrument(graph, cited)
    except lin.UnknownInstrument as exc:
        raise errors.not_found(str(exc)) from None
    records = await _citations(request.app, {a}, b)
    if relation is not None:
        records = [r for r in records if r["relation"] == relation]
    return JSONResponse({"citing": a, "cited": b, "citations": records})


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
    cache = _cache(request.app)
    if cache.overview is None or cache.overview["graph"] is not graph:
        cache.overview = {"graph": graph, **await asyncio.to_thread(_compute_overview, graph)}
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
    return JSONResponse({k: v for k, v in data.items() if not k.endswith("_svg") and k != "graph"})


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


@router.get(
    "/assets/cytoscape/{name}",
    tags=["assets"],
    summary="Cytoscape.js as installed by npm (web/node_modules)",
)
@router.head("/assets/cytoscape/{name}", include_in_schema=False)  # its own operation id
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
