"""Linked data: every IRI minted under the base dereferences on this server, by its path.

The design follows "Cool URIs for the Semantic Web" (W3C Interest Group Note, 2008),
section 4.3, *303 URIs forwarding to One Generic Document*, with one document per syntax:

* An IRI such as ``{base}/resolution/CND/61/8`` names the resolution itself, not a web page,
  so a request for its path never answers 200. It answers **303 See Other** with
  ``Location: /resolution/CND/61/8.html`` for browsers (``Accept: text/html``), or the
  ``.ttl``, ``.jsonld`` or ``.nt`` document for RDF clients, chosen by :func:`negotiate`;
  the redirect carries ``Vary: Accept``. A missing Accept, or ``*/*``, gets the HTML page;
  an Accept that none of the four syntaxes (or ``application/json``) meets gets 406.
* The documents ``….html``, ``….ttl``, ``….jsonld`` and ``….nt`` answer **200** directly.
  Their extension decides the syntax and ``Accept`` is ignored, so that every document has
  a stable address of its own (to link, cite, cache and compare).
* Why 303 and not hash IRIs: :mod:`policykg.rdf` mints slash IRIs, one path per thing, and
  a 303 keeps "the thing" and "a document about it" apart without changing a single IRI.
* Only the kinds of path that :mod:`policykg.rdf` mints at the top level are routed
  (:data:`KINDS`). An IRI that is neither subject nor object of any triple in the store is
  **404**: an HTML page for browsers, the JSON error shape (:mod:`.errors`) for others.
* Only ``.html .ttl .jsonld .nt`` are extensions: ``/resolution/WHA/72.1`` and
  ``/document/E/CN.7/2018/1`` are IRIs whose last segment holds a dot. Should an IRI itself
  end in one of the four extensions, the stripped IRI is tried first, then the whole one.
* A path becomes an IRI only after validation: characters outside RFC 3987 paths are
  refused (400); each segment is then re-encoded as :mod:`policykg.rdf` encodes it, so the
  IRI put into SPARQL holds only unreserved, sub-delimiter, ``:``, ``@``, ``/`` and ``%``
  characters. Every store read goes through the worker pool (``app.state.pool``), never
  through a store opened in the request process.

The RDF documents are one CONSTRUCT across all named graphs: the resource's own triples,
the citation edges pointing at it (``cito:cites`` and its verb sub-properties), and for
instruments their paragraphs, citation nodes (made and received) and mandates, each with
its Web Annotation target and selectors. The HTML pages are built from a few SELECTs.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from ..vocab import NAMESPACES, ONTOLOGY, VERB, VERB_PROPERTIES, sparql_prefixes
from . import errors
from .executor import PoolBusy, QueryJob, QueryTimeout
from .negotiation import negotiate

__all__ = [
    "KINDS",
    "BadPath",
    "Mark",
    "Segment",
    "describe_query",
    "highlight",
    "href",
    "iri_path",
    "normalise",
    "router",
    "script_json",
    "split_extension",
]

router = APIRouter(tags=["linked data"])

# Top-level path segments that policykg.rdf mints under the base.
KINDS: tuple[str, ...] = (
    "resolution",
    "decision",
    "treaty",
    "declaration",
    "document",
    "report",
    "programme",
    "body",
    "group",
    "session",
    "source",
    "citation",
    "mandate",
    "finding",
)
# Document extension -> media type. The extension of a document wins over Accept.
DOCUMENTS: dict[str, str] = {
    ".html": "text/html",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
}
# What a 303 can point to, in the server's order of preference for ties (HTML first:
# browsers and ``*/*``); plain JSON clients get the JSON-LD document.
REDIRECT_OFFERS: dict[str, str] = {
    "text/html": ".html",
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
    "application/json": ".jsonld",
}
RESULTS_JSON = "application/sparql-results+json"
INCOMING_LIMIT = 500

RDF = NAMESPACES["rdf"]
RDFS = NAMESPACES["rdfs"]
SKOS = NAMESPACES["skos"]
DCT = NAMESPACES["dct"]
ELI = NAMESPACES["eli"]
SCHEMA = NAMESPACES["schema"]
CITO = NAMESPACES["cito"]
PKG = ONTOLOGY
# Classes whose members get the instrument page (schema:Legislation covers every kind of
# instrument rdf.py writes; pkg:Instrument covers untitled fragments of source files).
INSTRUMENT_TYPES = {SCHEMA + "Legislation", PKG + "Instrument"}
# Citation edges: cito:cites and the verb-typed sub-properties rdf.py writes beside it.
EDGE_PROPERTIES: tuple[str, ...] = (CITO + "cites", *(PKG + p for p in VERB_PROPERTIES))
LABEL_PROPERTIES = (
    SKOS + "prefLabel",
    RDFS + "label",
    DCT + "title",
    PKG + "key",
    PKG + "acronym",
    PKG + "path",
)

# --- paths and IRIs ---------------------------------------------------------------------------

# RFC 3986 path characters (unreserved, sub-delims, ":", "@", "/") and percent escapes.
# rdf.py percent-encodes everything else when it mints a segment, with the same safe set.
_SEGMENT_SAFE = "-._~!$&'()*+,;=:@"
_RAW_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2}|[^\x00-\x7f])*")
# What may stand between < and > in SPARQL (IRIREF), and what oxigraph accepts as an IRI.
_IRIREF = re.compile(r'[^\x00-\x20<>"{}|^`\\]+')


class BadPath(ValueError):
    """A request path that cannot be read as an IRI path."""


def split_extension(path: str) -> tuple[str, str | None]:
    """``/resolution/CND/61/8.ttl`` -> (``/resolution/CND/61/8``, ``.ttl``); only the four
    document extensions count, so ``/resolution/WHA/72.1`` -> (``/resolution/WHA/72.1``, None).

    >>> split_extension("/document/E/CN.7/2018/1.html")
    ('/document/E/CN.7/2018/1', '.html')
    >>> split_extension("/document/E/CN.7/2018/1")
    ('/document/E/CN.7/2018/1', None)
    """
    for ext in DOCUMENTS:
        if path.endswith(ext) and len(path) > len(ext) and not path.endswith("/" + ext):
            return path[: -len(ext)], ext
    return path, None


def iri_path(raw: str) -> str:
    """A request path (as sent, percent-encoded) in the form rdf.py mints IRI paths.

    Raises :class:`BadPath` for characters no IRI path may hold, bad UTF-8 in escapes, or
    control characters once decoded.

    >>> iri_path("/resolution/GA/217_A_%28III%29")
    '/resolution/GA/217_A_(III)'
    >>> iri_path("/resolution/CND/61/8%3Cscript%3E")
    '/resolution/CND/61/8%3Cscript%3E'
    """
    if not raw.startswith("/") or not _RAW_PATH.fullmatch(raw):
        raise BadPath("the path holds characters that are not allowed in an IRI")
    segments = []
    for segment in raw.split("/"):
        try:
            text = unquote(segment, errors="strict")
        except UnicodeDecodeError:
            raise BadPath("a percent-escape in the path is not UTF-8") from None
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in text):
            raise BadPath("the path holds control characters")
        segments.append(quote(text, safe=_SEGMENT_SAFE))
    return "/".join(segments)


def _ref(iri: str) -> str:
    """``<iri>`` for SPARQL, refusing anything that could end the IRI reference early."""
    if not _IRIREF.fullmatch(iri):
        raise ValueError(f"not an IRI that can be written in SPARQL: {iri!r}")
    return f"<{iri}>"


def _local(iri: str, base: str) -> str | None:
    """The path this server answers ``iri`` on, or None when the IRI is not routed here."""
    if not iri.startswith(base + "/"):
        return None
    path = iri[len(base) :]
    kind = path[1:].split("/", 1)[0]
    return path if kind in KINDS else None


def href(iri: str, base: str) -> str | None:
    """Where a link to ``iri`` points: a local path under the base, the ontology page for
    ontology and clause-verb terms, the IRI for http(s) IRIs elsewhere, else no link."""
    if (local := _local(iri, base)) is not None:
        return local
    if iri.startswith(ONTOLOGY):
        return "/ontology#" + iri[len(ONTOLOGY) :]
    if iri.startswith(VERB):
        return "/ontology#verb-" + iri[len(VERB) :]
    if re.match(r"https?://", iri):
        return iri
    return None  # javascript:, data:, urn: ... are shown, never linked


def compact(iri: str) -> str:
    """``https://w3id.org/policykg/ontology#recalls`` -> ``pkg:recalls``."""
    best = max((ns for ns in NAMESPACES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in NAMESPACES.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


# --- values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One RDF term of a SPARQL JSON result, ready for a template."""

    kind: str  # iri | literal | bnode
    value: str
    datatype: str | None = None
    lang: str | None = None

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"


def _term(binding: dict[str, str] | None) -> Term | None:
    if binding is None:
        return None
    kind = {"uri": "iri", "bnode": "bnode"}.get(binding["type"], "literal")
    return Term(kind, binding["value"], binding.get("datatype"), binding.get("xml:lang"))


Row = dict[str, Term]


def _rows(body: bytes) -> list[Row]:
    data = json.loads(body)
    return [
        {k: t for k, v in b.items() if (t := _term(v)) is not None}
        for b in data["results"]["bindings"]
    ]


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def human_date(value: str) -> str:
    """``2018-03-16`` -> ``16 March 2018``; anything else unchanged."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if not m or not 1 <= int(m.group(2)) <= 12:
        return value
    return f"{int(m.group(3))} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


def script_json(data: Any) -> Markup:
    """JSON for an inline ``<script>``: ``<``, ``>`` and ``&`` become ``\\u`` escapes, so no
    ``</script>`` or ``<!--`` can appear; the JSON value is unchanged.

    >>> text = script_json({"name": "</script><!-- & more"})
    >>> "<" in text, json.loads(text) == {"name": "</script><!-- & more"}
    (False, True)
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


# --- highlighting citations in paragraph text --------------------------------------------------

# Markdown links keep their text: "[73/192](#)" -> "73/192".
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_SUPERSCRIPTS = set("⁰¹²³⁴⁵⁶⁷⁸⁹")
_DROPPED = {"*", "\\", "\u00ad"} | _SUPERSCRIPTS  # emphasis, escapes, soft hyphens, markers


def normalise(text: str) -> tuple[str, list[int]]:
    """Text as compared when quotes are looked up, and each of its characters' index in
    ``text``: markdown links reduced to their text, ``*`` and superscript digits dropped,
    runs of whitespace made one space.

    >>> normalise("General Assembly resolution [73/192](#)")[0]
    'General Assembly resolution 73/192'
    >>> normalise("*Ibid.*,  vol.\\n1019¹")[0]
    'Ibid., vol. 1019'
    """
    skip = set()
    for m in _MD_LINK.finditer(text):
        skip.add(m.start())
        skip.update(range(m.end(1), m.end()))
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        if i in skip or c in _DROPPED:
            continue
        if c.isspace():
            if not chars or chars[-1] == " ":
                continue
            c = " "
        chars.append(c)
        index.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), index


@dataclass(frozen=True)
class Mark:
    """A quote to highlight in a paragraph: its words, its place in the source file (to
    keep document order) and what it links to."""

    exact: str
    start: int
    targets: tuple[Any, ...]


@dataclass(frozen=True)
class Segment:
    text: str
    targets: tuple[Any, ...] = ()  # empty: plain text


def highlight(text: str, marks: Sequence[Mark]) -> tuple[list[Segment], list[Mark]]:
    """Split ``text`` into plain and highlighted segments; also the marks not found.

    Quotes are looked up in document order, each after the previous one when it can be;
    a quote that would overlap one already placed is not placed again.

    >>> segs, missed = highlight("Recalling its resolution 61/8 of 2018,",
    ...                          [Mark("its resolution 61/8", 10, ("61/8",))])
    >>> [(s.text, s.targets) for s in segs]
    [('Recalling ', ()), ('its resolution 61/8', ('61/8',)), (' of 2018,', ())]
    """
    norm, index = normalise(text)
    placed: list[tuple[int, int, Mark]] = []
    missed: list[Mark] = []
    cursor = 0
    for mark in sorted(marks, key=lambda m: m.start):
        span = _locate(norm, mark.exact, cursor, placed)
        if span is None:
            missed.append(mark)
            continue
        placed.append((*span, mark))
        cursor = span[1]
    placed.sort(key=lambda p: p[0])
    segments: list[Segment] = []
    at = 0
    for start, end, mark in placed:
        begin, stop = index[start], index[end - 1] + 1
        if begin > at:
            segments.append(Segment(text[at:begin]))
        segments.append(Segment(text[begin:stop], mark.targets))
        at = stop
    if at < len(text) or not segments:
        segments.append(Segment(text[at:]))
    return segments, missed


def _locate(norm: str, exact: str, cursor: int, placed) -> tuple[int, int] | None:
    """Where the quote ``exact`` stands in the normalised paragraph text, or None.

    A quote that runs across a page break carries the footnotes printed in between
    (blocks separated by blank lines), which the cleaned paragraph text does not: then its
    first block followed directly by its last block is looked for.
    """
    whole, _ = normalise(exact)
    if whole and (span := _find_free(norm, whole, cursor, placed)):
        return span
    blocks = [b for b in re.split(r"\n[ \t]*\n", exact) if b.strip()]
    if len(blocks) < 2:
        return None
    head, tail = normalise(blocks[0])[0], normalise(blocks[-1])[0]
    for joined in (f"{head} {tail}", head + tail):
        if head and tail and (span := _find_free(norm, joined, cursor, placed)):
            return span
    return None


def _find_free(norm: str, quote_norm: str, cursor: int, placed) -> tuple[int, int] | None:
    """The first occurrence at or after ``cursor`` (else anywhere) not overlapping a mark."""
    for origin in (cursor, 0):
        at = norm.find(quote_norm, origin)
        while at != -1:
            end = at + len(quote_norm)
            if all(end <= s or at >= e for s, e, _ in placed):
                return at, end
            at = norm.find(quote_norm, at + 1)
    return None


# --- talking to the worker pool ----------------------------------------------------------------


async def _run(request: Request, query: str, *, graph_mime: str | None = None) -> bytes:
    settings = request.app.state.settings
    job = QueryJob(
        query=sparql_prefixes() + query,
        results_mime=None if graph_mime else RESULTS_JSON,
        graph_mime=graph_mime,
        union=True,  # linked data always describes what every named graph says
        max_bytes=settings.max_result_bytes,
        prefixes=dict(NAMESPACES) if graph_mime else {},
    )
    try:
        outcome = await request.app.state.pool.run(job)
    except QueryTimeout:
        raise errors.query_timeout(settings.query_timeout) from None
    except PoolBusy:
        raise errors.overloaded(request.app.state.pool.wait) from None
    if outcome.status == "too_large":
        raise errors.result_too_large(settings.max_result_bytes)
    if outcome.status != "ok":  # our own query failed: a bug, so a 500 that a test finds
        raise RuntimeError(f"linked-data query failed ({outcome.status}): {outcome.message}")
    return outcome.body


async def _select(request: Request, query: str) -> list[Row]:
    return _rows(await _run(request, query))


async def exists(request: Request, iri: str) -> bool:
    body = await _run(request, f"ASK {{ {{ {_ref(iri)} ?p ?o }} UNION {{ ?s ?p {_ref(iri)} }} }}")
    return bool(json.loads(body)["boolean"])


def describe_query(iri: str) -> str:
    """CONSTRUCT of everything said about ``iri`` across the named graphs (see module doc)."""
    r = _ref(iri)
    edges = " ".join(_ref(p) for p in EDGE_PROPERTIES)
    return f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
  {{
    {{ BIND({r} AS ?n) }}
    UNION {{ ?n pkg:citingInstrument {r} }}
    UNION {{ ?n pkg:citedInstrument {r} }}
    UNION {{ ?n pkg:inInstrument {r} }}
    UNION {{ ?n pkg:inParagraph/pkg:inInstrument {r} }}
    {{ ?n ?p ?o BIND(?n AS ?s) }}
    UNION {{ ?n oa:hasTarget ?s . ?s ?p ?o }}
    UNION {{ ?n oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o }}
  }}
  UNION {{ VALUES ?p {{ {edges} }} ?s ?p {r} BIND({r} AS ?o) }}
}} }}"""


async def labels(request: Request, iris: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    """For each IRI: label property -> values (sorted), for the ones that have any."""
    wanted = sorted({i for i in iris if _IRIREF.fullmatch(i)})
    out: dict[str, dict[str, list[str]]] = {}
    props = " ".join(_ref(p) for p in LABEL_PROPERTIES)
    for chunk in (wanted[i : i + 200] for i in range(0, len(wanted), 200)):
        rows = await _select(
            request,
            f"""SELECT DISTINCT ?s ?p ?l WHERE {{
  VALUES ?s {{ {" ".join(_ref(i) for i in chunk)} }} VALUES ?p {{ {props} }} ?s ?p ?l
}}""",
        )
        for row in rows:
            out.setdefault(row["s"].value, {}).setdefault(row["p"].value, []).append(row["l"].value)
    for by_prop in out.values():
        for values in by_prop.values():
            values.sort(key=lambda v: (len(v), v))
    return out


def _best_label(found: dict[str, list[str]] | None, *order: str) -> str | None:
    for prop in order or LABEL_PROPERTIES:
        if found and found.get(prop):
            return found[prop][0]
    return None


class Namer:
    """Readable names and links for IRIs, from labels fetched once per page."""

    def __init__(self, base: str, found: dict[str, dict[str, list[str]]]):
        self.base = base
        self.found = found

    def label(self, iri: str) -> str:
        props = self.found.get(iri, {})
        name = _best_label(
            props, SKOS + "prefLabel", RDFS + "label", DCT + "title", PKG + "key", PKG + "path"
        )
        if name and (acronym := _best_label(props, PKG + "acronym")) and acronym not in name:
            name = f"{name} ({acronym})"
        return name or _local(iri, self.base) or compact(iri)

    def name(self, iri: str) -> str:
        """The plain name, without an acronym."""
        props = self.found.get(iri, {})
        return _best_label(props, SKOS + "prefLabel", RDFS + "label", DCT + "title") or iri

    def key(self, iri: str) -> str | None:
        return _best_label(self.found.get(iri, {}), PKG + "key")

    def link(self, iri: str) -> Link:
        return Link(iri, self.label(iri), href(iri, self.base))

    def value(self, term: Term) -> Value:
        if term.is_iri:
            return Value(link=self.link(term.value))
        if term.kind == "bnode":
            return Value(text="_:" + term.value)
        datatype = compact(term.datatype) if term.datatype else None
        if datatype == "xsd:string":
            datatype = None
        return Value(text=term.value, datatype=datatype, lang=term.lang)


@dataclass(frozen=True)
class Link:
    iri: str
    label: str
    href: str | None


@dataclass(frozen=True)
class Value:
    link: Link | None = None
    text: str | None = None
    datatype: str | None = None
    lang: str | None = None


# --- routes ------------------------------------------------------------------------------------


def _wants_html(accept: str | None) -> bool:
    """Whoever a 303 would send to the HTML page gets an HTML 404 page."""
    return negotiate(accept, list(REDIRECT_OFFERS)) == "text/html"


def _not_found(request: Request, iri: str, html: bool) -> Response:
    message = (
        f"nothing in the store is about <{iri}>: it is neither subject nor object of any triple"
    )
    if html:
        page = request.app.state.pages.render(
            "ld_not_found.html", request=request, iri=iri, message=message
        )
        return HTMLResponse(page, status_code=404, headers={"Vary": "Accept"})
    raise errors.ApiError(404, "not_found", message, {"Vary": "Accept"})


async def dereference(request: Request) -> Response:
    """A thing's IRI -> 303 to a document about it; a document -> 200; else 404."""
    base = request.app.state.settings.base
    raw = request.scope.get("raw_path") or quote(request.url.path).encode()
    try:
        path = iri_path(raw.decode("utf-8"))
    except (UnicodeDecodeError, BadPath) as exc:
        raise errors.bad_request(f"{exc}: {raw[:200]!r}") from None
    thing, ext = split_extension(path)
    accept = request.headers.get("accept")
    if ext is not None and _local(base + thing, base) and await exists(request, base + thing):
        return await _document(request, base + thing, ext)
    iri = base + path
    if not await exists(request, iri):
        return _not_found(request, iri, ext == ".html" if ext else _wants_html(accept))
    media = negotiate(accept, list(REDIRECT_OFFERS))
    if media is None:
        raise errors.not_acceptable(list(REDIRECT_OFFERS))
    return RedirectResponse(
        path + REDIRECT_OFFERS[media], status_code=303, headers={"Vary": "Accept"}
    )


