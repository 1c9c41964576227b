"""Ingest on a Dask cluster: workers extract files into N-Quads shards, this process stores them.

Each task reads a few files, extracts them exactly as the local engine does
(``pipeline._ingest_one``) and writes their quads to one shard file (``NNNNNNN.nq``, written
under a temporary name and renamed when complete) in a shard folder that this process and
every worker can see. The task returns only small records: counts, and where each file's
quads sit in the shard. This process then stores the shards:

* transactionally (the default): each file's graph is added in its own transaction, or
  replaced with its batch in one, exactly as the local engine does, so an interrupted ingest
  leaves whole files and resumes by running it again;
* by bulk load (``bulk=True``, only into a new, empty embedded store): much faster, not
  transactional. A marker beside the store stays until the ingest ends; an ingest that finds
  it rewrites every file's graph.

Shards are deleted once stored; a new ingest clears what an interrupted one left.
Skipping by content hash is the same as the local engine's (``pipeline.plan_ingest``).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path

from .errors import PolicyKGError, SourceError
from .pipeline import (
    Batcher,
    IngestSummary,
    _FileResult,
    _ingest_one,
    finish_ingest,
    plan_ingest,
)
from .store import GraphStore, Store

__all__ = ["EngineError", "ingest_dask"]

BULK_BYTES = 1_000_000_000  # shards bulk-loaded together (bounds the shard folder's size)


class EngineError(PolicyKGError):
    """The Dask cluster cannot be reached, or lost a worker while extracting."""


def _extract_shard(items: list[tuple], shard: str) -> list[_FileResult | SourceError]:
    """Dask task: extract ``items`` (arguments of ``_ingest_one``) into one N-Quads shard."""
    from .rdf import graph_iri

    results: list[_FileResult | SourceError] = []
    offset = 0
    part = f"{shard}.part"
    with open(part, "wb") as out:
        for item in items:
            result = _ingest_one(item)
            if isinstance(result, _FileResult) and result.triples is not None:
                tail = f" <{graph_iri(item[2], result.path)}> .\n"
                data = result.triples.replace(" .\n", tail).encode("utf-8")
                out.write(data)
                result = replace(result, triples=None, shard=(offset, offset + len(data)))
                offset += len(data)
            results.append(result)
    os.replace(part, shard)
    return results


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _read_triples(shard: Path, result: _FileResult, graph: str) -> str:
    """One file's quads from its shard, as N-Triples (the graph term dropped)."""
    start, end = result.shard  # type: ignore[misc]
    with shard.open("rb") as handle:
        handle.seek(start)
        data = handle.read(end - start).decode("utf-8")
    return data.replace(f" <{graph}> .\n", " .\n")


def _connect(scheduler: str | None, workers: int):
    """A client of the scheduler at ``scheduler``, or of a new local cluster of processes."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="20s"), None
        except (OSError, TimeoutError) as exc:
            raise EngineError(
                f"--scheduler {scheduler}: cannot reach the Dask scheduler: {exc}"
            ) from None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",  # health/metrics only: loopback, any free port
        silence_logs=logging.ERROR,
    )
    return Client(cluster), cluster


def ingest_dask(
    paths: Iterable[str | Path],
    store: Store,
    base: str,
    *,
    shards: str | Path,
    scheduler: str | None = None,
    workers: int = 0,
    max_bytes: int = 50_000_000,
    batch_triples: int = 50_000,
    task_files: int = 8,
    bulk: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    on_commit: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Ingest as :func:`pipeline.ingest` does, extracting on a Dask cluster.

    ``scheduler`` is a Dask scheduler address (``tcp://host:8786``); without one a local
    cluster of ``workers`` processes (0: one per core) runs for this ingest. Workers must see
    the corpus and ``shards`` at the same paths as this process. ``bulk`` bulk-loads into a
    new, empty embedded store instead of committing files in transactions (ignored otherwise).
    At most two tasks per worker thread are in flight, so memory and the shard folder stay
    bounded whatever the corpus size.
    """
    from distributed import KilledWorker, as_completed

    from .rdf import graph_iri

    fresh = bulk and isinstance(store, GraphStore) and store.is_empty()
    plan = plan_ingest(paths, store, base, max_bytes)
    plan.bulk = fresh and not plan.repair
    summary = plan.summary
    folder = Path(shards).resolve()
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    work = [(str(Path(item[0]).resolve()), *item[1:]) for item in plan.work]
    tasks = [work[i : i + task_files] for i in range(0, len(work), task_files)]
    total = len(work)
    batcher = Batcher(store, plan.existing, batch_triples, on_commit)
    done = 0
    stored_shards: list[Path] = []  # read into the batcher, deleted once committed
    bulk_shards: list[Path] = []  # waiting for the next bulk load
    bulk_size = bulk_files = 0

    def bulk_load() -> None:
        nonlocal bulk_shards, bulk_size, bulk_files
        if bulk_shards:
            store.bulk_load_files(bulk_shards)  # type: ignore[union-attr]
            for shard in bulk_shards:
                shard.unlink()
            batcher.committed += bulk_files
            bulk_shards, bulk_size, bulk_files = [], 0, 0
            if on_commit:
                on_commit(batcher.committed)

    def commit() -> None:
        nonlocal stored_shards
        done_shards, stored_shards = stored_shards, []
        batcher.commit(then=partial(_remove, done_shards))

    client = cluster = None
    try:
        client, cluster = _connect(scheduler, workers or os.cpu_count() or 1)
        window = 2 * max(1, sum(client.nthreads().values()))
        shard_of: dict[str, Path] = {}  # future key -> its shard
        submitted = 0

        def submit():
            nonlocal submitted
            shard = folder / f"{submitted:07d}.nq"
            future = client.submit(_extract_shard, tasks[submitted], str(shard), pure=False)
            shard_of[future.key] = shard
            submitted += 1
            return future

        running = as_completed([submit() for _ in range(min(window, len(tasks)))])
        for future in running:
            shard = shard_of.pop(future.key)
            try:
                results = future.result()
                if not shard.exists():
                    raise FileNotFoundError(f"{shard} was written where this process cannot see")
            except KilledWorker as exc:
                raise EngineError(f"a Dask worker died while extracting: {exc}") from None
            except OSError as exc:
                raise EngineError(
                    f"shard {shard}: {exc}; the workers and this process must see the shard "
                    "folder (--shards) and the corpus at the same paths"
                ) from None
            if submitted < len(tasks):
                running.add(submit())
            for result in results:
                done += 1
                if summary.record(result):
                    if plan.bulk:
                        bulk_files += 1
                    else:
                        graph = graph_iri(base, result.path)
                        batcher.add(graph, _read_triples(shard, result, graph))
            if plan.bulk:
                bulk_shards.append(shard)
                bulk_size += shard.stat().st_size
                if bulk_size >= BULK_BYTES:
                    bulk_load()
            else:
                stored_shards.append(shard)
                if batcher.full:
                    commit()
            if on_progress:
                on_progress(done, total)
        if plan.bulk:
            bulk_load()
        else:
            commit()
    except KeyboardInterrupt:
        summary.interrupted = True
        batcher.drop()
    finally:
        batcher.close()  # a batch being stored is stored whole, even after Ctrl-C
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    if not summary.interrupted:
        shutil.rmtree(folder, ignore_errors=True)
    return finish_ingest(store, plan)
