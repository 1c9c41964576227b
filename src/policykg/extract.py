"""Find citations, bodies and mandates in the paragraphs of a file, in offset order.

Each finder yields :class:`Candidate` ranges of a paragraph's cleaned text; overlaps are
settled by priority and length; candidates become :class:`~policykg.models.Mention`
records with original offsets. Footnotes are read in file order so that "Ibid." can
take the previous footnote's source, and are linked to the mention their marker annotates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from . import patterns as P
from .dates import iso_date
from .document import Structure
from .models import Finding, Footnote, Instrument, Mandate, Mention, Paragraph, SessionRef
from .names import Names
from .sources import line_column

# Priority when candidates overlap: the more specific reading wins.
PRIORITY = {
    "resolution": 6,
    "decision": 6,
    "declaration": 5,
    "treaty": 5,
    "report": 5,
    "programme": 4,
    "document": 4,
    "body": 1,
}

_ISSUER_WORDS = {
    "commission on narcotic drugs": "CND",
    "cnd": "CND",
    "commission on crime prevention and criminal justice": "CCPCJ",
    "ccpcj": "CCPCJ",
    "general assembly": "GA",
    "assembly": "GA",
    "unga": "GA",
    "ga": "GA",
    "economic and social council": "ECOSOC",
    "ecosoc": "ECOSOC",
    "human rights council": "HRC",
    "hrc": "HRC",
    "security council": "SC",
    "world health assembly": "WHA",
    "wha": "WHA",
    "executive board": "WHO-EB",
}
_COMMISSIONS = ("CND", "CCPCJ")
_COUNCILS = ("ECOSOC", "HRC", "SC")
_HEAD_NOUNS = (
    "Commission",
    "Board",
    "Office",
    "Assembly",
    "Council",
    "Committee",
    "Organization",
    "Programme",
    "Secretariat",
    "Conference",
    "Fund",
)


@dataclass
class Candidate:
    start: int
    end: int
    kind: str
    key: str
    issuer: str | None = None
    number: str | None = None
    year: int | None = None
    date: str | None = None
    unts: str | None = None
    symbol: str | None = None
    article: str | None = None
    amended_by: tuple[str, ...] = ()
    annex: bool = False
    issuer_from: str | None = None
    in_registry: bool = False
    group: int | None = None  # candidates of one collective phrase share a group
    published_in: str | None = None
    footnote: str | None = None

    @property
    def priority(self) -> int:
        return PRIORITY[self.kind]


@dataclass
class FileContext:
    file: str
    original: str
    names: Names
    # Most recent body key for each head noun ("Board" -> body/INCB), for short forms.
    recent: dict[str, str] = field(default_factory=dict)
    # Issuer most recently seen adopting or acting in the file (for texts with no adopting body).
    file_issuer: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def finding(self, code: str, message: str, offset: int, key: str | None = None) -> None:
        line, column = line_column(self.original, offset)
        self.findings.append(Finding(code, message, self.file, line, column, key))


# --- the file-level entry point ---------------------------------------------------------


def find_mentions(structure: Structure, ctx: FileContext) -> tuple[list[Mention], list[Mandate]]:
    mentions: list[Mention] = []
    mandates: list[Mandate] = []
    by_paragraph: dict[int, tuple[Instrument, Paragraph, list[Candidate]]] = {}
    # The file may stop inside its last paragraph, even inside a name.
    last = (
        structure.instruments[-1].paragraphs[-1]
        if structure.instruments and structure.instruments[-1].paragraphs
        else None
    )
    for inst in structure.instruments:
        parents: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {}
        if inst.issuer:
            ctx.file_issuer = inst.issuer
        for para in inst.paragraphs:
            if para.role in ("title", "adopting") and (
                P.TITLE_LINE.match(para.text)
                or P.NUMBERED_TITLE_LINE.match(para.text)
                or para.role == "adopting"
            ):
                continue
            cands, bodies = paragraph_candidates(para.text, inst, ctx)
            if para is last and not P.SENTENCE_END.search(para.text):
                cands = _settle([*cands, *_truncated_name(para.text, ctx)], para.text)
            by_paragraph[id(para)] = (inst, para, cands)
            if para.role in ("operative", "sub") and para.label.startswith("op"):
                mandates.extend(find_mandates(para, inst, bodies, ctx, parents))
    _read_footnotes(structure, by_paragraph, ctx, mentions)
    for inst, para, cands in by_paragraph.values():
        mentions.extend(_to_mentions(cands, para, inst.key, para.verb, para.verb_text, ctx))
    mentions.sort(key=lambda m: (m.start, m.end, m.key))
    return mentions, mandates


def _truncated_name(text: str, ctx: FileContext) -> Iterator[Candidate]:
    """A registry title cut off by the end of the file: "... the Universal Declaration of"."""
    words = list(re.finditer(r"\S+", text))
    for i in range(max(0, len(words) - 12), len(words) - 1):
        if not words[i].group()[:1].isupper():
            continue
        tail = " ".join(w.group() for w in words[i:]).lower()
        keys = {k for title, k in ctx.names.titles if title.startswith(tail) and title != tail}
        if len(keys) == 1 and (entry := ctx.names.entry(keys.pop())):
            yield _entry_candidate(entry, words[i].start(), len(text), None)
            return


def paragraph_candidates(
    text: str, inst: Instrument | None, ctx: FileContext
) -> tuple[list[Candidate], list[Candidate]]:
    """Accepted citation candidates of one paragraph, and every body candidate in it."""
    found: list[Candidate] = []
    bodies = list(_bodies(text, inst, ctx))
    found.extend(_resolutions(text, inst, ctx, bodies))
    found.extend(_symbols(text))
    found.extend(_registry_instruments(text, ctx))
    found.extend(_generic_treaties(text, ctx))
    found.extend(_generic_declarations(text))
    found.extend(_collectives(text, ctx))
    found.extend(_outcome_documents(text, ctx))
    found.extend(_reports(text))
    found.extend(bodies)
    return _settle(found, text), bodies


def _settle(found: list[Candidate], text: str) -> list[Candidate]:
    """Keep the best reading where candidates overlap; merge adjacent repeats of one key."""
    order = sorted(
        found, key=lambda c: (-c.priority, not c.in_registry, -(c.end - c.start), c.start)
    )
    kept: list[Candidate] = []
    for c in order:
        clash = [k for k in kept if k.start < c.end and c.start < k.end]
        if not clash or all(
            k.group is not None and k.group == c.group and (k.start, k.end) == (c.start, c.end)
            for k in clash
        ):
            kept.append(c)
    kept.sort(key=lambda c: (c.start, c.end))
    out: list[Candidate] = []
    for c in kept:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.key == c.key
            and prev.group is None
            and c.group is None
            and c.start >= prev.end
            and _SAME_THING_GAP.fullmatch(text[prev.end : c.start])
        ):
            continue
        out.append(c)
    return out


# Between a citation and its own title: "resolution S-30/1 of 19 April 2016, entitled “".
_SAME_THING_GAP = re.compile(rf"(?:\s+of\s+{P.DATE})?[\s,]*(?:entitled\s*)?[“\"]?")


# --- resolutions and decisions ----------------------------------------------------------


def _issuer_code(phrase: str, inst: Instrument | None, ctx: FileContext) -> str | None:
    """The issuer code an issuer phrase names; "Commission"/"Council" by the text's context."""
    word = " ".join(phrase.split()).lower()
    context = (inst.issuer if inst else None) or ctx.file_issuer
    if word == "commission":
        return context if context in _COMMISSIONS else "CND"
    if word == "council":
        if context in _COUNCILS:
            return context
        return "ECOSOC"
    return _ISSUER_WORDS.get(word)


