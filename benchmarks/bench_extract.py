"""Extraction throughput on a generated corpus, as a ratio against a trivial baseline.

The baseline reads the same bytes and runs one trivial regex over them, in the same run:
it is the floor any text tool pays. policykg's extraction is reported in MB/s in one process
and across all cores, each as a ratio of the baseline. The corpus (>= 50 MB, mixed clean and
PDF-extracted styles) is generated once, deterministically, under ``benchmarks/out/``.

Usage: ``python benchmarks/bench_extract.py [--mb 50] [--seed 1] [--jobs 0]``
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpusgen import render_document  # noqa: E402
from policykg import extract_file, extract_paths  # noqa: E402


def build_corpus(directory: Path, megabytes: float, seed: int) -> list[Path]:
    """Write documents until the corpus reaches ``megabytes``; reuse a finished one."""
    stamp = directory / f".complete-{megabytes}-{seed}"
    if stamp.exists():
        return sorted(directory.glob("*.txt"))
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.txt"):
        old.unlink()
    total, i, files = 0, 0, []
    while total < megabytes * 1_000_000:
        style = "clean" if i % 2 == 0 else "pdf"
        text = render_document(i, seed=seed, style=style)
        path = directory / f"{i:06d}.txt"
        path.write_text(text, encoding="utf-8")
        total += path.stat().st_size
        files.append(path)
        i += 1
    stamp.write_text(str(total))
    return files


def baseline(files: list[Path]) -> tuple[float, int]:
    """Seconds to read every file and run one trivial regex; and the bytes read."""
    rx = re.compile(r"resolution")
    start = time.perf_counter()
    size = hits = 0
    for path in files:
        data = path.read_bytes()
        size += len(data)
        hits += len(rx.findall(data.decode("utf-8")))
    return time.perf_counter() - start, size


def extract_serial(files: list[Path]) -> tuple[float, int]:
    start = time.perf_counter()
    mentions = sum(len(extract_file(p).mentions) for p in files)
    return time.perf_counter() - start, mentions


def extract_parallel(files: list[Path], jobs: int) -> tuple[float, int]:
    start = time.perf_counter()
    mentions = sum(
        len(r.mentions) for r in extract_paths(files, jobs=jobs) if hasattr(r, "mentions")
    )
    return time.perf_counter() - start, mentions


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=0, help="processes for the parallel run; 0 = cores")
    ap.add_argument(
        "--serial-sample",
        type=float,
        default=0.1,
        help="share of the corpus timed in one process (default 0.1)",
    )
    args = ap.parse_args(argv)
    files = build_corpus(HERE / "out" / "extract-corpus", args.mb, args.seed)
    base_s, size = baseline(files)
    mb = size / 1e6
    sample = files[: max(1, int(len(files) * args.serial_sample))]
    sample_mb = sum(p.stat().st_size for p in sample) / 1e6
    sample_base, _ = baseline(sample)
    serial_s, _serial_mentions = extract_serial(sample)
    jobs = args.jobs or os.cpu_count() or 1
    par_s, mentions = extract_parallel(files, jobs)
    base_rate = mb / base_s
    rows = [
        ("baseline: read + one regex", mb, base_s, base_rate, 1.0),
        (
            "extract, 1 process (sample)",
            sample_mb,
            serial_s,
            sample_mb / serial_s,
            (sample_mb / serial_s) / (sample_mb / sample_base),
        ),
        (f"extract, {jobs} processes", mb, par_s, mb / par_s, (mb / par_s) / base_rate),
    ]
    print(
        f"corpus: {len(files)} documents, {mb:.1f} MB (half clean, half PDF-extracted), "
        f"{mentions} mentions"
    )
    print(f"{'run':32} {'MB':>8} {'seconds':>9} {'MB/s':>9} {'ratio':>9}")
    for name, size_mb, secs, rate, ratio in rows:
        print(f"{name:32} {size_mb:8.1f} {secs:9.2f} {rate:9.2f} {ratio:9.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
