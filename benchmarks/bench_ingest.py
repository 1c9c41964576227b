"""Ingest throughput and peak memory, as ratios against pyoxigraph's own bulk load.

For each corpus size, in one run:
  ingest    ``policykg ingest`` into a fresh on-disk store (extraction on all cores,
            atomic per-file graph swaps);
  baseline  the same triples, exported as N-Quads, bulk-loaded by pyoxigraph into a fresh
            on-disk store (no extraction: the floor for getting these triples stored).
Each runs in its own process; peak RSS is that of the largest process of the run.

Usage: ``python benchmarks/bench_ingest.py [--sizes 1000 10000] [--seed 2]``
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpusgen import generate_corpus  # noqa: E402

BULK_LOAD = """
import json, sys, time, pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_QUADS)
store.flush()
print(json.dumps({"seconds": time.perf_counter() - start, "quads": len(store)}))
"""


# Runs a command and reports its largest process's peak RSS: a fresh wrapper process sees
# only this command's process tree in RUSAGE_CHILDREN.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - start
sys.stderr.write(done.stderr)
print(json.dumps({"seconds": seconds, "stdout": done.stdout, "code": done.returncode,
                  "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _run(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the command's largest process, and its stdout."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *cmd], capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout)
    if result["code"] != 0:
        raise SystemExit(f"{cmd[:4]} failed: {done.stderr}")
    return result["seconds"], result["rss_kb"] / 1024, result["stdout"]


def corpus(n: int, seed: int) -> Path:
    directory = HERE / "out" / f"ingest-corpus-{n}-{seed}"
    stamp = directory / ".complete"
    if not stamp.exists():
        shutil.rmtree(directory, ignore_errors=True)
        generate_corpus(directory, n, seed=seed, style="mixed")
        stamp.write_text("ok")
    return directory


def measure(n: int, seed: int) -> dict:
    docs = corpus(n, seed)
    work = HERE / "out" / f"ingest-run-{n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = work / "store"
    seconds, rss, _ = _run(
        [
            sys.executable,
            "-m",
            "policykg.cli",
            "ingest",
            str(docs),
            "--store",
            str(store),
            "--no-progress",
        ]
    )
    dump = work / "dump.nq"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg.cli",
            "export",
            "--format",
            "nquads",
            "--store",
            str(store),
            "--output",
            str(dump),
        ],
        check=True,
    )
    base_seconds, base_rss, out = _run(
        [sys.executable, "-c", BULK_LOAD, str(dump), str(work / "baseline")]
    )
    quads = json.loads(out)["quads"]
    size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    return {
        "n": n,
        "seconds": seconds,
        "rss": rss,
        "quads": quads,
        "store_mb": size / 1e6,
        "base_seconds": base_seconds,
        "base_rss": base_rss,
        "mb": sum(p.stat().st_size for p in docs.glob("*.txt")) / 1e6,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--seed", type=int, default=2)
    args = ap.parse_args(argv)
    header = (
        f"{'documents':>9} {'MB':>7} {'docs/s':>8} {'triples/s':>10} {'peak MB':>8} "
        f"{'store MB':>9} | {'bulk triples/s':>14} {'bulk peak MB':>12} | "
        f"{'speed ratio':>11} {'memory ratio':>12}"
    )
    rows = [measure(n, args.seed) for n in args.sizes]
    print("ingest (policykg) vs bulk load of the same N-Quads (pyoxigraph), same run")
    print(header)
    for r in rows:
        rate = r["quads"] / r["seconds"]
        base_rate = r["quads"] / r["base_seconds"]
        print(
            f"{r['n']:9d} {r['mb']:7.1f} {r['n'] / r['seconds']:8.1f} {rate:10.0f} "
            f"{r['rss']:8.0f} {r['store_mb']:9.1f} | {base_rate:14.0f} {r['base_rss']:12.0f} | "
            f"{rate / base_rate:11.4f} {r['rss'] / r['base_rss']:12.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