def issuer_from_number(number: str) -> str | None:
    """The body a number's shape implies: S-30/1 -> GA, 2003/32 -> ECOSOC, 217 A (III) -> GA."""
    if re.match(r"(?:S|ES)-\d", number) or re.search(r"\([IVXLC]+\)$", number):
        return "GA"
    if re.match(r"WHA|\d{1,2}\.\d{1,3}$", number):
        return "WHA"
    if re.search(r"\(\d{4}\)$", number):
        return "SC"
    if re.match(r"EB\d", number):
        return "WHO-EB"
    if (m := re.match(r"(\d{4})/\d+", number)) and 1946 <= int(m.group(1)) <= 2100:
        return "ECOSOC"
    return None


def _norm_number(number: str) -> str:
    """Canonical number: whitespace folded, "WHA72.1" -> "72.1" (the issuer says WHA)."""
    number = " ".join(number.split())
    return re.sub(r"^WHA\s?", "", number)


def resolution_key(kind: str, issuer: str | None, number: str) -> str:
    if kind == "decision":
        return f"{issuer or 'UN'} decision {number}"
    return f"{issuer} {number}" if issuer else f"UN {number}"


def _resolutions(
    text: str, inst: Instrument | None, ctx: FileContext, bodies: list[Candidate]
) -> Iterator[Candidate]:
    heads = list(P.RESOLUTION_HEAD.finditer(text))
    for idx, m in enumerate(heads):
        kind = m.group("kind").lower()
        number = _norm_number(m.group("number"))
        issuer, how = None, None
        if m.group("issuer"):
            issuer, how = _issuer_code(m.group("issuer"), inst, ctx), "explicit"
        elif m.group("its"):
            actor = P.ACTOR_BEFORE_ITS.search(text[max(0, m.start() - 120) : m.start()])
            code = _actor_issuer(actor.group("actor"), inst, ctx) if actor else None
            issuer = (
                code
                or (inst.issuer if inst else None)
                or _issuer_before(m.start(), bodies, ctx)
                or ctx.file_issuer
            )
            how = "its"
        else:
            after = P.ISSUER_AFTER.match(text[m.end("number") :])
            if after:
                issuer, how = (
                    _ISSUER_WORDS.get(" ".join(after.group("issuer").split()).lower()),
                    "explicit",
                )
            elif code := issuer_from_number(number):
                issuer, how = code, "number"
            else:
                issuer = (inst.issuer if inst else None) or ctx.file_issuer
                how = "context"
        shape = issuer_from_number(number)
        if shape and shape != issuer and how != "explicit":
            issuer, how = shape, "number"
        date = _date_after(text, m.end("number"))
        yield Candidate(
            m.start(),
            m.end("number"),
            kind,
            resolution_key(kind, issuer, number),
            issuer=issuer,
            number=number,
            date=date,
            annex=bool(m.group("annex")),
            issuer_from=how,
        )
        if m.group("plural"):
            limit = heads[idx + 1].start() if idx + 1 < len(heads) else len(text)
            stop = re.search(r";|\.\s+[A-Z]|\.$", text[m.end() : limit])
            if stop:
                limit = m.end() + stop.start()
            pos = m.end()
            while item := P.LIST_ITEM.search(text, pos, limit):
                n = _norm_number(item.group("number"))
                item_issuer = (
                    issuer_from_number(n) if how != "explicit" and issuer_from_number(n) else issuer
                )
                yield Candidate(
                    item.start("number"),
                    item.end("number"),
                    kind,
                    resolution_key(kind, item_issuer, n),
                    issuer=item_issuer,
                    number=n,
                    date=_date_after(text, item.end("number")),
                    issuer_from=how,
                )
                pos = item.end()


