"""Score extracted mentions against the hand-written gold files in ``tests/gold``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

GOLD_DIR = Path(__file__).parent / "gold"
CORPUS_DIR = Path(__file__).parents[1] / "data" / "corpus"
SCORED_KINDS = ("resolution", "decision", "treaty", "declaration", "document", "report")


def load_gold() -> dict[str, list[dict]]:
    """Gold rows by corpus file name."""
    out = {}
    for path in sorted(GOLD_DIR.glob("*.jsonl")):
        out[path.stem + ".txt"] = [
            json.loads(line) for line in path.read_text().splitlines() if line
        ]
    return out


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0


def match(gold: list[dict], predicted: list[dict]) -> list[tuple[dict, dict]]:
    """One-to-one pairs of rows with the same key whose spans overlap."""
    pairs = []
    used: set[int] = set()
    for g in gold:
        for i, p in enumerate(predicted):
            if i in used or p["key"] != g["key"]:
                continue
            if p["start"] < g["end"] and g["start"] < p["end"]:
                pairs.append((g, p))
                used.add(i)
                break
    return pairs


def score(file: str, gold: list[dict], predicted: list[dict], kinds: tuple[str, ...]) -> Score:
    g = [r for r in gold if r["kind"] in kinds]
    p = [r for r in predicted if r["kind"] in kinds]
    pairs = match(g, p)
    s = Score(gold=len(g), predicted=len(p), matched=len(pairs))
    hit_g = {id(a) for a, _ in pairs}
    hit_p = {id(b) for _, b in pairs}
    s.misses = [f"{file}:{r['start']} {r['key']} {r['surface']!r}" for r in g if id(r) not in hit_g]
    s.extras = [f"{file}:{r['start']} {r['key']} {r['surface']!r}" for r in p if id(r) not in hit_p]
    return s


def combine(scores: list[Score]) -> Score:
    out = Score()
    for s in scores:
        out.gold += s.gold
        out.predicted += s.predicted
        out.matched += s.matched
        out.misses += s.misses
        out.extras += s.extras
    return out
