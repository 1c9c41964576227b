"""Named SPARQL queries: ``queries/NAME.rq`` files with a header, and safe parameter binding.

A query file opens with a header of ``# key: value`` comment lines::

    # title: What an instrument cites
    # description: Every instrument cited by ?instrument, in citation order.
    # param: instrument IRI https://w3id.org/policykg/resolution/CND/62/4 — the citing instrument
    # requires: union-default-graph

The header is the leading block of comment lines (a bare ``#`` may separate them); every
line in it must be one of these keys, so a typo is an error, not a silent comment. ``param``
may repeat (``NAME TYPE DEFAULT — description``, TYPE one of ``IRI``, ``string``,
``integer``, ``date``); ``requires: union-default-graph`` marks a query that must run with the
default graph as the union of the named graphs (a property path across files' graphs).
:func:`bind` types each value and injects ``VALUES ?NAME { term }`` right after the query's
first top-level ``WHERE {``. This module runs nothing itself: :func:`execute` hands the bound
text to a ``query(sparql, union)`` callable, so pyoxigraph stays in ``store.py``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from .errors import PolicyKGError

__all__ = [
    "ENV_VAR",
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "QueryError",
    "bind",
    "default_queries_dir",
    "execute",
    "load_queries",
    "parse_header",
]

ENV_VAR = "POLICYKG_QUERIES"
PARAM_TYPES = ("IRI", "string", "integer", "date")
UNION = "union-default-graph"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
HEADER_KEYS = ("title", "description", "param", "requires")

_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# "# key: value"; a bare "#" line is allowed as a separator inside the header.
_HEADER_LINE = re.compile(r"#\s*(?P<key>[A-Za-z_-]+)\s*:\s*(?P<value>.*?)\s*")
# "NAME TYPE DEFAULT — description" (an em dash between default and description).
_PARAM = re.compile(r"(?P<name>\S+)\s+(?P<type>\S+)\s+(?P<default>.+?)\s+—\s+(?P<description>.+)")
# An absolute http(s) IRI: a host, then no space, control character or <>"{}|^`\ .
_IRI = re.compile(r"https?://[^\x00-\x20<>\"{}|^`\\/?#]+(?:[/?#][^\x00-\x20<>\"{}|^`\\]*)?")
_INTEGER = re.compile(r"[+-]?[0-9]{1,30}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Lexical pieces skipped while looking for the top-level "WHERE {" (so that "WHERE {" in a
# comment, a string or an IRI such as <https://example.org/#x> is not taken for it).
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRINGS = (
    re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S),
    re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S),
    re.compile(r'"(?:[^"\\\n\r]|\\.)*"'),
    re.compile(r"'(?:[^'\\\n\r]|\\.)*'"),
)
_WHERE = re.compile(r"WHERE\s*\{", re.I)


class QueryError(PolicyKGError, ValueError):
    """A malformed query file, or a parameter value that does not fit its declared type."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # one of PARAM_TYPES
    default: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: list[Param]
    requires_union: bool
    text: str

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise _unknown(self, name)


# --- loading ------------------------------------------------------------------------------


