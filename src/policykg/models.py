"""Frozen records that flow from one stage to the next.

Every offset here is a Python ``str`` index into the *original* file decoded as UTF-8,
so ``original[start:end] == surface`` holds for every mention, however much cleaning
(markup, hyphenation, page headers, split words) happened in between.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

MentionKind = Literal[
    "resolution", "decision", "treaty", "declaration", "document", "report", "programme", "body"
]
MENTION_KINDS: tuple[str, ...] = (
    "resolution",
    "decision",
    "treaty",
    "declaration",
    "document",
    "report",
    "programme",
    "body",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open range ``[start, end)`` of the original text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Marker:
    """A footnote marker (``¹``, ``<sup>1</sup>``, ``\\*``) lifted out of running text.

    ``position`` is where the marker stood in its paragraph's cleaned text.
    """

    label: str
    position: int
    span: Span


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of an instrument, read whole across page breaks and footnotes.

    ``label`` is ``title``, ``pp3`` (preambular), ``op5``/``op16(c)`` (operative),
    ``fn6`` (footnote body), ``para7`` (numbered paragraph of a report) or ``text3``.
    ``text`` is cleaned; ``offsets[i]`` is the original index of ``text[i]`` and
    ``offsets[len(text)]`` the original end of the paragraph.
    """

    label: str
    role: str  # title | heading | adopting | preamble | operative | footnote | text
    text: str
    offsets: tuple[int, ...] = field(repr=False)
    ends: tuple[int, ...] = field(repr=False)
    number: str | None = None
    verb: str | None = None
    verb_text: str | None = None
    markers: tuple[Marker, ...] = ()

    def original_span(self, start: int, end: int) -> Span:
        """Map a ``[start, end)`` range of ``text`` back to the original file."""
        if end <= start:
            pos = self.offsets[start]
            return Span(pos, pos)
        return Span(self.offsets[start], self.ends[end - 1])

    @property
    def span(self) -> Span:
        return self.original_span(0, len(self.text))


@dataclass(frozen=True)
class Footnote:
    label: str
    paragraph: Paragraph


@dataclass(frozen=True)
class Instrument:
    """A resolution, decision or other text found in a file (or an untitled fragment)."""

    key: str | None
    kind: str | None  # resolution | decision | document | None for fragments
    issuer: str | None
    number: str | None
    title: str | None
    date: str | None
    span: Span
    paragraphs: tuple[Paragraph, ...]
    adopting_body: str | None = None
    fragment: bool = False


@dataclass(frozen=True)
class Mention:
    """One reference, in one paragraph, to an instrument, document, programme or body.

    The first fields are the public interface of ``policykg extract --format jsonl``.
    """

    file: str
    citing: str | None
    kind: str
    key: str
    issuer: str | None
    number: str | None
    year: int | None
    date: str | None
    unts: str | None
    symbol: str | None
    article: str | None
    verb: str | None
    verb_text: str | None
    paragraph: str
    surface: str
    start: int
    end: int
    line: int = 0
    column: int = 0
    footnote: str | None = None
    amended_by: tuple[str, ...] = ()
    annex: bool = False
    issuer_from: str | None = None  # explicit | its | number | context | registry
    in_registry: bool = False
    published_in: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["amended_by"] = list(self.amended_by)
        return data


@dataclass(frozen=True)
class SessionRef:
    body: str | None  # body key, e.g. ``body/CND``
    number: int
    surface: str
    start: int
    end: int


@dataclass(frozen=True)
class Mandate:
    """An operative request: who is addressed, by which verb, to do what, by when."""

    file: str
    citing: str | None
    paragraph: str
    verb: str
    verb_text: str
    addressees: tuple[str, ...]
    addressee_text: str
    partners: tuple[str, ...]
    action: str
    due_session: SessionRef | None
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["addressees"] = list(self.addressees)
        data["partners"] = list(self.partners)
        return data


@dataclass(frozen=True)
class Finding:
    """A warning about the text: unresolved ``Ibid.``, conflicting dates, and so on."""

    code: str
    message: str
    file: str
    line: int
    column: int
    key: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"


@dataclass(frozen=True)
class Extraction:
    """Everything read from one file."""

    file: str
    instruments: tuple[Instrument, ...]
    footnotes: tuple[Footnote, ...]
    mentions: tuple[Mention, ...]
    mandates: tuple[Mandate, ...]
    findings: tuple[Finding, ...]
    sha256: str
