"""The registry of instruments and bodies the project knows, read from TOML data files.

Two files live in the registry directory (``data/registry`` by default):

``instruments.toml``
    ``[[instrument]]`` tables (treaties, declarations, reports and programmes) and
    ``[[collective]]`` tables (phrases such as "the three international drug control
    conventions" that stand for several instruments at once).
``bodies.toml``
    ``[[body]]`` tables (the Commission on Narcotic Drugs, the Board, WHO, ...).

Everything is checked on load; any problem raises :class:`RegistryError` with a message
that names the file, the table (by number and key) and the field at fault, e.g.
``instruments.toml: instrument #12 (treaty/x): field 'unts' must look like '976/14152'``.

The loader uses the standard library only (``tomllib``).
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BODIES_FILE",
    "INSTRUMENTS_FILE",
    "KINDS",
    "Body",
    "Collective",
    "Entry",
    "Registry",
    "RegistryError",
    "default_registry_dir",
    "load_registry",
]

INSTRUMENTS_FILE = "instruments.toml"
BODIES_FILE = "bodies.toml"
ENV_VAR = "POLICYKG_REGISTRY"

KINDS: tuple[str, ...] = ("treaty", "declaration", "report", "programme")

_UNTS_RE = re.compile(r"^\d+/\d+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MIN_YEAR = 1800
_MAX_YEAR = 2100

_ENTRY_FIELDS = frozenset(
    {
        "key",
        "kind",
        "title",
        "names",
        "short",
        "acronyms",
        "year",
        "date",
        "unts",
        "amended_unts",
        "amended_by",
        "amends",
        "issuer",
        "number",
        "owner",
        "url",
        "definition",
    }
)
_COLLECTIVE_FIELDS = frozenset({"phrases", "members"})
_BODY_FIELDS = frozenset(
    {
        "key",
        "acronym",
        "name",
        "names",
        "short",
        "issuer",
        "first_session_year",
        "parent",
        "url",
        "definition",
    }
)


class RegistryError(ValueError):
    """The registry data is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Entry:
    """One instrument: a treaty, declaration, report/publication or programme/tool."""

    key: str
    kind: str
    title: str
    names: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    year: int | None = None
    date: str | None = None
    unts: str | None = None
    amended_unts: str | None = None
    amended_by: tuple[str, ...] = ()
    amends: tuple[str, ...] = ()
    issuer: str | None = None
    number: str | None = None
    owner: str | None = None
    url: str | None = None
    definition: str | None = None


@dataclass(frozen=True)
class Collective:
    """A phrase that refers to several instruments at once."""

    phrases: tuple[str, ...]
    members: tuple[str, ...]


@dataclass(frozen=True)
class Body:
    """An organ, agency or organization that texts mention or whose resolutions they cite."""

    key: str
    acronym: str
    name: str
    names: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    issuer: str | None = None
    first_session_year: int | None = None
    parent: str | None = None
    url: str | None = None
    definition: str | None = None


