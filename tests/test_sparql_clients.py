"""Real SPARQL clients against a real ``policykg serve``: SPARQLWrapper, rdflib's SPARQLStore,
Comunica (Node), and the query time limit seen from two clients at once.

The answers come from reading the texts in data/corpus: CND resolution 62/4 (file 000)
"Recalling its resolution 61/8 of 16 March 2018" and "Taking note of General Assembly
resolution 73/192 of 17 December 2018". The default graph of this server is the union of the
files' graphs, so a client that names no graph sees every file.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POSTDIRECTLY, RDFXML, TURTLE, XML, SPARQLWrapper

from live_server import running_server

ROOT = Path(__file__).resolve().parents[1]
COMUNICA = ROOT / "web" / "node_modules" / ".bin" / "comunica-sparql"

PKG = Namespace("https://w3id.org/policykg/ontology#")
BASE = "https://w3id.org/policykg/"
CND_62_4 = URIRef(f"{BASE}resolution/CND/62/4")
CND_61_8 = URIRef(f"{BASE}resolution/CND/61/8")
GA_73_192 = URIRef(f"{BASE}resolution/GA/73/192")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")
PREFIXES = f"PREFIX pkg: <{PKG}>\n"

# Every instrument that CND 62/4 takes note of.
TAKES_NOTE_OF = (
    PREFIXES
    + f"SELECT DISTINCT ?cited WHERE {{ <{CND_62_4}> pkg:takesNoteOf ?cited }} ORDER BY ?cited"
)
# The citations in 62/4 that carry a date, with the verb of their clause.
DATED_CITATIONS = (
    PREFIXES
    + f"""SELECT DISTINCT ?cited ?verb ?date WHERE {{
      ?c pkg:citingInstrument <{CND_62_4}> ; pkg:citedInstrument ?cited ;
         pkg:clauseVerbText ?verb ; pkg:statedDate ?date .
    }} ORDER BY ?cited ?verb ?date"""
)
CITATIONS_OF_61_8 = (
    PREFIXES
    + f"""CONSTRUCT {{ ?c pkg:citingInstrument ?citing ; pkg:clauseVerbText ?verb ;
                       pkg:statedDate ?date }}
    WHERE {{ ?c pkg:citedInstrument <{CND_61_8}> ; pkg:citingInstrument ?citing ;
               pkg:clauseVerbText ?verb . OPTIONAL {{ ?c pkg:statedDate ?date }} }}"""
)


@pytest.fixture(scope="module")
def endpoint(live_server) -> str:
    return f"{live_server}/sparql"


def wrapper(endpoint: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    """A SPARQLWrapper client; ``method`` GET, POST (a form) or POSTDIRECTLY (the query body)."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod("GET" if method == "GET" else "POST")
    if method == POSTDIRECTLY:
        client.setRequestMethod(POSTDIRECTLY)
    client.setTimeout(30)
    return client


def by_httpx(endpoint: str, query: str) -> list[dict[str, str]]:
    """Reference answer: the endpoint's own JSON results, fetched directly."""
    response = httpx.get(endpoint, params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


# --- SPARQLWrapper ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", POSTDIRECTLY])
def test_sparqlwrapper_select_json(endpoint, method):
    result = wrapper(endpoint, TAKES_NOTE_OF, JSON, method).query()
    assert result.response.headers["content-type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert data["head"]["vars"] == ["cited"]
    cited = {b["cited"]["value"] for b in data["results"]["bindings"]}
    assert str(GA_73_192) in cited
    assert all(b["cited"]["type"] == "uri" for b in data["results"]["bindings"])


def test_sparqlwrapper_select_xml(endpoint):
    result = wrapper(endpoint, DATED_CITATIONS, XML).query()
    assert result.response.headers["content-type"].startswith("application/sparql-results+xml")
    document = result.convert()  # an xml.dom.minidom document
    rows = []
    for node in document.getElementsByTagName("result"):
        row = {}
        for binding in node.getElementsByTagName("binding"):
            value = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
            row[binding.getAttribute("name")] = (
                value.firstChild.data,
                value.getAttribute("datatype"),
            )
        rows.append(row)
    # "Recalling its resolution 61/8 of 16 March 2018"
    assert {
        "cited": (str(CND_61_8), ""),
        "verb": ("Recalling", ""),
        "date": ("2018-03-16", str(XSD_DATE)),
    } in rows
    # "Taking note of General Assembly resolution 73/192 of 17 December 2018"
    assert any(r["cited"][0] == str(GA_73_192) and r["date"][0] == "2018-12-17" for r in rows)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"ASK {{ <{CND_62_4}> <{PKG}recalls> <{CND_61_8}> }}", True),
        (f"ASK {{ <{CND_62_4}> <{PKG}takesNoteOf> <{GA_73_192}> }}", True),
        (f"ASK {{ <{CND_61_8}> <{PKG}recalls> <{CND_62_4}> }}", False),  # not the other way
    ],
    ids=["62/4 recalls 61/8", "62/4 takes note of 73/192", "61/8 does not recall 62/4"],
)
def test_sparqlwrapper_ask(endpoint, query, expected):
    for method in ("GET", "POST", POSTDIRECTLY):
        assert wrapper(endpoint, query, JSON, method).query().convert()["boolean"] is expected
    document = wrapper(endpoint, query, XML).query().convert()
    (boolean,) = document.getElementsByTagName("boolean")
    assert boolean.firstChild.data == str(expected).lower()


