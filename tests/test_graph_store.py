"""The Graph Store Protocol: off by default; with updates enabled, token-gated round trips."""

from __future__ import annotations

import shutil

import pytest
import rdflib
from fastapi.testclient import TestClient

from policykg.api.app import create_app
from policykg.config import Settings

GRAPH = "https://example.org/notes"
TURTLE = b'<https://example.org/a> <https://example.org/says> "hello" .\n'
AUTH = {"Authorization": "Bearer s3cret"}


def test_off_by_default(corpus_store_path):
    with TestClient(create_app(Settings(store=str(corpus_store_path)))) as client:
        r = client.get("/store", params={"graph": GRAPH})
        assert r.status_code == 403 and r.json()["error"]["code"] == "read_only"
        r = client.put(
            "/store",
            params={"graph": GRAPH},
            content=TURTLE,
            headers={"Content-Type": "text/turtle", **AUTH},
        )
        assert r.status_code == 403


@pytest.fixture
def writable(corpus_store_path, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(corpus_store_path, store)
    settings = Settings(store=str(store), enable_update=True, update_token="s3cret")
    with TestClient(create_app(settings)) as client:
        yield client


def test_put_get_post_delete_round_trip(writable):
    params = {"graph": GRAPH}
    r = writable.put(
        "/store", params=params, content=TURTLE, headers={"Content-Type": "text/turtle"}
    )
    assert r.status_code == 401  # no token
    r = writable.put(
        "/store", params=params, content=TURTLE, headers={"Content-Type": "text/turtle", **AUTH}
    )
    assert r.status_code == 204, r.text
    r = writable.get("/store", params=params, headers={"Accept": "text/turtle", **AUTH})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert set(g) == {
        (
            rdflib.URIRef("https://example.org/a"),
            rdflib.URIRef("https://example.org/says"),
            rdflib.Literal("hello"),
        )
    }
    more = b'<https://example.org/b> <https://example.org/says> "again" .\n'
    r = writable.post(
        "/store",
        params=params,
        content=more,
        headers={"Content-Type": "application/n-triples", **AUTH},
    )
    assert r.status_code == 204
    r = writable.get("/store", params=params, headers={"Accept": "application/n-triples", **AUTH})
    assert len([line for line in r.text.splitlines() if line.strip()]) == 2
    # The data is visible to SPARQL as well.
    r = writable.get(
        "/sparql",
        params={"query": f"ASK {{ GRAPH <{GRAPH}> {{ ?s ?p 'again' }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.json()["boolean"] is True
    r = writable.delete("/store", params=params, headers=AUTH)
    assert r.status_code == 204
    r = writable.get("/store", params=params, headers=AUTH)
    assert r.status_code == 404
    r = writable.delete("/store", params=params, headers=AUTH)
    assert r.status_code == 404


def test_bad_rdf_changes_nothing(writable):
    params = {"graph": GRAPH}
    writable.put(
        "/store", params=params, content=TURTLE, headers={"Content-Type": "text/turtle", **AUTH}
    )
    r = writable.put(
        "/store",
        params=params,
        content=b"<https://example.org/a> <oops",
        headers={"Content-Type": "text/turtle", **AUTH},
    )
    assert r.status_code == 400
    r = writable.get("/store", params=params, headers={"Accept": "text/turtle", **AUTH})
    assert "hello" in r.text  # the graph a bad PUT would have replaced is still whole


@pytest.mark.parametrize("params", [{}, {"graph": "not an iri"}, {"graph": GRAPH, "default": ""}])
def test_the_graph_must_be_named_clearly(writable, params):
    r = writable.get("/store", params=params, headers=AUTH)
    assert r.status_code == 400