@dataclass(frozen=True)
class Registry:
    """The loaded, validated registry with keyed look-ups."""

    entries: tuple[Entry, ...]
    collectives: tuple[Collective, ...]
    bodies: tuple[Body, ...]
    _by_key: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _by_unts: dict[str, Entry] = field(init=False, repr=False, compare=False)
    _bodies: dict[str, Body] = field(init=False, repr=False, compare=False)
    _by_issuer: dict[str, Body] = field(init=False, repr=False, compare=False)
    _by_acronym: dict[str, Body] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_unts: dict[str, Entry] = {}
        for entry in self.entries:
            for ref in (entry.unts, entry.amended_unts):
                if ref is not None:
                    by_unts.setdefault(ref, entry)
        object.__setattr__(self, "_by_key", {e.key: e for e in self.entries})
        object.__setattr__(self, "_by_unts", by_unts)
        object.__setattr__(self, "_bodies", {b.key: b for b in self.bodies})
        object.__setattr__(
            self, "_by_issuer", {b.issuer: b for b in self.bodies if b.issuer is not None}
        )
        object.__setattr__(self, "_by_acronym", {b.acronym: b for b in self.bodies})

    def entry(self, key: str) -> Entry | None:
        """The instrument with this key, or ``None``."""
        return self._by_key.get(key)

    def by_unts(self, unts: str) -> Entry | None:
        """The instrument whose ``unts`` or ``amended_unts`` is ``"vol/No"`` (spaces ignored)."""
        return self._by_unts.get(re.sub(r"\s+", "", unts))

    def body(self, key: str) -> Body | None:
        """The body with this key (``"body/CND"``), or ``None``."""
        return self._bodies.get(key)

    def body_by_issuer(self, code: str) -> Body | None:
        """The body whose resolutions are keyed with this code (``"CND"``, ``"GA"``...)."""
        return self._by_issuer.get(code)

    def body_by_acronym(self, acronym: str) -> Body | None:
        """The body with exactly this acronym (case-sensitive: ``"WHO"``, not ``"who"``)."""
        return self._by_acronym.get(acronym)


