"""Registry names compiled into matchers: instrument names, short forms, bodies.

Long official titles are often quoted truncated ("... Implementation of Our Joint
Commitments of 2019"), so a name of more than ``MIN_PREFIX_WORDS`` words also matches any
prefix of at least that many words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from .registry import Body, Entry, Registry, load_registry

MIN_PREFIX_WORDS = 8  # a truncated title must keep at least this many words...
MIN_PREFIX_SHARE = 0.5  # ...and at least this share of the title's words


def _words_pattern(name: str, prefix_words: int | None) -> str:
    words = name.split()
    parts = [re.escape(w) for w in words]
    if prefix_words is None:
        return r"\s+".join(parts)
    prefix_words = max(prefix_words, math.ceil(len(words) * MIN_PREFIX_SHARE))
    if len(words) <= prefix_words:
        return r"\s+".join(parts)
    head = r"\s+".join(parts[:prefix_words])
    tail = ""
    for w in reversed(parts[prefix_words:]):
        tail = rf"(?:\s+{w}{tail})?"
    return head + tail


@dataclass(frozen=True)
class NameMatcher:
    """One regex over many names; ``targets[group]`` are the keys a group stands for."""

    regex: re.Pattern[str]
    targets: dict[str, tuple[str, ...]]

    def finditer(self, text: str):
        for m in self.regex.finditer(text):
            group = m.lastgroup
            if group:
                yield m, self.targets[group]


def _matcher(named: list[tuple[str, str]], *, flags: int, prefixes: bool) -> NameMatcher:
    """Compile (name, key) pairs, longest first; equal names share one group."""
    by_name: dict[str, list[str]] = {}
    for name, key in named:
        norm = " ".join(name.split())
        if norm:
            by_name.setdefault(norm, []).append(key)
    alternatives = []
    targets: dict[str, tuple[str, ...]] = {}
    for i, (name, keys) in enumerate(sorted(by_name.items(), key=lambda kv: -len(kv[0]))):
        group = f"n{i}"
        long_title = prefixes and len(name.split()) >= 2 * MIN_PREFIX_WORDS - 2
        pattern = _words_pattern(name, MIN_PREFIX_WORDS if long_title else None)
        lead = r"(?<![\w-])" if name[0].isalnum() else ""
        alternatives.append(f"(?P<{group}>{lead}{pattern}(?![\\w-]))")
        targets[group] = tuple(dict.fromkeys(keys))
    if not alternatives:
        return NameMatcher(re.compile(r"(?!x)x"), {})
    return NameMatcher(re.compile("|".join(alternatives), flags), targets)


@dataclass(frozen=True)
class Names:
    registry: Registry
    instruments: NameMatcher  # full names and short forms, case-insensitive
    acronyms: NameMatcher  # instrument acronyms, case-sensitive
    collectives: NameMatcher
    body_names: NameMatcher  # full names, case-insensitive
    body_acronyms: NameMatcher  # case-sensitive
    body_short: NameMatcher  # "the Board", "the Office": capitalised, case-sensitive
    titles: tuple[tuple[str, str], ...]  # (lower-cased full name, key), for text cut mid-name

    def entry(self, key: str) -> Entry | None:
        return self.registry.entry(key)

    def body(self, key: str) -> Body | None:
        return self.registry.body(key)


@cache
def names(registry_dir: str | None = None) -> Names:
    reg = load_registry(registry_dir)
    inst: list[tuple[str, str]] = []
    acr: list[tuple[str, str]] = []
    for e in reg.entries:
        for n in (e.title, *e.names):
            inst.append((n, e.key))
        for n in e.short:
            inst.append((n, e.key))
        for n in e.acronyms:
            acr.append((n, e.key))
    coll = [(p, str(i)) for i, c in enumerate(reg.collectives) for p in c.phrases]
    bnames: list[tuple[str, str]] = []
    bacr: list[tuple[str, str]] = []
    bshort: list[tuple[str, str]] = []
    for b in reg.bodies:
        for n in (b.name, *b.names):
            bnames.append((n, b.key))
        if b.acronym:
            bacr.append((b.acronym, b.key))
        for s in b.short:
            bshort.append((re.sub(r"^the\s+", "", s, flags=re.I), b.key))
    return Names(
        registry=reg,
        instruments=_matcher(inst, flags=re.I, prefixes=True),
        acronyms=_matcher(acr, flags=0, prefixes=False),
        collectives=_matcher(coll, flags=re.I, prefixes=False),
        body_names=_matcher(bnames, flags=re.I, prefixes=False),
        body_acronyms=_matcher(bacr, flags=0, prefixes=False),
        body_short=_matcher(bshort, flags=0, prefixes=False),
        titles=tuple((" ".join(n.split()).lower(), k) for n, k in inst if len(n.split()) >= 3),
    )


@cache
def adopting_issuers() -> dict[str, str]:
    """Lower-cased body names (and acronyms) -> issuer code, for bodies that adopt texts."""
    out: dict[str, str] = {}
    for b in load_registry().bodies:
        if b.issuer:
            for n in (b.name, *b.names, b.acronym):
                out[" ".join(n.split()).lower()] = b.issuer
    return out
