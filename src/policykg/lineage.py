"""Citation lineage: the citation graph as a networkx ``MultiDiGraph``, and analyses of it.

The graph is read from the store in two steps. :func:`load_graph` reads its structure: every
instrument that cites or is cited, and one edge per (citing, cited, relation) with the number
of citations behind it. :func:`load_citations` then adds, for the edges of a (small)
subgraph, the citations themselves: the quoted words, the paragraph and its clause verb.
The analyses are pure functions of the graph, so they can be tested and benchmarked on
graphs made in memory.

Nodes are keyed by IRI and carry ``key``, ``label``, ``short`` (a label for drawings),
``kind`` (resolution, treaty, declaration, …), ``issuer`` (an acronym such as ``CND``, or
``""``), ``year`` (an int, or None when nothing dates the instrument) and ``year_source``.
Edges run citing → cited; the edge key is the relation, the local name of the citation's
edge property (``recalls``, ``reaffirms``, ``notes``, …, ``cites`` when the paragraph opens
with no known verb), and edges carry ``relation``, ``count``, ``verbs`` (clause-verb concept
→ citations, e.g. ``{"Recalling": 1, "Recalls": 1}``) and ``citations`` (records of
:func:`load_citations`, empty until then).

>>> g = graph_from_rows(
...     [{"i": "x:a", "key": "CND 64/4", "types": "Resolution", "sessionYear": "2021"},
...      {"i": "x:b", "key": "CND 61/8", "types": "Resolution", "sessionYear": "2018"}],
...     [{"citing": "x:a", "cited": "x:b", "n": "1",
...       "rel": "https://w3id.org/policykg/ontology#recalls",
...       "verb": "https://w3id.org/policykg/verb/Recalling"}])
>>> sorted(descendants(g, "x:b", 2))
['x:a']
>>> citation_path(g, "x:a", "x:b")
['x:a', 'x:b']
>>> g.edges["x:a", "x:b", "recalls"]["verbs"]
{'Recalling': 1}
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from urllib.parse import unquote

import networkx as nx

from .errors import PolicyKGError
from .rdf import KIND_CLASS
from .vocab import CLAUSE_VERBS, NAMESPACES, ONTOLOGY, VERB_PROPERTIES

__all__ = [
    "CoCitation",
    "Filters",
    "Influence",
    "LineageError",
    "UnknownInstrument",
    "ancestors",
    "attach_citations",
    "citation_path",
    "citation_records",
    "citations_per_year",
    "citations_query",
    "co_citation",
    "communities",
    "dates_query",
    "descendants",
    "edges_query",
    "find_instrument",
    "graph_from_rows",
    "influence",
    "lineage",
    "load_citations",
    "load_graph",
    "lookups_query",
    "nodes_query",
    "pagerank",
    "paragraphs_query",
    "pivot_nodes",
    "rows_from_sparql_json",
    "verb_mix",
]

CITO = NAMESPACES["cito"]
# rdf:type local name -> kind; a more specific class wins over Resolution (a GA resolution
# that the registry knows as a declaration is drawn as a declaration).
_KIND_ORDER = (
    "Treaty",
    "Declaration",
    "Programme",
    "Report",
    "Document",
    "Decision",
    "Resolution",
    "Body",
    "Group",
)
_CLASS_KIND = {cls: kind for kind, cls in KIND_CLASS.items()}
KINDS = tuple(_CLASS_KIND[c] for c in _KIND_ORDER)
RELATIONS = (*VERB_PROPERTIES, "cites")
CLAUSE_VERB_CONCEPTS = tuple(sorted({concept for concept, _ in CLAUSE_VERBS.values()}))
PARAGRAPH_TEXT_CHARS = 400  # paragraph text kept per citation (the quote is kept whole)
_YEAR_IN_KEY = re.compile(r"(?<![\d.])(1[89]\d\d|20\d\d)(?![\d])")


class LineageError(PolicyKGError):
    """A lineage request that cannot be answered: a bad filter, no path, …"""


class UnknownInstrument(LineageError):
    """No instrument in the citation graph has that key or IRI."""


# --- reading the store ------------------------------------------------------------------
#
# Every query matches inside GRAPH patterns and runs with the store's default graph as is
# (``union=False``): a citation node and its facts sit in one file's graph, and quad
# patterns that share the graph variable are far cheaper than the union default graph
# (about 5x on a store of 2.5 M quads). What one graph cannot tell (a body's acronym, a
# session's year, dates stated by citations) comes from small queries of its own.

_PREFIXES = (
    f"PREFIX pkg: <{ONTOLOGY}>\nPREFIX cito: <{CITO}>\n"
    f"PREFIX rdfs: <{NAMESPACES['rdfs']}>\nPREFIX skos: <{NAMESPACES['skos']}>\n"
    f"PREFIX eli: <{NAMESPACES['eli']}>\nPREFIX dct: <{NAMESPACES['dct']}>\n"
    f"PREFIX oa: <{NAMESPACES['oa']}>\n"
)


def nodes_query() -> str:
    """SPARQL for the facts of every instrument that cites or is cited, in any graph, one
    ``(?i, ?field, ?value)`` row per fact: UNION branches rather than a cartesian product of
    OPTIONALs. ``issuer``, ``publisher`` and ``session`` are IRIs (see :func:`lookups_query`)."""
    return (
        _PREFIXES
        + """
