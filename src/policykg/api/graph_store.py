"""SPARQL 1.1 Graph Store HTTP Protocol at ``/store`` (``?graph=IRI`` or ``?default``).

Off unless updates are enabled; then every method needs the bearer token. Reads go through
the query workers like any query; writes stop them (see :mod:`policykg.api.update`).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request, Response

from . import errors
from .executor import QueryJob, QueryTimeout
from .negotiation import negotiate
from .sparql import GRAPH_OFFERS, _read_body
from .update import require_token

router = APIRouter(tags=["Graph Store Protocol"])

_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+")
_INPUT = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/rdf+xml": "rdfxml",
    "application/ld+json": "jsonld",
    "text/plain": "ntriples",
}


def _target(request: Request) -> str | None:
    """The graph IRI named by ``?graph=``, or None for ``?default``."""
    params = request.query_params
    if "default" in params and "graph" not in params:
        return None
    graph = params.get("graph")
    if graph is None or "default" in params:
        raise errors.bad_request("name one graph: ?graph=IRI or ?default")
    if not _IRI.fullmatch(graph):
        raise errors.bad_request(f"graph={graph!r}: expected an absolute http(s) IRI")
    return graph


@router.api_route(
    "/store",
    methods=["GET", "PUT", "POST", "DELETE"],
    name="graph_store",
    summary="Graph Store Protocol (only when updates are enabled, with the token)",
)
async def graph_store(request: Request) -> Response:
    require_token(request)
    graph = _target(request)
    if request.method == "GET":
        return await _get(request, graph)
    return await _write(request, graph)


async def _get(request: Request, graph: str | None) -> Response:
    media = negotiate(request.headers.get("accept"), GRAPH_OFFERS)
    if media is None:
        raise errors.not_acceptable(GRAPH_OFFERS)
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    job = QueryJob(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}",
        None,
        media,
        union=False,
        max_bytes=request.app.state.settings.max_result_bytes,
    )
    if graph:
        exists = QueryJob(
            f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
            "application/sparql-results+json",
            None,
            union=False,
        )
        try:
            found = await request.app.state.pool.run(exists)
        except QueryTimeout:
            raise errors.query_timeout(request.app.state.settings.query_timeout) from None
        if b"true" not in found.body:
            raise errors.not_found(f"no graph <{graph}> in the store")
    try:
        outcome = await request.app.state.pool.run(job)
    except QueryTimeout:
        raise errors.query_timeout(request.app.state.settings.query_timeout) from None
    if outcome.status == "too_large":
        raise errors.result_too_large(request.app.state.settings.max_result_bytes)
    return Response(outcome.body, media_type=outcome.mime, headers={"Vary": "Accept"})


async def _write(request: Request, graph: str | None) -> Response:
    body = b""
    fmt = None
    if request.method in ("PUT", "POST"):
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        fmt = _INPUT.get(content_type)
        if fmt is None:
            raise errors.unsupported_media_type(content_type or "(none)", list(_INPUT))
        body = await _read_body(request)
    store_path = request.app.state.settings.store
    method = request.method

    triples = ""
    if method in ("PUT", "POST"):
        from ..store import convert_rdf

        try:  # parse first: a bad body must not cost the graph it would replace
            triples = convert_rdf(body.decode("utf-8"), fmt, "application/n-triples").decode()
        except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
            raise errors.bad_request(f"the RDF could not be read: {exc}") from None

    def write() -> str | None:
        from ..store import GraphStore

        store = GraphStore(store_path)
        try:
            target = f"GRAPH <{graph}>" if graph else "DEFAULT"
            data = f"GRAPH <{graph}> {{ {triples} }}" if graph else triples
            if method == "DELETE":
                if graph and graph not in store.named_graphs():
                    return "missing"
                store.update(f"DROP SILENT {target}")
            elif method == "PUT":  # drop and insert in one transaction
                store.update(f"DROP SILENT {target} ; INSERT DATA {{ {data} }}")
            else:
                store.update(f"INSERT DATA {{ {data} }}")
        finally:
            store.flush()
        return None

    outcome = await request.app.state.pool.exclusive(write)
    if outcome == "missing":
        raise errors.not_found(f"no graph <{graph}> in the store")
    return Response(status_code=204)