for _kind in KINDS:
    # "/resolution{tail}" matches "/resolution/CND/61/8" and "/resolution.ttl"; a tail that
    # starts otherwise ("/resolutions") is some other path, answered 404 below.
    router.add_api_route(
        f"/{_kind}{{tail:path}}",
        dereference,
        methods=["GET", "HEAD"],
        name=f"linked_data_{_kind}",
        summary=f"Dereference a {_kind} IRI (303) or fetch a document about it",
    )


async def _document(request: Request, iri: str, ext: str) -> Response:
    media = DOCUMENTS[ext]
    if media != "text/html":
        body = await _run(request, describe_query(iri), graph_mime=media)
        charset = "; charset=utf-8" if media != "application/ld+json" else ""
        return Response(
            body, media_type=media + charset, headers={"Link": f'<{iri}>; rel="describes"'}
        )
    outgoing = await _select(request, f"SELECT DISTINCT ?p ?o WHERE {{ {_ref(iri)} ?p ?o }}")
    types = {row["o"].value for row in outgoing if row["p"].value == RDF + "type"}
    if types & INSTRUMENT_TYPES:
        page = await instrument_page(request, iri, outgoing)
        template = "instrument.html"
    else:
        page = await resource_page(request, iri, outgoing)
        template = "resource.html"
    html = request.app.state.pages.render(template, request=request, page=page)
    return HTMLResponse(html)


