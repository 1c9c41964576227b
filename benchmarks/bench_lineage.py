"""Lineage benchmark: policykg.lineage against plain networkx on the same generated graphs.

Graphs of 10,000 and 100,000 instruments are generated in memory with the attributes
:mod:`policykg.lineage` reads: years from 1946 on (more instruments in later years), each
instrument citing a power-law number of earlier ones (so a cited instrument is never newer
than the one citing it), chosen by preferential attachment (so being cited is power-law
too), each citation with a relation drawn from a realistic mix.

For each graph and operation the table gives p50 and p99 per call of our function and of
the closest plain networkx call on the same graph in the same run, and their ratio (ours /
networkx; below 1 is faster):

* ancestors / descendants to depth 3 vs ``nx.single_source_shortest_path_length(cutoff=3)``
  (on ``G`` or ``G.reverse(copy=False)``);
* ancestors / descendants without limit vs ``nx.descendants`` / ``nx.ancestors``;
* the lineage subgraph (up 2, down 2, induced, with attributes) vs the two bounded BFS plus
  ``G.subgraph(nodes).copy()``;
* the same with a clause-verb filter vs the BFS on ``nx.subgraph_view(filter_edge=...)``;
* the shortest citation path vs ``nx.shortest_path``.

Run: ``python benchmarks/bench_lineage.py [--sizes 10000,100000] [--roots 200]``. Writes the
table to standard output and ``benchmarks/out/bench_lineage.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from policykg import lineage as lin  # noqa: E402

OUT = ROOT / "benchmarks" / "out"

KINDS = (
    ("resolution", 70),
    ("document", 12),
    ("report", 9),
    ("declaration", 5),
    ("treaty", 2),
    ("decision", 2),
)
ISSUERS = (("CND", 40), ("GA", 20), ("ECOSOC", 15), ("INCB", 8), ("WHO", 5), ("", 12))
RELATIONS = (
    ("recalls", ("Recalling", "Recalls"), 40),
    ("reaffirms", ("Reaffirming",), 15),
    ("notes", ("Noting",), 10),
    ("takesNoteOf", ("TakingNote",), 8),
    ("welcomes", ("Welcoming", "Welcomes"), 7),
    ("invokes", ("Requests", "Encourages"), 10),
    ("recognizes", ("Recognizing",), 5),
    ("cites", (), 5),
)


def _pick(rng: random.Random, table):
    return rng.choices(table, weights=[row[-1] for row in table])[0]


def generate(
    n: int, seed: int = 1, mean_out: float = 6.0, base: str = "https://example.org/policykg"
) -> nx.MultiDiGraph:
    """A citation graph of ``n`` instruments shaped like policykg's (see the module doc)."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph(base=base)
    first, last = 1946, 2024
    span = last - first
    # Later years hold more instruments: year = first + span * u ** 0.6.
    years = sorted(first + int(span * rng.random() ** 0.6) for _ in range(n))
    pool: list[int] = []  # each instrument once, plus once more per citation it received
    nodes = []
    for i, year in enumerate(years):
        iri = f"{base}/instrument/{i}"
        kind = _pick(rng, KINDS)[0]
        issuer = _pick(rng, ISSUERS)[0]
        key = f"{issuer or 'X'} {year}/{i}"
        g.add_node(
            iri,
            key=key,
            label=f"Generated instrument {i} of {year}",
            short=key,
            kind=kind,
            issuer=issuer,
            year=year,
            year_source="date",
        )
        nodes.append(iri)
        if i:
            # Power-law number of citations (Pareto, mean about mean_out), at most 80.
            k = min(80, i, int(rng.paretovariate(1.6) * mean_out * 0.375))
            chosen = {pool[rng.randrange(len(pool))] for _ in range(k)}
            for j in chosen:
                rel, verbs, _ = _pick(rng, RELATIONS)
                verb = {verbs[0]: 1} if verbs else {}
                g.add_edge(iri, nodes[j], key=rel, relation=rel, count=1, verbs=verb, citations=[])
                pool.append(j)
        pool.append(i)
    return g


# --- plain networkx baselines ---------------------------------------------------------------


def nx_lineage(g: nx.MultiDiGraph, root: str, up: int, down: int) -> nx.MultiDiGraph:
    nodes = set(nx.single_source_shortest_path_length(g, root, cutoff=up))
    nodes |= set(nx.single_source_shortest_path_length(g.reverse(copy=False), root, cutoff=down))
    return g.subgraph(nodes).copy()


def nx_lineage_verb(
    g: nx.MultiDiGraph, root: str, up: int, down: int, relation: str
) -> nx.MultiDiGraph:
    view = nx.subgraph_view(g, filter_edge=lambda u, v, k: k == relation)
    return nx_lineage(view, root, up, down)


# --- timing ---------------------------------------------------------------------------------


def timed(
    ours: Callable[[object], object], theirs: Callable[[object], object], args: list
) -> tuple[list[float], list[float]]:
    """Seconds per call of both, interleaved (alternating which goes first) so that garbage
    collection and caches fall on both alike."""
    a, b = [], []
    for i, arg in enumerate(args):
        for fn, out in ((ours, a), (theirs, b)) if i % 2 == 0 else ((theirs, b), (ours, a)):
            t = time.perf_counter()
            fn(arg)
            out.append(time.perf_counter() - t)
    return a, b


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run(sizes: list[int], roots: int, seed: int) -> list[dict]:
    rows = []
    for n in sizes:
        t = time.perf_counter()
        g = generate(n, seed)
        built = time.perf_counter() - t
        print(
            f"\n{n:,} instruments, {g.number_of_edges():,} citation edges "
            f"(generated in {built:.1f} s)"
        )
        rows.extend(bench_graph(g, roots, seed))
        t = time.perf_counter()
        lin.pagerank(g)
        print(f"  pagerank (numpy power iteration): {time.perf_counter() - t:.2f} s")
    return rows