def _issuer_before(pos: int, bodies: list[Candidate], ctx: FileContext) -> str | None:
    """The last body able to adopt resolutions named before ``pos`` in the paragraph."""
    for c in sorted(bodies, key=lambda b: b.start, reverse=True):
        body = ctx.names.body(c.key)
        if c.end <= pos and body is not None and body.issuer:
            return body.issuer
    return None


def _actor_issuer(actor: str, inst: Instrument | None, ctx: FileContext) -> str | None:
    """The issuer named in "<Body>, in its resolution", if that body adopts resolutions."""
    words = " ".join(actor.split())
    for start in range(len(words.split())):
        tail = " ".join(words.split()[start:]).lower()
        tail = re.sub(r"^the\s+", "", tail)
        if tail in _ISSUER_WORDS:
            return _issuer_code(tail, inst, ctx)
    return None


def _date_after(text: str, pos: int) -> str | None:
    m = P.DATE_AFTER.match(text[pos : pos + 60])
    return iso_date(m.group("date")) if m else None


# --- documents by symbol ------------------------------------------------------------------


# A resolution's own symbol names it: A/RES/73/192 is GA 73/192, E/RES/2003/32 ECOSOC 2003/32.
_RESOLUTION_SYMBOLS = (
    (re.compile(r"A/RES/((?:S-|ES-)?\d+/\d+)"), "GA"),
    (re.compile(r"E/RES/(\d{4}/\d+)"), "ECOSOC"),
)


def _symbols(text: str) -> Iterator[Candidate]:
    for m in P.SYMBOL_RE.finditer(text):
        symbol = m.group()
        if not re.search(r"\d", symbol) or "/" not in symbol:
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        if re.search(r"(?:https?://|www\.)\S*$", before):
            continue
        issuer, number = next(
            (
                (code, res.group(1))
                for rx, code in _RESOLUTION_SYMBOLS
                if (res := rx.fullmatch(symbol))
            ),
            (None, None),
        )
        if issuer and number:
            yield Candidate(
                m.start(),
                m.end(),
                "resolution",
                f"{issuer} {number}",
                issuer=issuer,
                number=number,
                symbol=symbol,
                issuer_from="explicit",
            )
        else:
            yield Candidate(m.start(), m.end(), "document", f"document/{symbol}", symbol=symbol)


# --- treaties, declarations, reports and programmes named in the registry ------------------


def _year_near(text: str, start: int, end: int) -> tuple[int | None, int]:
    """A year written just before or after a name; returns (year, new end)."""
    before = P.YEAR_BEFORE.search(text[max(0, start - 6) : start])
    if before:
        return int(before.group("year")), end
    after = P.YEAR_AFTER.match(text[end : end + 12])
    if after:
        return int(after.group("year")), end + after.end()
    return None, end