SELECT DISTINCT ?i ?field ?value
WHERE {
  { SELECT DISTINCT ?i WHERE {
      GRAPH ?f { { ?c pkg:citingInstrument ?i } UNION { ?c pkg:citedInstrument ?i } } } }
  GRAPH ?g {
    { ?i pkg:key ?value BIND("key" AS ?field) }
    UNION { ?i a ?t FILTER(STRSTARTS(STR(?t), STR(pkg:)))
            BIND(STRAFTER(STR(?t), "#") AS ?value) BIND("type" AS ?field) }
    UNION { ?i skos:prefLabel ?value BIND("prefLabel" AS ?field) }
    UNION { ?i rdfs:label ?value BIND("label" AS ?field) }
    UNION { ?i pkg:issuer ?value BIND("issuer" AS ?field) }
    UNION { ?i dct:publisher ?value BIND("publisher" AS ?field) }
    UNION { ?i eli:date_document ?value BIND("date" AS ?field) }
    UNION { ?i pkg:statedYear ?value BIND("statedYear" AS ?field) }
    UNION { ?i pkg:adoptedAtSession ?value BIND("session" AS ?field) }
  }
}
"""
    )


def lookups_query() -> str:
    """SPARQL for the acronyms of bodies and the years of sessions: ``(?x, ?field, ?value)``."""
    return (
        _PREFIXES
        + """
SELECT DISTINCT ?x ?field ?value
WHERE {
  GRAPH ?g {
    { ?x pkg:acronym ?value BIND("acronym" AS ?field) }
    UNION { ?x pkg:sessionYear ?value BIND("sessionYear" AS ?field) }
  }
}
"""
    )


def edges_query() -> str:
    """SPARQL: citations counted by (citing, cited, relation, clause verb)."""
    return (
        _PREFIXES
        + """
SELECT ?citing ?cited ?rel ?verb (COUNT(?c) AS ?n)
WHERE {
  GRAPH ?g {
    ?c pkg:citingInstrument ?citing ; pkg:citedInstrument ?cited ;
       cito:hasCitationCharacterization ?rel .
    OPTIONAL { ?c pkg:clauseVerb ?verb }
  }
}
GROUP BY ?citing ?cited ?rel ?verb
"""
    )


def dates_query() -> str:
    """SPARQL: the earliest date and year that citations state for each cited instrument
    ("its resolution 61/8 of 16 March 2018")."""
    return (
        _PREFIXES
        + """
