"""A real ``policykg serve`` process on a free loopback port, for tests with real clients."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ingest_corpus(store: Path) -> Path:
    """Build a store from the bundled corpus (once per folder)."""
    if not (store / "CURRENT").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "policykg.cli",
                "ingest",
                str(CORPUS),
                "--store",
                str(store),
                "--no-progress",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return store


@contextmanager
def running_server(store: Path, **settings: object):
    """Start ``policykg serve`` on ``store``; ``settings`` become POLICYKG_* variables."""
    port = free_port()
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 -- lives as long as the server process
    env = {**os.environ, **{f"POLICYKG_{k.upper()}": str(v) for k, v in settings.items()}}
    proc = subprocess.Popen(
        [sys.executable, "-m", "policykg.cli", "serve", "--port", str(port), "--store", str(store)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"server exited: {log.read()}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
