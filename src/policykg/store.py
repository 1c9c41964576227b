"""The graph store: an embedded on-disk Oxigraph. The only module that imports pyoxigraph.

Each source file's triples live in one named graph. :meth:`GraphStore.replace_files`
swaps whole graphs in one SPARQL Update, which Oxigraph applies as one transaction: after a
crash or Ctrl-C the store holds each file's old graph or its new one, never half of either.
"""

from __future__ import annotations

import gc
import io
import os
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


def convert_rdf(text: str, source: str, media: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Re-serialise RDF ``text`` (format name of :data:`FORMATS`) as ``media``."""
    triples = ox.parse(text, format=FORMATS[source])
    return ox.serialize(triples, format=GRAPH_MEDIA[media], prefixes=prefixes)


def default_store_path() -> str:
    return os.environ.get("POLICYKG_STORE") or DEFAULT_STORE


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
        parts = []
        for graph, triples in graphs:
            parts.append(f"DROP SILENT GRAPH <{graph}>")
            if triples:
                parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}")
        if parts:
            self._store.update(" ;\n".join(parts))

    def add_files(self, graphs: Iterable[tuple[str, str]]) -> None:
        """Load ``(graph IRI, N-Triples)`` for graphs not yet in the store, one transaction
        each (faster than :meth:`replace_files`; a graph that exists is merged, not replaced)."""
        for graph, triples in graphs:
            self._store.load(triples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update in one transaction (raises SyntaxError on a bad update)."""
        self._store.update(sparql)

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

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def stored_files(self) -> dict[str, StoredFile]:
        """Source files held, by path: the record is part of each file's own graph."""
        rows = self._store.query(
            f"SELECT ?g ?path ?sha ?v WHERE {{ GRAPH ?g {{ ?s a <{ONTOLOGY}SourceFile> ; "
            f"<{ONTOLOGY}path> ?path ; <{ONTOLOGY}sha256> ?sha "
            f"OPTIONAL {{ ?s <{ONTOLOGY}pipeline> ?v }} }} }}"
        )
        return {
            r["path"].value: StoredFile(
                r["g"].value, r["path"].value, r["sha"].value, r["v"].value if r["v"] else ""
            )
            for r in rows
        }

    def query(self, sparql: str, *, union: bool = False, base_iri: str | None = None):
        """Run SPARQL; ``union`` makes the default graph the union of the named graphs."""
        return self._store.query(sparql, use_default_graph_as_union=union, base_iri=base_iri)

    def answer(
        self, query: str, *, results_mime: str | None, graph_mime: str | None,
        union: bool = True, default_graphs: Iterable[str] = (), named_graphs: Iterable[str] = (),
        max_bytes: int = 50_000_000, prefixes: dict[str, str] | None = None,
    ) -> tuple[str, str, bytes, str, str]:
        """Run a query and serialise its result, bounded by ``max_bytes``.

        Returns ``(status, media type, body, message, form)``; status is ``ok``, ``syntax``,
        ``not_acceptable`` (the result's form has no accepted media type), ``too_large`` or
        ``error``; form is ``bindings``, ``boolean`` or ``graph``.
        """
        kwargs: dict = {"prefixes": prefixes or None}
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
                if graph_mime in _QUAD_MEDIA else triples
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
        target = FORMATS[fmt]
        if graph is not None:
            quads: Iterator = self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        else:
            quads = iter(self._store)
        prefixes = NAMESPACES if fmt in ("turtle", "trig", "rdfxml") else None
        if fmt in QUAD_FORMATS:
            ox.serialize(quads, output, target, prefixes=prefixes)
        else:
            ox.serialize((q.triple for q in quads), output, target, prefixes=prefixes)
