"""SPARQL queries in worker processes that can be killed: a time limit that really stops work.

pyoxigraph cannot cancel a running query, and a signal handler does not run until the query
returns. So each query runs in one of a few worker processes, each holding the store open
read-only; when a query passes its time limit the worker is terminated and replaced, and the
other workers go on answering. Results are serialised in the worker into a buffer that
refuses to grow past the result limit.

Updates (when enabled) need the store open for writing, which read-only readers must not
overlap: :meth:`QueryPool.exclusive` drains and stops the workers, runs the write in a
separate process, and starts them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any


@dataclass(frozen=True)
class QueryJob:
    query: str
    results_mime: str | None  # chosen for SELECT / ASK, None if the client accepts none
    graph_mime: str | None  # chosen for CONSTRUCT / DESCRIBE
    union: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_bytes: int = 50_000_000
    prefixes: dict[str, str] = field(default_factory=dict)
    base_iri: str | None = None  # relative IRIs in the query resolve against it


@dataclass(frozen=True)
class QueryOutcome:
    status: str  # ok | syntax | not_acceptable | too_large | error
    mime: str = ""
    body: bytes = b""
    message: str = ""
    form: str = ""  # bindings | boolean | graph


class QueryTimeout(Exception):
    pass


class PoolBusy(Exception):
    pass


def _worker_main(conn: Connection, store_path: str) -> None:
    from ..store import GraphStore

    store = GraphStore(store_path, read_only=True)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            status, mime, body, message, form = store.answer(
                job.query,
                results_mime=job.results_mime,
                graph_mime=job.graph_mime,
                union=job.union,
                default_graphs=job.default_graphs,
                named_graphs=job.named_graphs,
                max_bytes=job.max_bytes,
                prefixes=job.prefixes,
                base_iri=job.base_iri,
            )
            outcome = QueryOutcome(status, mime, body, message, form)
        except Exception as exc:  # report, and keep the worker serving
            outcome = QueryOutcome("error", message=f"{type(exc).__name__}: {exc}")
        conn.send(outcome)


class _Worker:
    def __init__(self, ctx, store_path: str):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, store_path), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(60) or self.conn.recv() != "ready":
            self.kill()
            raise RuntimeError(f"query worker failed to open the store at {store_path}")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(5)
        self.kill()


class QueryPool:
    """A fixed number of worker processes; a job that runs past ``timeout`` kills its worker."""

    def __init__(
        self, store_path: str, workers: int = 2, timeout: float = 10.0, wait: float = 30.0
    ):
        self.store_path = store_path
        self.size = max(1, workers)
        self.timeout = timeout
        self.wait = wait
        self._ctx = mp.get_context("spawn")
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._background: set[asyncio.Task] = set()

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(asyncio.to_thread(self._spawn) for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)

    def _spawn(self) -> _Worker:
        w = _Worker(self._ctx, self.store_path)
        with self._lock:
            self._all.append(w)
        return w

    def _retire(self, w: _Worker) -> None:
        w.kill()
        with self._lock:
            if w in self._all:
                self._all.remove(w)

    async def run(self, job: QueryJob, timeout: float | None = None) -> QueryOutcome:
        assert self._idle is not None, "QueryPool.start() was not awaited"
        limit = self.timeout if timeout is None else timeout
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.wait)
        except TimeoutError:
            raise PoolBusy() from None
        try:
            outcome = await asyncio.to_thread(self._exchange, worker, job, limit)
        except (QueryTimeout, EOFError, OSError):
            self._retire(worker)
            task = asyncio.create_task(self._replace())  # answer now; the new worker follows
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            raise
        self._idle.put_nowait(worker)
        return outcome

    async def _replace(self) -> None:
        assert self._idle is not None
        self._idle.put_nowait(await asyncio.to_thread(self._spawn))

    @staticmethod
    def _exchange(worker: _Worker, job: QueryJob, limit: float) -> QueryOutcome:
        worker.conn.send(job)
        deadline = time.monotonic() + limit
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise QueryTimeout()
            if worker.conn.poll(min(remaining, 0.25)):
                return worker.conn.recv()
            if not worker.process.is_alive():
                raise EOFError("query worker died")

    async def exclusive(self, write: Callable[[], Any]) -> Any:
        """Stop every worker, run ``write`` (which may open the store for writing), restart."""
        assert self._idle is not None
        taken = [await self._idle.get() for _ in range(self.size)]
        for w in taken:
            await asyncio.to_thread(w.stop)
            with self._lock:
                self._all.remove(w)
        try:
            return await asyncio.to_thread(write)
        finally:
            for _ in range(self.size):
                self._idle.put_nowait(await asyncio.to_thread(self._spawn))

    async def close(self) -> None:
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            await asyncio.to_thread(w.stop)
