"""The one place that runs every stage in order: text -> structure -> mentions."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .document import read_structure
from .errors import SourceError
from .extract import FileContext, find_mentions
from .findings import conflicting_dates, dates_against_numbers, later_citations
from .models import Extraction, Finding
from .names import names
from .sources import TEXT_SUFFIXES, clean, read_source


def extract_text(text: str, file: str = "<text>") -> Extraction:
    """Extract instruments, mentions, mandates and findings from one document's text."""
    cleaned = clean(text)
    structure = read_structure(cleaned)
    ctx = FileContext(file=file, original=text, names=names())
    mentions, mandates = find_mentions(structure, ctx)
    findings = [*ctx.findings, *dates_against_numbers(mentions), *later_citations(mentions)]
    return Extraction(
        file=file,
        instruments=structure.instruments,
        footnotes=structure.footnotes,
        mentions=tuple(mentions),
        mandates=tuple(mandates),
        findings=tuple(findings),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def extract_file(path: str | Path, max_bytes: int = 50_000_000) -> Extraction:
    """Read and extract one file; raises :class:`SourceError` if it cannot be read."""
    return extract_text(read_source(path, max_bytes), str(path))


def collect_paths(paths: Iterable[str | Path]) -> Iterator[Path | SourceError]:
    """Files named, and text files under folders named, in a stable order."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(
                f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES
            )
            if not found:
                yield SourceError(str(p), f"folder has no text files ({', '.join(TEXT_SUFFIXES)})")
            yield from found
        elif p.exists():
            yield p
        else:
            yield SourceError(str(p), "no such file or folder")


def _safe_extract(args: tuple[str, int]) -> Extraction | SourceError:
    path, max_bytes = args
    try:
        return extract_file(path, max_bytes)
    except SourceError as exc:
        return exc


def extract_paths(
    paths: Iterable[str | Path], jobs: int = 0, max_bytes: int = 50_000_000
) -> Iterator[Extraction | SourceError]:
    """Extract every file, in order, across ``jobs`` processes (0: one per core)."""
    items = list(collect_paths(paths))
    files = [(str(p), max_bytes) for p in items if isinstance(p, Path)]
    workers = jobs or os.cpu_count() or 1
    results: Iterator[Extraction | SourceError]
    if workers > 1 and len(files) > 1:
        pool = ProcessPoolExecutor(max_workers=workers)
        results = pool.map(_safe_extract, files, chunksize=max(1, len(files) // (workers * 8)))
    else:
        pool = None
        results = map(_safe_extract, files)
    try:
        for item in items:
            yield item if isinstance(item, SourceError) else next(results)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def corpus_findings(extractions: Iterable[Extraction]) -> list[Finding]:
    """Findings that need every file: the same instrument cited with different dates."""
    return conflicting_dates(m for e in extractions for m in e.mentions)