# --- the generic resource page -----------------------------------------------------------------


@dataclass
class Property:
    predicate: Link
    values: list[Value]


@dataclass
class ResourcePage:
    iri: str
    path: str
    label: str
    description: str | None
    types: list[Link]
    properties: list[Property]
    incoming: list[tuple[Link, Link]]
    incoming_more: bool
    formats: list[tuple[str, str, str]]  # (name, href, media)


def _formats(path: str) -> list[tuple[str, str, str]]:
    names = {".html": "HTML", ".ttl": "Turtle", ".jsonld": "JSON-LD", ".nt": "N-Triples"}
    return [(names[ext], path + ext, media) for ext, media in DOCUMENTS.items()]


def _properties(namer: Namer, outgoing: list[Row]) -> list[Property]:
    grouped: dict[str, list[Term]] = {}
    for row in outgoing:
        grouped.setdefault(row["p"].value, []).append(row["o"])
    order = sorted(grouped, key=lambda p: (p != RDF + "type", compact(p)))
    return [
        Property(
            namer.link(p),
            [
                namer.value(t)
                for t in sorted(
                    grouped[p],
                    key=lambda t: (t.kind, namer.label(t.value) if t.is_iri else t.value),
                )
            ],
        )
        for p in order
    ]


async def resource_page(request: Request, iri: str, outgoing: list[Row]) -> ResourcePage:
    incoming = await _select(
        request,
        f"""SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {_ref(iri)} }}
ORDER BY ?p ?s LIMIT {INCOMING_LIMIT + 1}""",
    )
    namer = Namer(
        request.app.state.settings.base, await labels(request, _mentioned(iri, outgoing, incoming))
    )
    return _generic(request, iri, outgoing, incoming, namer)


