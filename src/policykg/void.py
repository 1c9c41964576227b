"""A VoID description of the dataset held in a store: size, classes, properties, subsets."""

from __future__ import annotations

from .rdf import DCT, Quads, lit
from .store import GraphStore
from .vocab import NAMESPACES

VOID = NAMESPACES["void"]
EXAMPLES = 5


def void_description(store: GraphStore, base: str, endpoint: str | None = None) -> Quads:
    """VoID triples (their graph IRI is only a container; serialise them as triples)."""
    q = Quads(f"{base}/graph/void")
    ds = f"{base}/void#dataset"
    q.type(ds, VOID + "Dataset")
    q.add(
        ds,
        DCT + "title",
        lit("policykg: a knowledge graph of international drug-policy instruments"),
    )
    q.add(
        ds,
        DCT + "description",
        lit(
            "Citations, bodies and mandates extracted from UN drug-policy texts, each traceable "
            "to the quoted words and character offsets of its source file."
        ),
    )
    q.add(ds, VOID + "uriSpace", lit(base + "/"))
    q.add(ds, VOID + "triples", lit(len(store)))
    if endpoint:
        q.add(ds, VOID + "sparqlEndpoint", endpoint)
    for prefix in ("pkg", "cito", "eli", "dct", "skos", "prov", "oa", "schema"):
        q.add(ds, VOID + "vocabulary", NAMESPACES[prefix])
    rows = store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } "
        "GROUP BY ?c ORDER BY ?c"
    )
    for i, r in enumerate(rows):
        part = f"{ds}-class-{i}"
        q.add(ds, VOID + "classPartition", part)
        q.add(part, VOID + "class", r["c"].value)
        q.add(part, VOID + "entities", lit(int(r["n"].value)))
    rows = store.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"
    )
    properties = 0
    for i, r in enumerate(rows):
        part = f"{ds}-property-{i}"
        q.add(ds, VOID + "propertyPartition", part)
        q.add(part, VOID + "property", r["p"].value)
        q.add(part, VOID + "triples", lit(int(r["n"].value)))
        properties += 1
    q.add(ds, VOID + "properties", lit(properties))
    for r in store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a <{NAMESPACES['pkg']}Resolution> ; "
        f"<{NAMESPACES['pkg']}fromSource> ?src }} }} ORDER BY ?s LIMIT {EXAMPLES}"
    ):
        q.add(ds, VOID + "exampleResource", r["s"].value)
    for graph in store.named_graphs():
        q.add(ds, VOID + "subset", graph)
        q.type(graph, VOID + "Dataset")
        q.add(graph, VOID + "triples", lit(store.triples_count(graph)))
    return q
