"""The graph store: an embedded on-disk Oxigraph, or a remote SPARQL 1.1 server.

The only module that imports pyoxigraph. Each source file's triples live in one named graph.
:meth:`GraphStore.replace_files` swaps whole graphs in one SPARQL Update, which Oxigraph applies
as one transaction: after a crash or Ctrl-C the store holds each file's old graph or its new
one, never half of either. :class:`RemoteStore` offers the same methods over HTTP (SPARQL 1.1
Protocol and Graph Store Protocol) and sends each batch of files as one update request, which
an Oxigraph server also applies as one transaction. :func:`open_store` picks one by location.
"""

from __future__ import annotations

import gc
import io
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from .errors import PolicyKGError
from .vocab import NAMESPACES, ONTOLOGY

DEFAULT_STORE = "var/policykg.store"

FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
EXTENSIONS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".xml": "rdfxml",
    ".owl": "rdfxml",
}
QUAD_FORMATS = ("trig", "nquads")


RESULT_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_QUAD_MEDIA = ("application/n-quads", "application/trig")


class _TooLarge(OSError):
    pass


class _Bounded(io.RawIOBase):
    """A write-only buffer that raises once more than ``limit`` bytes are written."""

    def __init__(self, limit: int):
        self.limit = limit
        self.buffer = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        if self.buffer.tell() + len(data) > self.limit:
            raise _TooLarge("result too large")
        return self.buffer.write(data)


class StoreError(PolicyKGError):
    """The store cannot be opened, or data cannot be loaded into it."""


@dataclass(frozen=True)
class StoredFile:
    graph: str
    path: str
    sha256: str
    fingerprint: str  # of the pipeline that stored it ("" if unknown)


def convert_rdf(
    text: str, source: str, media: str, prefixes: dict[str, str] | None = None
) -> bytes:
    """Re-serialise RDF ``text`` (format name of :data:`FORMATS`) as ``media``."""
    triples = ox.parse(text, format=FORMATS[source])
    return ox.serialize(triples, format=GRAPH_MEDIA[media], prefixes=prefixes)


def default_store_path() -> str:
    return os.environ.get("POLICYKG_STORE") or DEFAULT_STORE


def _stored_files_query() -> str:
    return (
        f"SELECT ?g ?path ?sha ?v WHERE {{ GRAPH ?g {{ ?s a <{ONTOLOGY}SourceFile> ; "
        f"<{ONTOLOGY}path> ?path ; <{ONTOLOGY}sha256> ?sha "
        f"OPTIONAL {{ ?s <{ONTOLOGY}pipeline> ?v }} }} }}"
    )


def _stored_files(rows) -> dict[str, StoredFile]:
    return {
        r["path"].value: StoredFile(
            r["g"].value, r["path"].value, r["sha"].value, r["v"].value if r["v"] else ""
        )
        for r in rows
    }


def _replace_update(graphs: Iterable[tuple[str, str]]) -> str:
    """One SPARQL Update that drops and rewrites each ``(graph IRI, N-Triples)``."""
    parts = []
    for graph, triples in graphs:
        parts.append(f"DROP SILENT GRAPH <{graph}>")
        if triples:
            parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}")
    return " ;\n".join(parts)


def _write_quads(quads: Iterator, output: IO[bytes], fmt: str) -> None:
    """Serialise quads as ``fmt``; triple formats get the union of the graphs."""
    prefixes = NAMESPACES if fmt in ("turtle", "trig", "rdfxml") else None
    if fmt in QUAD_FORMATS:
        ox.serialize(quads, output, FORMATS[fmt], prefixes=prefixes)
    else:
        ox.serialize((q.triple for q in quads), output, FORMATS[fmt], prefixes=prefixes)


class _Chain(io.RawIOBase):
    """Read several files one after another as one stream (for one bulk load of shards)."""

    def __init__(self, paths: Iterable[Path]):
        self._paths = iter(paths)
        self._current: IO[bytes] | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while True:
            if self._current is None:
                path = next(self._paths, None)
                if path is None:
                    return 0
                self._current = open(path, "rb")  # noqa: SIM115 - closed at its end below
            n = self._current.readinto(buffer)
            if n:
                return n
            self._current.close()
            self._current = None