def _mentioned(iri: str, outgoing: list[Row], incoming: list[Row]) -> set[str]:
    iris = {iri} | {r["p"].value for r in outgoing} | {r["p"].value for r in incoming}
    iris |= {r["o"].value for r in outgoing if r["o"].is_iri}
    return iris | {r["s"].value for r in incoming if r["s"].is_iri}


def _generic(
    request: Request, iri: str, outgoing: list[Row], incoming: list[Row], namer: Namer
) -> ResourcePage:
    base = request.app.state.settings.base
    described = (SKOS + "definition", RDFS + "comment", PKG + "message")
    return ResourcePage(
        iri=iri,
        path=_local(iri, base) or "",
        label=namer.label(iri),
        description=next((r["o"].value for r in outgoing if r["p"].value in described), None),
        types=[
            namer.link(r["o"].value)
            for r in outgoing
            if r["p"].value == RDF + "type" and r["o"].is_iri
        ],
        properties=_properties(namer, outgoing),
        incoming=[
            (namer.link(r["s"].value), namer.link(r["p"].value))
            for r in incoming[:INCOMING_LIMIT]
            if r["s"].is_iri
        ],
        incoming_more=len(incoming) > INCOMING_LIMIT,
        formats=_formats(_local(iri, base) or ""),
    )


