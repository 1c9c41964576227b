"""Registry names compiled into matchers: instrument names, short forms, bodies.

Long official titles are often quoted truncated ("... Implementation of Our Joint
Commitments of 2019"), so a name of more than ``MIN_PREFIX_WORDS`` words also matches any
prefix of at least that many words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from .registry import Body, Entry, Registry, load_registry

MIN_PREFIX_WORDS = 8  # a truncated title must keep at least this many words...
MIN_PREFIX_SHARE = 0.5  # ...and at least this share of the title's words


_TOKEN = re.compile(r"[\w'’]+(?:[-–][\w'’]+)*|[^\w\s]")


def _words_pattern(name: str, prefix_words: int | None) -> str:
    """A regex for ``name`` with flexible spacing; optionally any prefix of enough words."""
    tokens = _TOKEN.findall(name)
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        word = tok[0].isalnum() or tok[0] == "_"
        sep = (
            ""
            if i == 0
            else (
                r"\s+"
                if word and (tokens[i - 1][0].isalnum() or tokens[i - 1] in ',;:)”"')
                else r"\s*"
            )
        )
        parts.append(sep + re.escape(tok))
    n_words = sum(1 for t in tokens if t[0].isalnum())
    if prefix_words is None:
        return "".join(parts)
    prefix_words = max(prefix_words, math.ceil(n_words * MIN_PREFIX_SHARE))
    if n_words <= prefix_words:
        return "".join(parts)
    # The head ends after the prefix_words-th word; each later token is optional, in order.
    seen, cut = 0, len(parts)
    for i, tok in enumerate(tokens):
        seen += tok[0].isalnum()
        if seen == prefix_words:
            cut = i + 1
            break
    # Later words are optional in order; punctuation goes with the word after it, so a
    # truncated title never ends on a comma or an opening quote.
    units: list[str] = []
    pending = ""
    for part, tok in zip(parts[cut:], tokens[cut:], strict=True):
        if tok[0].isalnum():
            units.append(pending + part)
            pending = ""
        else:
            pending += part
    if pending and units:
        units[-1] += pending
    tail = ""
    for unit in reversed(units):
        tail = f"(?:{unit}{tail})?"
    return "".join(parts[:cut]) + tail


_WORD = re.compile(r"[\w'’]+")


@dataclass(frozen=True)
class NameMatcher:
    """Names indexed by their first word: at each word of a text, only the names that
    begin with it are tried, and the longest match wins. Matches do not overlap."""

    index: dict[str, tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]]
    fold_case: bool
    trigger: re.Pattern[str]  # any first word, found by the regex engine rather than a loop

    def finditer(self, text: str) -> Iterator[tuple[re.Match[str], tuple[str, ...]]]:
        last_end = 0
        for w in self.trigger.finditer(text):
            if w.start() < last_end:
                continue
            word = w.group().lower() if self.fold_case else w.group()
            best: tuple[re.Match[str], tuple[str, ...]] | None = None
            for rx, keys in self.index.get(word, ()):
                m = rx.match(text, w.start())
                if m and (best is None or m.end() > best[0].end()):
                    best = (m, keys)
            if best is not None:
                yield best
                last_end = best[0].end()


def _matcher(named: list[tuple[str, str]], *, flags: int, prefixes: bool) -> NameMatcher:
    """Compile (name, key) pairs; equal names share one entry."""
    by_name: dict[str, list[str]] = {}
    for name, key in named:
        norm = " ".join(name.split()).rstrip(",;. ")
        if norm:
            by_name.setdefault(norm, []).append(key)
    fold = bool(flags & re.I)
    index: dict[str, list[tuple[re.Pattern[str], tuple[str, ...]]]] = {}
    for name, keys in by_name.items():
        first = _WORD.match(name)
        if first is None:
            continue
        long_title = prefixes and len(name.split()) >= 2 * MIN_PREFIX_WORDS - 2
        pattern = _words_pattern(name, MIN_PREFIX_WORDS if long_title else None)
        rx = re.compile(rf"(?<![\w-]){pattern}(?![\w-])", flags)
        word = first.group().lower() if fold else first.group()
        index.setdefault(word, []).append((rx, tuple(dict.fromkeys(keys))))
    words = sorted(index, key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words) or "(?!x)x"
    trigger = re.compile(rf"(?<![\w'’])(?:{alternation})(?![\w'’])", re.I if fold else 0)
    return NameMatcher({k: tuple(v) for k, v in index.items()}, fold, trigger)


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
