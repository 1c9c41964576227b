"""Settings: declared once as (name, default, help), overridable by ``POLICYKG_*`` variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from .errors import UsageError


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("max_file_bytes", 50_000_000, "Largest input file accepted, in bytes."),
    Setting("jobs", 0, "Worker processes for extraction; 0 means one per core."),
    Setting("registry", "", "Folder of the reference registry TOML files; empty: data/registry."),
    Setting(
        "store",
        "var/policykg.store",
        "Folder of the embedded Oxigraph store, or the http(s) URL of a SPARQL 1.1 server.",
    ),
    Setting("base", "https://w3id.org/policykg", "Base IRI under which instances are minted."),
    Setting("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped."),
    Setting("query_workers", 2, "Query worker processes of the server (each can be stopped)."),
    Setting("max_result_bytes", 50_000_000, "Largest serialised query result the server sends."),
    Setting("max_request_bytes", 1_000_000, "Largest request body the server reads."),
    Setting("cors_origins", "*", "Comma-separated origins allowed by CORS ('*' for any)."),
    Setting("union_default_graph", True, "Query the union of all graphs as the default graph."),
    Setting("enable_update", False, "Allow SPARQL Update and the Graph Store Protocol."),
    Setting("update_token", "", "Bearer token required for updates when they are enabled."),
    Setting("engine", "local", "Ingest engine: 'local' (process pool) or 'dask' (a Dask cluster)."),
    Setting("scheduler", "", "Dask scheduler address for --engine dask; empty: a local cluster."),
    Setting(
        "remote_query_path",
        "/query",
        "Path (or absolute URL) of a remote store's SPARQL query service; Oxigraph: /query.",
    ),
    Setting(
        "remote_update_path",
        "/update",
        "Path (or absolute URL) of a remote store's SPARQL update service; Oxigraph: /update.",
    ),
    Setting(
        "remote_store_path",
        "/store",
        "Path (or absolute URL) of a remote store's Graph Store Protocol service; Oxigraph: "
        "/store; empty: export with SPARQL queries instead.",
    ),
    Setting(
        "remote_union",
        "param",
        "How a remote store queries the union of its graphs: 'param' sends Oxigraph's "
        "union-default-graph parameter; 'server' means the server's default graph is the union.",
    ),
    Setting("remote_timeout", 600.0, "Seconds to wait for one request to a remote store."),
)


@dataclass(frozen=True)
class Settings:
    max_file_bytes: int = 50_000_000
    jobs: int = 0
    registry: str = ""
    store: str = "var/policykg.store"
    base: str = "https://w3id.org/policykg"
    query_timeout: float = 10.0
    query_workers: int = 2
    max_result_bytes: int = 50_000_000
    max_request_bytes: int = 1_000_000
    cors_origins: str = "*"
    union_default_graph: bool = True
    enable_update: bool = False
    update_token: str = ""
    engine: str = "local"
    scheduler: str = ""
    remote_query_path: str = "/query"
    remote_update_path: str = "/update"
    remote_store_path: str = "/store"
    remote_union: str = "param"
    remote_timeout: float = 600.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            var = f"POLICYKG_{f.name.upper()}"
            if var not in env:
                continue
            raw = env[var]
            kind = f.type if isinstance(f.type, str) else f.type.__name__
            try:
                if kind == "int":
                    values[f.name] = int(raw)
                elif kind == "float":
                    values[f.name] = float(raw)
                elif kind == "bool":
                    if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                        raise ValueError
                    values[f.name] = raw.lower() in ("1", "true", "yes", "on")
                else:
                    values[f.name] = raw
            except ValueError:
                raise UsageError(f"{var}={raw!r}: expected a {kind} value") from None
        return cls(**values)  # type: ignore[arg-type]