SELECT ?cited (MIN(?d) AS ?statedDate) (MIN(?y) AS ?statedYear)
WHERE {
  GRAPH ?g {
    ?c pkg:citedInstrument ?cited .
    { ?c pkg:statedDate ?d } UNION { ?c pkg:statedYear ?y }
  }
}
GROUP BY ?cited
"""
    )


def pivot_nodes(
    rows: Iterable[Mapping[str, str]], lookups: Iterable[Mapping[str, str]] = ()
) -> list[dict[str, str]]:
    """Rows of :func:`nodes_query` (and :func:`lookups_query`) as one row per instrument, in
    the shape :func:`graph_from_rows` reads. Several values of a field: the least; types
    joined; a body without an acronym is named by the last segment of its IRI."""
    acronym: dict[str, str] = {}
    session_year: dict[str, str] = {}
    for r in lookups:
        table = acronym if r["field"] == "acronym" else session_year
        table[r["x"]] = min(table.get(r["x"], r["value"]), r["value"])
    facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        facts[r["i"]][r["field"]].append(r["value"])
    out = []
    for iri, f in facts.items():
        row = {"i": iri, "types": " ".join(sorted(set(f.get("type", []))))}
        for name in ("key", "date", "statedYear"):
            if f.get(name):
                row[name] = min(f[name])
        years = [session_year[s] for s in f.get("session", []) if s in session_year]
        if years:
            row["sessionYear"] = min(years)
        if label := min(f.get("prefLabel") or f.get("label") or [""]):
            row["label"] = label
        issuers = [acronym.get(b, _local(b)) for b in f.get("issuer", [])]
        publishers = [acronym[b] for b in f.get("publisher", []) if b in acronym]
        if issuer := min(issuers or publishers or [""]):
            row["issuer"] = issuer
        out.append(row)
    return out


_UNSAFE_IRI = re.compile(r'[\s<>"{}|\\^`]')


def citations_query(citing: Iterable[str], cited: str | None = None) -> str:
    """SPARQL for the citations made by the ``citing`` instruments (to ``cited`` only, if
    given), with their paragraph's IRI (see :func:`paragraphs_query`).

    Every pattern is required or a single triple: an OPTIONAL group is evaluated on its own
    before it is joined, so a chain such as target/selector/quote inside one would read
    every citation of the store."""
    iris = " ".join(f"<{i}>" for i in sorted(set(citing)) if not _UNSAFE_IRI.search(i))
    target = "?cited"
    if cited is not None and not _UNSAFE_IRI.search(cited):
        target = f"<{cited}>"
    select = "?citing ?cited" if target == "?cited" else f"?citing ({target} AS ?cited)"
    return (
        _PREFIXES
        + f"""
SELECT {select} ?rel ?verb ?verbText ?paragraph ?quote ?start ?date
WHERE {{
  VALUES ?citing {{ {iris} }}
  GRAPH ?g {{
    ?c pkg:citingInstrument ?citing ; pkg:citedInstrument {target} ;
       cito:hasCitationCharacterization ?rel ; oa:hasTarget ?target .
    ?target oa:hasSelector ?quoteSelector , ?positionSelector .
    ?quoteSelector oa:exact ?quote .
    ?positionSelector oa:start ?start .
    OPTIONAL {{ ?c pkg:clauseVerb ?verb }}
    OPTIONAL {{ ?c pkg:clauseVerbText ?verbText }}
    OPTIONAL {{ ?c pkg:inParagraph ?paragraph }}
    OPTIONAL {{ ?c pkg:statedDate ?date }}
  }}
}}
ORDER BY ?citing ?start
"""
    )


def paragraphs_query(paragraphs: Iterable[str]) -> str:
    """SPARQL for the label and (the start of) the text of paragraphs, by IRI."""
    iris = " ".join(f"<{i}>" for i in sorted(set(paragraphs)) if not _UNSAFE_IRI.search(i))
    return (
        _PREFIXES
        + f"""
SELECT ?paragraph ?label (SUBSTR(?fullText, 1, {PARAGRAPH_TEXT_CHARS + 1}) AS ?text)
WHERE {{
  VALUES ?paragraph {{ {iris} }}
  GRAPH ?g {{ ?paragraph pkg:paragraphLabel ?label ; pkg:paragraphText ?fullText }}
}}
"""
    )


def rows_from_sparql_json(body: bytes | str) -> list[dict[str, str]]:
    """Rows of a SPARQL JSON result as ``{variable: lexical value}`` (unbound: absent)."""
    data = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def _rows(solutions) -> list[dict[str, str]]:
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def load_graph(store, base: str = "") -> nx.MultiDiGraph:
    """The citation graph of a :class:`~policykg.store.GraphStore` (structure only)."""

    def select(sparql: str) -> list[dict[str, str]]:
        return _rows(store.query(sparql))

    nodes = pivot_nodes(select(nodes_query()), select(lookups_query()))
    return graph_from_rows(nodes, select(edges_query()), base, select(dates_query()))


def load_citations(store, g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Add the citations (quote, paragraph, verb) behind each edge of ``g``, in place."""
    citing = {u for u, _ in g.edges()}
    if citing:
        rows = _rows(store.query(citations_query(citing)))
        wanted = {r["paragraph"] for r in rows if "paragraph" in r}
        paragraphs = _rows(store.query(paragraphs_query(wanted))) if wanted else []
        attach_citations(g, citation_records(rows, paragraphs))
    return g


