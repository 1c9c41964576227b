"""The one place that runs every stage in order: text -> structure -> mentions."""

from __future__ import annotations

import hashlib
import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .document import read_structure
from .errors import SourceError
from .extract import FileContext, find_mentions
from .findings import conflicting_dates, dates_against_numbers, later_citations
from .models import Extraction, Finding
from .names import names
from .sources import TEXT_SUFFIXES, clean, read_source
from .store import GraphStore


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


def bounded_map(
    pool: ProcessPoolExecutor | None, fn: Callable, work: Iterable, window: int
) -> Iterator:
    """``fn`` over ``work`` in order, at most ``window`` items in flight: finished results never
    pile up in memory when the consumer is slower than the workers."""
    if pool is None:
        yield from map(fn, work)
        return
    items = iter(work)
    in_flight: deque = deque(pool.submit(fn, item) for item in itertools.islice(items, window))
    while in_flight:
        result = in_flight.popleft().result()
        for item in itertools.islice(items, 1):
            in_flight.append(pool.submit(fn, item))
        yield result


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
        results = bounded_map(pool, _safe_extract, files, window=workers * 4)
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


# --- ingest: text -> RDF -> store ------------------------------------------------------------


@dataclass
class IngestSummary:
    documents: int = 0  # ingested (new or changed)
    unchanged: int = 0  # skipped: same content already stored
    failed: int = 0
    instruments: int = 0
    citations: int = 0
    mandates: int = 0
    warnings: int = 0
    triples: int = 0  # in the store after ingest
    seconds: float = 0.0
    interrupted: bool = False
    errors: list[SourceError] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (self.documents + self.unchanged) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class _FileResult:
    path: str  # the corpus path, as it names the file's graph
    sha256: str
    triples: str | None  # None: unchanged since the last ingest
    instruments: int = 0
    citations: int = 0
    mandates: int = 0
    warnings: int = 0


def corpus_path(path: Path) -> str:
    """How a file is named in the store: relative to the working folder when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def pipeline_fingerprint(base: str) -> str:
    """Identifies what produced a stored graph: package version, registry data and base IRI."""
    from . import __version__
    from .registry import default_registry_dir

    h = hashlib.sha256(f"{__version__}\n{base}\n".encode())
    for path in sorted(Path(default_registry_dir()).glob("*.toml")):
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def _ingest_one(args: tuple[str, str, str, str | None, int, str]) -> _FileResult | SourceError:
    """Worker: read, extract and serialise one file (or report it unchanged)."""
    from .rdf import extraction_quads
    from .registry import load_registry

    path, name, base, known_sha, max_bytes, fingerprint = args
    try:
        text = read_source(path, max_bytes)
    except SourceError as exc:
        return exc
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if sha == known_sha:
        return _FileResult(name, sha, None)
    e = extract_text(text, name)
    quads = extraction_quads(e, base, name, load_registry(), fingerprint)
    return _FileResult(
        name,
        sha,
        quads.triples(),
        sum(1 for i in e.instruments if not i.fragment),
        sum(1 for m in e.mentions if m.kind != "body"),
        len(e.mandates),
        len(e.findings),
    )




def ingest(
    paths: Iterable[str | Path],
    store: GraphStore,
    base: str,
    *,
    jobs: int = 0,
    max_bytes: int = 50_000_000,
    batch_triples: int = 50_000,
    on_progress: Callable[[int, int], None] | None = None,
    on_commit: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Extract files in parallel and store each in its own named graph.

    Files whose content is already stored are skipped. Graphs are swapped in transactions
    of whole files, so an interrupted ingest leaves only whole files and can be rerun.
    """
    from .rdf import graph_iri, registry_graph, registry_quads
    from .registry import load_registry

    started = time.perf_counter()
    summary = IngestSummary()
    store.replace_files([(registry_graph(base), registry_quads(load_registry(), base).triples())])
    items = list(collect_paths(paths))
    stored = store.stored_files()
    fingerprint = pipeline_fingerprint(base)
    work = []
    for item in items:
        if isinstance(item, SourceError):
            summary.failed += 1
            summary.errors.append(item)
            continue
        name = corpus_path(item)
        known = stored.get(name)
        same = known is not None and known.fingerprint == fingerprint
        work.append((str(item), name, base, known.sha256 if same else None, max_bytes, fingerprint))
    total = len(work)
    pending: list[tuple[str, str]] = []
    pending_size = 0

    committed = 0

    existing = {f.graph for f in stored.values()}

    def commit() -> None:
        nonlocal pending, pending_size, committed
        if pending:
            store.add_files([p for p in pending if p[0] not in existing])
            store.replace_files([p for p in pending if p[0] in existing])
            committed += len(pending)
            pending, pending_size = [], 0
            if on_commit:
                on_commit(committed)

    workers = jobs or os.cpu_count() or 1
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and total > 1 else None
    results = bounded_map(pool, _ingest_one, work, window=workers * 4)
    done = 0
    try:
        for result in results:
            done += 1
            if isinstance(result, SourceError):
                summary.failed += 1
                summary.errors.append(result)
            elif result.triples is None:
                summary.unchanged += 1
            else:
                summary.documents += 1
                summary.instruments += result.instruments
                summary.citations += result.citations
                summary.mandates += result.mandates
                summary.warnings += result.warnings
                pending.append((graph_iri(base, result.path), result.triples))
                pending_size += result.triples.count("\n")
                if pending_size >= batch_triples:
                    commit()
            if on_progress:
                on_progress(done, total)
        commit()
    except KeyboardInterrupt:
        summary.interrupted = True
        pending = []  # not committed: those files are simply not stored yet
    finally:
        if pool is not None:
            pool.shutdown(wait=not summary.interrupted, cancel_futures=True)
        store.flush()
    if not summary.interrupted and summary.documents:
        store.optimize()
        store.reopen()  # frees the write-ahead logs of the per-file transactions
    summary.triples = len(store)
    summary.seconds = time.perf_counter() - started
    return summary
