"""``--engine dask``: extraction on a local Dask cluster (2 worker processes), shards stored here.

It must give exactly the embedded engine's quads, skip unchanged files the same way, and after
a bulk load that did not finish, rewrite every file.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys

import pytest

from conftest import CORPUS, ROOT
from oxigraph_server import oxigraph_server
from policykg.dask_engine import ingest_dask
from policykg.pipeline import corpus_path
from policykg.rdf import graph_iri
from policykg.store import GraphStore, RemoteStore

pytest.importorskip("distributed")

BASE = "https://w3id.org/policykg"


def nquads(store) -> set[bytes]:
    out = io.BytesIO()
    store.dump(out, "nquads")
    return set(out.getvalue().splitlines())


@pytest.fixture(scope="module")
def embedded(corpus_store_path) -> set[bytes]:
    """The bundled corpus as the local engine stores it (built with cwd = the repository)."""
    return nquads(GraphStore(corpus_store_path, read_only=True))


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # graph names are corpus paths relative to the cwd


def test_dask_gives_the_embedded_quads_and_skips_unchanged_files(tmp_path, embedded, at_root):
    store = GraphStore(tmp_path / "db")
    shards = tmp_path / "db.shards"
    commits: list[int] = []
    first = ingest_dask(
        [CORPUS], store, BASE, shards=shards, workers=2, task_files=2, on_commit=commits.append
    )
    assert (first.documents, first.unchanged, first.failed) == (5, 0, 0)
    assert commits[-1] == 5 and not first.bulk_loaded
    assert nquads(store) == embedded
    assert not shards.exists()  # every shard was stored, then removed
    again = ingest_dask([CORPUS], store, BASE, shards=shards, workers=2)
    assert (again.documents, again.unchanged) == (0, 5)
    assert again.triples == first.triples == len(embedded)


def test_a_changed_file_replaces_exactly_its_graph(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.chdir(tmp_path)
    store = GraphStore(tmp_path / "db")
    ingest_dask([corpus], store, BASE, shards=tmp_path / "shards", workers=2)
    before = {g: store.triples_count(g) for g in store.named_graphs()}
    target = corpus / "002_af8c892a89e4666d.txt"
    text = target.read_text(encoding="utf-8")
    target.write_text(text[: text.index("1. *Calls upon*")], encoding="utf-8")
    summary = ingest_dask([corpus], store, BASE, shards=tmp_path / "shards", workers=2)
    assert (summary.documents, summary.unchanged) == (1, 4)
    after = {g: store.triples_count(g) for g in store.named_graphs()}
    assert {g for g in before if before[g] != after[g]} == {graph_iri(BASE, corpus_path(target))}


def test_bulk_load_into_a_new_store_and_repair_after_an_unfinished_one(tmp_path, embedded, at_root):
    store = GraphStore(tmp_path / "db")
    summary = ingest_dask([CORPUS], store, BASE, shards=tmp_path / "s", workers=2, bulk=True)
    assert summary.bulk_loaded and summary.documents == 5
    assert nquads(store) == embedded and not store.bulk_load_incomplete()
    # A bulk load that did not finish leaves its marker: the store may hold parts of files.
    victim = graph_iri(BASE, corpus_path(sorted(CORPUS.glob("*.txt"))[0]))
    store.update(
        f"DELETE {{ GRAPH <{victim}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{victim}> {{ "
        f"?s ?p ?o FILTER(isLiteral(?o)) }} }}"
    )  # half a file
    (tmp_path / "db.bulk-load-incomplete").write_text("interrupted\n")
    assert store.bulk_load_incomplete()
    repair = ingest_dask([CORPUS], store, BASE, shards=tmp_path / "s", workers=2, bulk=True)
    assert (repair.documents, repair.unchanged, repair.bulk_loaded) == (5, 0, False)
    assert nquads(store) == embedded and not store.bulk_load_incomplete()


def test_dask_into_a_remote_store(tmp_path, embedded, at_root):
    with oxigraph_server(tmp_path / "oxigraph") as url:
        store = RemoteStore(url)
        summary = ingest_dask([CORPUS], store, BASE, shards=tmp_path / "s", workers=2)
        assert summary.documents == 5
        assert nquads(store) == embedded


def test_cli_engine_dask(tmp_path, embedded):
    db = tmp_path / "db"
    done = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "ingest", str(CORPUS), "--engine", "dask",
         "--jobs", "2", "--store", str(db), "--no-progress", "--verbose"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "committed 5 files" in done.stderr and "Traceback" not in done.stderr
    assert nquads(GraphStore(db, read_only=True)) == embedded
    misuse = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "ingest", str(CORPUS), "--bulk-load",
         "--store", str(db), "--no-progress"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert misuse.returncode == 2 and "need --engine dask" in misuse.stderr


def test_a_shard_this_process_cannot_see_is_a_clear_error(tmp_path, monkeypatch, at_root):
    """A worker on another machine writes its shard to its own disk: named, nothing stored."""
    from distributed import LocalCluster

    from policykg import dask_engine

    def elsewhere(items, shard):  # runs in a worker thread of this process
        results = extract_shard(items, shard)
        (tmp_path / "shards").joinpath(shard.rsplit("/", 1)[1]).unlink()
        return results

    extract_shard = dask_engine._extract_shard
    monkeypatch.setattr(dask_engine, "_extract_shard", elsewhere)
    store = GraphStore(tmp_path / "db")
    cluster = LocalCluster(n_workers=1, processes=False, dashboard_address="127.0.0.1:0")
    with cluster, pytest.raises(dask_engine.EngineError, match=r"0000000\.nq.*--shards"):
        ingest_dask(
            [CORPUS], store, BASE, shards=tmp_path / "shards", scheduler=cluster.scheduler_address
        )
    files = [g for g in store.named_graphs() if g.startswith(graph_iri(BASE, ""))]
    assert files == []  # only the registry graph, which every ingest writes first