def default_queries_dir() -> Path:
    """``$POLICYKG_QUERIES`` if set, else ``queries/`` at the root of the repository."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "queries"


def load_queries(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file of ``directory`` (default :func:`default_queries_dir`), by name."""
    root = Path(directory) if directory is not None else default_queries_dir()
    if not root.is_dir():
        raise QueryError(f"{root}: no such folder of queries (set {ENV_VAR} to another one)")
    out: dict[str, NamedQuery] = {}
    for path in sorted(root.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise QueryError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
        out[path.stem] = parse_header(text, str(path))
    return out


def parse_header(text: str, name: str) -> NamedQuery:
    """Read the header of one query file. ``name`` is the query name or the file's path.

    Raises :class:`QueryError` (a ``ValueError``) saying ``file:line: what is wrong``.
    """
    where = name if name.endswith(".rq") else f"{name}.rq"
    stem = Path(where).stem
    if not _NAME.fullmatch(stem):
        raise QueryError(f"{where}: a query name is lower-case letters, digits and '-'")

    def fail(line: int, reason: str) -> QueryError:
        return QueryError(f"{where}:{line}: {reason}")

    fields: dict[str, tuple[str, int]] = {}
    params: list[Param] = []
    param_lines: dict[str, int] = {}
    requires_union = False
    lines = text.splitlines()
    body_start = None  # 1-based number of the first line after the header
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line.startswith("#"):
            body_start = n
            break
        if line.strip("#").strip() == "":
            continue
        m = _HEADER_LINE.fullmatch(line)
        if not m or m.group("key") not in HEADER_KEYS:
            raise fail(
                n,
                f"expected a header line '# KEY: value' with KEY one of {', '.join(HEADER_KEYS)}"
                " (end the header with a line that is not a comment)",
            )
        key, value = m.group("key"), m.group("value")
        if not value:
            raise fail(n, f"'{key}' has no value")
        if key == "param":
            p = _parse_param(value, fail, n)
            if p.name in param_lines:
                raise fail(n, f"parameter '{p.name}' is declared twice")
            params.append(p)
            param_lines[p.name] = n
        elif key == "requires":
            if value != UNION:
                raise fail(n, f"unknown requirement '{value}'; valid: {UNION}")
            requires_union = True
        elif key in fields:
            raise fail(n, f"'{key}' is given twice (first on line {fields[key][1]})")
        else:
            fields[key] = (value, n)
    for key in ("title", "description"):
        if key not in fields:
            raise fail(1, f"the header has no '# {key}: ...' line")
    body = "\n".join(lines[body_start - 1 :]) if body_start else ""
    if not body.strip():
        raise fail(len(lines) + 1, "the file has a header but no query")
    for p in params:
        if not re.search(rf"[?$]{p.name}(?![A-Za-z0-9_])", body):
            raise fail(param_lines[p.name], f"parameter '{p.name}' is not used as ?{p.name}")
    if params:
        try:
            _injection_point(text)
        except QueryError as exc:
            raise fail(param_lines[params[0].name], str(exc)) from None
    return NamedQuery(
        name=stem,
        title=fields["title"][0],
        description=fields["description"][0],
        params=params,
        requires_union=requires_union,
        text=text,
    )


def _parse_param(value: str, fail: Callable[[int, str], QueryError], n: int) -> Param:
    m = _PARAM.fullmatch(value)
    if not m:
        raise fail(n, "expected '# param: NAME TYPE DEFAULT — description' (with an em dash)")
    name, kind, default = m.group("name"), m.group("type"), m.group("default")
    if not _VARIABLE.fullmatch(name):
        raise fail(n, f"parameter name '{name}' is not a SPARQL variable name")
    if kind not in PARAM_TYPES:
        raise fail(n, f"parameter type '{kind}' is not one of {', '.join(PARAM_TYPES)}")
    p = Param(name=name, type=kind, default=default, description=m.group("description"))
    try:
        _term(p, default)
    except QueryError as exc:
        raise fail(n, f"default: {exc}") from None
    return p


# --- binding ------------------------------------------------------------------------------


def bind(query: NamedQuery, values: Mapping[str, str]) -> str:
    """The query text with every parameter bound (given value, else default) by VALUES.

    ``values`` maps parameter names to their text; a name that is not a parameter of the
    query is an error that lists the valid ones.

    Each value is checked against its type and written as a SPARQL term, so that no value
    can change the query: an IRI must be an absolute http(s) IRI, a string is escaped.
    """
    known = {p.name for p in query.params}
    for name in values:
        if name not in known:
            raise _unknown(query, name)
    if not query.params:
        return query.text
    rows = []
    for p in query.params:
        value = values.get(p.name)
        if value is None:  # absent or None: the declared default
            value = p.default
        rows.append(f"VALUES ?{p.name} {{ {_term(p, value)} }}")
    at = _injection_point(query.text)
    return query.text[:at] + "\n  " + "\n  ".join(rows) + "\n" + query.text[at:]


T = TypeVar("T")


def execute(
    query: Callable[[str, bool], T], named: NamedQuery, values: Mapping[str, str] | None = None
) -> T:
    """Bind ``named`` and run it through ``query(sparql, union)``."""
    return query(bind(named, values or {}), named.requires_union)


def _unknown(query: NamedQuery, name: str) -> QueryError:
    valid = ", ".join(p.name for p in query.params) or "none"
    return QueryError(f"query '{query.name}' has no parameter '{name}'; valid parameters: {valid}")


def _term(p: Param, value: object) -> str:
    """The SPARQL term for one parameter value, or a QueryError naming the parameter."""
    if isinstance(value, int) and not isinstance(value, bool) and p.type == "integer":
        value = str(value)
    if not isinstance(value, str):
        raise QueryError(f"parameter '{p.name}' ({p.type}) must be given as text, not {value!r}")

    def bad(expected: str) -> QueryError:
        return QueryError(f"parameter '{p.name}' ({p.type}) must be {expected}, not {value!r}")

    if p.type == "IRI":
        if not _IRI.fullmatch(value):
            raise bad('an absolute http(s) IRI without spaces or any of <>"{}|^`\\')
        return f"<{value}>"
    if p.type == "integer":
        if not _INTEGER.fullmatch(value):
            raise bad("an integer")
        return str(int(value))
    if p.type == "date":
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            raise bad("an ISO date YYYY-MM-DD") from None
        return f'"{day.isoformat()}"^^<{XSD_DATE}>'
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise bad("valid Unicode text") from None
    return '"' + _escape(value) + '"'


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
_ESCAPES["\f"] = "\\f"


def _escape(value: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in value)


def _injection_point(text: str) -> int:
    """Offset just after the first ``WHERE {`` outside comments, strings and IRIs.

    Raises :class:`QueryError` if there is none at the top level (``SELECT * { { SELECT ...
    WHERE { ... } } }`` has one only inside a subquery, where VALUES would bind nothing).
    """
    i = depth = 0
    while i < len(text):
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end + 1
            continue
        if c in "\"'":
            for pattern in _STRINGS:
                if m := pattern.match(text, i):
                    i = m.end()
                    break
            else:
                raise QueryError(f"unterminated string at offset {i}")
            continue
        if c == "<" and (m := _IRIREF.match(text, i)):
            i = m.end()
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c in "Ww" and depth == 0 and (m := _WHERE.match(text, i)):
            before = text[i - 1] if i else " "
            if not (before.isalnum() or before in "_?$:"):
                return m.end()
        i += 1
    raise QueryError("parameters need a top-level 'WHERE {' to bind them in")