# --- building the graph -------------------------------------------------------------------


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _kind(types: str) -> str:
    present = set(types.split())
    return next((_CLASS_KIND[c] for c in _KIND_ORDER if c in present), "instrument")


def _year(row: Mapping[str, str], key: str) -> tuple[int | None, str]:
    """The year an instrument is dated by, and what dates it (most reliable first)."""
    for field_name, source in (
        ("date", "date"),
        ("statedYear", "stated"),
        ("sessionYear", "session"),
        ("citedDate", "citation"),
        ("citedYear", "citation"),
    ):
        value = row.get(field_name, "")
        if m := re.match(r"-?\d{4}", value):
            return int(m.group(0)), source
    if m := _YEAR_IN_KEY.search(key):
        return int(m.group(1)), "key"
    return None, ""


def _short(key: str, label: str, kind: str) -> str:
    """A label that fits a drawing: the key for numbered instruments, else the name."""
    if kind in ("resolution", "decision") and "/" not in key.split(" ", 1)[0]:
        return key
    text = label or key.rsplit("/", 1)[-1]
    return text if len(text) <= 26 else text[:24].rstrip(" ,;:") + "…"


def graph_from_rows(
    nodes: Iterable[Mapping[str, str]],
    edges: Iterable[Mapping[str, str]],
    base: str = "",
    dates: Iterable[Mapping[str, str]] = (),
) -> nx.MultiDiGraph:
    """The citation graph from node rows (``i``, ``key``, ``label``, ``types``, ``issuer``,
    ``date``, ``statedYear``, ``sessionYear``: see :func:`pivot_nodes`), rows of
    :func:`edges_query` and of :func:`dates_query`.

    Self-citations ("the present resolution") are left out; an edge to an instrument with no
    node row gets a node from its IRI.
    """
    g = nx.MultiDiGraph(base=base)
    facts: dict[str, dict[str, str]] = {}
    for row in nodes:
        iri, key = row["i"], row.get("key") or row["i"]
        kind = _kind(row.get("types", ""))
        label = row.get("label") or key
        facts[iri] = dict(row)
        g.add_node(
            iri,
            key=key,
            label=label,
            short=_short(key, label, kind),
            kind=kind,
            issuer=row.get("issuer", ""),
            year=None,
            year_source="",
        )
    for row in edges:
        citing, cited = row["citing"], row["cited"]
        if citing == cited:
            continue
        for n in (citing, cited):
            if n not in g:
                tail = _local(n)
                facts[n] = {}
                g.add_node(
                    n,
                    key=n,
                    label=tail,
                    short=_short(n, tail, "instrument"),
                    kind="instrument",
                    issuer="",
                    year=None,
                    year_source="",
                )
        rel = _local(row.get("rel", "cites"))
        count = int(row.get("n", 1))
        data = g.get_edge_data(citing, cited, rel)
        if data is None:
            g.add_edge(citing, cited, key=rel, relation=rel, count=0, verbs={}, citations=[])
            data = g.edges[citing, cited, rel]
        data["count"] += count
        verb = _local(row["verb"]) if row.get("verb") else ""
        if verb:
            data["verbs"][verb] = data["verbs"].get(verb, 0) + count
    for row in dates:
        if row["cited"] in facts:
            stated = facts[row["cited"]]
            for mine, theirs in (("citedDate", "statedDate"), ("citedYear", "statedYear")):
                if row.get(theirs):
                    stated[mine] = min(stated.get(mine, row[theirs]), row[theirs])
    for n, d in g.nodes(data=True):
        d["year"], d["year_source"] = _year(facts[n], d["key"])
    _index(g)
    return g


