"""A remote SPARQL store: a real ``oxigraph serve`` holds the graph instead of the embedded store.

The same commands, over HTTP, must give the same quads and the same query rows as the
embedded store; re-ingest skips unchanged files; failures name the URL, without a traceback.
"""

from __future__ import annotations

import doctest
import io
import os
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT
from live_server import free_port
from oxigraph_server import oxigraph_server
from policykg import store as store_module
from policykg.pipeline import ingest
from policykg.store import Endpoints, GraphStore, RemoteStore, StoreError

BASE = "https://w3id.org/policykg"
CND_64_4 = f"{BASE}/resolution/CND/64/4"


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policykg.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    """URL of an Oxigraph server holding the bundled corpus, ingested by the CLI."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db") as url:
        done = cli("ingest", str(CORPUS), "--store", url, "--no-progress", "--jobs", "2")
        assert done.returncode == 0, done.stderr
        yield url


def nquads(store) -> set[bytes]:
    out = io.BytesIO()
    store.dump(out, "nquads")
    return set(out.getvalue().splitlines())


def test_remote_ingest_gives_the_same_quads_as_the_embedded_store(remote, corpus_store_path):
    embedded = nquads(GraphStore(corpus_store_path, read_only=True))
    assert len(embedded) > 10_000
    assert nquads(RemoteStore(remote)) == embedded


def test_reingest_skips_every_unchanged_file(remote, monkeypatch):
    monkeypatch.chdir(ROOT)  # corpus paths, hence graph names, are relative to the cwd
    store = RemoteStore(remote)
    before = len(store)
    summary = ingest([CORPUS], store, BASE, jobs=1)
    assert (summary.documents, summary.unchanged, summary.failed) == (0, 5, 0)
    assert summary.triples == before == len(store)


@pytest.mark.parametrize(
    "args",
    [
        ["cites", "-p", f"instrument={CND_64_4}"],  # named graphs, aggregates
        ["ancestors", "-p", f"instrument={CND_64_4}"],  # needs the union default graph
        ["conflicting-dates"],
    ],
)
def test_named_queries_return_the_same_rows(remote, corpus_store_path, args):
    here = cli("query", *args, "--format", "csv", "--store", str(corpus_store_path))
    there = cli("query", *args, "--format", "csv", "--store", remote)
    assert here.returncode == there.returncode == 0, there.stderr
    assert len(here.stdout.splitlines()) > 1  # a header and rows
    assert sorted(there.stdout.splitlines()) == sorted(here.stdout.splitlines())


def test_export_and_void_over_http(remote, corpus_store_path):
    here = cli("export", "--format", "nquads", "--store", str(corpus_store_path))
    there = cli("export", "--format", "nquads", "--store", remote)
    assert there.returncode == 0, there.stderr
    assert set(there.stdout.splitlines()) == set(here.stdout.splitlines())
    void = cli("void", "--store", remote)
    assert void.returncode == 0, void.stderr
    assert f"void:triples {len(here.stdout.splitlines())}" in void.stdout


def test_export_without_a_graph_store_service_queries_the_quads(remote):
    store = RemoteStore(remote)
    plain = RemoteStore(remote, endpoints=Endpoints.discover(remote, store_path=""))
    assert nquads(plain) == nquads(store)
    graph = f"{BASE}/graph/registry"
    one, other = io.BytesIO(), io.BytesIO()
    store.dump(one, "ntriples", graph)
    plain.dump(other, "ntriples", graph)
    assert set(one.getvalue().splitlines()) == set(other.getvalue().splitlines())
    assert len(one.getvalue().splitlines()) == store.triples_count(graph) > 0


def test_union_default_graph_served_by_the_server():
    # Two files' graphs chained by a property path: only the union default graph sees it.
    data = (
        b"<https://ex.org/a> <https://ex.org/p> <https://ex.org/b> <https://ex.org/g1> .\n"
        b"<https://ex.org/b> <https://ex.org/p> <https://ex.org/c> <https://ex.org/g2> .\n"
    )
    path = "SELECT ?o WHERE { <https://ex.org/a> <https://ex.org/p>+ ?o } ORDER BY ?o"
    for flags, mode in [((), "param"), (("--union-default-graph",), "server")]:
        with oxigraph_server(None, *flags) as url:
            store = RemoteStore(url, union=mode)
            store.load(data, "nquads")
            rows = [r["o"].value for r in store.query(path, union=True)]
            assert rows == ["https://ex.org/b", "https://ex.org/c"], mode
            assert len(store) == 2 and store.named_graphs() == [
                "https://ex.org/g1",
                "https://ex.org/g2",
            ]


def test_load_parses_here_and_sends_one_update(remote):
    store = RemoteStore(remote)
    graph = "https://example.org/notes"
    store.load(b'<https://ex.org/a> <https://ex.org/p> "x" .\n', "turtle", graph=graph)
    assert store.triples_count(graph) == 1
    with pytest.raises(StoreError) as info:
        store.load(b'<https://ex.org/a> <https://ex.org/p> "x .\n', "turtle", graph=graph)
    assert "line 1" in str(info.value)
    store.drop_graph(graph)
    assert graph not in store.named_graphs()


# --- failures: a message naming the URL, exit code 2, no traceback ---------------------------


def test_an_unreachable_server_is_named():
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done = cli("query", "cites", "--store", url)
    assert done.returncode == 2
    assert f"remote store {url} is unreachable" in done.stderr
    assert "Traceback" not in done.stderr
    done = cli("ingest", str(CORPUS), "--store", url, "--no-progress")
    assert done.returncode == 2 and url in done.stderr and "Traceback" not in done.stderr


def test_an_error_answer_names_the_url_and_the_setting(remote):
    done = cli("query", "cites", "--store", remote, env={"POLICYKG_REMOTE_QUERY_PATH": "/nope"})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{remote}/nope answered HTTP 404" in done.stderr
    assert "POLICYKG_REMOTE_QUERY_PATH" in done.stderr


def test_a_syntax_error_comes_back_as_a_usage_error(remote, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: Broken\n# description: Bad syntax.\nSELECT * WHERE { ?s ?p }\n")
    done = cli("query", str(bad), "--store", remote)
    assert done.returncode == 2 and "SPARQL syntax error" in done.stderr
    assert "Traceback" not in done.stderr


def test_store_docstring_examples():
    assert doctest.testmod(store_module).failed == 0