# --- the instrument page -----------------------------------------------------------------------


@dataclass
class Occurrence:
    """One citation: where it is and what it says."""

    node: Link
    quote: str | None
    paragraph: Link | None
    paragraph_label: str | None
    verb: str | None
    stated: str | None  # a date or year, as the citation states it
    stated_iso: str | None
    file: Link | None
    file_path: str | None
    start: int


@dataclass
class Cited:
    """An instrument on the other end of citations, with every citation that links them."""

    instrument: Link
    key: str | None = None
    verbs: list[str] = field(default_factory=list)
    properties: list[Link] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)


@dataclass
class ParagraphView:
    link: Link
    label: str
    kind: str  # preamble | operative | footnote | text
    verb: str | None
    segments: list[Segment]
    missed: list[Mark]


@dataclass
class MandateView:
    node: Link
    paragraph: Link | None
    paragraph_label: str | None
    verb: str | None
    verb_concept: Link | None
    addressees: list[Link]
    partners: list[Link]
    action: str | None
    due: Link | None


@dataclass
class InstrumentPage(ResourcePage):
    key: str | None = None
    title: str | None = None
    date: str | None = None
    date_iso: str | None = None
    stated_dates: list[tuple[str, str, list[Link]]] = field(default_factory=list)
    session: Link | None = None  # the session that adopted it
    body: Link | None = None
    body_from: str | None = None  # which property named the body
    sources: list[Link] = field(default_factory=list)
    source_note: str | None = None
    paragraphs: list[ParagraphView] = field(default_factory=list)
    missed: int = 0
    cites: list[Cited] = field(default_factory=list)
    cited_by: list[Cited] = field(default_factory=list)
    mandates: list[MandateView] = field(default_factory=list)
    jsonld: Markup = field(default_factory=lambda: Markup("{}"))


