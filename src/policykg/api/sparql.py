"""The SPARQL 1.1 Protocol: queries by GET, form POST and direct POST; dataset parameters;
content negotiation; a service description; updates only when enabled, with a token."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from ..vocab import NAMESPACES
from . import errors
from .executor import PoolBusy, QueryJob, QueryTimeout
from .negotiation import negotiate

router = APIRouter(tags=["SPARQL"])

RESULT_OFFERS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
]
GRAPH_OFFERS = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
]
DESCRIPTION_OFFERS = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "text/html",
]
FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"

# Strings, IRIs and comments are removed before looking for keywords in a query.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)


def code_only(sparql: str) -> str:
    return _NOT_CODE.sub(" ", sparql)


def _keyword(word: str) -> re.Pattern[str]:
    """``word`` as a SPARQL keyword: not a variable (``?service``), not part of a prefixed name
    (``service:x``, ``ex:load``), not inside a longer name."""
    return re.compile(rf"(?<![\w?$:.-]){word}(?![\w:.-])", re.I)


_SERVICE, _LOAD = _keyword("SERVICE"), _keyword("LOAD")
_FORM = re.compile(r"(?<![\w?$:.-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:.-])", re.I)
_DATASET_CLAUSE = _keyword("FROM")


def refused_feature(sparql: str) -> str | None:
    """SERVICE and LOAD make the server fetch URLs: refused (no server-side request forgery)."""
    code = code_only(sparql)
    if _SERVICE.search(code):
        return "SERVICE is not allowed on this endpoint: it would make the server send requests"
    if _LOAD.search(code):
        return "LOAD is not allowed on this endpoint: it would make the server fetch URLs"
    return None


def query_form(sparql: str) -> str | None:
    m = _FORM.search(code_only(sparql))
    return m.group(1).upper() if m else None


def names_a_dataset(sparql: str) -> bool:
    """Does the query set its own dataset (FROM / FROM NAMED)?"""
    return bool(_DATASET_CLAUSE.search(code_only(sparql)))


async def _read_body(request: Request) -> bytes:
    limit = request.app.state.settings.max_request_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise errors.payload_too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise errors.payload_too_large(limit)
    return bytes(body)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise errors.bad_request(f"{what} is not UTF-8 (byte {exc.start})") from None


def _one(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name, [])
    if len(values) > 1:
        raise errors.bad_request(f"parameter '{name}' given {len(values)} times; give it once")
    return values[0] if values else None


@router.api_route(
    "/sparql",
    methods=["GET", "POST"],
    name="sparql",
    summary="SPARQL 1.1 Protocol: query by GET or POST (form or direct), update "
    "by POST when enabled, the service description on GET without a query",
)
async def sparql_endpoint(request: Request) -> Response:
    if request.method == "POST":
        return await sparql_post(request)
    return await sparql_get(request)


async def sparql_get(request: Request) -> Response:
    params = parse_qs(request.url.query, keep_blank_values=True)
    if "update" in params:
        raise errors.bad_request("SPARQL Update must be sent by POST")
    query = _one(params, "query")
    if query is None:
        return service_description(request)
    return await execute_query(request, query, params)


async def sparql_post(request: Request) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    url_params = parse_qs(request.url.query, keep_blank_values=True)
    body = await _read_body(request)
    if content_type == FORM:
        form = parse_qs(_decode(body, "the form"), keep_blank_values=True)
        update = _one(form, "update")
        query = _one(form, "query")
        if update is not None and query is not None:
            raise errors.bad_request("give either 'query' or 'update', not both")
        if update is not None:
            return await execute_update(request, update, form)
        if query is None:
            raise errors.bad_request("the form has no 'query' (or 'update') field")
        return await execute_query(request, query, form)
    if content_type == DIRECT_QUERY:
        return await execute_query(request, _decode(body, "the query"), url_params)
    if content_type == DIRECT_UPDATE:
        return await execute_update(request, _decode(body, "the update"), url_params)
    if not content_type:
        raise errors.bad_request(
            f"POST needs a Content-Type: {FORM}, {DIRECT_QUERY} or {DIRECT_UPDATE}"
        )
    raise errors.unsupported_media_type(content_type, [FORM, DIRECT_QUERY, DIRECT_UPDATE])


async def execute_query(
    request: Request, query: str, params: dict[str, list[str]], union: bool | None = None
) -> Response:
    settings = request.app.state.settings
    if refusal := refused_feature(query):
        raise errors.forbidden(refusal)
    accept = request.headers.get("accept")
    results_mime = negotiate(accept, RESULT_OFFERS)
    graph_mime = negotiate(accept, GRAPH_OFFERS)
    form = query_form(query)
    if form in ("SELECT", "ASK") and results_mime is None:
        raise errors.not_acceptable(RESULT_OFFERS)
    if form in ("CONSTRUCT", "DESCRIBE") and graph_mime is None:
        raise errors.not_acceptable(GRAPH_OFFERS)
    default_graphs = tuple(params.get("default-graph-uri", []))
    named_graphs = tuple(params.get("named-graph-uri", []))
    # The union default graph stands in only when neither the request nor the query names
    # a dataset (SPARQL 1.1 Query 13.2; Protocol 2.1.4).
    own_dataset = bool(default_graphs or named_graphs) or names_a_dataset(query)
    job = QueryJob(
        query=query,
        results_mime=results_mime,
        graph_mime=graph_mime,
        union=(settings.union_default_graph if union is None else union) and not own_dataset,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        max_bytes=settings.max_result_bytes,
        base_iri=str(request.url_for("sparql")),
    )
    try:
        outcome = await request.app.state.pool.run(job)
    except QueryTimeout:
        raise errors.query_timeout(settings.query_timeout) from None
    except PoolBusy:
        raise errors.overloaded(request.app.state.pool.wait) from None
    if outcome.status == "syntax":
        raise errors.syntax_error(outcome.message)
    if outcome.status == "not_acceptable":
        raise errors.not_acceptable(GRAPH_OFFERS if outcome.form == "graph" else RESULT_OFFERS)
    if outcome.status == "too_large":
        raise errors.result_too_large(settings.max_result_bytes)
    if outcome.status != "ok":
        raise errors.bad_request(f"the query failed: {outcome.message}")
    media = outcome.mime
    if media.startswith("text/") or media in ("application/n-triples", "application/n-quads"):
        media += "; charset=utf-8"
    return Response(outcome.body, media_type=media, headers={"Vary": "Accept"})


async def execute_update(request: Request, update: str, params: dict[str, list[str]]) -> Response:
    from .update import apply_update

    return await apply_update(request, update, params)


def service_description(request: Request) -> Response:
    choice = negotiate(request.headers.get("accept"), DESCRIPTION_OFFERS)
    if choice is None:
        raise errors.not_acceptable(DESCRIPTION_OFFERS)
    if choice == "text/html":
        return HTMLResponse(request.app.state.pages.render("index.html", request=request))
    return request.app.state.rdf_response(description_turtle(request), choice)


def description_turtle(request: Request) -> str:
    settings = request.app.state.settings
    endpoint = str(request.url_for("sparql"))
    root = str(request.base_url).rstrip("/")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    features = []  # no federated query: SERVICE is refused
    if settings.union_default_graph:
        features.append(f"<{sd}UnionDefaultGraph>")
    result_formats = [
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "http://www.w3.org/ns/formats/Turtle",
        "http://www.w3.org/ns/formats/N-Triples",
        "http://www.w3.org/ns/formats/N-Quads",
        "http://www.w3.org/ns/formats/TriG",
        "http://www.w3.org/ns/formats/JSON-LD",
        "http://www.w3.org/ns/formats/RDF_XML",
    ]
    languages = [f"<{sd}SPARQL11Query>"]
    if settings.enable_update:
        languages.append(f"<{sd}SPARQL11Update>")
    void = NAMESPACES["void"]
    lines = [
        f"<{endpoint}> a <{sd}Service> ;",
        f"  <{sd}endpoint> <{endpoint}> ;",
        f"  <{sd}supportedLanguage> {', '.join(languages)} ;",
        f"  <{sd}resultFormat> {', '.join(f'<{f}>' for f in result_formats)} ;",
    ]
    if features:
        lines.append(f"  <{sd}feature> {', '.join(features)} ;")
    lines += [
        f"  <{sd}defaultDataset> <{root}/void#dataset> .",
        f"<{root}/void#dataset> a <{sd}Dataset>, <{void}Dataset> ;",
        f"  <{void}sparqlEndpoint> <{endpoint}> ;",
        f"  <{void}dataDump> <{root}/export> ;",
        f"  <{NAMESPACES['rdfs']}seeAlso> <{root}/void> .",
    ]
    return "\n".join(lines) + "\n"
