"""Read a file and clean its text, keeping every character's way back to the source.

Cleaning runs as a few rewrites of a :class:`~policykg.textmap.TextMap`:

1. page furniture: line endings, running headers/footers and page numbers of
   PDF-extracted text, markdown heading marks and rules;
2. inline markup: ``*italic*``, ``**bold**``, ``[73/192](#)`` links, HTML tags, escapes;
3. unwrapping: hard line wraps joined, words hyphenated across line ends rejoined;
4. split words: ``Declarati on`` -> ``Declaration`` where a word list says so;
5. footnote markers (``¹``, ``<sup>1</sup>``, ``*``) lifted out of the running text.

The result keeps one paragraph per line, separated by blank lines where the source had them.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import patterns as P
from .errors import SourceError
from .models import Marker, Span
from .textmap import TextMap

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")


@dataclass(frozen=True, eq=False)
class Cleaned:
    """Cleaned text of one file, with the footnote markers lifted out of it."""

    original: str
    text: TextMap
    markers: tuple[Marker, ...]  # inline markers; ``position`` indexes ``text``
    footnote_starts: dict[int, str]  # position of a footnote body's first char -> its label


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def read_source(path: str | Path, max_bytes: int = 50_000_000) -> str:
    """Read ``path`` as UTF-8 text, or raise :class:`SourceError` saying why not."""
    name = str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise SourceError(name, "no such file") from None
    except OSError as exc:
        raise SourceError(name, f"cannot read: {exc.strerror}") from None
    if p.is_dir():
        raise SourceError(name, "is a folder, not a file")
    if size > max_bytes:
        raise SourceError(
            name,
            f"file is {size:,} bytes, over the limit of {max_bytes:,} (POLICYKG_MAX_FILE_BYTES)",
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SourceError(name, f"cannot read: {exc.strerror}") from None
    if not data.strip():
        raise SourceError(name, "file is empty")
    if b"\x00" in data[:8192]:
        raise SourceError(name, "binary file (contains NUL bytes), expected UTF-8 text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8", errors="replace")
        line, column = line_column(prefix, len(prefix))
        raise SourceError(
            name, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at byte {exc.start}", line, column
        ) from None


def clean(original: str) -> Cleaned:
    """Clean ``original`` in the five passes described in the module docstring."""
    tm = TextMap.identity(original)
    tm = tm.rewrite(_newline_edits(tm.text))
    tm = tm.rewrite(_furniture_edits(tm.text))
    tm = tm.rewrite(_markup_edits(tm.text))
    tm = tm.rewrite(_unwrap_edits(tm.text))
    tm = tm.rewrite(_split_word_edits(tm.text))
    return _lift_markers(original, tm)


# --- pass 1: page furniture ---------------------------------------------------------------


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, ``end`` excluding the newline."""
    out, pos = [], 0
    for m in re.finditer("\n", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _is_header(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.endswith(".") and bool(P.HEADER_LINE.match(stripped))


def _newline_edits(text: str) -> list[tuple[int, int, str]]:
    """``\r\n``, ``\r``, form feeds and Unicode line separators become ``\n``; BOM dropped."""
    return [
        (m.start(), m.end(), "" if m.group() == "\ufeff" else "\n")
        for m in re.finditer(r"\r\n?|\f|\u2028|\u2029|\ufeff", text)
    ]


def _furniture_edits(text: str) -> list[tuple[int, int, str]]:
    """Delete running headers/footers and page numbers; strip heading marks and rules."""
    lines = _lines(text)
    header_idx = {i for i, (a, b) in enumerate(lines) if _is_header(text[a:b])}

    # A running header with words (a repeated short title) stands beside a page-number line.
    def beside_header(i: int) -> bool:
        return any(j in header_idx for j in range(i - 2, i + 3) if j != i)

    repeated = Counter(
        text[a:b].strip() for i, (a, b) in enumerate(lines) if 0 < b - a <= 90 and beside_header(i)
    )
    for i, (a, b) in enumerate(lines):
        if repeated.get(text[a:b].strip(), 0) >= 3 and beside_header(i):
            header_idx.add(i)
    # Symbol-and-title running headers, seen at least twice.
    titled = Counter(
        " ".join(text[a:b].split()) for a, b in lines if P.SYMBOL_TITLE_LINE.match(text[a:b])
    )
    for i, (a, b) in enumerate(lines):
        if titled.get(" ".join(text[a:b].split()), 0) >= 2:
            header_idx.add(i)
    edits: list[tuple[int, int, str]] = []
    for i, (a, b) in enumerate(lines):
        line = text[a:b]
        if i in header_idx:
            edits.append((a, min(b + 1, len(text)), ""))
        elif P.RULE_LINE.match(line):
            edits.append((a, b, ""))
        elif m := P.HEADING_PREFIX.match(line):
            edits.append((a, a + m.end(), ""))
    return edits


# --- pass 2: inline markup -----------------------------------------------------------------

EMPHASIS_PAIR = re.compile(r"(?<![\\*\w])(\*{1,3})(?=[^\s*])(?:[^*\n]|\\\*)+?(?<=[^\s\\*])\1(?!\*)")
UNDERSCORE_PAIR = re.compile(r"(?<![\\\w])(_{1,2})(?=\S)[^_\n]+?(?<=\S)\1(?!\w)")


def _markup_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for m in P.MARKDOWN_LINK.finditer(text):
        inner_end = m.start(1) + len(m.group(1))
        edits.append((m.start(), m.start() + 1, ""))
        edits.append((inner_end, m.end(), ""))
    for rx in (EMPHASIS_PAIR, UNDERSCORE_PAIR):
        for m in rx.finditer(text):
            k = len(m.group(1))
            edits.append((m.start(), m.start() + k, ""))
            edits.append((m.end() - k, m.end(), ""))
    for m in P.HTML_TAG.finditer(text):
        edits.append((m.start(), m.end(), ""))
    for m in P.ESCAPE.finditer(text):
        edits.append((m.start(), m.start() + 1, ""))
    edits.sort()
    kept: list[tuple[int, int, str]] = []
    for e in edits:
        if not kept or e[0] >= kept[-1][1]:
            kept.append(e)
    return kept


# --- pass 3: unwrapping ---------------------------------------------------------------------

_NEW_BLOCK = re.compile(
    rf"""^\s*(?:
        [{P.SUPERSCRIPTS}]                      # footnote body
      | <sup>
      | \*\s
      | (?:Resolution|Decision)\s+\S+\s*$       # title line
      | The\s+[A-Z][\w\s]+,\s*$                 # adopting body line
      | \d{{1,4}}/\d{{1,4}}\.\s                  # GA-style numbered title
    )""",
    re.X,
)
# Lines that are a block on their own: titles, adopting body, "[on the report of ...]".
_WHOLE_LINE_BLOCK = re.compile(
    r"""^\s*(?:(?:Resolution|Decision)\s+\S+|The\s+[A-Z][\w\s]+,|\[[^\]]+\]
        |(?:Resolution|Decision)\s+adopted\s+by\s+.*)\s*$""",
    re.X,
)
_NUMBERED = re.compile(r"^\s*\d{1,3}\.\s+\S")
_OPENER = re.compile(rf"^\s*(?:{P.PREAMBLE_OPENER.pattern[1:]})", re.I)


def _starts_block(prev: str, line: str, typical: int = 80) -> bool:
    """Does ``line`` start a new paragraph after ``prev`` (both non-blank)?"""
    if _NEW_BLOCK.match(line) or _WHOLE_LINE_BLOCK.match(prev):
        return True
    indent = len(line) - len(line.lstrip())
    prev_indent = len(prev) - len(prev.lstrip())
    line = line.lstrip()
    ends_clause = bool(re.search(r"[.;:]\W*$", prev))
    if indent >= 3 and indent > prev_indent and re.search(r"[,;:.]\W*$", prev):
        return True  # a first-line indent after the end of a clause
    if ends_clause and _NUMBERED.match(line):
        return True
    if re.search(r"[,;:.]\W*$", prev) and re.match(r"\(\w{1,5}\)\s", line):
        return True  # (a) sub-paragraph after the clause that introduces it
    if re.search(r"[,;:.]\W*$", prev) and line[:1].isupper() and _OPENER.match(line):
        return True
    if P.PLAIN_FOOTNOTE_START.match(line.lstrip()):
        return True
    # A line much shorter than the text's lines, without final punctuation: a heading.
    return (
        len(prev.strip()) < min(60, 0.6 * typical)
        and not re.search(r"[,;:.\-]\W*$", prev)
        and line[:1].isupper()
        and (
            prev.strip()[:1].isupper()
            and not re.search(r"\b(?:of|the|and|in|on|to|for|by)$", prev.strip())
        )
    )


def _unwrap_edits(text: str) -> list[tuple[int, int, str]]:
    lines = _lines(text)
    if len(lines) < 2:
        return []
    vocabulary: set[str] | None = None
    lengths = sorted(len(text[a:b].strip()) for a, b in lines if b > a)
    typical = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 80
    edits: list[tuple[int, int, str]] = []
    filled = [(a, b) for a, b in lines if text[a:b].strip()]
    for (a1, b1), (a2, b2) in itertools.pairwise(filled):
        prev, line = text[a1:b1], text[a2:b2]
        across_blank = "\n" in text[b1 + 1 : a2]  # blank lines between: a page break
        if not across_blank and _starts_block(prev, line, typical):
            continue
        stripped = prev.rstrip()
        tail = b1 - (len(prev) - len(stripped))
        lead = a2 + (len(line) - len(line.lstrip()))
        if (m := re.search(r"([A-Za-z]+)-$", stripped)) and (nxt := re.match(r"\s*([a-z]+)", line)):
            if vocabulary is None:
                vocabulary = _document_vocabulary(text)
            keep = _keep_hyphen(m.group(1), nxt.group(1), vocabulary)
            edits.append((tail if keep else tail - 1, lead, ""))
        elif not across_blank:
            edits.append((tail, lead, " "))
    return edits


def _document_vocabulary(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text)}


def _keep_hyphen(first: str, second: str, vocabulary: set[str]) -> bool:
    """Was ``first-`` + ``second`` a hyphenated compound, not a word broken at a line end?"""
    joined, compound = (first + second).lower(), f"{first}-{second}".lower()
    if compound in vocabulary:
        return True
    if joined in vocabulary:
        return False
    zipf = _zipf()
    if zipf(joined) >= 2.0:
        return False
    return zipf(first) >= 3.0 and zipf(second) >= 3.0


# --- pass 4: words split by extraction -------------------------------------------------------

_PAIR = re.compile(r"(?<![\w-])([A-Za-z]{1,20}) ([a-z]{1,20})(?![\w-])")
_RARE = 5.5  # a part rarer than this (Zipf scale) makes a pair worth a look
_MARGIN = 3.0  # the joined word must be this much likelier than the two words apart


@cache
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


_ZIPF_CACHE: dict[str, float] = {}


def _zipf():
    """Zipf frequency of a word (log10 of uses per billion words); 0 for unknown words."""
    freqs = _frequencies()

    def zipf(word: str) -> float:
        w = word.lower()
        z = _ZIPF_CACHE.get(w)
        if z is None:
            f = freqs.get(w, 0.0)
            z = _ZIPF_CACHE[w] = math.log10(f * 1e9) if f > 0 else 0.0
        return z

    return zipf


def _split_word_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    zipf = None
    pos = 0
    while m := _PAIR.search(text, pos):
        a, b = m.group(1), m.group(2)
        pos = m.start(2)  # pairs overlap: "x a nd" tries "x a" then "a nd"
        if zipf is None:
            zipf = _zipf()
        za, zb = zipf(a), zipf(b)
        if min(za, zb) >= _RARE:
            continue
        zj = zipf(a + b)
        if zj >= 2.5 and zj - (za + zb - 9.0) >= _MARGIN:
            edits.append((m.start(2) - 1, m.start(2), ""))
            pos = m.end()
    return edits


# --- pass 5: footnote markers ---------------------------------------------------------------


_PLAIN_NOTE_LINE = re.compile(r"(?m)^[ \t]*(\d{1,3})[ \t]+(?=[A-Z*\"“])\S.*$")


def _plain_footnote_starts(text: str) -> dict[str, re.Match[str]]:
    """Footnote bodies labelled with plain digits ("6 United Nations, Treaty Series ...").

    A line counts when it opens like a footnote, or when it starts a block and the same
    number stands glued to a word earlier in the text ("Protocol,6").
    """
    glued = {m.group(1): m.start() for m in P.PLAIN_MARKER.finditer(text)}
    out: dict[str, re.Match[str]] = {}
    for m in _PLAIN_NOTE_LINE.finditer(text):
        label = m.group(1)
        if re.match(rf"\d+\s+{P.MONTH}\b", m.group().lstrip()):
            continue
        block_start = m.start() == 0 or text[max(0, m.start() - 2) : m.start()] == "\n\n"
        if P.PLAIN_FOOTNOTE_START.match(m.group().lstrip()) or (
            block_start and glued.get(label, len(text)) < m.start()
        ):
            out.setdefault(label, m)
    return out


_YEAR_MARKER = re.compile(r"(?<![\w/.-])((?:1[89]|20)\d\d)(\d{1,3})(?=[\s,;.:)”]|$)")
_SPACED_MARKER = re.compile(r"(?<=[A-Za-z\d,;.”)]) (\d{1,3})(?= [a-z]| ?[,;.:](?:\s|$))")


def _plain_markers(text: str, plain: dict, at_line_start) -> list[tuple[int, int, str, bool]]:
    """Plain-digit markers of PDF text: glued ones ("Protocol,1"), and spaced ones
    ("of 1971 2 and") only when they are the next number in the footnote sequence."""
    labels = sorted(plain, key=int)
    cands = [(m.start(1), m.end(1), m.group(1), True) for m in P.PLAIN_MARKER.finditer(text)]
    cands += [(m.start(1), m.end(1), m.group(1), False) for m in _SPACED_MARKER.finditer(text)]
    # Glued to a year, "of 197126": only when 26 is the next footnote due.
    cands += [(m.start(2), m.end(2), m.group(2), False) for m in _YEAR_MARKER.finditer(text)]
    out: list[tuple[int, int, str, bool]] = []
    expected = 0
    for start, end, label, glued in sorted(cands):
        if label not in plain or at_line_start(start):
            continue
        if glued or (expected < len(labels) and label == labels[expected]):
            out.append((start, end, label, False))
            expected = labels.index(label) + 1
    return out


def _lift_markers(original: str, tm: TextMap) -> Cleaned:
    text = tm.text
    found: list[tuple[int, int, str, bool]] = []  # (start, end, label, at line start)

    def at_line_start(pos: int) -> bool:
        return (
            pos == 0
            or text[pos - 1] == "\n"
            or not text[text.rfind("\n", 0, pos) + 1 : pos].strip()
        )

    for m in P.SUPERSCRIPT_RUN.finditer(text):
        label = "".join(P.SUPERSCRIPT_VALUE[c] for c in m.group())
        found.append((m.start(), m.end(), label, at_line_start(m.start())))
    for m in P.SUP_TAG.finditer(text):
        found.append((m.start(), m.end(), m.group(1), at_line_start(m.start())))
    asterisk_notes = [m for m in re.finditer(r"(?m)^[ \t]*\*[ \t]+(?=\S)", text)]
    if asterisk_notes:
        for m in P.ASTERISK_MARKER.finditer(text):
            found.append((m.start(), m.end(), "*", False))
        for m in asterisk_notes:
            star = text.index("*", m.start())
            found.append((star, star + 1, "*", True))
    plain = _plain_footnote_starts(text)
    if plain:
        for label, m in plain.items():
            found.append((m.start(1), m.end(1), label, True))
        found.extend(_plain_markers(text, plain, at_line_start))
    found.sort()
    edits: list[tuple[int, int, str]] = []
    markers: list[Marker] = []
    footnote_starts: dict[int, str] = {}
    removed = 0
    last_end = -1
    for start, end, label, line_start in found:
        if start < last_end:
            continue
        if line_start:  # a footnote body's label: drop it with the space after it
            while end < len(text) and text[end] in " \t":
                end += 1
            footnote_starts[start - removed] = label
        else:
            span = Span(*tm.span(start, end))
            markers.append(Marker(label, start - removed, span))
        edits.append((start, end, ""))
        removed += end - start
        last_end = end
    cleaned = tm.rewrite(edits)
    return Cleaned(original, cleaned, tuple(markers), footnote_starts)