def _pick(keys: tuple[str, ...], year: int | None, ctx: FileContext):
    entries = [e for k in keys if (e := ctx.names.entry(k))]
    if year is not None:
        exact = [e for e in entries if e.year == year]
        if exact:
            return exact[0]
    if len(entries) == 1:
        return entries[0]
    undated = [e for e in entries if e.year is None]
    return undated[0] if len(undated) == 1 else (entries[0] if entries and year is None else None)


def _registry_instruments(text: str, ctx: FileContext) -> Iterator[Candidate]:
    for matcher in (ctx.names.instruments, ctx.names.acronyms):
        for m, keys in matcher.finditer(text):
            start, end = m.start(), m.end()
            year, year_end = _year_near(text, start, end)
            entry = _pick(keys, year, ctx)
            if entry is None:
                continue
            if year is not None and entry.year is not None and year != entry.year:
                continue  # "the 1936 Convention" is not the 1961 one
            amended: tuple[str, ...] = ()
            end = year_end
            if entry.kind == "treaty" and (am := P.AS_AMENDED.match(text[end:])):
                end += am.end()
            if entry.kind == "treaty" and re.search(r"\bas\s+amended\b", text[start:end], re.I):
                amended = _amenders(entry, ctx)
            article = None
            if entry.kind == "treaty" and (
                art := P.ARTICLE_BEFORE.search(text[max(0, start - 60) : start])
            ):
                article = " ".join(art.group("article").split())
            yield _entry_candidate(entry, start, end, year, amended, article)


def _amenders(entry, ctx: FileContext) -> tuple[str, ...]:
    """Keys of the instruments that amend ``entry`` ("as amended by the 1972 Protocol")."""
    found = [e.key for e in ctx.names.registry.entries if entry.key in e.amends]
    return tuple(dict.fromkeys([*entry.amended_by, *found]))


def _entry_candidate(entry, start: int, end: int, year: int | None, amended=(), article=None):
    kind = entry.kind if entry.kind in PRIORITY else "programme"
    return Candidate(
        start,
        end,
        kind,
        entry.key,
        issuer=entry.issuer,
        number=entry.number,
        year=entry.year or year,
        unts=None,
        article=article,
        amended_by=tuple(amended),
        in_registry=True,
    )


def _collectives(text: str, ctx: FileContext) -> Iterator[Candidate]:
    for m, groups in ctx.names.collectives.finditer(text):
        collective = ctx.names.registry.collectives[int(groups[0])]
        gid = hash((m.start(), m.end())) & 0xFFFFFFF
        for key in collective.members:
            entry = ctx.names.entry(key)
            if entry:
                c = _entry_candidate(entry, m.start(), m.end(), None)
                c.group = gid
                yield c


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _generic_treaties(text: str, ctx: FileContext) -> Iterator[Candidate]:
    """Treaty names and short forms the registry does not list, keyed by their words."""
    treaties = [e for e in ctx.names.registry.entries if e.kind == "treaty"]
    for m in P.GENERIC_TREATY.finditer(text):
        name = " ".join(m.group("name").split())
        year = int(re.search(r"\d{4}", m.group("year")).group()) if m.group("year") else None
        entry = _closest_treaty(name, year, treaties)
        end = m.end()
        if entry is not None:
            amended = ()
            if am := P.AS_AMENDED.match(text[end:]):
                amended = _amenders(entry, ctx)
                end += am.end()
            art = P.ARTICLE_BEFORE.search(text[max(0, m.start() - 60) : m.start()])
            article = " ".join(art.group("article").split()) if art else None
            c = _entry_candidate(entry, m.start(), end, year, amended, article)
            c.in_registry = True
            yield c
        elif year is not None or name.split()[0] in (
            "Convention",
            "Protocol",
            "Covenant",
            "Treaty",
        ):
            key = f"treaty/{_slug(name)}" + (f"-{year}" if year else "")
            yield Candidate(m.start(), end, "treaty", key, year=year)
    for m in P.SHORT_TREATY.finditer(text):
        year = int(m.group("year"))
        word = m.group("word")
        matches = [e for e in treaties if e.year == year and word.lower() in e.title.lower()]
        end = m.end()
        if len(matches) >= 1:
            entry = matches[0]
            amended = ()
            if am := P.AS_AMENDED.match(text[end:]):
                amended = _amenders(entry, ctx)
                end += am.end()
            art = P.ARTICLE_BEFORE.search(text[max(0, m.start() - 60) : m.start()])
            article = " ".join(art.group("article").split()) if art else None
            yield _entry_candidate(entry, m.start(), end, year, amended, article)
        elif word in ("Convention", "Protocol"):
            yield Candidate(m.start(), end, "treaty", f"treaty/{word.lower()}-{year}", year=year)