def bench_graph(g: nx.MultiDiGraph, roots: int, seed: int) -> list[dict]:
    """One row per operation, timed from ``roots`` sampled instruments of ``g``."""
    rows = []
    n = g.number_of_nodes()
    rng = random.Random(seed + n)
    nodes = list(g)
    sample = [nodes[rng.randrange(n)] for _ in range(roots)]
    # Most instruments are cited by few: also time roots drawn by how often they are
    # cited, where descendants and lineages are large.
    cited = rng.choices(nodes, weights=[d + 0.01 for _, d in g.in_degree()], k=roots)
    few = sample[: max(10, roots // 2)]  # unbounded traversals reach most of the graph
    rev = g.reverse(copy=False)
    recalls = lin.Filters.of(verbs=["recalls"])
    pairs = []
    for a in few:
        reach = lin.ancestors(g, a)
        if reach:
            pairs.append((a, rng.choice(sorted(reach))))
    cases = [
        (
            "ancestors, depth 3",
            sample,
            lambda r: lin.ancestors(g, r, 3),
            lambda r: nx.single_source_shortest_path_length(g, r, cutoff=3),
        ),
        (
            "descendants, depth 3",
            sample,
            lambda r: lin.descendants(g, r, 3),
            lambda r: nx.single_source_shortest_path_length(rev, r, cutoff=3),
        ),
        (
            "ancestors, no limit",
            few,
            lambda r: lin.ancestors(g, r),
            lambda r: nx.descendants(g, r),
        ),
        (
            "descendants, no limit",
            few,
            lambda r: lin.descendants(g, r),
            lambda r: nx.ancestors(g, r),
        ),
        (
            "descendants, depth 3, cited roots",
            cited,
            lambda r: lin.descendants(g, r, 3),
            lambda r: nx.single_source_shortest_path_length(rev, r, cutoff=3),
        ),
        (
            "descendants, no limit, cited roots",
            cited[: len(few)],
            lambda r: lin.descendants(g, r),
            lambda r: nx.ancestors(g, r),
        ),
        (
            "lineage subgraph, up 2 down 2",
            sample,
            lambda r: lin.lineage(g, r, 2, 2),
            lambda r: nx_lineage(g, r, 2, 2),
        ),
        (
            "lineage up 2 down 1, cited roots",
            cited[: len(few)],
            lambda r: lin.lineage(g, r, 2, 1),
            lambda r: nx_lineage(g, r, 2, 1),
        ),
        (
            "lineage, verb 'recalls'",
            sample,
            lambda r: lin.lineage(g, r, 2, 2, recalls),
            lambda r: nx_lineage_verb(g, r, 2, 2, "recalls"),
        ),
        (
            "shortest citation path",
            pairs,
            lambda p: lin.citation_path(g, *p),
            lambda p: nx.shortest_path(g, *p),
        ),
    ]
    for name, args, ours, theirs in cases:
        if not args:
            continue
        a, b = timed(ours, theirs, args)
        row = {
            "instruments": n,
            "operation": name,
            "calls": len(args),
            "ours_p50_ms": 1000 * statistics.median(a),
            "ours_p99_ms": 1000 * pct(a, 0.99),
            "nx_p50_ms": 1000 * statistics.median(b),
            "nx_p99_ms": 1000 * pct(b, 0.99),
        }
        row["ratio_p50"] = row["ours_p50_ms"] / row["nx_p50_ms"] if row["nx_p50_ms"] else 0
        row["ratio_p99"] = row["ours_p99_ms"] / row["nx_p99_ms"] if row["nx_p99_ms"] else 0
        rows.append(row)
        print(
            f"  {name:36} {len(args):4} calls  ours p50 {row['ours_p50_ms']:9.3f} ms "
            f"p99 {row['ours_p99_ms']:9.3f} ms | networkx p50 {row['nx_p50_ms']:9.3f} ms "
            f"p99 {row['nx_p99_ms']:9.3f} ms | ratio {row['ratio_p50']:.2f} / "
            f"{row['ratio_p99']:.2f}"
        )
    return rows


def table(rows: list[dict]) -> str:
    head = (
        "instruments",
        "operation",
        "calls",
        "ours p50 ms",
        "ours p99 ms",
        "nx p50 ms",
        "nx p99 ms",
        "ratio p50",
        "ratio p99",
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append(
            f"| {r['instruments']:,} | {r['operation']} | {r['calls']} | "
            f"{r['ours_p50_ms']:.3f} | {r['ours_p99_ms']:.3f} | {r['nx_p50_ms']:.3f} | "
            f"{r['nx_p99_ms']:.3f} | {r['ratio_p50']:.2f} | {r['ratio_p99']:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--roots", type=int, default=400, help="roots sampled per size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = run([int(s) for s in args.sizes.split(",")], args.roots, args.seed)
    print(
        "\nLineage: policykg.lineage vs plain networkx, same graph, same run "
        "(ratio = ours / networkx)\n"
    )
    print(table(rows))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_lineage.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
