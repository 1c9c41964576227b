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
    Setting("store", "var/policykg.store", "Folder of the embedded Oxigraph store."),
    Setting("base", "https://w3id.org/policykg", "Base IRI under which instances are minted."),
)


@dataclass(frozen=True)
class Settings:
    max_file_bytes: int = 50_000_000
    jobs: int = 0
    registry: str = ""
    store: str = "var/policykg.store"
    base: str = "https://w3id.org/policykg"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            var = f"POLICYKG_{f.name.upper()}"
            if var not in env:
                continue
            raw = env[var]
            if f.type in ("int", int):
                try:
                    values[f.name] = int(raw)
                except ValueError:
                    raise UsageError(f"{var}={raw!r}: expected a whole number") from None
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]