_CITATION_FIELDS = """
    ?c oa:hasTarget ?t . ?t oa:hasSelector ?pos . ?pos oa:start ?start ; oa:end ?end .
    OPTIONAL { ?c cito:hasCitationCharacterization ?prop }
    OPTIONAL { ?c pkg:clauseVerbText ?verb }
    OPTIONAL { ?t oa:hasSelector ?qs . ?qs oa:exact ?exact }
    OPTIONAL { ?c pkg:inParagraph ?para . OPTIONAL { ?para pkg:paragraphLabel ?plabel } }
    OPTIONAL { ?c pkg:statedDate ?date }
    OPTIONAL { ?c pkg:statedYear ?year }
    OPTIONAL { ?c prov:wasDerivedFrom ?src . OPTIONAL { ?src pkg:path ?path } }"""


def _paragraphs_query(iri: str) -> str:
    return f"""SELECT DISTINCT ?g ?para ?label ?text ?verb ?start ?type WHERE {{ GRAPH ?g {{
  ?para pkg:inInstrument {_ref(iri)} ; pkg:paragraphLabel ?label ; pkg:paragraphText ?text .
  OPTIONAL {{ ?para pkg:clauseVerbText ?verb }}
  OPTIONAL {{ ?para a ?type FILTER(?type != pkg:Paragraph) }}
  OPTIONAL {{ ?para oa:hasTarget/oa:hasSelector ?sel . ?sel oa:start ?start }}
}} }}"""


def _cites_query(iri: str) -> str:
    r = _ref(iri)
    return f"""SELECT DISTINCT ?c ?other ?prop ?verb ?exact ?start ?end ?para ?plabel ?date ?year
    ?src ?path WHERE {{
  {{ ?c pkg:citingInstrument {r} }} UNION {{ ?c pkg:inParagraph/pkg:inInstrument {r} }}
  ?c pkg:citedInstrument ?other .{_CITATION_FIELDS}
}}"""


def _cited_by_query(iri: str) -> str:
    return f"""SELECT DISTINCT ?c ?other ?prop ?verb ?exact ?start ?end ?para ?plabel ?date ?year
    ?src ?path WHERE {{
  ?c pkg:citedInstrument {_ref(iri)} .
  OPTIONAL {{ ?c pkg:citingInstrument ?citing }}
  OPTIONAL {{ ?c pkg:inParagraph/pkg:inInstrument ?owner }}{_CITATION_FIELDS}
  BIND(COALESCE(?citing, ?owner, ?src) AS ?other)
}}"""