_STOP = {"the", "of", "on", "and", "in", "for", "against", "to", "united", "nations", "a"}


def _closest_treaty(name: str, year: int | None, treaties) -> object | None:
    words = {w for w in re.findall(r"[a-z]+", name.lower()) if w not in _STOP}
    best, best_score = None, 0.0
    for e in treaties:
        if year is not None and e.year is not None and e.year != year:
            continue
        for n in (e.title, *e.names):
            other = {w for w in re.findall(r"[a-z]+", n.lower()) if w not in _STOP}
            if not other or not words:
                continue
            score = len(words & other) / len(words | other)
            if score > best_score:
                best, best_score = e, score
    return best if best_score >= 0.6 else None


def _generic_declarations(text: str) -> Iterator[Candidate]:
    """Declarations the registry does not list, keyed by their words and year."""
    for m in P.GENERIC_DECLARATION.finditer(text):
        name = " ".join(m.group("name").split())
        year = int(re.search(r"\d{4}", m.group("year")).group()) if m.group("year") else None
        qualified = len(name.split()) >= 3 and (
            year or re.search(r"\s(?:on|of|for|against|to)\s", name)
        )
        if not qualified or name.lower().startswith(("the ", "this ", "that ")):
            continue
        key = f"declaration/{_slug(name)}" + (f"-{year}" if year else "")
        yield Candidate(m.start(), m.end(), "declaration", key, year=year)


def _outcome_documents(text: str, ctx: FileContext) -> Iterator[Candidate]:
    """Outcome documents of special sessions of the General Assembly -> GA S-n/m."""
    for m in P.SPECIAL_SESSION_OUTCOME.finditer(text):
        session = None
        if m.group("ordinal"):
            session = P.ordinal_value(m.group("ordinal").strip())
        year = int(m.group("year") or m.group("uyear") or 0) or None
        if m.group("ungass") and session is None and year in (None, 2016):
            session = 30
        if session is None and year is None:
            session, year = _special_session_in(text)
        if session is None and year is None:
            continue
        entry = next(
            (
                e
                for e in ctx.names.registry.entries
                if e.issuer == "GA"
                and e.number
                and e.kind == "declaration"
                and (
                    (session and e.number.startswith(f"S-{session}/"))
                    or (year and e.year == year and e.number.startswith("S-"))
                )
            ),
            None,
        )
        if entry is None:
            continue
        yield _entry_candidate(entry, m.start(), m.end(), None)


def _special_session_in(text: str) -> tuple[int | None, int | None]:
    """The special session a paragraph names elsewhere: "(resolution S-30/1)", "held in 2016"."""
    if m := re.search(r"\bS-(\d{1,2})/\d", text):
        return int(m.group(1)), None
    if m := re.search(r"special\s+session\b[^.;]{0,80}?\bheld\s+in\s+(\d{4})", text):
        return None, int(m.group(1))
    years = set(re.findall(r"\b(?:19|20)\d\d\b", text))
    if len(years) == 1 and re.search(r"General\s+Assembly\s+adopted", text):
        return None, int(years.pop())
    return None, None


def _reports(text: str) -> Iterator[Candidate]:
    for m in P.WORLD_DRUG_REPORT.finditer(text):
        year = m.group("year")
        key = f"report/world-drug-report-{year}" if year else "report/world-drug-report"
        yield Candidate(m.start(), m.end(), "report", key, year=int(year) if year else None)
    for m in P.INCB_REPORT.finditer(text):
        year = m.group("year")
        yield Candidate(m.start(), m.end(), "report", f"report/incb-report-{year}", year=int(year))
    for m in P.INCB_ANNUAL_REPORT.finditer(text):
        year = m.group("year")
        yield Candidate(
            m.start("surface"),
            m.end("surface"),
            "report",
            f"report/incb-report-{year}",
            year=int(year),
        )
    for m in P.GLOBAL_SMART_UPDATE.finditer(text):
        yield Candidate(m.start(), m.end(), "report", "report/global-smart-update")


# --- bodies -------------------------------------------------------------------------------


def _head_noun(name: str) -> str | None:
    for word in name.split():
        if word in _HEAD_NOUNS:
            return word
    return None


