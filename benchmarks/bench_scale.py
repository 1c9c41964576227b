"""Scale: extraction, ingest, store size and peak memory per corpus size, in ONE table.

For each corpus size (generated documents, mixed clean and PDF-extracted styles), in one run:
  extract   ``extract_paths`` on all cores (bench_extract), against its floor: reading the
            same bytes and running one trivial regex over them (bench_extract.baseline);
  ingest    ``policykg ingest`` into a fresh on-disk store, with each engine asked for
            (local process pool by default; ``dask``: a local Dask cluster; ``dask-bulk``: the
            same, bulk-loading the shards; ``remote``: the local engine into an ``oxigraph
            serve`` on loopback), against its floor: pyoxigraph bulk-loading the same triples
            pre-serialised as N-Quads into a fresh store (bench_ingest);
  memory    peak RSS of the largest process of each run (for ``remote``, the server's if it
            is larger). Peak RSS that does not grow with the corpus means ingest memory is
            bounded; the store's size on disk (with the server's logs) is shown beside it.
Each ingest and bulk load runs in its own process. Ratios are policykg / floor (higher is
better for speed, lower for memory).

Usage: ``python benchmarks/bench_scale.py [--sizes 1000 10000] [--engines local dask]``
(``make bench``). 100,000 documents are ``make bench-large`` (bench_large.py): their
store and its dump for the floor do not fit on this machine's disk together (docs/scale.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_extract import baseline, extract_parallel  # noqa: E402
from bench_ingest import BULK_LOAD, _run, corpus  # noqa: E402

ENGINES = {
    "local": [],
    "dask": ["--engine", "dask"],
    "dask-bulk": ["--engine", "dask", "--bulk-load"],
    "remote": [],  # the local engine into an ``oxigraph serve`` on a loopback port
}


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _policykg(*args: str) -> list[str]:
    return [sys.executable, "-m", "policykg.cli", *args]


@contextmanager
def _oxigraph(location: Path):
    """An ``oxigraph serve`` on a free loopback port: yields (URL, its peak RSS in MB)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    binary = Path(sys.executable).with_name("oxigraph")
    proc = subprocess.Popen(
        [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)

        def peak_mb() -> float:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            return int(status.split("VmHWM:")[1].split()[0]) / 1024

        yield url, peak_mb
    finally:
        proc.terminate()
        proc.wait()


def _ingest(engine: str, docs: Path, work: Path, jobs: int) -> tuple[float, float, Path]:
    """Seconds, peak RSS (MB) of the largest process, and the store's folder."""
    args = ["ingest", str(docs), "--no-progress", "--jobs", str(jobs), *ENGINES[engine]]
    if engine != "remote":
        seconds, rss, _ = _run(_policykg(*args, "--store", str(work / "store")))
        return seconds, rss, work / "store"
    with _oxigraph(work / "oxigraph") as (url, server_peak):
        seconds, rss, _ = _run(_policykg(*args, "--store", url))
        return seconds, max(rss, server_peak()), work / "oxigraph"


def _export(store: str, dump: Path) -> None:
    subprocess.run(
        _policykg("export", "--format", "nquads", "--store", store, "--output", str(dump)),
        check=True,
    )


def measure(n: int, seed: int, jobs: int, engines: list[str]) -> list[dict]:
    """One row per engine for a corpus of ``n`` documents; floors measured once per size."""
    docs = corpus(n, seed)
    files = sorted(docs.glob("*.txt"))
    floor_seconds, size = baseline(files)
    extract_seconds, _mentions = extract_parallel(files, jobs)
    mb = size / 1e6
    work = HERE / "out" / f"scale-run-{n}"
    rows: list[dict] = []
    floor: dict = {}
    for engine in engines:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        seconds, rss, store = _ingest(engine, docs, work, jobs)
        store_mb = _size_mb(store)
        if not floor:
            dump = work / "dump.nq"
            if engine == "remote":
                with _oxigraph(store) as (url, _):
                    _export(url, dump)
            else:
                _export(str(store), dump)
            shutil.rmtree(store)  # disk: the dump and the floor's store instead
            bulk_seconds, bulk_rss, out = _run(
                [sys.executable, "-c", BULK_LOAD, str(dump), str(work / "floor")]
            )
            floor = {"quads": json.loads(out)["quads"], "seconds": bulk_seconds, "rss": bulk_rss}
        rows.append(
            {
                "n": n,
                "mb": mb,
                "engine": engine,
                "extract_mbps": mb / extract_seconds,
                "extract_floor_mbps": mb / floor_seconds,
                "seconds": seconds,
                "docs_per_s": n / seconds,
                "triples_per_s": floor["quads"] / seconds,
                "bulk_triples_per_s": floor["quads"] / floor["seconds"],
                "quads": floor["quads"],
                "store_mb": store_mb,
                "rss_mb": rss,
                "bulk_rss_mb": floor["rss"],
            }
        )
    shutil.rmtree(work, ignore_errors=True)
    return rows


def table(rows: list[dict]) -> str:
    head = (
        f"{'documents':>9} {'MB':>7} {'engine':>9} | {'extract MB/s':>12} {'floor MB/s':>10} "
        f"{'ratio':>7} | {'docs/s':>7} {'triples/s':>9} {'floor t/s':>9} {'ratio':>6} | "
        f"{'triples':>10} {'store MB':>8} | {'peak MB':>7} {'floor MB':>8} {'ratio':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['n']:9d} {r['mb']:7.1f} {r['engine']:>9} | {r['extract_mbps']:12.3f} "
            f"{r['extract_floor_mbps']:10.1f} {r['extract_mbps'] / r['extract_floor_mbps']:7.4f} | "
            f"{r['docs_per_s']:7.2f} {r['triples_per_s']:9.0f} {r['bulk_triples_per_s']:9.0f} "
            f"{r['triples_per_s'] / r['bulk_triples_per_s']:6.3f} | {r['quads']:10d} "
            f"{r['store_mb']:8.0f} | {r['rss_mb']:7.0f} {r['bulk_rss_mb']:8.0f} "
            f"{r['rss_mb'] / r['bulk_rss_mb']:6.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--max-documents", type=int, default=0,
                    help="skip sizes above this (a quick run); 0: no cap")  # fmt: skip
    ap.add_argument("--engines", nargs="+", choices=list(ENGINES), default=["local"])
    ap.add_argument("--jobs", type=int, default=0, help="processes; 0 = one per core")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the rows here")
    args = ap.parse_args(argv)
    jobs = args.jobs or os.cpu_count() or 1
    sizes = [n for n in args.sizes if not args.max_documents or n <= args.max_documents]
    started = time.perf_counter()
    rows = [row for n in sizes for row in measure(n, args.seed, jobs, args.engines)]
    print(
        f"scale: {jobs} processes; floors measured in this run: extraction = read the same "
        "files + one trivial regex; ingest = pyoxigraph bulk load of the same N-Quads"
    )
    print(table(rows))
    print(f"({time.perf_counter() - started:.0f} s in all)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