def _mandates_query(iri: str) -> str:
    r = _ref(iri)
    return f"""SELECT DISTINCT ?m ?verb ?vtext ?para ?plabel ?action ?due ?addr ?partner ?start
WHERE {{
  {{ ?m pkg:citingInstrument {r} }} UNION {{ ?m pkg:inParagraph/pkg:inInstrument {r} }}
  ?m a pkg:Mandate .
  OPTIONAL {{ ?m pkg:mandateVerb ?verb }}
  OPTIONAL {{ ?m pkg:clauseVerbText ?vtext }}
  OPTIONAL {{ ?m pkg:inParagraph ?para . OPTIONAL {{ ?para pkg:paragraphLabel ?plabel }} }}
  OPTIONAL {{ ?m pkg:action ?action }}
  OPTIONAL {{ ?m pkg:dueSession ?due }}
  OPTIONAL {{ ?m pkg:addressee ?addr }}
  OPTIONAL {{ ?m pkg:partner ?partner }}
  OPTIONAL {{ ?m oa:hasTarget/oa:hasSelector ?sel . ?sel oa:start ?start }}
}}"""


def _int(term: Term | None, default: int = 0) -> int:
    try:
        return int(term.value) if term else default
    except ValueError:
        return default


def _v(row: Row, name: str) -> str | None:
    return row[name].value if name in row else None


_ROLE = {
    "PreambularParagraph": "preamble",
    "OperativeParagraph": "operative",
    "Footnote": "footnote",
    "TextParagraph": "text",
}


async def instrument_page(request: Request, iri: str, outgoing: list[Row]) -> InstrumentPage:
    base = request.app.state.settings.base
    paragraphs, cites, cited_by, mandates, incoming = await asyncio.gather(
        _select(request, _paragraphs_query(iri)),
        _select(request, _cites_query(iri)),
        _select(request, _cited_by_query(iri)),
        _select(request, _mandates_query(iri)),
        _select(
            request,
            f"""SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {_ref(iri)}
  FILTER NOT EXISTS {{ ?s a cito:Citation }} FILTER NOT EXISTS {{ ?s a pkg:Paragraph }}
  FILTER NOT EXISTS {{ ?s a pkg:Mandate }} }} ORDER BY ?p ?s LIMIT {INCOMING_LIMIT + 1}""",
        ),
    )
    iris = _mentioned(iri, outgoing, incoming)
    for rows in (cites, cited_by):
        iris |= {t.value for r in rows for k in ("other", "prop", "src") if (t := r.get(k))}
    iris |= {
        t.value for r in mandates for k in ("verb", "due", "addr", "partner") if (t := r.get(k))
    }
    namer = Namer(base, await labels(request, iris))
    generic = _generic(request, iri, outgoing, incoming, namer)
    props: dict[str, list[Term]] = {}
    for row in outgoing:
        props.setdefault(row["p"].value, []).append(row["o"])

    def first(*names: str) -> Term | None:
        for name in names:
            if props.get(name):
                return sorted(props[name], key=lambda t: t.value)[0]
        return None

    key, title = first(PKG + "key"), first(DCT + "title", SCHEMA + "name")
    date = first(ELI + "date_document", ELI + "date_publication")
    session = first(PKG + "adoptedAtSession")
    body_term = first(ELI + "passed_by")
    body_from = "eli:passed_by" if body_term else None
    if body_term is None and (body_term := first(PKG + "issuer", DCT + "publisher")):
        body_from = "issuer named by citations" if PKG + "issuer" in props else "publisher"
    sources = sorted(
        (namer.link(t.value) for t in props.get(PKG + "fromSource", [])),
        key=lambda link: link.label,
    )

    page = InstrumentPage(
        **vars(generic),
        key=key.value if key else None,
        title=title.value if title else None,
        date=human_date(date.value) if date else None,
        date_iso=date.value if date else None,
        session=namer.link(session.value) if session and session.is_iri else None,
        body=namer.link(body_term.value) if body_term and body_term.is_iri else None,
        body_from=body_from,
        sources=sources,
    )
    page.cites = _group_citations(cites, namer)
    page.cited_by = _group_citations(cited_by, namer)
    page.stated_dates = _stated_dates(page.cited_by)
    page.paragraphs, page.missed, page.source_note = _paragraph_views(paragraphs, cites, namer)
    page.mandates = _mandate_views(mandates, namer)
    page.jsonld = script_json(_schema_org(request, page, namer))
    return page


def _group_citations(rows: list[Row], namer: Namer) -> list[Cited]:
    """Citation rows -> one entry per instrument at the other end, in document order."""
    by_node: dict[str, Occurrence] = {}
    groups: dict[str, Cited] = {}
    for row in sorted(rows, key=lambda r: (_v(r, "path") or "", _int(r.get("start")))):
        other = row["other"].value
        group = groups.setdefault(other, Cited(namer.link(other), namer.key(other)))
        verb = _v(row, "verb")
        if verb and verb not in group.verbs:
            group.verbs.append(verb)
        if (prop := _v(row, "prop")) and prop not in [p.iri for p in group.properties]:
            group.properties.append(namer.link(prop))
        node = row["c"].value
        if node in by_node:
            continue
        stated_iso = _v(row, "date") or _v(row, "year")
        para = _v(row, "para")
        src = _v(row, "src")
        occurrence = Occurrence(
            node=namer.link(node),
            quote=normalise(exact)[0] if (exact := _v(row, "exact")) else None,
            paragraph=namer.link(para) if para else None,
            paragraph_label=_v(row, "plabel"),
            verb=verb,
            stated=human_date(stated_iso) if stated_iso else None,
            stated_iso=stated_iso,
            file=namer.link(src) if src else None,
            file_path=_v(row, "path"),
            start=_int(row.get("start")),
        )
        by_node[node] = occurrence
        group.occurrences.append(occurrence)
    return list(groups.values())


