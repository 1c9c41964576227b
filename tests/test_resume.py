"""An ingest killed mid-way (SIGKILL, no warning) resumes: the rerun extracts only what is missing.

The killed run's process group (its workers too) is killed right after its first committed
batch. The rerun must skip exactly the files stored before it (``unchanged``), extract exactly
the others (``documents``), and end with the triples of an uninterrupted ingest.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from corpusgen import generate_corpus
from policykg.pipeline import ingest
from policykg.store import GraphStore

BASE = "https://w3id.org/policykg"
FILES = 60  # about three batches of the CLI's 50,000 triples


def _kill_after_first_commit(args: list[str], cwd) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", *args, "--no-progress", "--verbose"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group: workers die with it
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and not line.startswith("committed"):
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
        assert line.startswith("committed"), f"no commit seen: {line!r} {proc.stderr.read()}"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_killed_ingest_resumes_with_only_the_unfinished_files(tmp_path, monkeypatch, engine):
    if engine == "dask":
        pytest.importorskip("distributed")
    corpus = tmp_path / "corpus"
    generate_corpus(corpus, FILES, seed=23, style="mixed")
    db = tmp_path / "db"
    _kill_after_first_commit(
        ["ingest", str(corpus), "--store", str(db), "--jobs", "2", "--engine", engine], tmp_path
    )
    store = GraphStore(db)  # reopens after the crash
    stored = len(store.stored_files())
    assert 0 < stored < FILES, f"the kill should land mid-way ({stored} of {FILES} stored)"

    monkeypatch.chdir(tmp_path)  # as the killed run: graph names are paths relative to the cwd
    resumed = ingest([corpus], store, BASE, jobs=2)
    assert (resumed.unchanged, resumed.documents, resumed.failed) == (stored, FILES - stored, 0)

    clean = ingest([corpus], GraphStore(tmp_path / "clean"), BASE, jobs=2)
    assert clean.documents == FILES
    assert resumed.triples == clean.triples == len(store)