class GraphStore:
    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        """Open the store at ``path`` (created if missing), or an in-memory one for None."""
        self.path = None if path is None else str(path)
        self._read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open store at {path}: {exc}") from None

    # --- writing ---------------------------------------------------------------------

    def replace_files(self, graphs: Iterable[tuple[str, str]]) -> None:
        """Replace each ``(graph IRI, N-Triples)`` in one transaction."""
        update = _replace_update(graphs)
        if update:
            self._store.update(update)

    def add_files(self, graphs: Iterable[tuple[str, str]]) -> None:
        """Load ``(graph IRI, N-Triples)`` for graphs not yet in the store, one transaction
        each (faster than :meth:`replace_files`; a graph that exists is merged, not replaced)."""
        for graph, triples in graphs:
            self._store.load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Run a SPARQL Update in one transaction (raises SyntaxError on a bad update)."""
        self._store.update(sparql, base_iri=base_iri)

    def drop_graph(self, graph: str) -> None:
        self._store.update(f"DROP SILENT GRAPH <{graph}>")

    def load(
        self,
        data: bytes | IO[bytes],
        fmt: str,
        graph: str | None = None,
        base_iri: str | None = None,
    ) -> None:
        """Parse and add RDF in one transaction; a syntax error adds nothing."""
        try:
            self._store.load(
                data,
                format=FORMATS[fmt],
                base_iri=base_iri,
                to_graph=ox.NamedNode(graph) if graph else None,
            )
        except SyntaxError as exc:
            raise StoreError(str(exc)) from None

    def bulk_load_nquads(self, path: str | Path) -> None:
        """Fast, non-transactional load of an N-Quads file (for fresh stores and benchmarks)."""
        self._store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)

    @property
    def location(self) -> str:
        return self.path or "<memory>"

    @property
    def _bulk_marker(self) -> Path | None:
        return None if self.path is None else Path(self.path + ".bulk-load-incomplete")

    def bulk_load_files(self, paths: Iterable[Path]) -> None:
        """Bulk-load N-Quads files as one stream: fast, but not transactional.

        First a marker file beside the store says that the store may hold parts of files;
        :meth:`bulk_load_incomplete` reports it until :meth:`bulk_load_done` removes it, and an
        ingest that finds it rewrites every file's graph (see ``pipeline.plan_ingest``).
        """
        marker = self._bulk_marker
        if marker is not None and not marker.exists():
            marker.write_text("a bulk load into this store started and has not finished\n")
        self._store.bulk_load(_Chain(paths), format=ox.RdfFormat.N_QUADS)
        self.flush()

    def bulk_load_incomplete(self) -> bool:
        marker = self._bulk_marker
        return marker is not None and marker.exists()

    def bulk_load_done(self) -> None:
        marker = self._bulk_marker
        if marker is not None:
            marker.unlink(missing_ok=True)

    def flush(self) -> None:
        if self.path is not None:
            self._store.flush()

    def optimize(self) -> None:
        if self.path is not None:
            self._store.optimize()

    def reopen(self) -> None:
        """Close and reopen: RocksDB deletes the write-ahead logs made obsolete by a flush
        only when it opens a store (after a large ingest they can be several times the data)."""
        if self.path is not None and not self._read_only:
            self._store.flush()
            del self._store
            gc.collect()
            self._store = ox.Store(self.path)

    # --- reading ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._store)

    def is_empty(self) -> bool:
        return next(self._store.quads_for_pattern(None, None, None, None), None) is None

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def stored_files(self) -> dict[str, StoredFile]:
        """Source files held, by path: the record is part of each file's own graph."""
        return _stored_files(self._store.query(_stored_files_query()))

    def query(self, sparql: str, *, union: bool = False, base_iri: str | None = None):
        """Run SPARQL; ``union`` makes the default graph the union of the named graphs."""
        return self._store.query(sparql, use_default_graph_as_union=union, base_iri=base_iri)

    def answer(
        self,
        query: str,
        *,
        results_mime: str | None,
        graph_mime: str | None,
        union: bool = True,
        default_graphs: Iterable[str] = (),
        named_graphs: Iterable[str] = (),
        max_bytes: int = 50_000_000,
        prefixes: dict[str, str] | None = None,
        base_iri: str | None = None,
    ) -> tuple[str, str, bytes, str, str]:
        """Run a query and serialise its result, bounded by ``max_bytes``.

        Returns ``(status, media type, body, message, form)``; status is ``ok``, ``syntax``,
        ``not_acceptable`` (the result's form has no accepted media type), ``too_large`` or
        ``error``; form is ``bindings``, ``boolean`` or ``graph``.
        """
        kwargs: dict = {"prefixes": prefixes or None, "base_iri": base_iri}
        defaults = [ox.NamedNode(g) for g in default_graphs]
        if defaults:
            kwargs["default_graph"] = defaults
        elif union:
            kwargs["use_default_graph_as_union"] = True
        named = [ox.NamedNode(g) for g in named_graphs]
        if named:
            kwargs["named_graphs"] = named
        try:
            result = self._store.query(query, **kwargs)
        except (SyntaxError, ValueError) as exc:
            return "syntax", "", b"", str(exc), ""
        out = _Bounded(max_bytes)
        try:
            if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
                form = "boolean" if isinstance(result, ox.QueryBoolean) else "bindings"
                if results_mime is None:
                    return "not_acceptable", "", b"", "", form
                result.serialize(out, RESULT_MEDIA[results_mime])
                return "ok", results_mime, out.buffer.getvalue(), "", form
            if graph_mime is None:
                return "not_acceptable", "", b"", "", "graph"
            triples = iter(result)
            items = (
                (ox.Quad(t.subject, t.predicate, t.object) for t in triples)
                if graph_mime in _QUAD_MEDIA
                else triples
            )
            ox.serialize(items, out, GRAPH_MEDIA[graph_mime], prefixes=prefixes or None)
            return "ok", graph_mime, out.buffer.getvalue(), "", "graph"
        except OSError as exc:
            if isinstance(exc, _TooLarge) or isinstance(exc.__context__, _TooLarge):
                return "too_large", "", b"", "", ""
            return "error", "", b"", str(exc), ""

    def triples_count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def dump(self, output: IO[bytes], fmt: str, graph: str | None = None) -> None:
        """Stream the store (or one graph) in ``fmt``. Triple formats take the union."""
        if graph is not None:
            quads: Iterator = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        else:
            quads = iter(self._store)
        _write_quads(quads, output, fmt)