def _bodies(text: str, inst: Instrument | None, ctx: FileContext) -> Iterator[Candidate]:
    found: list[Candidate] = []
    for matcher in (ctx.names.body_names, ctx.names.body_acronyms):
        for m, keys in matcher.finditer(text):
            found.append(Candidate(m.start(), m.end(), "body", keys[0], in_registry=True))
    for m, keys in ctx.names.body_short.finditer(text):
        if not re.search(r"\bthe\s+$", text[max(0, m.start() - 5) : m.start()], re.I):
            continue
        if any(c.start <= m.start() < c.end for c in found):
            continue
        found.append(
            Candidate(m.start() - 4, m.end(), "body", "?short:" + "|".join(keys), in_registry=True)
        )
    found.sort(key=lambda c: (c.start, -c.end))
    out: list[Candidate] = []
    last_end = -1
    for c in found:
        if c.start < last_end:
            continue
        if c.key.startswith("?short:"):
            keys = c.key[len("?short:") :].split("|")
            noun = text[c.start + 4 : c.end]
            recent = ctx.recent.get(noun)
            adopting = _body_for_issuer(inst.issuer, ctx) if inst and inst.issuer else None
            c.key = recent if recent in keys else adopting if adopting in keys else keys[0]
            c.issuer_from = "context"
        body = ctx.names.body(c.key)
        if body is not None:
            for name in (body.name, *body.names):
                if noun := _head_noun(name):
                    ctx.recent[noun] = body.key
                    break
        out.append(c)
        last_end = c.end
    yield from out


def _body_for_issuer(issuer: str, ctx: FileContext) -> str | None:
    body = ctx.names.registry.body_by_issuer(issuer)
    return body.key if body else None


# --- footnotes ------------------------------------------------------------------------------


def _read_footnotes(
    structure: Structure,
    by_paragraph: dict[int, tuple[Instrument, Paragraph, list[Candidate]]],
    ctx: FileContext,
    mentions: list[Mention],
) -> None:
    """Footnote mentions (with "Ibid." resolved) and the body mentions they annotate."""
    markers = [
        (mk, inst, para, cands)
        for inst, para, cands in by_paragraph.values()
        for mk in para.markers
    ]
    prev_source: str | None = None
    prev_cands: list[Candidate] = []
    for fn in structure.footnotes:
        para = fn.paragraph
        text = para.text
        anchor = _anchor(fn, markers)
        inst = anchor[1] if anchor else _instrument_at(structure, para.span.start)
        ibid = P.IBID.match(text)
        cands, _ = paragraph_candidates(text, inst, ctx)
        cands = [c for c in cands if c.kind != "body"]
        source = prev_source
        if P.TREATY_SERIES.search(text):
            source = "unts"
        elif P.OFFICIAL_RECORDS.search(text):
            source = "records"
        for m in P.UNTS_REF.finditer(text):
            if m.group("series") or (source == "unts" and (m.group("ibid") or not ibid)):
                start = (
                    m.start("series")
                    if m.group("series")
                    else m.start("ibid")
                    if m.group("ibid")
                    else m.start("vol")
                )
                unts = f"{m.group('vol')}/{m.group('no')}"
                entry = ctx.names.registry.by_unts(unts)
                if entry is not None:
                    c = _entry_candidate(entry, start, m.end(), None)
                else:
                    c = Candidate(start, m.end(), "treaty", f"treaty/unts-{unts.replace('/', '-')}")
                c.unts = unts
                cands = [k for k in cands if not (k.start < c.end and c.start < k.end)] + [c]
            elif m.group("ibid"):
                ctx.finding(
                    "unresolved-ibid",
                    f"footnote {fn.label}: 'Ibid.' has no Treaty Series "
                    "footnote before it in this file; volume and number left unresolved",
                    para.original_span(m.start(), m.end()).start,
                )
        if ibid:
            rest = text[ibid.end() :].strip(" .,;")
            if not rest:
                if prev_cands:
                    cands = [replace(c, start=ibid.start(), end=ibid.end()) for c in prev_cands]
                else:
                    ctx.finding(
                        "unresolved-ibid",
                        f"footnote {fn.label}: 'Ibid.' has no earlier "
                        "footnote in this file to refer to; left unresolved",
                        para.original_span(ibid.start(), ibid.end()).start,
                    )
            elif prev_source is None and not cands:
                ctx.finding(
                    "unresolved-ibid",
                    f"footnote {fn.label}: 'Ibid.' has no earlier "
                    "footnote in this file to refer to; left unresolved",
                    para.original_span(ibid.start(), ibid.end()).start,
                )
        cands.sort(key=lambda c: c.start)
        for c in cands:
            c.footnote = fn.label
        verb, verb_text = (anchor[2].verb, anchor[2].verb_text) if anchor else (None, None)
        citing = inst.key if inst else None
        mentions.extend(_to_mentions(cands, para, citing, verb, verb_text, ctx))
        if anchor:
            _annotate(anchor, fn, cands, ctx)
        prev_source = source
        prev_cands = cands or prev_cands if not ibid or cands else prev_cands


