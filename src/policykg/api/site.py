"""Pages and endpoints around the SPARQL protocol: home, named queries, export, VoID, ontology."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.background import BackgroundTask

from ..queries import QueryError, bind, load_queries
from ..store import FORMATS, GraphStore
from . import errors
from .negotiation import negotiate
from .sparql import execute_query

router = APIRouter()

EXPORT_MEDIA = {
    "application/n-quads": "nquads",
    "application/trig": "trig",
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}


@router.get("/", response_class=HTMLResponse, tags=["pages"], summary="SPARQL editor and search")
async def home(request: Request) -> HTMLResponse:
    return HTMLResponse(
        request.app.state.pages.render(
            "index.html", request=request, queries=list(load_queries().values())
        )
    )


@router.get("/queries", tags=["queries"], summary="The named research queries")
async def list_queries(request: Request) -> Response:
    named = load_queries()
    choice = negotiate(request.headers.get("accept"), ["application/json", "text/html"])
    if choice == "text/html":
        return HTMLResponse(
            request.app.state.pages.render(
                "queries.html", request=request, queries=list(named.values())
            )
        )
    return JSONResponse(
        [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "description": p.description,
                    }
                    for p in q.params
                ],
                "sparql": q.text,
                "url": str(request.url_for("run_query", name=q.name)),
            }
            for q in named.values()
        ]
    )


@router.get("/queries/{name}", tags=["queries"], summary="Run a named query with parameters")
async def run_query(name: str, request: Request) -> Response:
    named = load_queries()
    if name not in named:
        raise errors.not_found(f"no named query {name!r}; see /queries")
    params = parse_qs(request.url.query, keep_blank_values=True)
    values = {k: v[-1] for k, v in params.items() if k not in ("format", "output", "results")}
    try:
        sparql = bind(named[name], values)
    except (QueryError, ValueError) as exc:
        raise errors.bad_request(str(exc)) from None
    return await execute_query(request, sparql, {}, union=named[name].requires_union or None)


def _reader(request: Request) -> GraphStore:
    return GraphStore(request.app.state.settings.store, read_only=True)


@router.get("/export", tags=["data"], summary="Full dump of the store, by content negotiation")
async def export(request: Request, format: str | None = None) -> Response:
    if format is not None:
        if format not in FORMATS:
            raise errors.bad_request(f"format={format!r}: expected one of {', '.join(FORMATS)}")
        fmt = format
        media = next(m for m, f in EXPORT_MEDIA.items() if f == fmt)
    else:
        media = negotiate(request.headers.get("accept"), list(EXPORT_MEDIA))
        if media is None:
            raise errors.not_acceptable(list(EXPORT_MEDIA))
        fmt = EXPORT_MEDIA[media]
    suffix = {
        "nquads": ".nq",
        "trig": ".trig",
        "turtle": ".ttl",
        "ntriples": ".nt",
        "jsonld": ".jsonld",
        "rdfxml": ".rdf",
    }[fmt]
    folder = Path(tempfile.mkdtemp(prefix="policykg-export-"))
    path = folder / f"policykg{suffix}"

    def dump() -> None:
        with path.open("wb") as out:
            _reader(request).dump(out, fmt)

    await asyncio.to_thread(dump)
    cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
    return FileResponse(path, media_type=media, filename=path.name, background=cleanup)


@router.get("/void", tags=["data"], summary="VoID description of the dataset")
async def void(request: Request) -> Response:
    from ..void import void_description

    media = negotiate(
        request.headers.get("accept"),
        ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"],
    )
    if media is None:
        raise errors.not_acceptable(
            ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
        )
    settings = request.app.state.settings
    endpoint = str(request.url_for("sparql"))
    q = await asyncio.to_thread(lambda: void_description(_reader(request), settings.base, endpoint))
    return request.app.state.rdf_response_nt(q.triples(), media)


@router.get(
    "/ontology",
    response_class=HTMLResponse,
    tags=["pages"],
    summary="Documentation of the ontology",
)
async def ontology(request: Request) -> Response:
    from ..check import ontology_dir
    from ..ontodoc import render_html

    path = ontology_dir() / "policykg.ttl"
    media = negotiate(request.headers.get("accept"), ["text/html", "text/turtle"])
    if media == "text/turtle":
        return Response(path.read_bytes(), media_type="text/turtle; charset=utf-8")
    if media is None:
        raise errors.not_acceptable(["text/html", "text/turtle"])
    return HTMLResponse(await asyncio.to_thread(render_html, path))
