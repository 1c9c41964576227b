"""Shared fixtures: the bundled corpus and a cache of its extractions."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(ROOT / "benchmarks"))


@cache
def extracted(name: str):
    from policykg import extract_file

    path = CORPUS / name if (CORPUS / name).exists() else FIXTURES / name
    return extract_file(path)


@pytest.fixture
def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.txt"))
    assert files, "the bundled corpus is missing"
    return files


@pytest.fixture(scope="session")
def corpus_store_path(tmp_path_factory):
    """An on-disk store of the bundled corpus, built once per test session."""
    from live_server import ingest_corpus

    return ingest_corpus(tmp_path_factory.mktemp("served") / "store")


@pytest.fixture(scope="session")
def live_server(corpus_store_path):
    """URL of a real ``policykg serve`` over the corpus store (default settings)."""
    from live_server import running_server

    with running_server(corpus_store_path) as url:
        yield url