# --- a remote SPARQL 1.1 server -------------------------------------------------------------

_RESULTS_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_SETTING_OF = {  # the setting that names each service, for error messages
    "query": "POLICYKG_REMOTE_QUERY_PATH",
    "update": "POLICYKG_REMOTE_UPDATE_PATH",
    "store": "POLICYKG_REMOTE_STORE_PATH",
}
UNION_MODES = ("param", "server")


def is_remote(location: str) -> bool:
    """True for an http(s) URL: the store is a SPARQL server, not a folder."""
    return location.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Endpoints:
    """Where a SPARQL server takes queries, updates and Graph Store Protocol requests."""

    query: str
    update: str
    store: str  # "" if the server has no Graph Store Protocol service

    @classmethod
    def discover(
        cls,
        url: str,
        query_path: str = "/query",
        update_path: str = "/update",
        store_path: str = "/store",
    ) -> Endpoints:
        """Endpoints of the server at ``url``, by Oxigraph's layout unless paths say otherwise.

        ``url`` may be the server's root or its query service itself (``…/query``). A path that
        is an absolute URL is used as it is, for servers that put each service elsewhere
        (e.g. Fuseki's ``/ds/sparql``, ``/ds/update``, ``/ds/data``).

        >>> Endpoints.discover("http://127.0.0.1:7878/")
        Endpoints(query='http://127.0.0.1:7878/query', update='http://127.0.0.1:7878/update', \
store='http://127.0.0.1:7878/store')
        >>> Endpoints.discover("http://h/ds/query", store_path="").store
        ''
        """
        root = url.rstrip("/")
        if query_path and not is_remote(query_path) and root.endswith("/" + query_path.strip("/")):
            root = root[: -len(query_path.strip("/")) - 1]

        def join(path: str) -> str:
            if not path or is_remote(path):
                return path
            return f"{root}/{path.lstrip('/')}"

        return cls(join(query_path), join(update_path), join(store_path))