def default_registry_dir() -> Path:
    """``$POLICYKG_REGISTRY`` if set, else ``data/registry`` at the root of the repository."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "registry"


@functools.cache
def load_registry(directory: str | None = None) -> Registry:
    """Load and validate the registry in ``directory`` (default: :func:`default_registry_dir`).

    Results are cached per argument; call ``load_registry.cache_clear()`` after changing
    the files or ``$POLICYKG_REGISTRY``.
    """
    root = Path(directory) if directory is not None else default_registry_dir()
    instruments_doc = _read_toml(root, INSTRUMENTS_FILE)
    bodies_doc = _read_toml(root, BODIES_FILE)
    bodies = _parse_bodies(bodies_doc)
    entries, collectives = _parse_instruments(instruments_doc, bodies)
    return Registry(entries=entries, collectives=collectives, bodies=bodies)


# ---------------------------------------------------------------------------------------
# Reading


def _read_toml(root: Path, name: str) -> dict[str, Any]:
    path = root / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegistryError(f"{name}: file not found in {root}") from None
    except OSError as exc:
        raise RegistryError(f"{name}: cannot read {path}: {exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{name}: not valid UTF-8: {exc}") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{name}: TOML syntax error: {exc}") from exc


class _Table:
    """Typed access to one table of a data file, producing located error messages."""

    def __init__(self, file: str, what: str, index: int, data: Any, allowed: frozenset[str]):
        self.file = file
        self.where = f"{file}: {what} #{index}"
        if not isinstance(data, Mapping):
            raise RegistryError(f"{self.where}: must be a table, not {type(data).__name__}")
        self.data: Mapping[str, Any] = data
        key = data.get("key")
        if isinstance(key, str) and key.strip():
            self.where += f" ({key})"
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise RegistryError(f"{self.where}: unknown field {unknown[0]!r}")

    def error(self, name: str, message: str) -> RegistryError:
        return RegistryError(f"{self.where}: field {name!r} {message}")

    def string(self, name: str, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.error(name, "is required")
            return None
        if not isinstance(value, str):
            raise self.error(name, f"must be a string, not {type(value).__name__}")
        if not value.strip():
            raise self.error(name, "must not be empty")
        if value != value.strip():
            raise self.error(name, "must not start or end with whitespace")
        return value

    def strings(self, name: str, *, casefold: bool = True) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.error(name, f"must be a list of strings, not {type(value).__name__}")
        seen: set[str] = set()
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                raise self.error(name, f"must contain only non-empty strings, got {item!r}")
            if item != item.strip():
                raise self.error(name, f"item {item!r} must not start or end with whitespace")
            norm = _normalize(item) if casefold else item
            if norm in seen:
                raise self.error(name, f"lists {item!r} twice")
            seen.add(norm)
            out.append(item)
        return tuple(out)

    def year(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(name, f"must be an integer year, not {value!r}")
        if not _MIN_YEAR <= value <= _MAX_YEAR:
            raise self.error(name, f"must be a year between {_MIN_YEAR} and {_MAX_YEAR}")
        return value

    def date(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, _dt.datetime | _dt.time):
            raise self.error(name, "must be an ISO date such as '1961-03-30'")
        if isinstance(value, _dt.date):
            return value.isoformat()
        text = self.string(name)
        assert text is not None
        if not _DATE_RE.match(text):
            raise self.error(name, f"must be an ISO date such as '1961-03-30', not {text!r}")
        try:
            _dt.date.fromisoformat(text)
        except ValueError:
            raise self.error(name, f"is not a real date: {text!r}") from None
        return text

    def unts(self, name: str) -> str | None:
        text = self.string(name)
        if text is not None and not _UNTS_RE.match(text):
            raise self.error(name, f"must look like '976/14152' (volume/number), not {text!r}")
        return text

    def url(self, name: str) -> str | None:
        text = self.string(name)
        if text is not None and not re.match(r"^https?://\S+$", text):
            raise self.error(name, f"must be an http(s) URL without spaces, not {text!r}")
        return text


def _normalize(text: str) -> str:
    """Case- and whitespace-insensitive form used to detect clashing names."""
    return " ".join(text.split()).casefold()


def _tables(doc: Mapping[str, Any], file: str, name: str) -> list[Any]:
    value = doc.get(name, [])
    if not isinstance(value, list):
        raise RegistryError(f"{file}: '{name}' must be an array of tables ([[{name}]])")
    return value


def _check_top_level(doc: Mapping[str, Any], file: str, allowed: set[str]) -> None:
    unknown = sorted(set(doc) - allowed)
    if unknown:
        expected = ", ".join(f"[[{a}]]" for a in sorted(allowed))
        raise RegistryError(f"{file}: unknown top-level item {unknown[0]!r} (expected {expected})")


# ---------------------------------------------------------------------------------------
# Bodies


def _parse_bodies(doc: Mapping[str, Any]) -> tuple[Body, ...]:
    file = BODIES_FILE
    _check_top_level(doc, file, {"body"})
    raw = _tables(doc, file, "body")
    if not raw:
        raise RegistryError(f"{file}: no [[body]] tables found")

    bodies: list[Body] = []
    tables: list[_Table] = []
    first_seen: dict[str, int] = {}
    issuers: dict[str, int] = {}
    acronyms: dict[str, int] = {}
    names: dict[str, tuple[int, str]] = {}
    for index, data in enumerate(raw, start=1):
        t = _Table(file, "body", index, data, _BODY_FIELDS)
        key = t.string("key", required=True)
        assert key is not None
        if not re.match(r"^body/\S+$", key):
            raise t.error("key", f"must look like 'body/CND', not {key!r}")
        if key in first_seen:
            raise t.error("key", f"duplicates body #{first_seen[key]}")
        first_seen[key] = index

        acronym = t.string("acronym", required=True)
        name = t.string("name", required=True)
        assert acronym is not None and name is not None
        if acronym in acronyms:
            raise t.error("acronym", f"{acronym!r} is already used by body #{acronyms[acronym]}")
        acronyms[acronym] = index

        issuer = t.string("issuer")
        if issuer is not None:
            if not re.match(r"^[A-Za-z][A-Za-z0-9-]*$", issuer):
                raise t.error("issuer", f"must be a short code such as 'CND', not {issuer!r}")
            if issuer in issuers:
                raise t.error(
                    "issuer", f"code {issuer!r} is already used by body #{issuers[issuer]}"
                )
            issuers[issuer] = index

        variants = t.strings("names")
        for label in (name, *variants):
            norm = _normalize(label)
            if norm in names and names[norm][0] != index:
                other, other_key = names[norm]
                raise t.error(
                    "names", f"{label!r} is already a name of body #{other} ({other_key})"
                )
            names[norm] = (index, key)

        bodies.append(
            Body(
                key=key,
                acronym=acronym,
                name=name,
                names=variants,
                short=t.strings("short"),
                issuer=issuer,
                first_session_year=t.year("first_session_year"),
                parent=t.string("parent"),
                url=t.url("url"),
                definition=t.string("definition"),
            )
        )
        tables.append(t)

    for t, body in zip(tables, bodies, strict=True):
        if body.parent is None:
            continue
        if body.parent == body.key:
            raise t.error("parent", "must not refer to the body itself")
        if body.parent not in first_seen:
            raise t.error("parent", f"refers to unknown body {body.parent!r}")
    _check_parent_cycles(bodies)
    return tuple(bodies)


def _check_parent_cycles(bodies: list[Body]) -> None:
    parents = {b.key: b.parent for b in bodies}
    for index, body in enumerate(bodies, start=1):
        seen = {body.key}
        current = body.parent
        while current is not None:
            if current in seen:
                raise RegistryError(
                    f"{BODIES_FILE}: body #{index} ({body.key}): field 'parent' forms a cycle"
                )
            seen.add(current)
            current = parents.get(current)


# ---------------------------------------------------------------------------------------
# Instruments


def _parse_instruments(
    doc: Mapping[str, Any], bodies: tuple[Body, ...]
) -> tuple[tuple[Entry, ...], tuple[Collective, ...]]:
    file = INSTRUMENTS_FILE
    _check_top_level(doc, file, {"instrument", "collective"})
    raw = _tables(doc, file, "instrument")
    if not raw:
        raise RegistryError(f"{file}: no [[instrument]] tables found")

    body_keys = {b.key for b in bodies}
    issuer_codes = {b.issuer for b in bodies if b.issuer is not None}

    entries: list[Entry] = []
    tables: list[_Table] = []
    first_seen: dict[str, int] = {}
    # Normalized surface form -> (table number, key, field): names, short forms and
    # acronyms must each lead to exactly one instrument.
    surfaces: dict[str, tuple[int, str, str]] = {}
    treaty_refs: dict[str, tuple[int, str]] = {}  # UNTS "vol/No" -> (table number, key)
    for index, data in enumerate(raw, start=1):
        t = _Table(file, "instrument", index, data, _ENTRY_FIELDS)
        entry = _parse_entry(t, issuer_codes)
        if entry.key in first_seen:
            raise t.error("key", f"duplicates instrument #{first_seen[entry.key]}")
        if entry.key in body_keys:
            raise t.error("key", f"{entry.key!r} is already the key of a body")
        first_seen[entry.key] = index

        # Titles count as names: the extractor matches both, so neither may repeat.
        for fname, values, casefold in (
            ("names", (entry.title, *entry.names), True),
            ("short", entry.short, True),
            ("acronyms", entry.acronyms, False),
        ):
            for value in values:
                norm = ("" if casefold else "=") + (_normalize(value) if casefold else value)
                if norm in surfaces and surfaces[norm][0] != index:
                    other, other_key, other_field = surfaces[norm]
                    raise t.error(
                        fname,
                        f"{value!r} is already in '{other_field}' of instrument #{other}"
                        f" ({other_key})",
                    )
                surfaces[norm] = (index, entry.key, fname)

        if entry.owner is not None and entry.owner not in body_keys:
            raise t.error("owner", f"refers to unknown body {entry.owner!r}")
        for fname in ("unts", "amended_unts"):
            ref = getattr(entry, fname)
            if ref is None:
                continue
            if ref in treaty_refs and treaty_refs[ref][0] != index:
                other, other_key = treaty_refs[ref]
                raise t.error(
                    fname, f"{ref!r} is already used by instrument #{other} ({other_key})"
                )
            treaty_refs[ref] = (index, entry.key)
        entries.append(entry)
        tables.append(t)

    for t, entry in zip(tables, entries, strict=True):
        for fname in ("amended_by", "amends"):
            for ref in getattr(entry, fname):
                if ref == entry.key:
                    raise t.error(fname, "must not refer to the instrument itself")
                if ref not in first_seen:
                    raise t.error(fname, f"refers to unknown instrument {ref!r}")

    collectives = _parse_collectives(doc, set(first_seen), surfaces)
    return tuple(entries), collectives


def _parse_entry(t: _Table, issuer_codes: set[str]) -> Entry:
    key = t.string("key", required=True)
    kind = t.string("kind", required=True)
    title = t.string("title", required=True)
    assert key is not None and kind is not None and title is not None
    if kind not in KINDS:
        raise t.error("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")

    year = t.year("year")
    date = t.date("date")
    if year is not None and date is not None and int(date[:4]) != year:
        raise t.error("year", f"{year} does not match the year of date {date!r}")
    if year is None and date is not None:
        year = int(date[:4])

    issuer = t.string("issuer")
    number = t.string("number")
    if (issuer is None) != (number is None):
        missing = "number" if number is None else "issuer"
        raise t.error(missing, "is required when 'issuer' or 'number' is given")
    if issuer is not None and issuer not in issuer_codes:
        raise t.error("issuer", f"{issuer!r} is not the issuer code of any body in {BODIES_FILE}")
    if " " in key:
        # An instrument that is a resolution (or its annex) is keyed like the resolution,
        # "GA S-30/1", and the key must agree with its issuer and number.
        if issuer is None or number is None:
            raise t.error(
                "key", f"{key!r} is resolution-style, so 'issuer' and 'number' are required"
            )
        if key != f"{issuer} {number}":
            raise t.error("key", f"must be {issuer + ' ' + number!r} to match issuer and number")
    elif not re.match(rf"^{kind}/[a-z0-9][a-z0-9-]*$", key):
        raise t.error(
            "key", f"must look like '{kind}/some-name' (lowercase, digits, hyphens), not {key!r}"
        )

    entry = Entry(
        key=key,
        kind=kind,
        title=title,
        names=t.strings("names"),
        short=t.strings("short"),
        acronyms=t.strings("acronyms", casefold=False),
        year=year,
        date=date,
        unts=t.unts("unts"),
        amended_unts=t.unts("amended_unts"),
        amended_by=t.strings("amended_by", casefold=False),
        amends=t.strings("amends", casefold=False),
        issuer=issuer,
        number=number,
        owner=t.string("owner"),
        url=t.url("url"),
        definition=t.string("definition"),
    )
    if entry.unts is not None and entry.unts == entry.amended_unts:
        raise t.error("amended_unts", "must differ from 'unts'")
    return entry


def _parse_collectives(
    doc: Mapping[str, Any], keys: set[str], surfaces: dict[str, tuple[int, str, str]]
) -> tuple[Collective, ...]:
    file = INSTRUMENTS_FILE
    out: list[Collective] = []
    phrases_seen: dict[str, int] = {}
    for index, data in enumerate(_tables(doc, file, "collective"), start=1):
        t = _Table(file, "collective", index, data, _COLLECTIVE_FIELDS)
        phrases = t.strings("phrases")
        members = t.strings("members", casefold=False)
        if not phrases:
            raise t.error("phrases", "is required and must not be empty")
        if len(members) < 2:
            raise t.error("members", "must list at least two instrument keys")
        for member in members:
            if member not in keys:
                raise t.error("members", f"refers to unknown instrument {member!r}")
        for phrase in phrases:
            norm = _normalize(phrase)
            if norm in phrases_seen:
                raise t.error(
                    "phrases", f"{phrase!r} is already in collective #{phrases_seen[norm]}"
                )
            if norm in surfaces:
                other, other_key, other_field = surfaces[norm]
                raise t.error(
                    "phrases",
                    f"{phrase!r} is already in '{other_field}' of instrument #{other}"
                    f" ({other_key})",
                )
            phrases_seen[norm] = index
        out.append(Collective(phrases=phrases, members=members))
    return tuple(out)