def _index(g: nx.MultiDiGraph) -> None:
    g.graph["keys"] = {d["key"]: n for n, d in g.nodes(data=True)}


def citation_records(
    rows: Iterable[Mapping[str, str]], paragraphs: Iterable[Mapping[str, str]] = ()
) -> list[dict[str, str]]:
    """Rows of :func:`citations_query` (with rows of :func:`paragraphs_query`) as records:
    citing, cited, relation, paragraph (its label, e.g. ``pp10``), verb, verb_text, quote,
    date and paragraph_text (cut at :data:`PARAGRAPH_TEXT_CHARS`)."""
    text_of: dict[str, tuple[str, str]] = {}
    for p in paragraphs:
        text = p.get("text", "")
        if len(text) > PARAGRAPH_TEXT_CHARS:
            text = text[:PARAGRAPH_TEXT_CHARS].rstrip() + "…"
        text_of[p["paragraph"]] = (p.get("label", ""), text)
    out = []
    for row in rows:
        label, text = text_of.get(row.get("paragraph", ""), ("", ""))
        out.append(
            {
                "citing": row["citing"],
                "cited": row["cited"],
                "relation": _local(row.get("rel", "cites")),
                "paragraph": label,
                "verb": _local(row["verb"]) if row.get("verb") else "",
                "verb_text": row.get("verbText", ""),
                "quote": row.get("quote", ""),
                "date": row.get("date", ""),
                "paragraph_text": text,
            }
        )
    return out


def attach_citations(g: nx.MultiDiGraph, records: Iterable[Mapping[str, str]]) -> None:
    """Put records of :func:`citation_records` on the edges of ``g`` they belong to, in
    place (each edge's ``citations`` list is replaced); other records are ignored."""
    for data in _edge_dicts(g):
        data["citations"] = []
    for r in records:
        data = g.get_edge_data(r["citing"], r["cited"], r["relation"])
        if data is not None:
            data["citations"].append(
                {k: v for k, v in r.items() if k not in ("citing", "cited", "relation")}
            )


def _edge_dicts(g: nx.MultiDiGraph):
    for _, _, data in g.edges(data=True):
        yield data


# --- finding an instrument ------------------------------------------------------------------