def _anchor(fn: Footnote, markers):
    """The marker (and its paragraph) that a footnote body annotates: the nearest before it."""
    same = [m for m in markers if m[0].label == fn.label]
    if not same:
        return None
    pos = fn.paragraph.span.start
    before = [m for m in same if m[0].span.start <= pos]
    if before:
        return max(before, key=lambda m: m[0].span.start)
    return min(same, key=lambda m: m[0].span.start)


def _instrument_at(structure: Structure, pos: int) -> Instrument | None:
    inside = [i for i in structure.instruments if i.span.start <= pos <= i.span.end]
    if inside:
        return inside[-1]
    before = [i for i in structure.instruments if i.span.start <= pos]
    return before[-1] if before else None


def _annotate(anchor, fn: Footnote, fn_cands: list[Candidate], ctx: FileContext) -> None:
    """Give the mention a footnote marker follows the footnote's Treaty Series number."""
    marker, _inst, para, cands = anchor
    target = None
    for c in cands:
        if c.kind == "body":
            continue
        if c.start <= marker.position <= c.end + 3 and not re.search(
            r"[A-Za-z0-9]", para.text[c.end : marker.position]
        ):
            target = c
    if target is None:
        return
    group = [c for c in cands if target.group is not None and c.group == target.group] or [target]
    for c in group:
        c.footnote = fn.label
    unts = next((c.unts for c in fn_cands if c.unts), None)
    if unts and target.kind == "treaty" and target.group is None:
        entry = ctx.names.registry.by_unts(unts)
        if entry is not None and entry.key != target.key:
            if target.in_registry:
                ctx.finding(
                    "footnote-mismatch",
                    f"footnote {fn.label} gives Treaty Series {unts} "
                    f"({entry.key}) for a mention of {target.key}",
                    para.original_span(target.start, target.end).start,
                    target.key,
                )
            else:
                target.key, target.in_registry, target.year = entry.key, True, entry.year
        target.unts = unts
    symbol = next((c.symbol for c in fn_cands if c.kind == "document" and c.symbol), None)
    if symbol and target.kind in ("declaration", "report"):
        target.published_in = symbol


_LINK_TAIL = re.compile(r"\]\([^()\s]*\)")


def _balanced(original: str, span):
    """Widen a span so that markup it opens is closed: "[73/192" -> "[73/192](#)"."""
    start, end = span.start, span.end
    surface = original[start:end]
    if surface.count("[") > surface.count("]") and (m := _LINK_TAIL.match(original, end)):
        end = m.end()
    return type(span)(start, end)


# --- candidates -> mentions -------------------------------------------------------------------


def _to_mentions(
    cands: Iterable[Candidate],
    para: Paragraph,
    citing: str | None,
    verb: str | None,
    verb_text: str | None,
    ctx: FileContext,
) -> list[Mention]:
    out = []
    for c in cands:
        span = _balanced(ctx.original, para.original_span(c.start, c.end))
        line, column = line_column(ctx.original, span.start)
        out.append(
            Mention(
                file=ctx.file,
                citing=citing,
                kind=c.kind,
                key=c.key,
                issuer=c.issuer,
                number=c.number,
                year=c.year,
                date=c.date,
                unts=c.unts,
                symbol=c.symbol,
                article=c.article,
                verb=verb,
                verb_text=verb_text,
                paragraph=para.label,
                surface=ctx.original[span.start : span.end],
                start=span.start,
                end=span.end,
                line=line,
                column=column,
                footnote=c.footnote,
                amended_by=c.amended_by,
                annex=c.annex,
                issuer_from=c.issuer_from,
                in_registry=c.in_registry,
                published_in=c.published_in,
            )
        )
    return out


# --- mandates ---------------------------------------------------------------------------------


