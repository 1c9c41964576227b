"""Print precision/recall of the extractor on the gold corpus (``python tests/score_report.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from gold_scoring import CORPUS_DIR, SCORED_KINDS, combine, load_gold, match, score
from policykg import extract_file

gold = load_gold()
predicted = {f: [m.to_json() for m in extract_file(CORPUS_DIR / f).mentions] for f in gold}
for kind in SCORED_KINDS:
    s = combine([score(f, gold[f], predicted[f], (kind,)) for f in gold])
    print(
        f"{kind:12} gold {s.gold:4} predicted {s.predicted:4} P {s.precision:.3f} R {s.recall:.3f}"
    )
    for line in s.misses:
        print("   miss ", line)
    for line in s.extras:
        print("   extra", line)
dated = [
    (g, p)
    for f in gold
    for g, p in match(
        [r for r in gold[f] if r["kind"] in ("resolution", "decision")],
        [r for r in predicted[f] if r["kind"] in ("resolution", "decision")],
    )
    if g.get("date")
]
ok = sum(1 for g, p in dated if g["date"] == p["date"])
print(f"dates: {ok}/{len(dated)}")
for g, p in dated:
    if g["date"] != p["date"]:
        print("   date", g["key"], g["date"], p["date"])