def find_instrument(g: nx.MultiDiGraph, ident: str, base: str | None = None) -> str:
    """The node for a key (``CND 64/4``), an IRI, or an IRI's path after the base
    (``resolution/CND/64/4``); :class:`UnknownInstrument` names close keys otherwise."""
    base = g.graph.get("base", "") if base is None else base
    keys: dict[str, str] = g.graph.get("keys") or {d["key"]: n for n, d in g.nodes(data=True)}
    text = ident.strip()
    if text in g:
        return text
    if text in keys:
        return keys[text]
    path = unquote(text).strip("/")
    if base and f"{base}/{path}" in g:
        return f"{base}/{path}"
    if base and text.startswith(base + "/") and text in g:
        return text
    folded = {_fold(k): n for k, n in keys.items()}
    for candidate in (text, path, path.replace("_", " ")):
        if _fold(candidate) in folded:
            return folded[_fold(candidate)]
    close = difflib.get_close_matches(text, list(keys), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UnknownInstrument(
        f"{ident!r}: no instrument with that key or IRI in the citation graph "
        f"(a key such as 'CND 64/4', an IRI, or its path such as resolution/CND/64/4){hint}"
    )


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


# --- filters and traversal ------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.casefold())


_VALID_VERBS = {_norm(v): v for v in (*RELATIONS, *CLAUSE_VERB_CONCEPTS)}


@dataclass(frozen=True)
class Filters:
    """Which instruments and citations a lineage may pass through.

    Empty sets allow everything. ``verbs`` names relations (``recalls``) or clause-verb
    concepts (``Recalling``, ``TakingNote``), case-insensitively; an edge passes if its
    relation or one of its clause verbs is named. ``year_from``/``year_to`` keep instruments
    dated within the range (undated ones are left out when either is given).
    """

    kinds: frozenset[str] = field(default_factory=frozenset)
    issuers: frozenset[str] = field(default_factory=frozenset)
    verbs: frozenset[str] = field(default_factory=frozenset)
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def of(
        cls,
        kinds: Iterable[str] = (),
        issuers: Iterable[str] = (),
        verbs: Iterable[str] = (),
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> Filters:
        """Filters from user input (comma-separated items allowed); bad values raise
        :class:`LineageError` naming what is valid."""

        def split(values: Iterable[str]) -> list[str]:
            return [p.strip() for v in values for p in str(v).split(",") if p.strip()]

        kind_set = {k.casefold() for k in split(kinds)}
        if bad := sorted(kind_set - set(KINDS) - {"instrument"}):
            raise LineageError(f"kind {', '.join(bad)}: expected one of {', '.join(KINDS)}")
        verb_set = set()
        for v in split(verbs):
            if _norm(v) not in _VALID_VERBS:
                raise LineageError(
                    f"verb {v!r}: expected a relation ({', '.join(RELATIONS)}) "
                    "or a clause verb such as Recalling, Reaffirms, TakingNote"
                )
            verb_set.add(_norm(v))
        if year_from is not None and year_to is not None and year_from > year_to:
            raise LineageError(f"year range {year_from}–{year_to}: the start is after the end")
        return cls(
            frozenset(kind_set),
            frozenset(i.casefold() for i in split(issuers)),
            frozenset(verb_set),
            year_from,
            year_to,
        )

    @property
    def on_nodes(self) -> bool:
        return (
            bool(self.kinds or self.issuers)
            or self.year_from is not None
            or self.year_to is not None
        )

    def node_ok(self, data: Mapping) -> bool:
        if self.kinds and data.get("kind") not in self.kinds:
            return False
        if self.issuers and (data.get("issuer") or "").casefold() not in self.issuers:
            return False
        if self.year_from is not None or self.year_to is not None:
            year = data.get("year")
            if year is None:
                return False
            if self.year_from is not None and year < self.year_from:
                return False
            if self.year_to is not None and year > self.year_to:
                return False
        return True

    def edge_ok(self, relation: str, data: Mapping) -> bool:
        if not self.verbs:
            return True
        return _norm(relation) in self.verbs or any(
            _norm(v) in self.verbs for v in data.get("verbs", ())
        )

    def to_query(self) -> dict[str, str]:
        """The filters as URL query parameters of the JSON API."""
        out = {
            "kind": ",".join(sorted(self.kinds)),
            "issuer": ",".join(sorted(self.issuers)),
            "verb": ",".join(sorted(self.verbs)),
            "from": "" if self.year_from is None else str(self.year_from),
            "to": "" if self.year_to is None else str(self.year_to),
        }
        return {k: v for k, v in out.items() if v}


NO_FILTERS = Filters()


def _reach(
    g: nx.MultiDiGraph, root: str, depth: int | None, forward: bool, flt: Filters
) -> dict[str, int]:
    """Breadth-first distances from ``root`` along (forward) or against citations."""
    adj = g._succ if forward else g._pred  # the adjacency dicts: no view objects per step
    nodes = g._node
    check_edges = bool(flt.verbs)
    check_nodes = flt.on_nodes
    seen = {root: 0}
    frontier = [root]
    d = 0
    while frontier and (depth is None or d < depth):
        d += 1
        nxt = []
        if not (check_edges or check_nodes):  # the common case, kept tight
            for u in frontier:
                for v in adj[u]:
                    if v not in seen:
                        seen[v] = d
                        nxt.append(v)
            frontier = nxt
            continue
        for u in frontier:
            for v, keyed in adj[u].items():
                if v in seen:
                    continue
                if check_edges and not any(flt.edge_ok(k, a) for k, a in keyed.items()):
                    continue
                if check_nodes and not flt.node_ok(nodes[v]):
                    continue
                seen[v] = d
                nxt.append(v)
        frontier = nxt
    return seen


def ancestors(
    g: nx.MultiDiGraph, node: str, depth: int | None = None, filters: Filters = NO_FILTERS
) -> dict[str, int]:
    """What ``node`` cites, directly or through citations, up to ``depth`` steps:
    ``{instrument: steps}`` (None: no limit)."""
    out = _reach(g, node, depth, True, filters)
    del out[node]
    return out


def descendants(
    g: nx.MultiDiGraph, node: str, depth: int | None = None, filters: Filters = NO_FILTERS
) -> dict[str, int]:
    """What cites ``node``, directly or through citations, up to ``depth`` steps."""
    out = _reach(g, node, depth, False, filters)
    del out[node]
    return out


def lineage(
    g: nx.MultiDiGraph,
    root: str,
    up: int | None = 2,
    down: int | None = 2,
    filters: Filters = NO_FILTERS,
) -> nx.MultiDiGraph:
    """The lineage of ``root``: its ancestors to ``up`` steps and descendants to ``down``,
    with every citation among them that the filters allow (a new graph).

    Traversal only passes through instruments and citations the filters allow, as if the
    graph held nothing else; the root is always kept. Nodes get ``distance`` (steps from
    the root) and ``direction`` (root, ancestor, descendant or both, in a citation cycle).
    """
    if root not in g:
        raise UnknownInstrument(f"{root!r}: not in the citation graph")
    up_d = _reach(g, root, up, True, filters) if up != 0 else {root: 0}
    down_d = _reach(g, root, down, False, filters) if down != 0 else {root: 0}
    h = nx.MultiDiGraph(base=g.graph.get("base", ""), root=root, up=up, down=down, filters=filters)
    nodes = g._node
    for n in {**up_d, **down_d}:
        if n == root:
            direction, distance = "root", 0
        elif n in up_d and n in down_d:
            direction, distance = "both", min(up_d[n], down_d[n])
        elif n in up_d:
            direction, distance = "ancestor", up_d[n]
        else:
            direction, distance = "descendant", down_d[n]
        h.add_node(n, **nodes[n], distance=distance, direction=direction)
    check = bool(filters.verbs)
    succ = g._succ
    for u in h:
        for v, keyed in succ[u].items():
            if v not in h._node:
                continue
            for k, data in keyed.items():
                if not check or filters.edge_ok(k, data):
                    h.add_edge(
                        u,
                        v,
                        key=k,
                        **{
                            **data,
                            "verbs": dict(data["verbs"]),
                            "citations": list(data["citations"]),
                        },
                    )
    _index(h)
    return h


def citation_path(
    g: nx.MultiDiGraph, source: str, target: str, filters: Filters = NO_FILTERS
) -> list[str]:
    """The shortest chain of citations from ``source`` to ``target`` (``source`` cites …
    cites ``target``); :class:`LineageError` when there is none."""
    for n in (source, target):
        if n not in g:
            raise UnknownInstrument(f"{n!r}: not in the citation graph")
    parents: dict[str, str | None] = {source: None}
    frontier = [source]
    while frontier and target not in parents:
        nxt = []
        for u in frontier:
            for v, keyed in g._succ[u].items():
                if v in parents:
                    continue
                if filters.verbs and not any(filters.edge_ok(k, a) for k, a in keyed.items()):
                    continue
                if v != target and filters.on_nodes and not filters.node_ok(g._node[v]):
                    continue
                parents[v] = u
                nxt.append(v)
        frontier = nxt
    if target not in parents:
        raise LineageError(
            f"no chain of citations leads from {g.nodes[source]['key']} to {g.nodes[target]['key']}"
        )
    path = [target]
    while (p := parents[path[-1]]) is not None:
        path.append(p)
    return path[::-1]


# --- influence, communities, co-citation ---------------------------------------------------


def _simple(g: nx.MultiDiGraph) -> nx.DiGraph:
    """One edge per citing → cited pair."""
    d = nx.DiGraph()
    d.add_nodes_from(g)
    d.add_edges_from((u, v) for u, v in g.edges() if u != v)
    return d


def pagerank(
    g: nx.MultiDiGraph, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 200
) -> dict[str, float]:
    """PageRank over citing → cited pairs (each pair counts once), by power iteration.

    Same definition as ``networkx.pagerank`` with uniform teleport and dangling nodes
    spread uniformly; computed with numpy so it needs no scipy.
    """
    import numpy as np

    nodes = list(g)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    pairs = {(index[u], index[v]) for u, v in g.edges() if u != v}
    src = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
    dst = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    out_deg = np.bincount(src, minlength=n).astype(float)
    dangling = out_deg == 0
    weight = 1.0 / out_deg[src] if len(src) else np.zeros(0)
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        spread = np.bincount(dst, weights=x[src] * weight, minlength=n)
        new = alpha * (spread + x[dangling].sum() / n) + (1.0 - alpha) / n
        err = np.abs(new - x).sum()
        x = new
        if err < n * tol:
            break
    return {node: float(x[i]) for node, i in index.items()}


@dataclass(frozen=True)
class Influence:
    node: str
    key: str
    label: str
    kind: str
    issuer: str
    year: int | None
    cited_by: int  # distinct citing instruments (in-degree)
    citations: int  # citations received, counting each paragraph
    pagerank: float


def influence(g: nx.MultiDiGraph, top: int | None = None) -> list[Influence]:
    """Instruments by PageRank (then in-degree, then key), most influential first."""
    pr = pagerank(g)
    cited_by = Counter(v for u, v in {(u, v) for u, v in g.edges()})
    citations: Counter[str] = Counter()
    for _, v, data in g.edges(data=True):
        citations[v] += data.get("count", 1)
    rows = [
        Influence(
            n,
            d["key"],
            d["label"],
            d["kind"],
            d["issuer"],
            d["year"],
            cited_by[n],
            citations[n],
            pr[n],
        )
        for n, d in g.nodes(data=True)
    ]
    rows.sort(key=lambda r: (-r.pagerank, -r.cited_by, r.key))
    return rows[:top] if top is not None else rows


def communities(g: nx.MultiDiGraph, seed: int = 0) -> list[set[str]]:
    """Groups of instruments that cite each other more than chance (Louvain on the
    undirected citation graph; a fixed seed gives the same answer every run), largest first."""
    if g.number_of_nodes() == 0:
        return []
    und = _simple(g).to_undirected()
    found = nx.community.louvain_communities(und, seed=seed)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(c)))


