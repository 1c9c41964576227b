"""One large ingest, watched: is its memory bounded while the store grows?

Runs ``policykg ingest`` over a generated corpus (``bench_ingest.corpus``, mixed clean and
PDF-extracted documents) into a fresh on-disk store and samples, every few seconds, the RSS of
the largest process of the ingest's process tree (the CLI, its pool or Dask workers) and the
size of the store and shard folders on disk. It prints the curve at each tenth of the corpus
and a summary row: documents/s, triples/s, store size, peak RSS.

Ratios in the summary are against the same run's first tenth: peak RSS over the whole run /
peak RSS after the first 10% of documents (bounded memory: close to 1 while the store grows
tenfold), and documents/s over the whole run / documents/s over the first tenth (throughput
that does not degrade as the store grows: close to 1). The floors of bench_scale.py (bulk
load of the same N-Quads) need the store and its dump on disk at once, which at 100,000
documents is more than this machine has: see docs/scale.md.

Usage: ``python benchmarks/bench_large.py [--documents 100000] [--engine dask-bulk]``
(``make bench-large``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ingest import corpus  # noqa: E402

ENGINES = {
    "local": [],
    "dask": ["--engine", "dask"],
    "dask-bulk": ["--engine", "dask", "--bulk-load"],
}
COMMITTED = re.compile(r"committed (\d+) files")


def _folder_mb(folder: Path) -> float:
    total = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            with suppress(OSError):  # a shard or SST file removed while we walked
                total += os.stat(os.path.join(root, name)).st_size
    return total / 1e6


def _largest_rss_mb(root: psutil.Process) -> float:
    largest = 0
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    for process in processes:
        with suppress(psutil.Error):  # a process that just ended
            largest = max(largest, process.memory_info().rss)
    return largest / 1e6


def watch(cmd: list[str], store: Path, interval: float) -> dict:
    """Run ``cmd``; sample memory, disk and committed files until it ends."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    committed = [0]
    stderr_lines: list[str] = []

    def read_stderr() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            stderr_lines.append(line)
            if match := COMMITTED.search(line):
                committed[0] = int(match.group(1))

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    root = psutil.Process(proc.pid)
    samples: list[dict] = []
    while proc.poll() is None:
        samples.append(
            {
                "seconds": time.perf_counter() - started,
                "committed": committed[0],
                "rss_mb": _largest_rss_mb(root),
                "store_mb": _folder_mb(store),
                "shards_mb": _folder_mb(Path(f"{store}.shards")),
            }
        )
        time.sleep(interval)
    stdout = proc.stdout.read()  # type: ignore[union-attr]
    reader.join()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}):\n{''.join(stderr_lines[-20:])}")
    return {"seconds": time.perf_counter() - started, "samples": samples, "stdout": stdout}


def _triples(stdout: str) -> int:
    """The triple count from the ingest's summary table (the 8th column)."""
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.split("│") if c.strip()]
        if len(cells) == 9 and cells[0].isdigit():
            return int(cells[7])
    raise SystemExit(f"no summary table in the ingest's output:\n{stdout}")


def report(n: int, engine: str, run: dict, triples: int, store_mb: float) -> str:
    samples = run["samples"]
    lines = [
        f"large ingest: {n} documents, engine {engine}; sampled every few seconds",
        f"{'committed':>10} {'minutes':>8} {'docs/s so far':>13} {'peak MB so far':>14} "
        f"{'store MB':>9} {'shards MB':>9}",
    ]
    peak = 0.0
    tenth_rate = tenth_peak = 0.0
    step = 1
    for sample in samples:
        peak = max(peak, sample["rss_mb"])
        if sample["committed"] >= step * n / 10:
            rate = sample["committed"] / sample["seconds"]
            if step == 1:
                tenth_rate, tenth_peak = rate, peak
            lines.append(
                f"{sample['committed']:10d} {sample['seconds'] / 60:8.1f} {rate:13.2f} "
                f"{peak:14.0f} {sample['store_mb']:9.0f} {sample['shards_mb']:9.0f}"
            )
            while sample["committed"] >= step * n / 10:
                step += 1
    rate = n / run["seconds"]
    lines += [
        "",
        f"{'documents':>9} {'minutes':>8} {'docs/s':>7} {'triples/s':>9} {'triples':>11} "
        f"{'store MB':>9} {'peak MB':>8} | {'rate ratio':>10} {'peak ratio':>10}",
        f"{n:9d} {run['seconds'] / 60:8.1f} {rate:7.2f} {triples / run['seconds']:9.0f} "
        f"{triples:11d} {store_mb:9.0f} {peak:8.0f} | "
        f"{rate / tenth_rate if tenth_rate else float('nan'):10.2f} "
        f"{peak / tenth_peak if tenth_peak else float('nan'):10.2f}",
        "(ratios: whole run / its first tenth — 1.0 means no slow-down and no memory growth)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=100_000)
    ap.add_argument("--engine", choices=list(ENGINES), default="dask-bulk")
    ap.add_argument("--jobs", type=int, default=0, help="processes; 0 = one per core")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--keep", action="store_true", help="keep the store afterwards")
    ap.add_argument("--json", type=Path, help="also write the samples here")
    args = ap.parse_args(argv)
    jobs = args.jobs or os.cpu_count() or 1
    docs = corpus(args.documents, args.seed)
    work = HERE / "out" / f"large-run-{args.documents}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    store = work / "store"
    cmd = [sys.executable, "-m", "policykg.cli", "ingest", str(docs), "--store", str(store),
           "--no-progress", "--verbose", "--jobs", str(jobs), *ENGINES[args.engine]]  # fmt: skip
    run = watch(cmd, store, args.interval)
    triples = _triples(run["stdout"])
    text = report(args.documents, args.engine, run, triples, _folder_mb(store))
    print(text)
    if args.json:
        args.json.write_text(json.dumps({**run, "triples": triples, "report": text}, indent=1))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
