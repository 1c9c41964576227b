"""The application factory: one FastAPI app over one store, its routers and its limits."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..config import Settings
from ..store import convert_rdf
from ..vocab import NAMESPACES
from . import errors
from .executor import QueryPool

HERE = Path(__file__).resolve().parent


class Pages:
    """Jinja2 templates with autoescaping: every value put into HTML is escaped."""

    def __init__(self, settings: Settings):
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html", "xml"], default=True),
        )
        self.settings = settings

    def render(self, name: str, **context) -> str:
        return self.env.get_template(name).render(
            settings=self.settings, version=__version__, **context
        )


def rdf_response(text: str, media: str, source: str = "turtle") -> Response:
    body = convert_rdf(text, source, media, NAMESPACES)
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith("triples") else ""
    return Response(body, media_type=media + charset, headers={"Vary": "Accept"})


def create_app(settings: Settings | None = None) -> FastAPI:
    """A policykg server over the store at ``settings.store`` (opened read-only by workers)."""
    settings = settings or Settings.from_env()
    if not (Path(settings.store) / "CURRENT").exists():
        raise errors_store_missing(settings.store)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        pool = QueryPool(settings.store, settings.query_workers, settings.query_timeout)
        await pool.start()
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="policykg",
        version=__version__,
        summary="A knowledge graph of international drug-policy instruments: SPARQL 1.1 "
        "endpoint, linked data and research queries.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.pages = Pages(settings)
    app.state.rdf_response = rdf_response
    app.state.rdf_response_nt = lambda text, media: rdf_response(text, media, "ntriples")
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "Authorization"],
        max_age=600,
    )
    app.add_exception_handler(errors.ApiError, errors.handle_api_error)
    app.add_exception_handler(StarletteHTTPException, errors.handle_http_error)

    from . import assets, graph_store, lineage_routes, linked_data, site, sparql

    app.include_router(sparql.router)
    app.include_router(graph_store.router)
    app.include_router(site.router)
    app.include_router(assets.router)
    app.include_router(lineage_routes.router)
    app.include_router(linked_data.router)  # last: catch-all paths under /resolution etc.

    _unique_operation_ids(app)

    @app.get("/health", tags=["service"], summary="Liveness and store size")
    async def health(request: Request) -> dict:
        return {
            "status": "ok",
            "version": __version__,
            "store": settings.store,
            "workers": request.app.state.pool.size,
        }

    return app


def _unique_operation_ids(app: FastAPI) -> None:
    """Routes serving GET and HEAD share one operationId; OpenAPI wants each to be unique."""
    from fastapi.openapi.utils import get_openapi

    def schema() -> dict:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title, version=app.version, summary=app.summary, routes=app.routes
            )
            seen: set[str] = set()
            for path in spec.get("paths", {}).values():
                for method, operation in path.items():
                    op = operation.get("operationId")
                    if op in seen:
                        operation["operationId"] = f"{op}_{method}"
                    seen.add(operation.get("operationId"))
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]


def errors_store_missing(path: str) -> Exception:
    from ..errors import UsageError

    return UsageError(f"--store {path}: no store there; run 'policykg ingest' first")
