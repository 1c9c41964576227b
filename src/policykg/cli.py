"""The ``policykg`` command: a thin Typer app. Package errors become a message and exit code."""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .config import Settings
from .errors import PolicyKGError, SourceError, UsageError
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


# --- the graph ------------------------------------------------------------------------------

StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store folder, or http(s) URL of a SPARQL 1.1 server "
        "[env POLICYKG_STORE; default var/policykg.store].",
    ),
]
BaseOption = Annotated[str | None, typer.Option("--base", help="Base IRI [env POLICYKG_BASE].")]


def _settings(store: str | None = None, base: str | None = None) -> Settings:
    s = Settings.from_env()
    if store:
        s = replace(s, store=store)
    if base:
        s = replace(s, base=base)
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`#?]+[^/]", s.base):
        raise UsageError(
            f"--base {s.base!r}: expected an absolute http(s) IRI without a "
            "trailing slash, query or fragment, e.g. https://w3id.org/policykg"
        )
    return s


def _open(settings: Settings, *, read_only: bool = False):
    """The store ``settings.store`` names: a folder, or the http(s) URL of a SPARQL server."""
    from .store import UNION_MODES, is_remote, open_store

    if is_remote(settings.store):
        if settings.remote_union not in UNION_MODES:
            raise UsageError(
                f"POLICYKG_REMOTE_UNION={settings.remote_union!r}: expected one of "
                f"{', '.join(UNION_MODES)}"
            )
    elif read_only and not Path(settings.store).exists():
        raise UsageError(f"--store {settings.store}: no store there; run 'policykg ingest' first")
    return open_store(
        settings.store,
        read_only=read_only,
        endpoints=(
            settings.remote_query_path,
            settings.remote_update_path,
            settings.remote_store_path,
        ),
        union=settings.remote_union,
        timeout=settings.remote_timeout,
    )


class Engine(StrEnum):
    local = "local"
    dask = "dask"


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of texts.")],
    store: StoreOption = None,
    base: BaseOption = None,
    jobs: Annotated[
        int, typer.Option(help="Worker processes (of a local Dask cluster too); 0 = one per core.")
    ] = -1,
    engine: Annotated[
        Engine | None,
        typer.Option(help="local: a process pool; dask: a Dask cluster [env POLICYKG_ENGINE]."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler address for --engine dask (tcp://host:8786); without one a "
            "local cluster runs [env POLICYKG_SCHEDULER]."
        ),
    ] = None,
    shards: Annotated[
        Path | None,
        typer.Option(
            help="Folder for --engine dask's N-Quads shards, seen by every worker "
            "[default: STORE.shards, or var/policykg.shards for a remote store]."
        ),
    ] = None,
    bulk_load: Annotated[
        bool,
        typer.Option(
            help="--engine dask into a new, empty store folder: bulk-load the shards (fast, "
            "not transactional: an interrupted ingest rewrites every file when rerun)."
        ),
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    verbose: Annotated[bool, typer.Option(help="Log each committed batch of files.")] = False,
) -> None:
    """Extract texts in parallel and store each file in its own named graph."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from .pipeline import ingest as run_ingest
    from .store import is_remote

    settings = _settings(store, base)
    workers = settings.jobs if jobs < 0 else jobs
    chosen = engine.value if engine is not None else settings.engine
    if chosen not in Engine.__members__:
        raise UsageError(f"POLICYKG_ENGINE={chosen!r}: expected one of {', '.join(Engine)}")
    if chosen != Engine.dask and (scheduler or bulk_load or shards):
        raise UsageError("--scheduler, --shards and --bulk-load need --engine dask")
    graph_store = _open(settings)
    columns = (
        TextColumn("ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} documents/s"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), disable=not progress) as bar:
        task = bar.add_task("ingest", total=None, rate=0.0)
        started = time.perf_counter()

        def on_progress(done: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            bar.update(task, completed=done, total=total, rate=done / elapsed if elapsed else 0.0)

        def on_commit(files: int) -> None:
            if verbose:
                say(f"committed {files} files")
                sys.stderr.flush()

        if chosen == Engine.dask:
            from .dask_engine import ingest_dask

            default_shards = (
                "var/policykg.shards" if is_remote(settings.store) else f"{settings.store}.shards"
            )
            summary = ingest_dask(
                paths,
                graph_store,
                settings.base,
                shards=shards or default_shards,
                scheduler=scheduler or settings.scheduler or None,
                workers=workers,
                max_bytes=settings.max_file_bytes,
                bulk=bulk_load,
                on_progress=on_progress,
                on_commit=on_commit,
            )
        else:
            summary = run_ingest(
                paths,
                graph_store,
                settings.base,
                jobs=workers,
                max_bytes=settings.max_file_bytes,
                on_progress=on_progress,
                on_commit=on_commit,
            )
    for error in summary.errors:
        say(f"policykg: error: {error}")
    table = Table(title=f"policykg: ingested into {settings.store}")
    for name in (
        "documents",
        "unchanged",
        "failed",
        "instruments",
        "citations",
        "mandates",
        "warnings",
        "triples",
        "documents/s",
    ):
        table.add_column(name, justify="right")
    table.add_row(
        *(
            str(v)
            for v in (
                summary.documents,
                summary.unchanged,
                summary.failed,
                summary.instruments,
                summary.citations,
                summary.mandates,
                summary.warnings,
                summary.triples,
            )
        ),
        f"{summary.rate:.1f}",
    )
    Console(width=None if sys.stdout.isatty() else 120).print(table)
    if summary.interrupted and summary.bulk_loaded:
        say("policykg: interrupted during a bulk load; run again to rewrite every file.")
        raise typer.Exit(130)
    if summary.interrupted:
        say("policykg: interrupted; the store holds whole files only. Run again to continue.")
        raise typer.Exit(130)
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def load(
    files: Annotated[list[Path], typer.Argument(help="RDF files: .ttl .trig .nq .nt .jsonld .rdf")],
    store: StoreOption = None,
    graph: Annotated[str | None, typer.Option(help="Named graph for triple formats.")] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="Override the format guessed "
            "from the extension: turtle, trig, nquads, ntriples, jsonld, rdfxml.",
        ),
    ] = None,
) -> None:
    """Add RDF files to the store; each file is loaded whole or not at all."""
    from .store import EXTENSIONS, FORMATS, StoreError

    settings = _settings(store)
    graph_store = _open(settings)
    failed = 0
    for path in files:
        kind = fmt or EXTENSIONS.get(path.suffix.lower())
        if kind not in FORMATS:
            say(
                f"policykg: error: {path}: cannot tell the RDF format from the extension; "
                f"use --format with one of {', '.join(FORMATS)}"
            )
            failed += 1
            continue
        try:
            with path.open("rb") as handle:
                graph_store.load(handle, kind, graph=graph, base_iri=path.resolve().as_uri())
            say(f"loaded {path} ({kind})")
        except (StoreError, OSError) as exc:
            say(f"policykg: error: {path}: {exc}")
            failed += 1
    graph_store.flush()
    if failed:
        raise typer.Exit(1)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", help="turtle, trig, nquads, ntriples, jsonld or rdfxml.")
    ] = "nquads",
    graph: Annotated[str | None, typer.Option(help="Export only this named graph.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
    store: StoreOption = None,
) -> None:
    """Stream the store (or one graph) as RDF. Triple formats merge the named graphs."""
    from .store import FORMATS

    if fmt not in FORMATS:
        raise UsageError(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")
    graph_store = _open(_settings(store), read_only=True)
    if graph is not None and graph not in graph_store.named_graphs():
        raise UsageError(f"--graph {graph}: no such named graph in the store")
    if output is None:
        graph_store.dump(sys.stdout.buffer, fmt, graph)
        sys.stdout.buffer.flush()
    else:
        with output.open("wb") as handle:
            graph_store.dump(handle, fmt, graph)


@app.command()
def void(
    store: StoreOption = None,
    base: BaseOption = None,
    endpoint: Annotated[str | None, typer.Option(help="SPARQL endpoint to advertise.")] = None,
) -> None:
    """Print a VoID description of the dataset (Turtle)."""
    from .void import void_description

    settings = _settings(store, base)
    q = void_description(_open(settings, read_only=True), settings.base, endpoint)
    sys.stdout.write(turtle(q.triples()))


def turtle(ntriples: str) -> str:
    import pyoxigraph as ox

    from .vocab import NAMESPACES

    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=NAMESPACES).decode()


class ResultFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


@app.command()
def query(
    name: Annotated[
        str, typer.Argument(help="A named query (see 'policykg queries') or a .rq file.")
    ],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="k=v, repeatable.")
    ] = None,
    fmt: Annotated[ResultFormat, typer.Option("--format")] = ResultFormat.table,
    store: StoreOption = None,
) -> None:
    """Run a named SPARQL query (or a file) against the store."""
    from .queries import bind, load_queries, parse_header

    named = load_queries()
    path = Path(name)
    if name in named:
        q = named[name]
    elif path.suffix == ".rq" and path.exists():
        q = parse_header(path.read_text(encoding="utf-8"), str(path))
    else:
        raise UsageError(
            f"query {name!r}: not a named query ({', '.join(sorted(named))}) "
            "nor an existing .rq file"
        )
    values: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--param {item!r}: expected NAME=VALUE")
        values[key] = value
    try:
        sparql = bind(q, values)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    graph_store = _open(_settings(store), read_only=True)
    try:
        results = graph_store.query(sparql, union=q.requires_union)
    except SyntaxError as exc:
        raise UsageError(f"{name}: SPARQL syntax error: {exc}") from None
    _print_results(results, fmt)


@app.command()
def queries() -> None:
    """List the named queries with their parameters."""
    from .queries import load_queries

    table = Table(title="policykg: named queries")
    for column in ("name", "title", "parameters"):
        table.add_column(column)
    for q in load_queries().values():
        table.add_row(q.name, q.title, ", ".join(f"{p.name} ({p.type})" for p in q.params))
    Console(width=None if sys.stdout.isatty() else 140).print(table)


def _print_results(results, fmt: ResultFormat) -> None:
    import pyoxigraph as ox

    if fmt is ResultFormat.table:
        if not hasattr(results, "variables"):
            Console().print(str(bool(results)) if isinstance(results, ox.QueryBoolean) else results)
            return
        table = Table()
        names = [v.value for v in results.variables]
        for n in names:
            table.add_column(n)
        for row in results:
            table.add_row(*("" if row[n] is None else row[n].value for n in names))
        Console(width=None if sys.stdout.isatty() else 200).print(table)
        return
    target = {
        "json": ox.QueryResultsFormat.JSON,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }[fmt.value]
    results.serialize(sys.stdout.buffer, target)
    sys.stdout.buffer.flush()


@app.command()
def check(store: StoreOption = None) -> None:
    """SHACL validation and data-quality findings (each with file and position)."""
    from .check import quality_findings, shacl_report

    graph_store = _open(_settings(store), read_only=True)
    conforms, report = shacl_report(graph_store)
    findings = quality_findings(graph_store)
    for f in findings:
        print(f"finding: {f}")
    print(f"SHACL: {'conforms' if conforms else 'does NOT conform'}")
    if not conforms:
        print(report)
    print(f"{len(findings)} finding(s)")
    if not conforms:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    store: StoreOption = None,
    base: BaseOption = None,
) -> None:
    """Serve the SPARQL endpoint, linked data and the web UI (FastAPI on uvicorn)."""
    import uvicorn

    from .api.app import create_app

    settings = _settings(store, base)
    if not (Path(settings.store) / "CURRENT").exists():
        raise UsageError(f"--store {settings.store}: no store there; run 'policykg ingest' first")
    say(f"policykg: serving {settings.store} on http://{host}:{port}/ (SPARQL at /sparql)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


class LineageFormat(StrEnum):
    svg = "svg"
    png = "png"
    graphml = "graphml"
    gexf = "gexf"
    dot = "dot"
    mermaid = "mermaid"
    json = "json"


@app.command()
def lineage(
    ident: Annotated[
        str,
        typer.Argument(
            metavar="ID",
            help="A key such as 'CND 64/4', an IRI, or its path such as resolution/CND/64/4.",
        ),
    ],
    up: Annotated[
        int, typer.Option(min=0, help="Steps up: what it cites, and what those cite, ...")
    ] = 2,
    down: Annotated[
        int, typer.Option(min=0, help="Steps down: what cites it, and what cites those, ...")
    ] = 2,
    fmt: Annotated[
        LineageFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="Output format [default: from the --output extension, else json].",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option(help="Only these kinds (resolution, treaty, ...).")
    ] = None,
    issuer: Annotated[
        list[str] | None, typer.Option(help="Only these issuers (CND, GA, ...).")
    ] = None,
    verb: Annotated[
        list[str] | None,
        typer.Option(
            help="Only citations with this relation (recalls) or clause verb (Recalling)."
        ),
    ] = None,
    year_from: Annotated[
        int | None, typer.Option("--from", help="Only instruments of this year or later.")
    ] = None,
    year_to: Annotated[
        int | None, typer.Option("--to", help="Only instruments of this year or earlier.")
    ] = None,
    store: StoreOption = None,
    base: BaseOption = None,
) -> None:
    """Draw or export the citation lineage of one instrument (what it cites, what cites it)."""
    from . import lineage as lin
    from .viz import EXTENSIONS, render

    if fmt is None:
        by_suffix = {ext: name for name, ext in EXTENSIONS.items()}
        suffix = output.suffix.lower() if output else ""
        fmt = LineageFormat(by_suffix.get(suffix, "json"))
    settings = _settings(store, base)
    flt = lin.Filters.of(kind or (), issuer or (), verb or (), year_from, year_to)
    graph_store = _open(settings, read_only=True)
    graph = lin.load_graph(graph_store, settings.base)
    root = lin.find_instrument(graph, ident)
    sub = lin.load_citations(graph_store, lin.lineage(graph, root, up, down, flt))
    data = render(sub, fmt.value)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)
        say(
            f"lineage of {sub.nodes[root]['key']}: {sub.number_of_nodes()} instruments, "
            f"{sub.number_of_edges()} citation edges -> {output} ({fmt.value})"
        )


def main() -> None:
    try:
        app()
    except PolicyKGError as exc:
        say(f"policykg: error: {exc}")
        sys.exit(2)


if __name__ == "__main__":
    main()
