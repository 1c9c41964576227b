"""Precision and recall against the hand-read gold file of the bundled corpus."""

from __future__ import annotations

import pytest

from conftest import extracted
from gold_scoring import GOLD_DIR, combine, load_gold, match, score

GOLD = load_gold()
# The floors: >= 0.97 on resolutions, treaties and declarations.
GATED = {"resolution": 0.97, "treaty": 0.97, "declaration": 0.97}


def test_gold_files_exist_for_every_corpus_file():
    assert GOLD, f"no gold files in {GOLD_DIR}"
    assert len(GOLD) == 5


def _predicted(file: str) -> list[dict]:
    return [m.to_json() for m in extracted(file).mentions]


@pytest.mark.parametrize("kind", sorted(GATED))
def test_precision_and_recall(kind):
    s = combine([score(f, GOLD[f], _predicted(f), (kind,)) for f in GOLD])
    assert s.gold > 0
    report = f"{kind}: P={s.precision:.3f} R={s.recall:.3f}\nmissed: {s.misses}\nextra: {s.extras}"
    assert s.precision >= GATED[kind], report
    assert s.recall >= GATED[kind], report


@pytest.mark.parametrize("kind", ["document", "report"])
def test_documents_and_reports_are_found(kind):
    s = combine([score(f, GOLD[f], _predicted(f), (kind,)) for f in GOLD])
    assert s.precision >= 0.9 and s.recall >= 0.9, (s.misses, s.extras)


def test_dates_of_cited_resolutions():
    pairs = [
        (g, p)
        for f in GOLD
        for g, p in match(
            [r for r in GOLD[f] if r["kind"] in ("resolution", "decision") and r["date"]],
            [r for r in _predicted(f) if r["kind"] in ("resolution", "decision")],
        )
    ]
    dated = sum(
        1 for r in (r for f in GOLD for r in GOLD[f]) if r["kind"] == "resolution" and r["date"]
    )
    assert len(pairs) == dated
    right = sum(1 for g, p in pairs if g["date"] == p["date"])
    assert right / dated >= 0.99, [(g["key"], g["date"], p["date"]) for g, p in pairs]


def test_gold_offsets_slice_to_surfaces():
    from conftest import CORPUS

    for name, rows in GOLD.items():
        text = (CORPUS / name).read_text(encoding="utf-8")
        for r in rows:
            assert text[r["start"] : r["end"]] == r["surface"], (name, r)
