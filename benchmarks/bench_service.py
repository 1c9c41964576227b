"""Requests/s and p50/p99 latency of the SPARQL endpoint under 8 concurrent clients, against
Oxigraph's own server and rdflib-endpoint serving the same triples, in the same run.

Data: the bundled corpus plus generated documents (``--documents``), ingested by policykg,
exported, and loaded into each peer. Queries (union default graph on every server): who cites
X, the full lineage of X (``cito:cites+``), the most-cited instruments. Loopback only.

Usage: ``python benchmarks/bench_service.py [--documents 100] [--seconds 8] [--clients 8]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

from corpusgen import generate_corpus  # noqa: E402

CITO = "http://purl.org/spar/cito/"
X_CITED = "https://w3id.org/policykg/resolution/CND/61/8"  # cited by 62/4 and 64/4 (bundled)
X_LINEAGE = "https://w3id.org/policykg/resolution/CND/64/4"
QUERIES = {
    "who cites X": f"SELECT DISTINCT ?citing WHERE {{ ?citing <{CITO}cites> <{X_CITED}> }}",
    "lineage of X": f"SELECT DISTINCT ?a WHERE {{ <{X_LINEAGE}> <{CITO}cites>+ ?a }}",
    "most cited": (
        f"SELECT ?cited (COUNT(?c) AS ?n) WHERE {{ ?c a <{CITO}Citation> ; "
        f"<{CITO}hasCitedEntity> ?cited }} GROUP BY ?cited ORDER BY DESC(?n) LIMIT 20"
    ),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(work: Path, documents: int, seed: int) -> tuple[Path, Path, Path]:
    corpus = work / "corpus"
    if not (work / ".ready").exists():
        shutil.rmtree(work, ignore_errors=True)
        corpus.mkdir(parents=True)
        for f in (ROOT / "data" / "corpus").glob("*.txt"):
            shutil.copy(f, corpus / f.name)
        generate_corpus(corpus / "generated", documents, seed=seed, style="mixed")
        store = work / "store"
        run([BIN / "policykg", "ingest", str(corpus), "--store", str(store), "--no-progress"])
        run(
            [
                BIN / "policykg",
                "export",
                "--format",
                "nquads",
                "--store",
                str(store),
                "--output",
                str(work / "dump.nq"),
            ]
        )
        run(
            [
                BIN / "policykg",
                "export",
                "--format",
                "ntriples",
                "--store",
                str(store),
                "--output",
                str(work / "dump.nt"),
            ]
        )
        run(
            [
                BIN / "oxigraph",
                "load",
                "--location",
                str(work / "oxigraph"),
                "--file",
                str(work / "dump.nq"),
            ]
        )
        (work / ".ready").write_text("ok")
    return work / "store", work / "oxigraph", work / "dump.nt"


def run(cmd: list) -> None:
    subprocess.run([str(c) for c in cmd], check=True, capture_output=True, cwd=ROOT)


def start(name: str, cmd: list, url: str, health: str, env: dict | None = None):
    proc = subprocess.Popen(
        [str(c) for c in cmd],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(health, timeout=5).status_code < 500:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"{name} did not start")


async def load(endpoint: str, query: str, clients: int, seconds: float) -> dict:
    """``clients`` loops sending the query for ``seconds``; latencies of completed requests."""
    latencies: list[float] = []
    errors = 0
    rows = None
    headers = {"Accept": "application/sparql-results+json"}
    async with httpx.AsyncClient(timeout=120) as client:
        first = await client.post(endpoint, data={"query": query}, headers=headers)
        first.raise_for_status()
        rows = len(first.json()["results"]["bindings"])
        stop = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = await client.post(endpoint, data={"query": query}, headers=headers)
                if r.status_code == 200:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.monotonic() - started
    latencies.sort()
    p = (
        (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000)
        if latencies
        else (lambda q: float("nan"))
    )
    return {
        "rps": len(latencies) / elapsed,
        "p50": p(0.50),
        "p99": p(0.99),
        "rows": rows,
        "errors": errors,
        "n": len(latencies),
        "median": statistics.median(latencies or [0]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=100)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args(argv)
    work = HERE / "out" / f"service-{args.documents}-{args.seed}"
    store, oxi, dump_nt = prepare(work, args.documents, args.seed)
    servers = {}
    port = free_port()
    servers["policykg"] = (
        [BIN / "policykg", "serve", "--port", port, "--store", store],
        f"http://127.0.0.1:{port}/sparql",
        f"http://127.0.0.1:{port}/health",
        {"POLICYKG_QUERY_TIMEOUT": "120", "POLICYKG_QUERY_WORKERS": str(os.cpu_count() or 2)},
    )
    port = free_port()
    servers["oxigraph serve"] = (
        [
            BIN / "oxigraph",
            "serve",
            "--location",
            oxi,
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        f"http://127.0.0.1:{port}/query",
        f"http://127.0.0.1:{port}/",
        None,
    )
    port = free_port()
    servers["rdflib-endpoint"] = (
        [BIN / "rdflib-endpoint", "serve", "--host", "127.0.0.1", "--port", port, dump_nt],
        f"http://127.0.0.1:{port}/",
        f"http://127.0.0.1:{port}/",
        None,
    )
    results: dict[tuple[str, str], dict] = {}
    for name, (cmd, endpoint, health, env) in servers.items():
        proc = start(name, cmd, endpoint, health, env)
        try:
            for qname, query in QUERIES.items():
                results[(name, qname)] = asyncio.run(
                    load(endpoint, query, args.clients, args.seconds)
                )
        finally:
            proc.terminate()
            proc.wait(20)
    quads = sum(1 for _ in (work / "dump.nq").open("rb"))
    print(
        f"data: bundled corpus + {args.documents} generated documents, {quads} quads; "
        f"{args.clients} concurrent clients, {args.seconds:g} s per query and server"
    )
    print(
        f"{'query':14} {'server':16} {'req/s':>8} {'p50 ms':>9} {'p99 ms':>9} {'rows':>6} "
        f"{'errors':>6} {'policykg req/s ratio':>21}"
    )
    for qname in QUERIES:
        ours = results[("policykg", qname)]["rps"]
        for name in servers:
            r = results[(name, qname)]
            ratio = ours / r["rps"] if r["rps"] else float("nan")
            print(
                f"{qname:14} {name:16} {r['rps']:8.1f} {r['p50']:9.1f} {r['p99']:9.1f} "
                f"{r['rows']:6d} {r['errors']:6d} {ratio:21.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
