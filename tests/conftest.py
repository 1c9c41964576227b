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