class RemoteStore:
    """A store on a SPARQL 1.1 server (Oxigraph's ``oxigraph serve`` or any other).

    Reads are SPARQL queries (results parsed with pyoxigraph, so callers see the same objects
    as from :class:`GraphStore`); writes are SPARQL updates, one request per batch of files,
    which an Oxigraph server applies as one transaction; export streams the Graph Store
    Protocol (or, without it, a quad query). ``union`` says how to query the union of the named
    graphs: ``param`` sends Oxigraph's ``union-default-graph`` request parameter with the
    queries that need it; ``server`` means the server already serves the union as its default
    graph (``oxigraph serve --union-default-graph``, Fuseki's ``unionDefaultGraph``).
    """

    def __init__(
        self,
        url: str,
        *,
        endpoints: Endpoints | None = None,
        union: str = "param",
        timeout: float = 600.0,
        read_only: bool = False,
    ):
        if union not in UNION_MODES:
            modes = ", ".join(UNION_MODES)
            raise StoreError(f"remote union mode {union!r}: expected one of {modes}")
        self.url = url
        self.path = None
        self.endpoints = endpoints or Endpoints.discover(url)
        self.union = union
        self.timeout = timeout
        self._read_only = read_only

    @property
    def location(self) -> str:
        return self.url

    # --- HTTP ------------------------------------------------------------------------------

    def _request(
        self,
        service: str,
        url: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ):
        """Send one request; any failure becomes a :class:`StoreError` naming the URL."""
        request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            detail = exc.read(2000).decode("utf-8", "replace").strip()
            exc.close()
            if exc.code == 400 and service in ("query", "update"):
                raise SyntaxError(f"{url}: {detail}") from None
            hint = (
                f" (is this the SPARQL {service} service? set {_SETTING_OF[service]})"
                if exc.code in (404, 405)
                else ""
            )
            raise StoreError(
                f"remote store {self.url}: {method} {url} answered HTTP {exc.code} "
                f"{exc.reason}{hint}" + (f": {detail}" if detail else "")
            ) from None
        except urllib.error.URLError as exc:
            raise StoreError(
                f"remote store {self.url} is unreachable ({method} {url}: {exc.reason}); "
                "is the SPARQL server running?"
            ) from None
        except TimeoutError:
            raise StoreError(
                f"remote store {self.url}: {method} {url} got no answer within "
                f"{self.timeout:g} s (POLICYKG_REMOTE_TIMEOUT)"
            ) from None
        except OSError as exc:
            raise StoreError(f"remote store {self.url}: {method} {url}: {exc}") from None

    def _read(self, service: str, url: str, **kw) -> tuple[str, bytes]:
        """(media type, body) of a request, read whole."""
        with self._request(service, url, **kw) as response:
            try:
                body = response.read()
            except (TimeoutError, OSError) as exc:
                raise StoreError(f"remote store {self.url}: reading {url}: {exc}") from None
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return media, body

    def _select(self, sparql: str, *, union: bool = False):
        return self.query(sparql, union=union)

    def _writable(self) -> None:
        if self._read_only:
            raise StoreError(f"remote store {self.url} was opened read-only")

    # --- writing ---------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Send a SPARQL Update as one request (raises SyntaxError on a rejected update)."""
        self._writable()
        self._read(
            "update",
            self.endpoints.update,
            method="POST",
            body=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    def replace_files(self, graphs: Iterable[tuple[str, str]]) -> None:
        """Replace each ``(graph IRI, N-Triples)``: one update request for the whole batch."""
        update = _replace_update(graphs)
        if update:
            try:
                self.update(update)
            except SyntaxError as exc:  # our own N-Triples: a server that disagrees
                raise StoreError(f"remote store {self.url} rejected an update: {exc}") from None

    def add_files(self, graphs: Iterable[tuple[str, str]]) -> None:
        """As :meth:`replace_files`: one request, so the batch is stored whole or not at all."""
        self.replace_files(graphs)

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def load(
        self,
        data: bytes | IO[bytes],
        fmt: str,
        graph: str | None = None,
        base_iri: str | None = None,
    ) -> None:
        """Parse here (errors name line and column), then add everything in one request."""
        target = ox.NamedNode(graph) if graph else None
        by_graph: dict[str, list[str]] = {}
        try:
            for q in ox.parse(data, format=FORMATS[fmt], base_iri=base_iri):
                name = q.graph_name
                if isinstance(name, ox.DefaultGraph) and target is not None:
                    name = target
                key = "" if isinstance(name, ox.DefaultGraph) else str(name)
                by_graph.setdefault(key, []).append(f"{q.subject} {q.predicate} {q.object} .")
        except SyntaxError as exc:
            raise StoreError(str(exc)) from None
        blocks = [
            "\n".join(lines) if not key else f"GRAPH {key} {{\n" + "\n".join(lines) + "\n}"
            for key, lines in by_graph.items()
        ]
        if blocks:
            try:
                self.update("INSERT DATA {\n" + "\n".join(blocks) + "\n}")
            except SyntaxError as exc:
                raise StoreError(f"remote store {self.url} rejected the data: {exc}") from None

    def flush(self) -> None:
        """Nothing to do: the server makes each request durable."""

    def optimize(self) -> None:
        """Nothing to do: the server manages its own storage."""

    def reopen(self) -> None:
        """Nothing to do: there is no local database to reopen."""

    def bulk_load_incomplete(self) -> bool:
        return False

    def bulk_load_done(self) -> None:
        """Nothing to do: remote stores are never bulk-loaded."""

    # --- reading ---------------------------------------------------------------------------

    def query(self, sparql: str, *, union: bool = False, base_iri: str | None = None):
        """Run SPARQL on the server; results are pyoxigraph objects, as from GraphStore.

        SELECT and ASK give ``QuerySolutions`` / ``QueryBoolean``; CONSTRUCT and DESCRIBE an
        iterator of triples. ``union`` makes the default graph the union of the named graphs.
        """
        if base_iri:
            sparql = f"BASE <{base_iri}>\n{sparql}"
        form = {"query": sparql}
        if union and self.union == "param":
            form["union-default-graph"] = ""
        media, body = self._read(
            "query",
            self.endpoints.query,
            method="POST",
            body=urllib.parse.urlencode(form).encode("ascii"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": _RESULTS_ACCEPT,
            },
        )
        if media in RESULT_MEDIA:
            return ox.parse_query_results(body, format=RESULT_MEDIA[media])
        if media in GRAPH_MEDIA:
            return (q.triple for q in ox.parse(body, format=GRAPH_MEDIA[media]))
        raise StoreError(
            f"remote store {self.url}: {self.endpoints.query} answered a query with "
            f"{media or 'no media type'}, expected SPARQL results or RDF"
        )

    def _count(self, pattern: str) -> int:
        (row,) = list(self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}"))
        return int(row["n"].value)

    def __len__(self) -> int:
        """Quads in the named graphs, plus the default graph's own triples when the server
        keeps them apart (``union`` is ``param``)."""
        named = self._count("GRAPH ?g { ?s ?p ?o }")
        return named + (self._count("?s ?p ?o") if self.union == "param" else 0)

    def is_empty(self) -> bool:
        return not bool(self._select("ASK { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"))

    def named_graphs(self) -> list[str]:
        return sorted(r["g"].value for r in self._select("SELECT ?g WHERE { GRAPH ?g { } }"))

    def stored_files(self) -> dict[str, StoredFile]:
        return _stored_files(self._select(_stored_files_query()))

    def triples_count(self, graph: str | None = None) -> int:
        if graph is None:
            return len(self)
        return self._count(f"GRAPH <{graph}> {{ ?s ?p ?o }}")

    def dump(self, output: IO[bytes], fmt: str, graph: str | None = None) -> None:
        """Stream the store (or one graph) in ``fmt``, parsed as it arrives.

        With a Graph Store Protocol service: ``GET`` of the graph, or of the whole dataset as
        N-Quads (Oxigraph answers this); without one, a SPARQL query for the quads.
        """
        if self.endpoints.store:
            query = "?" + urllib.parse.urlencode({"graph": graph}) if graph else ""
            accept = "application/n-triples" if graph else "application/n-quads"
            with self._request(
                "store", self.endpoints.store + query, headers={"Accept": accept}
            ) as response:
                parsed = ox.parse(response, format=GRAPH_MEDIA[accept])
                quads: Iterator = (
                    (ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph)) for q in parsed)
                    if graph
                    else parsed
                )
                _write_quads(quads, output, fmt)
            return
        where = (
            f"GRAPH <{graph}> {{ ?s ?p ?o }} BIND(<{graph}> AS ?g)"
            if graph
            else "GRAPH ?g { ?s ?p ?o }"
        )
        rows = self._select(f"SELECT ?s ?p ?o ?g WHERE {{ {where} }}")
        _write_quads((ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows), output, fmt)


Store = GraphStore | RemoteStore


def open_store(
    location: str,
    *,
    read_only: bool = False,
    endpoints: tuple[str, str, str] = ("/query", "/update", "/store"),
    union: str = "param",
    timeout: float = 600.0,
) -> GraphStore | RemoteStore:
    """The store at ``location``: a :class:`RemoteStore` for an http(s) URL, else a folder.

    ``endpoints`` (query, update and Graph Store Protocol paths), ``union`` and ``timeout``
    apply to remote stores only.
    """
    if is_remote(location):
        return RemoteStore(
            location,
            endpoints=Endpoints.discover(location, *endpoints),
            union=union,
            timeout=timeout,
            read_only=read_only,
        )
    return GraphStore(location, read_only=read_only)
