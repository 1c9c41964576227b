"""The store: ingest, idempotency, whole-file atomicity, interruption, load and export."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rdflib

from conftest import CORPUS, ROOT
from corpusgen import generate_corpus
from policykg import extract_file
from policykg.pipeline import corpus_path, ingest
from policykg.rdf import extraction_quads, graph_iri
from policykg.registry import load_registry
from policykg.store import GraphStore, StoreError

BASE = "https://w3id.org/policykg"


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    store = GraphStore(tmp_path_factory.mktemp("store") / "db")
    summary = ingest([CORPUS], store, BASE, jobs=1)
    assert summary.documents == 5 and summary.failed == 0
    return store


def _expected_triples(paths: list[Path]) -> dict[str, int]:
    """Triples each file should contribute, computed in this process from the extractor."""
    reg = load_registry()
    return {
        graph_iri(BASE, corpus_path(p)): len(
            extraction_quads(extract_file(p), BASE, corpus_path(p), reg)
        )
        for p in paths
    }


def test_each_file_is_one_named_graph_plus_the_registry(corpus_store):
    graphs = corpus_store.named_graphs()
    assert f"{BASE}/graph/registry" in graphs
    files = sorted(CORPUS.glob("*.txt"))
    for graph, count in _expected_triples(files).items():
        assert graph in graphs
        # +1: the pipeline fingerprint recorded on the source file node
        assert corpus_store.triples_count(graph) == count + 1


def test_ingesting_twice_gives_the_same_triples(tmp_path):
    store = GraphStore(tmp_path / "db")
    first = ingest([CORPUS], store, BASE, jobs=2)
    again = ingest([CORPUS], store, BASE, jobs=2)
    assert again.documents == 0 and again.unchanged == 5
    assert again.triples == first.triples == len(store)


def test_a_changed_file_replaces_exactly_its_graph(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    store = GraphStore(tmp_path / "db")
    ingest([corpus], store, BASE, jobs=1)
    before = {g: store.triples_count(g) for g in store.named_graphs()}
    target = corpus / "002_af8c892a89e4666d.txt"
    # Cut the file after its preamble: fewer citations, the other files untouched.
    text = target.read_text(encoding="utf-8")
    target.write_text(text[: text.index("1. *Calls upon*")], encoding="utf-8")
    summary = ingest([corpus], store, BASE, jobs=1)
    assert (summary.documents, summary.unchanged) == (1, 4)
    after = {g: store.triples_count(g) for g in store.named_graphs()}
    changed = {g for g in before if before[g] != after[g]}
    assert changed == {graph_iri(BASE, corpus_path(target))}
    assert (
        after[graph_iri(BASE, corpus_path(target))] < before[graph_iri(BASE, corpus_path(target))]
    )


def test_a_bad_file_leaves_nothing_and_the_rest_goes_on(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01 not text")
    store = GraphStore(tmp_path / "db")
    summary = ingest([corpus], store, BASE, jobs=2)
    assert (summary.documents, summary.failed) == (5, 1)
    assert "binary file" in str(summary.errors[0]) and "broken.txt" in str(summary.errors[0])
    assert not any("broken" in g for g in store.named_graphs())


def _rdflib_quads(data: bytes, fmt: str) -> set:
    ds = rdflib.Dataset()
    ds.parse(data=data.decode("utf-8"), format=fmt)
    return {(s, p, o, g.identifier if hasattr(g, "identifier") else g) for s, p, o, g in ds.quads()}


def _rdflib_triples(data: bytes, fmt: str) -> set:
    return set(rdflib.Graph().parse(data=data.decode("utf-8"), format=fmt))


def test_export_parses_back_to_the_same_triples(corpus_store):
    buffer = io.BytesIO()
    corpus_store.dump(buffer, "nquads")
    reference = _rdflib_quads(buffer.getvalue(), "nquads")
    assert len(reference) == len(corpus_store)
    triples = {(s, p, o) for s, p, o, _ in reference}
    for fmt, rdflib_name in [("trig", "trig")]:
        out = io.BytesIO()
        corpus_store.dump(out, fmt)
        assert _rdflib_quads(out.getvalue(), rdflib_name) == reference, fmt
    for fmt, rdflib_name in [
        ("turtle", "turtle"),
        ("ntriples", "nt"),
        ("rdfxml", "xml"),
        ("jsonld", "json-ld"),
    ]:
        out = io.BytesIO()
        corpus_store.dump(out, fmt)
        assert _rdflib_triples(out.getvalue(), rdflib_name) == triples, fmt


def test_export_of_one_graph(corpus_store):
    graph = f"{BASE}/graph/registry"
    out = io.BytesIO()
    corpus_store.dump(out, "turtle", graph)
    g = rdflib.Graph().parse(data=out.getvalue().decode(), format="turtle")
    assert len(g) == corpus_store.triples_count(graph)
    single = rdflib.URIRef(f"{BASE}/treaty/single-convention-1961")
    assert (
        single,
        rdflib.URIRef("https://w3id.org/policykg/ontology#untsReference"),
        rdflib.Literal("976/14152"),
    ) in g


def test_load_is_all_or_nothing_and_errors_say_where(tmp_path):
    store = GraphStore(tmp_path / "db")
    good = b'<https://example.org/a> <https://example.org/p> "x" .\n'
    store.load(good, "turtle", graph="https://example.org/g")
    assert len(store) == 1
    bad = good + b'<https://example.org/b> <https://example.org/p> "unterminated .\n'
    with pytest.raises(StoreError) as info:
        store.load(bad, "turtle", graph="https://example.org/g")
    assert "2" in str(info.value)  # the parser names line 2
    assert len(store) == 1  # nothing of the bad file was added


def _policykg(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", *args],
        cwd=kw.pop("cwd"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_sigkill_mid_ingest_leaves_whole_files_and_reingest_completes(tmp_path):
    corpus = tmp_path / "corpus"
    files = generate_corpus(corpus, 160, seed=11, style="mixed")
    db = tmp_path / "db"
    proc = _policykg(
        "ingest",
        str(corpus),
        "--store",
        str(db),
        "--jobs",
        "2",
        "--no-progress",
        "--verbose",
        cwd=tmp_path,
    )
    # Wait for the first committed batch, then kill without warning.
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline and "committed" not in line:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
    assert "committed" in line, proc.stderr.read()
    workers = _children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The ingest's workers end with it (no orphans left running).
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert workers and not any(_alive(pid) for pid in workers)
    store = GraphStore(db)  # reopens after the crash
    expected = _expected_triples_in(tmp_path, files)
    stored = [g for g in store.named_graphs() if "/graph/file/" in g]
    assert 0 < len(stored) < len(files), "the kill should land mid-way"
    for graph in stored:
        assert store.triples_count(graph) == expected[graph] + 1, graph  # whole file, no less
    del store
    # Re-ingest reaches the same triple count as a clean run, re-reading only what is missing.
    resume = subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg.cli",
            "ingest",
            str(corpus),
            "--store",
            str(db),
            "--no-progress",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert resume.returncode == 0, resume.stderr
    clean = subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg.cli",
            "ingest",
            str(corpus),
            "--store",
            str(tmp_path / "clean"),
            "--no-progress",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 0, clean.stderr
    assert len(GraphStore(db)) == len(GraphStore(tmp_path / "clean"))
    assert (
        f"{len(stored)} " in resume.stdout or str(len(stored)) in resume.stdout
    )  # unchanged count


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and ") Z " not in stat.read_text()


def _expected_triples_in(cwd: Path, files: list[Path]) -> dict[str, int]:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return _expected_triples(files)
    finally:
        os.chdir(old)


def test_cli_export_and_void(tmp_path):
    db = tmp_path / "db"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg.cli",
            "ingest",
            str(CORPUS),
            "--store",
            str(db),
            "--no-progress",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    out = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "export", "--format", "turtle", "--store", str(db)],
        cwd=ROOT,
        capture_output=True,
    )
    assert out.returncode == 0
    assert len(rdflib.Graph().parse(data=out.stdout.decode(), format="turtle")) > 10_000
    void = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "void", "--store", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    g = rdflib.Graph().parse(data=void.stdout, format="turtle")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    (count,) = list(g.objects(None, VOID.triples))[:1]
    assert int(count) == len(GraphStore(db, read_only=True))
    assert any(True for _ in g.objects(None, VOID.classPartition))
    bad = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "export", "--format", "yaml", "--store", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "--format 'yaml'" in bad.stderr
