"""Split a cleaned file into instruments: title, adopting body, paragraphs, footnotes.

A file may hold several instruments, begin or end in the middle of one, and carry
footnote bodies between the halves of a paragraph broken by a page. Paragraphs are read
whole: the halves are joined and the footnotes lifted out, with offsets kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import patterns as P
from .models import Footnote, Instrument, Marker, Paragraph, Span
from .sources import Cleaned
from .textmap import TextMap

_HEADING_LINE = re.compile(r"^\s*(?:#{1,6}\s|\*\*.*\*\*\s*$)")


@dataclass
class _Block:
    start: int  # in the cleaned text
    end: int
    # footnote | title | numbered-title | adopted-by | note | adopting | operative | sub
    # | heading | masthead | text
    role: str
    label: str | None = None  # footnote label
    pieces: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pieces = [(self.start, self.end)]


@dataclass(frozen=True)
class Structure:
    instruments: tuple[Instrument, ...]
    footnotes: tuple[Footnote, ...]


def read_structure(cleaned: Cleaned) -> Structure:
    """Recover instruments, paragraphs and footnotes from cleaned text."""
    tm = cleaned.text
    blocks = [_classify(cleaned, a, b) for a, b in _block_ranges(tm.text)]
    body = [b for b in blocks if b.role != "footnote"]
    _join_broken(cleaned, body)
    footnotes = tuple(
        Footnote(
            b.label or "?",
            _paragraph(tm, cleaned.markers, [(b.start, b.end)], f"fn{b.label}", "footnote"),
        )
        for b in blocks
        if b.role == "footnote"
    )
    return Structure(tuple(_instruments(tm, cleaned, body)), footnotes)


# --- blocks -------------------------------------------------------------------------------


def _block_ranges(text: str) -> list[tuple[int, int]]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        a, b = m.start(), m.end()
        while a < b and text[a] in " \t":
            a += 1
        while b > a and text[b - 1] in " \t":
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _classify(cleaned: Cleaned, a: int, b: int) -> _Block:
    text = cleaned.text.text[a:b]
    line_start = cleaned.text.text.rfind("\n", 0, a) + 1
    if line_start in cleaned.footnote_starts or a in cleaned.footnote_starts:
        label = cleaned.footnote_starts.get(a, cleaned.footnote_starts.get(line_start))
        return _Block(a, b, "footnote", label)
    if P.TITLE_LINE.match(text):
        return _Block(a, b, "title")
    if P.ADOPTED_BY_LINE.match(text):
        return _Block(a, b, "adopted-by")
    if P.NUMBERED_TITLE_LINE.match(text):
        return _Block(a, b, "numbered-title")
    if P.BRACKET_NOTE.match(text):
        return _Block(a, b, "note")
    if P.ADOPTING_LINE.match(text) and len(text) < 90:
        return _Block(a, b, "adopting")
    if P.OPERATIVE_START.match(text):
        return _Block(a, b, "operative")
    if P.SUB_START.match(text):
        return _Block(a, b, "sub")
    orig_start, orig_end = cleaned.text.span(a, b)
    line = cleaned.original[cleaned.original.rfind("\n", 0, orig_start) + 1 : orig_end]
    if _HEADING_LINE.match(line):
        return _Block(a, b, "heading")
    return _Block(a, b, "text")


def _opens_paragraph(block: _Block, text: str) -> bool:
    if block.role != "text":
        return True
    return bool(P.PREAMBLE_OPENER.match(text[block.start : block.end]))


def _page_break_between(cleaned: Cleaned, end: int, start: int) -> bool:
    """Did the source hold page furniture or footnotes between two blocks?"""
    gap = cleaned.original[
        cleaned.text.span(end - 1, end)[1] : cleaned.text.span(start, start + 1)[0]
    ]
    return bool(re.search(r"\S|\f", gap))


def _join_broken(cleaned: Cleaned, body: list[_Block]) -> None:
    """Join a paragraph broken by a page (and footnotes) to the block that continues it."""
    text = cleaned.text.text
    i = 0
    while i + 1 < len(body):
        prev, nxt = body[i], body[i + 1]
        prev_end = prev.pieces[-1][1]
        prev_text = text[prev.pieces[-1][0] : prev_end]
        nxt_text = text[nxt.start : nxt.end]
        joinable_prev = prev.role in ("text", "operative", "sub")
        unfinished = not P.SENTENCE_END.search(prev_text) and not _opens_paragraph(nxt, text)
        page_break = _page_break_between(cleaned, prev_end, nxt.start)
        continues = nxt.role == "text" and (
            nxt_text[:1].islower()
            or (unfinished and re.search(_OPEN_END, prev_text))
            or (unfinished and page_break)
            # Between numbered paragraphs only headings stand unnumbered: a full block
            # after a page break goes on with the numbered paragraph.
            or (
                page_break
                and prev.role in ("operative", "sub")
                and not _opens_paragraph(nxt, text)
                and P.SENTENCE_END.search(nxt_text)
                and len(nxt_text) > 80
            )
        )
        if joinable_prev and continues:
            prev.pieces.extend(nxt.pieces)
            del body[i + 1]
        else:
            i += 1


# A paragraph that stops on one of these words cannot be finished.
_OPEN_END = r"\b(?:of|the|and|or|in|on|to|for|by|with|a|an|its|their|from|at|as|into|that)$"


# --- instruments ----------------------------------------------------------------------------


def _paragraph(
    tm: TextMap,
    markers: tuple[Marker, ...],
    pieces: list[tuple[int, int]],
    label: str,
    role: str,
    number: str | None = None,
) -> Paragraph:
    assembled = tm.assemble(pieces)
    local: list[Marker] = []
    offset = 0
    for a, b in pieces:
        for mk in markers:
            if a <= mk.position <= b:
                local.append(Marker(mk.label, offset + mk.position - a, mk.span))
        offset += (b - a) + 1
    verb = verb_text = None
    text = assembled.text
    body_start = 0
    head = {"operative": P.OPERATIVE_START, "sub": P.SUB_START}.get(role)
    if head is not None and (m := head.match(text)):
        body_start = m.end()
    if role in ("preamble", "operative"):
        verb, verb_text = clause_verb(text[body_start:], role)
    return Paragraph(
        label=label,
        role=role,
        text=text,
        offsets=tuple(assembled.starts),
        ends=tuple(assembled.ends),
        number=number,
        verb=verb,
        verb_text=verb_text,
        markers=tuple(local),
    )


def clause_verb(text: str, role: str) -> tuple[str | None, str | None]:
    """The clause verb opening a paragraph, in base form and as written."""
    rx = P.OPERATIVE_OPENER if role == "operative" else P.PREAMBLE_OPENER
    m = rx.match(text)
    if not m:
        return None, None
    written = text[: m.end()].strip()
    base = re.sub(r"\s+", " ", m.group("verb")).strip()
    base = base[0].upper() + base[1:].lower()
    base = {
        "Calls on": "Calls upon",
        "Expressing its concern": "Expressing concern",
        "Expressing its appreciation": "Expressing appreciation",
        "Recognising": "Recognizing",
        "Emphasising": "Emphasizing",
        "Recognises": "Recognizes",
        "Emphasises": "Emphasizes",
    }.get(base, base)
    if base == "Expressing" and re.match(r"Expressing\s+(?:its\s+)?(?:\w+\s+)?concern", text, re.I):
        base = "Expressing concern"
    written = re.sub(r"\s+(?:of|that)$", "", written)
    return base, written


def _issuer_of(body_name: str, registry_bodies: dict[str, str]) -> str | None:
    return registry_bodies.get(re.sub(r"\s+", " ", body_name).strip().lower())


def _instruments(tm: TextMap, cleaned: Cleaned, body: list[_Block]) -> list[Instrument]:
    from .names import adopting_issuers  # registry-driven: body name -> issuer code

    issuers = adopting_issuers()
    text = tm.text
    groups: list[list[_Block]] = [[]]
    header_roles = ("title", "adopted-by", "numbered-title", "note")
    for blk in body:
        current = groups[-1]
        if (
            blk.role in header_roles
            and any(b.role not in (*header_roles, "heading") for b in current)
        ) or (blk.role in header_roles and any(b.role == blk.role for b in current)):
            groups.append([])
        groups[-1].append(blk)
    # A masthead (short lines, no sentences) belongs to the instrument after it.
    if (
        len(groups) > 1
        and groups[0]
        and all(
            not P.SENTENCE_END.search(text[b.start : b.end]) and b.role in ("text", "heading")
            for b in groups[0]
        )
    ):
        for b in groups[0]:
            b.role = "masthead"
        masthead = groups.pop(0)
        groups[0][:0] = masthead
    instruments: list[Instrument] = []
    for group in groups:
        if not group:
            continue
        instruments.append(_instrument(tm, cleaned, group, issuers))
    return instruments


def _instrument(
    tm: TextMap, cleaned: Cleaned, group: list[_Block], issuers: dict[str, str]
) -> Instrument:
    text = tm.text
    kind = number = title = date = adopting = issuer = None
    paragraphs: list[Paragraph] = []
    i = 0
    fragment = True
    # Header: title line(s), title text, adopting body.
    while i < len(group):
        blk = group[i]
        s = text[blk.start : blk.end]
        if blk.role in ("masthead", "note"):
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, blk.role, "heading"))
        elif blk.role == "title" and (m := P.TITLE_LINE.match(s)):
            kind, number, fragment = m.group("kind").lower(), _norm_number(m.group("number")), False
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, "title", "title"))
        elif blk.role == "adopted-by" and (m := P.ADOPTED_BY_LINE.match(s)):
            kind, fragment = m.group("kind").lower(), False
            issuer = _issuer_of(m.group("body"), issuers) or issuer
            if m.group("date"):
                from .dates import iso_date

                date = iso_date(m.group("date"))
        elif blk.role == "numbered-title" and (m := P.NUMBERED_TITLE_LINE.match(s)):
            number, title, fragment = (
                _norm_number(m.group("number")),
                m.group("title").strip(),
                False,
            )
            kind = kind or "resolution"
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, "title", "title"))
        elif blk.role == "adopting" and (m := P.ADOPTING_LINE.match(s)) and not fragment:
            adopting = m.group("body")
            issuer = _issuer_of(adopting, issuers) or issuer
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, "adopting", "adopting"))
            i += 1
            break
        elif not fragment and title is None and blk.role in ("text", "heading"):
            title = re.sub(r"\s+", " ", s).strip()
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, "title", "title"))
        else:
            break
        i += 1
    # Body paragraphs.
    pp = 0
    last_top: str | None = None
    in_operative = False
    text_count = 0
    is_resolution = not fragment or (
        any(b.role == "operative" for b in group[i:]) and _looks_operative(text, group[i:])
    )
    pending_first = True
    for blk in group[i:]:
        s = text[blk.start : blk.end]
        if blk.role == "operative" and (m := P.OPERATIVE_START.match(s)):
            n = m.group("number")
            if is_resolution and (in_operative or clause_verb(s[m.end() :], "operative")[0]):
                in_operative = True
                last_top = f"op{n}"
                paragraphs.append(
                    _paragraph(tm, cleaned.markers, blk.pieces, last_top, "operative", n)
                )
            else:
                last_top = f"para{n}"
                paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, last_top, "text", n))
        elif blk.role == "sub" and (m := P.SUB_START.match(s)) and last_top:
            role = (
                "operative"
                if last_top.startswith("op")
                else "preamble"
                if last_top.startswith("pp")
                else "text"
            )
            label = f"{last_top}({m.group('letter')})"
            para = _paragraph(tm, cleaned.markers, blk.pieces, label, "sub", m.group("letter"))
            parent = next((p for p in reversed(paragraphs) if p.label == last_top), None)
            if parent is not None:
                para = _with_verb(para, parent.verb, parent.verb_text, role)
            paragraphs.append(para)
        elif blk.role == "heading":
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, "heading", "heading"))
        elif is_resolution and not in_operative and not (pending_first and s[:1].islower()):
            pp += 1
            last_top = f"pp{pp}"
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, last_top, "preamble"))
        elif pending_first and s[:1].islower():
            # The tail of a paragraph whose start is not in this file.
            label = _continuation_label(text, group[i:])
            role = "operative" if label.startswith("op") else "text"
            paragraphs.append(_paragraph(tm, cleaned.markers, blk.pieces, label, role))
        else:
            text_count += 1
            paragraphs.append(
                _paragraph(tm, cleaned.markers, blk.pieces, f"text{text_count}", "text")
            )
        pending_first = False
    start = tm.span(group[0].start, group[0].end)[0]
    last = group[-1].pieces[-1]
    end = tm.span(last[0], last[1])[1]
    key = f"{issuer} {number}" if issuer and number else None
    return Instrument(
        key=key,
        kind=kind if not fragment else None,
        issuer=issuer,
        number=number,
        title=title,
        date=date,
        span=Span(start, end),
        paragraphs=tuple(paragraphs),
        adopting_body=adopting,
        fragment=fragment,
    )


def _with_verb(para: Paragraph, verb: str | None, verb_text: str | None, role: str) -> Paragraph:
    return replace(para, role=role, verb=verb, verb_text=verb_text)


def _looks_operative(text: str, blocks: list[_Block]) -> bool:
    """Numbered paragraphs that open with clause verbs: a resolution's operative part."""
    numbered = [b for b in blocks if b.role == "operative"]
    with_verb = sum(
        1
        for b in numbered
        if clause_verb(
            text[b.start : b.end][P.OPERATIVE_START.match(text[b.start : b.end]).end() :],
            "operative",
        )[0]  # type: ignore[union-attr]
    )
    return bool(numbered) and with_verb * 2 >= len(numbered)


def _continuation_label(text: str, blocks: list[_Block]) -> str:
    for b in blocks[1:]:
        if b.role == "operative" and (m := P.OPERATIVE_START.match(text[b.start : b.end])):
            return f"op{int(m.group('number')) - 1}"
    return "text0"


def _norm_number(number: str) -> str:
    return re.sub(r"\s+", " ", number).strip()
