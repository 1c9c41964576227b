"""The ``policykg`` command: a thin Typer app. Package errors become a message and exit code."""

from __future__ import annotations

import json
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .config import Settings
from .errors import PolicyKGError, SourceError
from .models import Extraction
from .pipeline import corpus_findings, extract_paths

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_show_locals=False)


def say(message: str) -> None:
    """One unwrapped line on standard error: messages stay greppable."""
    print(message, file=sys.stderr)


class ExtractFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"


@app.callback()
def _main() -> None:
    """policykg: a knowledge graph of international drug-policy instruments."""


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of .txt/.md texts.")],
    fmt: Annotated[
        ExtractFormat,
        typer.Option(
            "--format",
            "-f",
            help="jsonl: one JSON object per mention; table: a summary for people.",
        ),
    ] = ExtractFormat.jsonl,
    mandates: Annotated[
        bool, typer.Option(help="Also write mandate records (kind 'mandate').")
    ] = False,
    findings: Annotated[
        bool,
        typer.Option(
            help="Report findings (unresolved Ibid., conflicting dates) on standard error."
        ),
    ] = True,
    jobs: Annotated[int, typer.Option(help="Worker processes; 0 = one per core.")] = -1,
) -> None:
    """Extract every citation, body and mandate, in file order, with source offsets."""
    settings = Settings.from_env()
    workers = settings.jobs if jobs < 0 else jobs
    done: list[Extraction] = []
    failed = 0
    out = sys.stdout
    for result in extract_paths(paths, jobs=workers, max_bytes=settings.max_file_bytes):
        if isinstance(result, SourceError):
            failed += 1
            say(f"policykg: error: {result}")
            continue
        done.append(result)
        if fmt is ExtractFormat.jsonl:
            for m in result.mentions:
                out.write(json.dumps(m.to_json(), ensure_ascii=False) + "\n")
            if mandates:
                for md in result.mandates:
                    out.write(
                        json.dumps({"kind": "mandate", **md.to_json()}, ensure_ascii=False) + "\n"
                    )
        if findings:
            for f in result.findings:
                say(f"warning: {f}")
    if findings:
        for f in corpus_findings(done):
            say(f"warning: {f}")
    if fmt is ExtractFormat.table:
        _summary(done)
    if failed:
        say(f"policykg: {failed} file(s) could not be read")
        raise typer.Exit(1)


def _summary(done: list[Extraction]) -> None:
    table = Table(title="policykg: mentions extracted per file")
    kinds = (
        "resolution",
        "decision",
        "treaty",
        "declaration",
        "document",
        "report",
        "programme",
        "body",
    )
    short = ("res", "dec", "treaty", "decl", "doc", "report", "prog", "body")
    table.add_column("file", no_wrap=True)
    table.add_column("instr", justify="right")
    for k in short:
        table.add_column(k, justify="right")
    table.add_column("mandates", justify="right")
    table.add_column("findings", justify="right")
    for e in done:
        counts = Counter(m.kind for m in e.mentions)
        table.add_row(
            Path(e.file).name,
            str(sum(1 for i in e.instruments if not i.fragment)),
            *(str(counts[k]) for k in kinds),
            str(len(e.mandates)),
            str(len(e.findings)),
        )
    Console(width=None if sys.stdout.isatty() else 120).print(table)


def main() -> None:
    try:
        app()
    except PolicyKGError as exc:
        say(f"policykg: error: {exc}")
        sys.exit(2)


if __name__ == "__main__":
    main()