def _stated_dates(cited_by: list[Cited]) -> list[tuple[str, str, list[Link]]]:
    """Dates the citing instruments give for this one: (iso, readable, who states it)."""
    found: dict[str, list[Link]] = {}
    for group in cited_by:
        for occ in group.occurrences:
            if occ.stated_iso:
                who = found.setdefault(occ.stated_iso, [])
                if group.instrument not in who:
                    who.append(group.instrument)
    return [(iso, human_date(iso), who) for iso, who in sorted(found.items())]


def _paragraph_views(rows: list[Row], cites: list[Row], namer: Namer):
    """Paragraphs in document order with their citations highlighted.

    An instrument read from more than one file has one copy of each paragraph per file
    (same IRI, one graph each): the copy from the first file is shown.
    """
    graphs = sorted({r["g"].value for r in rows})
    note = None
    if len(graphs) > 1:
        note = (
            f"This instrument is read from {len(graphs)} source files; its paragraphs are "
            f"shown as read from the first ({namer.label(graphs[0])})."
        )
    shown = [r for r in rows if r["g"].value == (graphs[0] if graphs else None)]
    paragraphs: dict[str, dict[str, Any]] = {}
    for row in shown:
        entry = paragraphs.setdefault(
            row["para"].value,
            {
                "label": row["label"].value,
                "text": row["text"].value,
                "verb": _v(row, "verb"),
                "start": _int(row.get("start"), 1 << 62),
                "kind": "text",
            },
        )
        if (t := _v(row, "type")) and t.startswith(PKG) and t[len(PKG) :] in _ROLE:
            entry["kind"] = _ROLE[t[len(PKG) :]]
    marks: dict[str, dict[tuple[int, int], list[Link]]] = {}
    quotes: dict[tuple[str, int, int], str] = {}
    for row in cites:
        para, exact = _v(row, "para"), _v(row, "exact")
        if para is None or exact is None:
            continue
        span = (_int(row.get("start")), _int(row.get("end")))
        targets = marks.setdefault(para, {}).setdefault(span, [])
        link = namer.link(row["other"].value)
        if link not in targets:
            targets.append(link)
        quotes[(para, *span)] = exact
    views = []
    missed = 0
    # Footnotes follow the body text, as in a printed resolution's endnotes.
    order = sorted(paragraphs.items(), key=lambda kv: (kv[1]["kind"] == "footnote", kv[1]["start"]))
    for para, entry in order:
        para_marks = [
            Mark(quotes[(para, *span)], span[0], tuple(targets))
            for span, targets in marks.get(para, {}).items()
        ]
        segments, lost = highlight(entry["text"], para_marks)
        missed += len(lost)
        views.append(
            ParagraphView(
                namer.link(para), entry["label"], entry["kind"], entry["verb"], segments, lost
            )
        )
    return views, missed, note


def _mandate_views(rows: list[Row], namer: Namer) -> list[MandateView]:
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        m = grouped.setdefault(
            row["m"].value, {"row": row, "addr": [], "partner": [], "start": _int(row.get("start"))}
        )
        for name in ("addr", "partner"):
            if (v := _v(row, name)) and v not in m[name]:
                m[name].append(v)
    views = []
    for node, m in sorted(grouped.items(), key=lambda kv: kv[1]["start"]):
        row = m["row"]
        para, verb, due = _v(row, "para"), _v(row, "verb"), _v(row, "due")
        views.append(
            MandateView(
                node=namer.link(node),
                paragraph=namer.link(para) if para else None,
                paragraph_label=_v(row, "plabel"),
                verb=_v(row, "vtext"),
                verb_concept=namer.link(verb) if verb else None,
                addressees=[namer.link(a) for a in m["addr"]],
                partners=[namer.link(p) for p in m["partner"]],
                action=_v(row, "action"),
                due=namer.link(due) if due else None,
            )
        )
    return views


def _schema_org(request: Request, page: InstrumentPage, namer: Namer) -> dict[str, Any]:
    """schema.org ``Legislation`` for search engines, embedded in the HTML page."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": page.iri,
        "url": str(request.url),
        "name": page.title or page.label,
    }
    if page.key:
        data["legislationIdentifier"] = page.key
    if page.date_iso:
        data["legislationDate"] = page.date_iso
    if page.body:
        data["legislationPassedBy"] = {
            "@type": "Organization",
            "@id": page.body.iri,
            "name": namer.name(page.body.iri),
        }
    if page.cites:
        data["citation"] = [
            {
                "@type": "Legislation",
                "@id": c.instrument.iri,
                "name": namer.name(c.instrument.iri),
                **({"legislationIdentifier": c.key} if c.key else {}),
            }
            for c in page.cites
        ]
    return data
