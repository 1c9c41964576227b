"""One large ingest, watched: is its memory bounded while the store grows?

Runs ``policykg ingest`` over a generated corpus (``bench_ingest.corpus``, mixed clean and
PDF-extracted documents) into a fresh on-disk store and samples, every few seconds, the RSS of
the largest process of the ingest's process tree (the CLI, its pool or Dask workers) and the
size of the store and shard folders on disk. It prints the curve at each tenth of the corpus
and a summary row: documents/s, triples/s, store size, peak RSS.

Two kinds of ratio, all measured in this run:
  growth    peak RSS over the whole run / peak RSS after the first 10% of documents (bounded
            memory: close to 1 while the store grows tenfold), and documents/s over the whole
            run / documents/s over the first tenth (no slow-down as the store grows: close to 1);
  floor     as in bench_scale.py: triples/s and peak RSS against pyoxigraph bulk-loading the
            same quads into a fresh store. To fit on one disk at 100,000 documents, the quads
            are dumped gzip-compressed (about 15:1) and the store is deleted before the floor
            loads them; reading through gzip cost the floor nothing measurable (69 MB of
            N-Quads: 5.2 s from the file, 5.1 s through gzip).

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

from bench_ingest import _run, corpus  # noqa: E402

ENGINES = {
    "local": [],
    "dask": ["--engine", "dask"],
    "dask-bulk": ["--engine", "dask", "--bulk-load"],
}
COMMITTED = re.compile(r"committed (\d+) files")

# The store's quads, gzip-compressed (level 1: fast) for the floor.
DUMP = """
import gzip, sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with gzip.open(sys.argv[2], "wb", compresslevel=1) as out:
    store.dump(out, format=ox.RdfFormat.N_QUADS)
"""

# The floor: pyoxigraph bulk-loads the dumped quads into a fresh store.
FLOOR = """
import gzip, json, sys, time, pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[2])
with gzip.open(sys.argv[1], "rb") as quads:
    store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
store.flush()
print(json.dumps({"seconds": time.perf_counter() - start, "quads": len(store)}))
"""


def _folder_mb(folder: Path) -> float:
    total = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            with suppress(OSError):  # a shard or SST file removed while we walked
                total += os.stat(os.path.join(root, name)).st_size
    return total / 1e6


def _peak_rss_mb(process: psutil.Process) -> float:
    """The process's peak RSS so far (VmHWM), which sampling cannot miss."""
    with suppress(OSError):
        for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    with suppress(psutil.Error):  # not Linux: the current RSS, sampled
        return process.memory_info().rss / 2**20
    return 0.0


def _largest_peak_mb(root: psutil.Process) -> float:
    """The largest peak RSS among the process tree (the CLI and its workers)."""
    try:
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    return max(_peak_rss_mb(process) for process in processes)


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
        sample = {
            "seconds": round(time.perf_counter() - started, 1),
            "committed": committed[0],
            "rss_mb": round(_largest_peak_mb(root)),
            "store_mb": round(_folder_mb(store)),
            "shards_mb": round(_folder_mb(Path(f"{store}.shards"))),
        }
        samples.append(sample)
        print(json.dumps(sample), file=sys.stderr, flush=True)  # a log of a run of hours
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


def report(n: int, engine: str, run: dict, triples: int, store_mb: float, floor: dict) -> str:
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
    speed = triples / run["seconds"]
    nan = float("nan")
    floor_speed = floor["quads"] / floor["seconds"] if floor else nan
    head = (
        f"{'documents':>9} {'minutes':>8} {'docs/s':>7} {'triples/s':>9} {'floor t/s':>9} "
        f"{'ratio':>6} | {'triples':>11} {'store MB':>9} | {'peak MB':>8} {'floor MB':>8} "
        f"{'ratio':>6} | {'rate growth':>11} {'peak growth':>11}"
    )
    lines += [
        "",
        head,
        "-" * len(head),
        f"{n:9d} {run['seconds'] / 60:8.1f} {rate:7.2f} {speed:9.0f} {floor_speed:9.0f} "
        f"{speed / floor_speed:6.3f} | {triples:11d} {store_mb:9.0f} | {peak:8.0f} "
        f"{floor.get('rss', nan):8.0f} {peak / floor.get('rss', nan):6.2f} | "
        f"{rate / tenth_rate if tenth_rate else nan:11.2f} "
        f"{peak / tenth_peak if tenth_peak else nan:11.2f}",
        "(floor: pyoxigraph bulk load of the same quads; growth: whole run / its first tenth,"
        " 1.0 = no slow-down, no memory growth)",
    ]
    if floor and floor["quads"] != triples:
        lines.append(f"WARNING: the floor loaded {floor['quads']} quads, the ingest {triples}")
    return "\n".join(lines)


def measure_floor(store: Path, work: Path) -> dict:
    """Dump the store's quads (gzip), delete the store, bulk-load the dump into a new one."""
    dump = work / "dump.nq.gz"
    subprocess.run([sys.executable, "-c", DUMP, str(store), str(dump)], check=True)
    shutil.rmtree(store)
    seconds, rss, out = _run([sys.executable, "-c", FLOOR, str(dump), str(work / "floor")])
    shutil.rmtree(work / "floor")
    dump.unlink()
    return {"seconds": seconds, "rss": rss, "quads": json.loads(out)["quads"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=100_000)
    ap.add_argument("--engine", choices=list(ENGINES), default="dask-bulk")
    ap.add_argument("--jobs", type=int, default=0, help="processes; 0 = one per core")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between samples")
    ap.add_argument("--no-floor", action="store_true", help="skip the bulk-load floor")
    ap.add_argument("--keep", action="store_true", help="keep the store (implies --no-floor)")
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
    store_mb = _folder_mb(store)
    floor = {} if args.no_floor or args.keep else measure_floor(store, work)
    text = report(args.documents, args.engine, run, triples, store_mb, floor)
    print(text)
    if args.json:
        record = {**run, "triples": triples, "floor": floor, "report": text}
        args.json.write_text(json.dumps(record, indent=1))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