def _check_citations_of_61_8(graph: Graph) -> None:
    citing = {str(o) for o in graph.objects(None, PKG.citingInstrument)}
    assert str(CND_62_4) in citing
    dated = {
        (graph.value(c, PKG.clauseVerbText), graph.value(c, PKG.statedDate))
        for c in graph.subjects(PKG.citingInstrument, CND_62_4)
    }
    assert (Literal("Recalling"), Literal("2018-03-16", datatype=XSD_DATE)) in dated


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_sparqlwrapper_construct_to_rdflib_graph(endpoint):
    # RDF/XML: SPARQLWrapper converts to an rdflib graph itself
    result = wrapper(endpoint, CITATIONS_OF_61_8, RDFXML).query()
    assert result.response.headers["content-type"].startswith("application/rdf+xml")
    graph = result.convert()
    assert isinstance(graph, Graph)
    _check_citations_of_61_8(graph)
    # Turtle: SPARQLWrapper hands over bytes; rdflib parses them into the same graph
    result = wrapper(endpoint, CITATIONS_OF_61_8, TURTLE, "POST").query()
    assert result.response.headers["content-type"].startswith("text/turtle")
    from_turtle = Graph().parse(data=result.convert(), format="turtle")
    _check_citations_of_61_8(from_turtle)
    assert set(from_turtle) == set(graph)


# --- rdflib SPARQLStore -------------------------------------------------------------------


def test_rdflib_sparqlstore_select_through_the_graph_api(endpoint):
    graph = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = graph.query(
        "SELECT DISTINCT ?cited ?date WHERE { ?c pkg:citingInstrument ?r ; "
        "pkg:citedInstrument ?cited ; pkg:statedDate ?date } ORDER BY ?cited",
        initNs={"pkg": PKG},
        initBindings={"r": CND_62_4},
    )
    answers = {(row.cited, row.date) for row in rows}
    assert (CND_61_8, Literal("2018-03-16", datatype=XSD_DATE)) in answers
    assert (GA_73_192, Literal("2018-12-17", datatype=XSD_DATE)) in answers
    # triple patterns through the Graph API become SPARQL on the wire
    assert GA_73_192 in set(graph.objects(CND_62_4, PKG.takesNoteOf))
    assert (CND_62_4, PKG.recalls, CND_61_8) in graph
    assert graph.query(f"ASK {{ <{CND_62_4}> ?p ?o }}").askAnswer is True


# --- Comunica -----------------------------------------------------------------------------


def comunica(endpoint: str, query: str) -> tuple[dict, str]:
    node = shutil.which("node")
    if node is None or not COMUNICA.exists():
        pytest.skip("Node or web/node_modules (npm ci in web/) is missing")
    run = subprocess.run(
        [
            node,
            str(COMUNICA),
            endpoint,
            "-l",
            "info",
            "-t",
            "application/sparql-results+json",
            query,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT / "web",
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout), run.stderr


def test_comunica_recognises_the_endpoint_and_agrees(endpoint):
    results, log = comunica(endpoint, DATED_CITATIONS)
    # Comunica read the service description and chose its SPARQL actor for this URL
    assert f"Identified {endpoint} as sparql source" in log
    rows = [{k: v["value"] for k, v in b.items()} for b in results["results"]["bindings"]]
    assert rows == by_httpx(endpoint, DATED_CITATIONS)
    assert {"cited": str(CND_61_8), "verb": "Recalling", "date": "2018-03-16"} in rows


def test_comunica_ask(endpoint):
    results, _ = comunica(endpoint, f"ASK {{ <{CND_62_4}> <{PKG}takesNoteOf> <{GA_73_192}> }}")
    assert results["boolean"] is True


# --- the time limit, seen from two clients ------------------------------------------------

HEAVY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
SIMPLE = f"ASK {{ <{CND_62_4}> <{PKG}recalls> <{CND_61_8}> }}"


def test_query_timeout_stops_the_heavy_query_while_others_are_answered(corpus_store_path):
    limit = 2.0
    with running_server(corpus_store_path, query_timeout=limit) as url:
        endpoint = f"{url}/sparql"
        heavy: dict = {}

        def send_heavy(client: httpx.Client) -> None:
            heavy["sent"] = time.monotonic()
            heavy["response"] = client.get(endpoint, params={"query": HEAVY})
            heavy["done"] = time.monotonic()

        with httpx.Client(timeout=limit + 30) as heavy_client, httpx.Client(timeout=30) as client:
            thread = threading.Thread(target=send_heavy, args=(heavy_client,))
            thread.start()
            time.sleep(0.5)
            sent = time.monotonic()
            simple = client.get(endpoint, params={"query": SIMPLE})
            simple_done = time.monotonic()
            thread.join(limit + 30)
            assert not thread.is_alive()

            # the simple query: answered at once, before the heavy one gave up
            assert simple.status_code == 200
            assert simple.json()["boolean"] is True
            assert simple_done - sent < 1.0, simple_done - sent
            assert simple_done < heavy["done"]

            # the heavy query: stopped at the limit, with the time-limit error
            response = heavy["response"]
            elapsed = heavy["done"] - heavy["sent"]
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "query_timeout"
            assert response.headers["retry-after"] == "1"
            assert limit <= elapsed <= limit + 1.0, elapsed

            # the server goes on answering (the stopped worker is replaced)
            for _ in range(3):
                again = client.get(endpoint, params={"query": SIMPLE})
                assert again.status_code == 200 and again.json()["boolean"] is True
        print(
            f"\nheavy query stopped after {elapsed:.2f} s; simple query answered in "
            f"{simple_done - sent:.3f} s"
        )