def find_mandates(
    para: Paragraph,
    inst: Instrument,
    bodies: list[Candidate],
    ctx: FileContext,
    parents: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]],
) -> Iterator[Mandate]:
    """Mandates of an operative paragraph: its opening verb and any "and requests ..." after.

    ``parents`` maps an operative paragraph label to its addressees, for its sub-paragraphs.
    """
    text = para.text
    head = P.OPERATIVE_START.match(text) or P.SUB_START.match(text)
    body_start = head.end() if head else 0
    clauses: list[tuple[int, int, str, str]] = []  # (verb start, verb end, base, written)
    if para.role == "operative":
        opener = P.OPERATIVE_OPENER.match(text[body_start:])
        if opener and _is_mandate_verb(opener.group("verb")):
            clauses.append(
                (
                    body_start,
                    body_start + opener.end(),
                    _base(opener.group("verb")),
                    text[body_start : body_start + opener.end()].strip(),
                )
            )
    for m in P.INLINE_MANDATE.finditer(text, body_start):
        clauses.append(
            (
                m.start("verb") - len(m.group("adv") or ""),
                m.end(),
                _base(m.group("verb")),
                text[m.start("verb") - len(m.group("adv") or "") : m.end()],
            )
        )
    if "(" in para.label:
        # "(a) To promote ...": addressed like its parent paragraph.
        parent = parents.get(para.label.split("(")[0])
        if parent and para.verb and _is_mandate_verb(para.verb):
            addressees, addressee_text, partners = parent
            due = _due_session(para, body_start, len(text), inst, ctx)
            span = para.original_span(0, len(text))
            yield Mandate(
                ctx.file,
                inst.key,
                para.label,
                para.verb,
                para.verb_text or para.verb,
                addressees,
                addressee_text,
                partners,
                text[body_start:].strip(" ;."),
                due,
                span.start,
                span.end,
            )
        return
    clauses.sort()
    for i, (v_start, v_end, base, written) in enumerate(clauses):
        limit = clauses[i + 1][0] if i + 1 < len(clauses) else len(text)
        inf = P.INFINITIVE.search(text, v_end, limit)
        if inf:
            addressee_end, action = inf.start(), text[inf.start() : limit].strip(" ,;.")
            action = re.sub(r"^,\s*", "", action)
        else:
            colon = text.find(":", v_end, limit)
            addressee_end = colon if colon >= 0 else limit
            action = ""
        addressee_text = text[v_end:addressee_end].strip(" ,")
        addressees, partners = _addressees(v_end, addressee_end, text, bodies)
        if not addressees:
            continue
        due = _due_session(para, v_end, limit, inst, ctx)
        span = para.original_span(v_start, limit)
        parents[para.label] = (addressees, addressee_text, partners)
        yield Mandate(
            ctx.file,
            inst.key,
            para.label,
            base,
            written,
            addressees,
            addressee_text,
            partners,
            action,
            due,
            span.start,
            span.end,
        )


def _is_mandate_verb(verb: str) -> bool:
    return " ".join(verb.lower().split()) in P.MANDATE_VERBS or verb in (
        "Requests",
        "Invites",
        "Encourages",
        "Calls upon",
        "Urges",
        "Recommends",
        "Authorizes",
    )


def _base(verb: str) -> str:
    v = " ".join(verb.split()).lower()
    v = "calls upon" if v == "calls on" else v
    return v[0].upper() + v[1:]


def _addressees(start: int, end: int, text: str, bodies: list[Candidate]):
    segment = text[start:end]
    partner_from = P.PARTNER_INTRO.search(segment)
    split = start + partner_from.start() if partner_from else end
    main: list[str] = []
    partners: list[str] = []
    for key, rx in P.ADDRESSEE_GROUPS:
        for _m in rx.finditer(text, start, split):
            if key not in main:
                main.append(key)
            break
    if "group/states-parties" in main and "group/states" in main:
        main.remove("group/states")
    for c in bodies:
        if start <= c.start and c.end <= end:
            target = main if c.start < split else partners
            if c.key not in target:
                target.append(c.key)
    return tuple(main), tuple(k for k in partners if k not in main)


def _due_session(
    para: Paragraph, start: int, end: int, inst: Instrument, ctx: FileContext
) -> SessionRef | None:
    """The session a mandate is due at: "to report to the Commission at its sixty-third session"."""
    text = para.text
    m = P.SESSION.search(text, start, end)
    if not m:
        return None
    number = P.ordinal_value(m.group("ordinal"))
    if number is None:
        return None
    body_key = None
    if m.group("body"):
        body_key = _body_key_by_name(m.group("body"), ctx)
    if body_key is None:
        to_body = P.TO_BODY_BEFORE_SESSION.search(text[start : m.start()])
        if to_body:
            body_key = _body_key_by_name(to_body.group("body"), ctx, inst)
    if body_key is None and inst.issuer:
        body_key = _body_for_issuer(inst.issuer, ctx)
    span = para.original_span(m.start("ordinal"), m.end())
    return SessionRef(body_key, number, ctx.original[span.start : span.end], span.start, span.end)


def _body_key_by_name(name: str, ctx: FileContext, inst: Instrument | None = None) -> str | None:
    name = " ".join(name.split())
    for _m, keys in ctx.names.body_names.finditer(name):
        return keys[0]
    for _m, keys in ctx.names.body_short.finditer(name):
        recent = ctx.recent.get(name)
        if inst and inst.issuer:
            adopting = _body_for_issuer(inst.issuer, ctx)
            if adopting in keys:
                return adopting
        return recent if recent in keys else keys[0]
    return None