@dataclass(frozen=True)
class CoCitation:
    first: str
    second: str
    together: int  # instruments citing both
    cited_by: tuple[str, ...]


def co_citation(
    g: nx.MultiDiGraph, min_count: int = 2, node: str | None = None, top: int | None = None
) -> list[CoCitation]:
    """Pairs of instruments cited together by at least ``min_count`` citing instruments,
    most often first; with ``node``, only the pairs that include it."""
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for citing in g:
        cited = sorted(v for v in g._succ[citing] if v != citing)
        if node is not None:
            if node not in cited:
                continue
            for other in cited:
                if other != node:
                    pairs[tuple(sorted((node, other)))].append(citing)
            continue
        for a, b in combinations(cited, 2):
            pairs[(a, b)].append(citing)
    rows = [
        CoCitation(a, b, len(c), tuple(sorted(c)))
        for (a, b), c in pairs.items()
        if len(c) >= min_count
    ]
    rows.sort(key=lambda r: (-r.together, g.nodes[r.first]["key"], g.nodes[r.second]["key"]))
    return rows[:top] if top is not None else rows


def citations_per_year(g: nx.MultiDiGraph) -> dict[str, dict[int, int]]:
    """Citations made, by the citing instrument's issuer ("" for none) and year (undated
    citing instruments are left out)."""
    out: dict[str, Counter[int]] = defaultdict(Counter)
    for u, _, data in g.edges(data=True):
        d = g.nodes[u]
        if d.get("year") is not None:
            out[d.get("issuer") or ""][d["year"]] += data.get("count", 1)
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def verb_mix(g: nx.MultiDiGraph, by: str = "relation") -> Counter[str]:
    """Citations by relation (``by="relation"``) or by clause verb (``by="verb"``; "" for
    citations with no clause verb)."""
    mix: Counter[str] = Counter()
    for _, _, k, data in g.edges(keys=True, data=True):
        if by == "relation":
            mix[k] += data.get("count", 1)
        else:
            verbs = data.get("verbs") or {}
            for v, c in verbs.items():
                mix[v] += c
            rest = data.get("count", 1) - sum(verbs.values())
            if rest > 0:
                mix[""] += rest
    return mix
