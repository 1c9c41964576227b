"""Synthetic corpus of UN drug-policy resolutions, clean or as pdftotext would render them.

Two tools, both deterministic for a given seed and standard-library only:

* :func:`pdfize` turns a clean markdown-ish text into pdftotext-like output: markup removed,
  hard-wrapped, hyphenated at line ends, cut into pages with running headers and footers.
  Words are never dropped or reordered.
* :func:`generate_document` / :func:`generate_corpus` write realistic CND, General Assembly
  and ECOSOC resolutions with citations to resolutions, treaties, declarations and documents.

CLI: ``python benchmarks/corpusgen.py OUT_DIR -n 1000 --seed 1 --style mixed``.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import itertools
import random
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_SUP = str.maketrans("0123456789", SUPERSCRIPTS)
_FROM_SUP = str.maketrans(SUPERSCRIPTS, "0123456789")
_SUP_RUN = re.compile(f"[{SUPERSCRIPTS}]+")

STYLES = ("clean", "pdf", "mixed")


def sup(n: int) -> str:
    """Unicode superscript digits for ``n`` (``25`` -> ``²⁵``)."""
    return str(n).translate(_TO_SUP)


# --------------------------------------------------------------------------------------------
# pdfize
# --------------------------------------------------------------------------------------------

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_PROTECTED = re.compile("[\ue000-\ue07f]")
_RULE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,}|(?:- ){2,}-|(?:\* ){2,}\*)\s*")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*\)")
_SUP_TAG = re.compile(r"<sup>\s*([0-9]+)\s*</sup>", re.IGNORECASE)
# A hyphenatable / splittable token: optional non-letters, >= 8 ASCII letters, non-letters.
_LONG_WORD = re.compile(r"([^A-Za-z]*)([A-Za-z]{8,})([^A-Za-z]*)")
_VOWELS = frozenset("aeiouyAEIOUY")
_DIGRAPHS = frozenset({"ch", "ck", "gh", "ph", "qu", "sh", "th", "wh"})
# fmt: off
_ONSETS = frozenset({"bl", "br", "cl", "cr", "dr", "fl", "fr", "gl", "gr", "pl", "pr", "sc", "sk",
                     "sl", "sm", "sn", "sp", "st", "tr", "tw"})
# fmt: on
_SYMBOL_YEAR = re.compile(r"(?:19|20)(\d\d)\b")


def strip_markup(line: str, *, plain_markers: bool = False) -> str | None:
    """Remove markdown from one line; ``None`` for a horizontal rule."""
    if _RULE.fullmatch(line):
        return None
    # Protect backslash escapes (``\*`` stays a literal ``*``) while markup is removed.
    line = _ESCAPED.sub(lambda m: chr(0xE000 + ord(m.group(1))), line)
    line = _HEADING.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _SUP_TAG.sub(lambda m: sup(int(m.group(1))), line)
    line = line.replace("*", "")
    line = _PROTECTED.sub(lambda m: chr(ord(m.group(0)) - 0xE000), line)
    if plain_markers:
        line = line.translate(_FROM_SUP)
    return line


def _break_point(core: str, limit: int) -> int:
    """Largest syllable-ish cut ``k`` (3 <= k <= len-3, k <= limit) of ``core``, or 0.

    Cuts go before a consonant that opens a syllable: V|CV ("Declara-tion") or VC|CV
    ("detec-tion"), never inside a digraph or an onset cluster ("im-ple", not "imp-le").
    """
    for k in range(min(limit, len(core) - 3), 2, -1):
        a, b, c = core[k - 1].lower(), core[k].lower(), core[k + 1].lower()
        if b in _VOWELS or c not in _VOWELS:
            continue
        if a in _VOWELS or (a + b not in _DIGRAPHS and a + b not in _ONSETS):
            return k
    return 0


def _split_word(token: str, rng: random.Random) -> str:
    """Insert a spurious space inside the long word of ``token`` ("Declarati on")."""
    m = _LONG_WORD.fullmatch(token)
    if not m:
        return token
    pre, core, post = m.groups()
    k = rng.randint(2, len(core) - 2)
    return f"{pre}{core[:k]} {core[k:]}{post}"


def _wrap(tokens: list[str], width: int, hyphenate: float, rng: random.Random) -> list[str]:
    """Greedy hard wrap; long words may be hyphenated at the line end.

    A token that itself ends in "-" ("age-") is never left at the end of a line next to other
    tokens, so every line-final "letter-" is an inserted hyphen and can be undone unambiguously.
    """
    lines: list[str] = []
    queue = tokens[::-1]  # next token at the end
    cur: list[str] = []
    size = 0
    while queue:
        tok = queue.pop()
        if not cur or size + 1 + len(tok) <= width:
            size += len(tok) + (1 if cur else 0)
            cur.append(tok)
            continue
        if hyphenate > 0 and (m := _LONG_WORD.fullmatch(tok)) and rng.random() < hyphenate:
            pre, core, post = m.groups()
            k = _break_point(core, width - size - 2 - len(pre))
            if k:
                lines.append(" ".join([*cur, f"{pre}{core[:k]}-"]))
                queue.append(core[k:] + post)
                cur, size = [], 0
                continue
        queue.append(tok)
        while len(cur) > 1 and cur[-1].endswith("-"):
            queue.append(cur.pop())
        lines.append(" ".join(cur))
        cur, size = [], 0
    if cur:
        lines.append(" ".join(cur))
    return lines


def _footer(style: int, page: int, pages: int, job: str, width: int) -> str:
    if style == 0:
        text = str(page)
    elif style == 1:
        text = f"- {page} -"
    elif style == 2:
        text = f"{page}/{pages}"
    else:
        text = f"{job} {page}" if page % 2 else f"{page} {job}"
    return text.rjust(width) if page % 2 and style != 1 else text


def pdfize(
    text: str,
    *,
    seed: int = 0,
    width: int = 78,
    page_lines: int = 46,
    symbol: str = "E/CN.7/2019/15",
    hyphenate: float = 0.5,
    split_words: float = 0.0,
    plain_markers: bool = False,
) -> str:
    """Render a clean markdown-ish ``text`` the way pdftotext renders a UN PDF.

    Markup is removed, each paragraph (input line) is hard-wrapped at ``width`` columns, long
    words that do not fit are hyphenated with probability ``hyphenate``, and the lines are cut
    into pages of about ``page_lines`` lines, each page closed by a page-number footer and the
    next opened by a running header with ``symbol``. ``split_words`` is the fraction of long
    words given a spurious inner space; ``plain_markers`` turns superscript markers into digits.
    """
    rng = random.Random(seed)
    body: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = strip_markup(raw, plain_markers=plain_markers)
        if line is None:
            continue
        tokens = line.split()
        if not tokens:
            body.append("")
            continue
        if split_words > 0:
            tokens = [
                _split_word(t, rng) if _LONG_WORD.fullmatch(t) and rng.random() < split_words else t
                for t in tokens
            ]
        body.extend(_wrap(tokens, width, hyphenate, rng))

    # Cut into pages of page_lines +- 3 lines; the layout style is fixed per seed.
    pages: list[list[str]] = []
    start = 0
    while start < len(body):
        size = max(5, page_lines + rng.randint(-3, 3))
        chunk = body[start : start + size]
        start += size
        while chunk and not chunk[0]:
            chunk.pop(0)
        while chunk and not chunk[-1]:
            chunk.pop()
        if chunk or not pages:
            pages.append(chunk)
    style = rng.randrange(4)
    form_feed = rng.random() < 0.7
    year = m.group(1) if (m := _SYMBOL_YEAR.search(symbol)) else f"{rng.randint(0, 99):02d}"
    job = f"V.{year}-{rng.randint(0, 99999):05d}"

    out: list[str] = []
    for n, lines in enumerate(pages, 1):
        if n > 1:
            head = symbol if n % 2 == 0 else symbol.rjust(width)
            out.append(("\f" if form_feed else "") + head)
            out.append("")
        out.extend(lines)
        out.append("")
        out.append(_footer(style, n, len(pages), job, width))
    return "\n".join(out) + ("\n\f" if form_feed else "\n")


# --------------------------------------------------------------------------------------------
# Calendar and catalogue of earlier resolutions
# --------------------------------------------------------------------------------------------

CND, GA, ECOSOC = "CND", "GA", "ECOSOC"
MONTHS = ("March", "December", "July")

# fmt: off
_UNIT_ORD = ("", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth")
_TEENS_ORD = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth")
# fmt: on
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def ordinal(n: int) -> str:
    """English ordinal word for 1 <= n <= 99 (``64`` -> ``sixty-fourth``)."""
    if n < 10:
        return _UNIT_ORD[n]
    if n < 20:
        return _TEENS_ORD[n - 10]
    tens, unit = divmod(n, 10)
    if unit == 0:
        return _TENS[tens][:-1] + "ieth"
    return f"{_TENS[tens]}-{_UNIT_ORD[unit]}"


def year_of(body: str, session: int) -> int:
    """Calendar year of a session: CND N meets in March 1957+N, GA N adopts in December
    1945+N, ECOSOC resolutions are numbered by year."""
    return {CND: 1957, GA: 1945, ECOSOC: 0}[body] + session


def adoption_date(body: str, session: int) -> tuple[int, int, int]:
    """(year, month, day) on which ``body`` adopted its resolutions of ``session``."""
    year = year_of(body, session)
    if body == CND:
        return year, 3, 10 + (session * 7) % 12
    if body == GA:
        return year, 12, 14 + (session * 5) % 8
    return year, 7, 20 + (year * 3) % 9


def date_text(date: tuple[int, int, int]) -> str:
    year, month, day = date
    return f"{day} {MONTHS[(3, 12, 7).index(month)]} {year}"


@cache
def resolution_numbers(body: str, session: int) -> tuple[int, ...]:
    """Numbers of the drug-related resolutions adopted by ``body`` at ``session``."""
    if body == CND:
        return tuple(range(1, 7 + (session * 3) % 8))
    r = random.Random(f"numbers:{body}:{session}")
    if body == GA:
        return tuple(sorted(r.sample(range(150, 262), r.randint(2, 3))))
    return tuple(sorted(r.sample(range(1, 48), r.randint(3, 5))))


SESSIONS = {CND: range(35, 68), GA: range(50, 80), ECOSOC: range(1990, 2025)}
DOC_SESSIONS = {CND: range(45, 68), GA: range(60, 80), ECOSOC: range(2000, 2025)}


@dataclass(frozen=True)
class _Popularity:
    """Earlier resolutions ranked by a fixed permutation; citations draw a Zipf-like rank."""

    items: tuple[tuple[str, int, int], ...]
    cumulative: tuple[float, ...]


@cache
def _popularity() -> _Popularity:
    items = [
        (body, session, number)
        for body, sessions in SESSIONS.items()
        for session in sessions
        for number in resolution_numbers(body, session)
    ]
    random.Random("policykg-popularity").shuffle(items)
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(items))]
    return _Popularity(tuple(items), tuple(itertools.accumulate(weights)))


def draw_resolution(
    rng: random.Random, before: tuple[int, int, int], bodies: tuple[str, ...] = (CND, GA, ECOSOC)
) -> tuple[str, int, int]:
    """A (body, session, number) adopted before ``before``, Zipf-distributed by popularity."""
    pop = _popularity()
    total = pop.cumulative[-1]
    for _ in range(40):
        item = pop.items[bisect.bisect_left(pop.cumulative, rng.random() * total)]
        if item[0] in bodies and adoption_date(item[0], item[1]) < before:
            return item
    body = rng.choice(bodies)
    sessions = [s for s in SESSIONS[body] if adoption_date(body, s) < before] or [SESSIONS[body][0]]
    session = rng.choice(sessions)
    return body, session, rng.choice(resolution_numbers(body, session))


# --------------------------------------------------------------------------------------------
# Phrase pools
# --------------------------------------------------------------------------------------------

_GERUNDS = (
    "Promoting",
    "Strengthening",
    "Enhancing",
    "Improving",
    "Supporting",
    "Advancing",
    "Fostering",
    "Intensifying",
    "Reinforcing",
    "Mainstreaming",
    "Increasing",
    "Addressing",
)
_OBJECTS = (
    "international cooperation in the control of precursor chemicals",
    "the availability of and access to controlled substances for medical and scientific purposes",
    "scientific evidence-based drug use prevention in schools and communities",
    "alternative development as a development-oriented drug control strategy",
    "detection and identification capacity for synthetic drugs for non-medical use",
    "the collection, analysis and sharing of quality and comparable data on the drug situation",
    "measures to prevent drug overdose, in particular opioid overdose",
    "the role of drug analysis laboratories worldwide",
    "information-sharing on new psychoactive substances and emerging trends",
    "the protection of children and young people from the harmful effects of illicit drugs",
    "the integration of a gender perspective into drug-related policies and programmes",
    "access to treatment, care and recovery services for people with drug use disorders",
    "regional and interregional cooperation against illicit drug trafficking",
    "the effective implementation of international scheduling decisions",
    "the prevention of the diversion of pre-precursors and designer precursors",
    "responses to the non-medical use of pharmaceuticals containing narcotic drugs",
    "the prevention and treatment of HIV, viral hepatitis and tuberculosis among people who use "
    "drugs",
    "the capacity of law enforcement, border control and other relevant agencies",
    "international cooperation to counter the misuse of the Internet for drug-related crime",
    "proportionate and effective criminal justice responses to drug-related offences",
)
_PURPOSES = (
    "through national, regional and international action",
    "in accordance with the international drug control conventions",
    "by increasing international collaboration",
    "with a view to protecting public health and safety",
    "in the context of the world drug problem",
    "on the basis of the principle of common and shared responsibility",
)
_GA_TITLE = "International cooperation against the world drug problem"

_STATEMENTS = (
    "the world drug problem remains a common and shared responsibility that should be addressed "
    "in a multilateral setting through effective and increased international cooperation",
    "the illicit production and manufacture of and trafficking in synthetic drugs continue to "
    "constitute a serious threat to public health and safety and to the well-being of humanity",
    "drug traffickers continue to exploit tools of modern commerce, including online markets and "
    "the international mail system, to distribute illicit substances",
    "a key objective of the international drug control system is to ensure the availability of "
    "controlled substances for medical and scientific purposes while preventing their diversion",
    "targeted interventions based on the collection and analysis of data, including age- and "
    "gender-related data, can be particularly effective in meeting the needs of affected "
    "populations",
    "capacity-building at the national level is required for the international community to "
    "respond effectively to those multifaceted challenges",
    "access to controlled medicines remains low or non-existent in many countries and regions "
    "of the world",
    "drug analysis laboratories have an important role in the detection and identification of "
    "new psychoactive substances and precursor chemicals",
    "stigmatizing attitudes may have an impact on the availability and delivery of health and "
    "social services for people who use drugs",
    "alternative development programmes should be designed and implemented with the "
    "participation of the local communities concerned",
    "the misuse of information and communications technologies for illicit drug-related "
    "activities poses new challenges to law enforcement authorities",
    "persistent, new and evolving challenges should be addressed in conformity with the three "
    "international drug control conventions, which allow for sufficient flexibility for States "
    "parties to design and implement national drug policies",
)
_PAST_CLAUSES = (
    "called upon Member States to {state}",
    "encouraged Member States to {state}",
    "urged Member States to {state}",
    "requested the United Nations Office on Drugs and Crime to {agency}",
    "invited the International Narcotics Control Board to {agency}",
    "recognized that {statement}",
    "reaffirmed its commitment to {goal}",
)
_STATE_CLAUSES = (
    "reaffirmed their commitment to {goal}",
    "recognized that {statement}",
    "resolved to {state}",
    "committed to {state}",
)
_STATE_ACTIONS = (  # what Member States are asked to do
    "strengthen international and regional cooperation to counter the diversion of precursors",
    "share, through bilateral and multilateral channels, information on new psychoactive "
    "substances",
    "develop and implement scientific evidence-based prevention strategies",
    "ensure the availability of naloxone and other opioid receptor antagonists",
    "promote cooperation with the chemical and pharmaceutical industries",
    "consider including in national drug policies elements relating to the prevention of "
    "drug overdose",
    "strengthen border management and the capacity of law enforcement agencies",
    "implement the treaty-mandated international scheduling decisions",
    "raise public awareness of the risks associated with the non-medical use of synthetic drugs",
    "integrate a gender perspective into the design and evaluation of drug policies",
    "support alternative development programmes, including preventive alternative development",
    "fulfil in a timely manner their reporting obligations under the conventions",
    "promote non-stigmatizing attitudes in the delivery of health and social services",
    "provide extrabudgetary resources for the implementation of the present resolution",
)
_AGENCY_ACTIONS = (  # what the Office, the Board or WHO are asked to do
    "provide technical assistance, upon request, to developing countries",
    "improve the quality and coverage of data collection on drug use and its consequences",
    "enhance the forensic capacity of drug analysis laboratories",
    "develop guidelines on the most effective ways to prevent the diversion of materials and "
    "equipment",
    "continue to collect national data, analyse evidence and share information on emerging trends",
    "support Member States in the implementation of international scheduling decisions",
    "disseminate good practices in the prevention and treatment of drug use disorders",
    "organize further expert-level discussions on this important topic",
    "update existing guidelines, including those relating to prescribing practices",
)
_GOALS = (
    "the goals and objectives of the international drug control conventions",
    "addressing and countering the world drug problem",
    "a balanced, integrated, comprehensive and multidisciplinary approach",
    "the full implementation of all existing policy commitments",
)
_QUALIFIERS = (
    "within existing mandates",
    "subject to the availability of extrabudgetary resources",
    "upon request",
    "as appropriate",
    "in close cooperation with the International Narcotics Control Board and the World Health "
    "Organization",
    "in accordance with national legislation",
    "in line with the principle of common and shared responsibility",
    "within their respective mandates",
)
_STATE_ACTORS = (
    "Member States",
    "Member States, in accordance with national legislation,",
    "all Member States",
    "Member States and other donors",
)
_AGENCY_ACTORS = (
    "the United Nations Office on Drugs and Crime",
    "the International Narcotics Control Board",
    "the World Health Organization",
    "relevant United Nations entities",
    "the United Nations Office on Drugs and Crime and the World Health Organization",
    "the Executive Director of the United Nations Office on Drugs and Crime",
)
_ENTITIES = (
    "the United Nations Office on Drugs and Crime",
    "the International Narcotics Control Board",
    "the World Health Organization",
    "civil society and the scientific community",
    "regional and international organizations",
)
_ROLES = (
    "supporting Member States in the implementation of their commitments",
    "monitoring the licit trade in precursor chemicals",
    "identifying and addressing emerging threats posed by synthetic drugs",
    "promoting access to controlled medicines for the relief of pain and suffering",
    "developing technical assistance tools for national authorities",
)


# Preambular openers: (head, tail, kind); "also" goes between head and tail when repeated.
_OPENERS: tuple[tuple[str, str, str], ...] = (
    ("Recalling", "", "cite"),
    ("Recalling", "", "cite"),
    ("Recalling", "", "cite"),
    ("Reaffirming", "", "cite"),
    ("Taking note", "of", "cite"),
    ("Taking note", "with appreciation of", "cite"),
    ("Welcoming", "", "cite"),
    ("Bearing in mind", "", "cite"),
    ("Mindful", "of", "cite"),
    ("Guided by", "", "cite"),
    ("Noting", "", "cite"),
    ("Noting", "with concern that", "that"),
    ("Recognizing", "that", "that"),
    ("Mindful", "that", "that"),
    ("Convinced", "that", "that"),
    ("Deeply concerned", "that", "that"),
    ("Stressing", "that", "that"),
    ("Emphasizing", "the important role of", "role"),
    ("Underscoring", "that", "that"),
    ("Acknowledging", "the role of", "role"),
    ("Highlighting", "the contribution of", "role"),
)
_ALSO_OK = frozenset(
    {
        "Recalling",
        "Reaffirming",
        "Taking note",
        "Welcoming",
        "Bearing in mind",
        "Mindful",
        "Noting",
        "Recognizing",
        "Stressing",
        "Emphasizing",
        "Acknowledging",
    }
)

_OP_VERBS = (
    "Requests",
    "Invites",
    "Encourages",
    "Calls upon",
    "Urges",
    "Encourages",
    "Calls upon",
    "Invites",
)
_OP_NP_VERBS = ("Welcomes", "Reaffirms", "Takes note of", "Acknowledges", "Stresses")

# Treaties: short key -> (full name, short form, UNTS volume, UNTS number)
TREATIES: dict[str, tuple[str, str, str, str]] = {
    "1961": (
        "the Single Convention on Narcotic Drugs of 1961 as amended by the 1972 Protocol",
        "the 1961 Convention",
        "976",
        "14152",
    ),
    "1971": (
        "the Convention on Psychotropic Substances of 1971",
        "the 1971 Convention",
        "1019",
        "14956",
    ),
    "1988": (
        "the United Nations Convention against Illicit Traffic in Narcotic Drugs and "
        "Psychotropic Substances of 1988",
        "the 1988 Convention",
        "1582",
        "27627",
    ),
}
_ARTICLES = {
    "1961": (2, 3, 12, 19, 20, 28, 38),
    "1971": (2, 3, 13, 16, 20),
    "1988": (3, 12, 13, 17, 19),
}

_PD = (
    "the Political Declaration and Plan of Action on International Cooperation towards an "
    "Integrated and Balanced Strategy to Counter the World Drug Problem"
)
_MD = (
    "the Ministerial Declaration on Strengthening Our Actions at the National, Regional and "
    "International Levels to Accelerate the Implementation of Our Joint Commitments to Address "
    "and Counter the World Drug Problem"
)
_UNGASS = (
    "the outcome document of the thirtieth special session of the General Assembly, entitled "
    "“Our joint commitment to effectively addressing and countering the world drug problem”"
)


@dataclass(frozen=True)
class Declaration:
    key: str
    text: str  # full form, footnoted at its first mention in an instrument
    short: str  # later mentions
    date: tuple[int, int, int]  # cited only by later instruments
    source: str  # footnote kind ("oresc", "ga"), for Ibid.
    detail: str
    by_states: bool = True  # "…, in which Member States committed …" reads naturally


DECLARATIONS = (
    Declaration("pd2009", "the 2009 " + _PD[4:], "the Political Declaration and Plan of Action",
                (2009, 3, 12), "oresc", "2009|E/2009/28|C"),
    Declaration("jms2014", "the Joint Ministerial Statement of the 2014 high-level review by "
                "the Commission on Narcotic Drugs of the implementation by Member States of "
                + _PD, "the Joint Ministerial Statement", (2014, 3, 14), "oresc",
                "2014|E/2014/28|C"),
    Declaration("ungass", _UNGASS, "the outcome document of the special session", (2016, 4, 19),
                "ga", "S-30/1, annex"),
    Declaration("md2019", _MD, "the Ministerial Declaration", (2019, 3, 15), "oresc",
                "2019|E/2019/28|B"),
    Declaration("agenda2030", "the 2030 Agenda for Sustainable Development", "the 2030 Agenda",
                (2015, 9, 25), "ga", "70/1", by_states=False),
    Declaration("udhr", "the Universal Declaration of Human Rights", "the Universal Declaration",
                (1948, 12, 10), "ga", "217 A (III)", by_states=False),
)  # fmt: skip


def resolution_title(body: str, session: int, number: int) -> str:
    """The (deterministic) title of a resolution, used both for its own heading and in citations
    ("on enhancing …")."""
    r = random.Random(f"title:{body}:{session}:{number}")
    if body == GA and r.random() < 0.6:
        return _GA_TITLE
    title = f"{r.choice(_GERUNDS)} {r.choice(_OBJECTS)}"
    if r.random() < 0.4:
        title += " " + r.choice(_PURPOSES)
    return title


# --------------------------------------------------------------------------------------------
# Document writer: footnotes and page breaks
# --------------------------------------------------------------------------------------------


@dataclass
class _Writer:
    """Collects paragraphs; footnote bodies are placed where a simulated page breaks."""

    rng: random.Random
    next_note: int = 1
    parts: list[str] = field(default_factory=list)
    pending: list[tuple[int, str]] = field(default_factory=list)
    last_source: tuple[str, str] | None = None
    used: int = 0
    budget: int = 3200
    italic_ibid: bool = True
    links: float = 0.2

    def note(self, source: str, detail: str) -> str:
        """Register a footnote; returns its superscript marker."""
        same = self.last_source is not None and self.last_source[0] == source
        ibid = "*Ibid.*" if self.italic_ibid else "Ibid."
        if same and self.last_source == (source, detail):
            body = ibid
        elif source == "unts":
            vol, no = detail.split("|")
            lead = ibid if same else "United Nations, *Treaty Series*"
            body = f"{lead}, vol. {vol}, No. {no}."
        elif source == "oresc":
            year, symbol, sect = detail.split("|")
            if same:
                body = f"{ibid}, {year}, *Supplement No. 8* ({symbol}), chap. I, sect. {sect}."
            else:
                body = (
                    f"See *Official Records of the Economic and Social Council, {year}, "
                    f"Supplement No. 8* ({symbol}), chap. I, sect. {sect}."
                )
        elif source == "ga":
            number, _, rest = detail.partition(", ")
            if "/" in number:
                number = self.link(number)
            body = f"General Assembly resolution {number}{', ' + rest if rest else ''}."
        else:  # "doc": the detail is the whole body
            body = detail
        self.last_source = (source, detail)
        n = self.next_note
        self.next_note += 1
        self.pending.append((n, body))
        return sup(n)

    def link(self, symbol: str) -> str:
        return f"[{symbol}](#)" if self.rng.random() < self.links else symbol

    def emit(self, par: str) -> None:
        while True:
            room = self.budget - self.used
            if len(par) <= room:
                self.parts.append(par)
                self.used += len(par) + 40  # a paragraph also costs its last, short line
                return
            cut = par.rfind(" ", 0, max(room, 0))
            if cut < 40:
                self._page_break(par)  # break before the paragraph
                continue
            head, tail = par[:cut], par[cut + 1 :]
            tail_notes = {int(s.translate(_FROM_SUP)) for s in _SUP_RUN.findall(tail)}
            flush = [p for p in self.pending if p[0] not in tail_notes]
            if len(tail) < 30 or (not flush and self.rng.random() < 0.7):
                # The break leaves no visible trace in the clean text.
                self.parts.append(par)
                self._new_page()
                self.used = len(tail) + 40
                return
            self.parts.append(head)
            self._page_break(tail)
            par = tail

    def _page_break(self, tail: str) -> None:
        tail_notes = {int(s.translate(_FROM_SUP)) for s in _SUP_RUN.findall(tail)}
        self._new_page()
        keep = []
        for n, body in self.pending:
            if n in tail_notes:
                keep.append((n, body))
            else:
                self.parts.append(f"{sup(n)} {body}")
        self.pending = keep

    def _new_page(self) -> None:
        self.used = 0
        self.budget = self.rng.randint(2600, 3800)

    def finish(self) -> str:
        for n, body in self.pending:
            self.parts.append(f"{sup(n)} {body}")
        self.pending = []
        return "\n\n" + "\n\n".join(self.parts) + "\n"


# --------------------------------------------------------------------------------------------
# Instruments
# --------------------------------------------------------------------------------------------

_MARKER_BEFORE_PUNCT = re.compile(f"([{SUPERSCRIPTS}]+)([,;.])")
_BODY_NAMES = {
    CND: ("Commission on Narcotic Drugs", "the Commission", "Commission"),
    GA: ("General Assembly", "the Assembly", "Assembly"),
    ECOSOC: ("Economic and Social Council", "the Council", "Council"),
}


@dataclass
class _Instrument:
    """Citation state of one resolution being written."""

    w: _Writer
    body: str
    session: int
    number: int
    named: set[str] = field(default_factory=set)  # treaties/declarations already footnoted

    @property
    def rng(self) -> random.Random:
        return self.w.rng

    @property
    def date(self) -> tuple[int, int, int]:
        return adoption_date(self.body, self.session)

    @property
    def year(self) -> int:
        return self.date[0]

    # -- mentions ----------------------------------------------------------------------------

    def lead(self, body: str, plural: bool = False) -> str:
        """ "its resolution", "Commission resolution", "General Assembly resolutions"…"""
        word = "resolutions" if plural else "resolution"
        if body != self.body:
            return f"{_BODY_NAMES[body][0]} {word}"
        return f"its {word}" if self.rng.random() < 0.85 else f"{_BODY_NAMES[body][2]} {word}"

    def res_number(self, item: tuple[str, int, int], dated: bool) -> str:
        body, session, number = item
        num = self.w.link(f"{session}/{number}") if body == GA else f"{session}/{number}"
        return f"{num} of {date_text(adoption_date(body, session))}" if dated else num

    def res_ref(self, item: tuple[str, int, int], *, dated: bool = True) -> str:
        """ "its resolution 61/8 of 16 March 2018" / "General Assembly resolution 73/192"."""
        return f"{self.lead(item[0])} {self.res_number(item, dated)}"

    def draw(self, bodies: tuple[str, ...] | None = None) -> tuple[str, int, int]:
        if bodies is None:
            own = 0.6 if self.body == CND else 0.4
            bodies = (self.body,) if self.rng.random() < own else (CND, GA, ECOSOC)
        return draw_resolution(self.rng, self.date, bodies)

    def res_list(self) -> str:
        """ "its resolutions 60/4 of 17 March 2017 on …, 60/9 of … and 61/8 of … on …"."""
        body = self.body if self.rng.random() < 0.7 else self.rng.choice((CND, GA, ECOSOC))
        items: set[tuple[str, int, int]] = set()
        want = self.rng.randint(2, 4)
        for _ in range(want * 4):
            items.add(draw_resolution(self.rng, self.date, (body,)))
            if len(items) == want:
                break
        if len(items) < 2:
            return self.res_ref(next(iter(items)))
        ordered = sorted(items, key=lambda it: (it[1], it[2]))
        with_topic = self.rng.random() < 0.6
        pieces = []
        for item in ordered:
            piece = self.res_number(item, dated=True)
            if with_topic:
                piece += " on " + _lower_first(resolution_title(*item))
            pieces.append(piece)
        return f"{self.lead(body, plural=True)} {', '.join(pieces[:-1])} and {pieces[-1]}"

    def treaty(self, key: str, *, short_ok: bool = True) -> str:
        full, short, vol, no = TREATIES[key]
        if key in self.named and short_ok:
            return short
        if key in self.named:
            return full
        self.named.add(key)
        return full + self.w.note("unts", f"{vol}|{no}")

    def treaties_all(self) -> str:
        if all(k in self.named for k in TREATIES) or self.rng.random() < 0.3:
            return "the three international drug control conventions"
        a, b, c = (self.treaty(k, short_ok=False) for k in TREATIES)
        return f"{a}, {b} and {c}"

    def article(self) -> str:
        key = self.rng.choice(tuple(TREATIES))
        art = self.rng.choice(_ARTICLES[key])
        return f"article {art} of {self.treaty(key)}"

    def declaration(self, d: Declaration | None = None) -> str:
        """A declaration, footnoted at its first mention in the instrument."""
        d = d or self.rng.choice([d for d in DECLARATIONS if d.date < self.date])
        if d.key in self.named:
            return d.short
        self.named.add(d.key)
        return d.text + self.w.note(d.source, d.detail)

    def report(self) -> str:
        """World Drug Report, INCB annual report or a document cited by symbol."""
        roll = self.rng.random()
        latest = self.year - 1
        if roll < 0.35 and latest >= 1997:
            y = self.rng.randint(max(1997, latest - 4), latest)
            fn = f"United Nations publication, {y}."
            if self.rng.random() < 0.5:
                sales = f"E.{(y + 1) % 100:02d}.XI.{self.rng.randint(1, 12)}"
                fn = f"United Nations publication, Sales No. {sales}."
            return f"the *World Drug Report {y}*" + self.w.note("doc", fn)
        if roll < 0.7:
            y = self.rng.randint(max(1995, latest - 4), latest)
            symbol = self.w.link(f"E/INCB/{y}/1")
            text = f"the *Report of the International Narcotics Control Board for {y}*"
            if self.rng.random() < 0.5:
                return text + self.w.note("doc", f"{symbol}.")
            return f"{text} ({symbol})"
        symbol = self.w.link(f"E/CN.7/{self.year}/{self.rng.randint(2, 16)}")
        topic = self.rng.choice(_OBJECTS)
        return f"the report of the Executive Director on {topic} ({symbol})"

    # -- paragraphs --------------------------------------------------------------------------

    def fill(self, template: str) -> str:
        return template.format(
            state=self.rng.choice(_STATE_ACTIONS),
            agency=self.rng.choice(_AGENCY_ACTIONS),
            statement=self.rng.choice(_STATEMENTS),
            goal=self.rng.choice(_GOALS),
        )

    def citation_np(self) -> str:
        """A noun phrase citing something, with an optional relative clause."""
        roll = self.rng.random()
        if roll < 0.32:
            item = self.draw()
            ref = self.res_ref(item)
            who = "it" if item[0] == self.body else _BODY_NAMES[item[0]][1]
            tail = self.rng.random()
            if tail < 0.4:
                return f"{ref}, in which {who} {self.fill(self.rng.choice(_PAST_CLAUSES))}"
            if tail < 0.75:
                return f"{ref} on {_lower_first(resolution_title(*item))}"
            return ref
        if roll < 0.44:
            return self.res_list()
        if roll < 0.58:
            lead = self.rng.choice(
                ("its commitment to the goals and objectives of", "the importance of")
            )
            return (
                f"{lead} {self.treaties_all()}, in which States parties expressed concern for "
                "the health and welfare of humankind"
            )
        if roll < 0.66:
            return f"the obligations of States parties under {self.article()}"
        if roll < 0.84:
            d = self.rng.choice([d for d in DECLARATIONS if d.date < self.date])
            if not d.by_states:
                return self.declaration(d)
            clause = self.fill(self.rng.choice(_STATE_CLAUSES))
            return f"{self.declaration(d)}, in which Member States {clause}"
        text = self.report()
        return f"{text}, in which it is noted that {self.fill('{statement}')}"

    def preamble(self, previous: str) -> tuple[str, str]:
        head, tail, kind = self.rng.choice(_OPENERS)
        opener = head
        if head == previous.split("|")[0] and head in _ALSO_OK:
            opener += " further" if previous.endswith("|also") else " also"
        if tail:
            opener += " " + tail
        if kind == "cite":
            core = self.citation_np()
        elif kind == "role":
            core = f"{self.rng.choice(_ENTITIES)} in {self.rng.choice(_ROLES)}"
        else:
            core = self.fill("{statement}")
            roll = self.rng.random()
            if roll < 0.2:
                core += f", in line with {self.treaties_all()}"
            elif roll < 0.35:
                core += f", as reflected in {self.res_ref(self.draw())}"
            elif roll < 0.45:
                core += f", as set out in {self.article()}"
        if self.rng.random() < 0.45:
            core += f", and {self.rng.choice(('stressing', 'recognizing', 'noting'))} that "
            core += self.fill("{statement}")
        state = head + ("|also" if " also" in opener or " further" in opener else "")
        return f"{opener} {core},", state

    def operative(self, n: int, verb: str, last: bool, shown: str = "") -> list[str]:
        """Operative paragraph ``n`` (several pieces when it has (a), (b)… sub-paragraphs)."""
        end = "." if last else ";"
        rng = self.rng
        head = f"{n}. *{shown or verb}*"
        if verb == "Stresses":
            return [f"{head} that {self.fill('{statement}')}{end}"]
        if verb in _OP_NP_VERBS:
            if rng.random() < 0.6:
                obj = self.citation_np()
            elif verb == "Reaffirms":
                obj = f"its commitment to {rng.choice(_GOALS)}"
            else:
                obj = f"the efforts of {rng.choice(_ENTITIES)} in {rng.choice(_ROLES)}"
            return [f"{head} {obj}{end}"]
        states = rng.random() < 0.6
        actor = rng.choice(_STATE_ACTORS if states else _AGENCY_ACTORS)
        actions = _STATE_ACTIONS if states else _AGENCY_ACTIONS
        if rng.random() < 0.12:  # sub-paragraphs (a), (b), …
            k = rng.randint(2, 5)
            pieces = [f"{head} {actor.rstrip(',')}, {rng.choice(_QUALIFIERS)}:"]
            for j in range(k):
                sub_end = end if j == k - 1 else ";"
                act = rng.choice(actions)
                pieces.append(f"({chr(97 + j)}) To {act}{self.op_cite()}{sub_end}")
            return pieces
        text = f"{head} {actor} to {rng.choice(actions)}"
        if rng.random() < 0.5:
            text += ", " + rng.choice(_QUALIFIERS)
        return [text + self.op_cite() + end]

    def op_cite(self) -> str:
        roll = self.rng.random()
        if roll < 0.15:
            return f", in accordance with {self.article()}"
        if roll < 0.3:
            return f", as called for in {self.res_ref(self.draw(), dated=self.rng.random() < 0.5)}"
        if roll < 0.4:
            return f", taking into account {self.declaration()}"
        if roll < 0.5:
            return f", in conformity with {self.treaties_all()}"
        return ""

    def report_paragraph(self, n: int, last: bool) -> str:
        end = "." if last else ";"
        if self.body == GA:
            return (
                f"{n}. *Requests* the Secretary-General to submit to the General Assembly at its "
                f"{ordinal(self.session + 1)} session a report on the implementation of the "
                f"present resolution{end}"
            )
        # The next (or the one after) CND session; CND session N meets in March 1957+N.
        cnd_session = self.year - 1956 + self.rng.choice((0, 0, 1))
        who = self.rng.choice(
            (
                "the United Nations Office on Drugs and Crime",
                "the Executive Director of the United Nations Office on Drugs and Crime",
                "the Secretariat",
            )
        )
        where = "the Commission" if self.body == CND else "the Commission on Narcotic Drugs"
        return (
            f"{n}. *Requests* {who} to report to {where} at its {ordinal(cnd_session)} session "
            f"on the implementation of the present resolution{end}"
        )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _heading_lines(ins: _Instrument) -> list[str]:
    title = resolution_title(ins.body, ins.session, ins.number)
    number = f"{ins.session}/{ins.number}"
    if ins.body == GA:
        return [
            f"Resolution adopted by the General Assembly on {date_text(ins.date)}",
            f"{number}. {title}",
            "The General Assembly,",
        ]
    if ins.body == ECOSOC:
        return [f"Resolution {number}", title, "The Economic and Social Council,"]
    return [f"Resolution {number}", title, "The Commission on Narcotic Drugs,"]


def _tidy(par: str) -> str:
    """Footnote markers go after adjacent punctuation ("Protocol,⁶ in which")."""
    return _MARKER_BEFORE_PUNCT.sub(r"\2\1", par)


def _write_instrument(ins: _Instrument, n_pre: int, n_op: int) -> None:
    w, rng = ins.w, ins.rng
    for line in _heading_lines(ins):
        w.emit(line)
    state = ""
    for _ in range(n_pre):
        par, state = ins.preamble(state)
        w.emit(_tidy(par))
    report_at = n_op - (2 if rng.random() < 0.7 else 1)
    previous = ""
    for k in range(1, n_op + 1):
        last = k == n_op
        if k == report_at:
            pieces = [ins.report_paragraph(k, last)]
        elif last and rng.random() < 0.6:
            pieces = [
                f"{k}. *Invites* Member States and other donors to provide extrabudgetary "
                "resources for these purposes, in accordance with the rules and procedures of "
                "the United Nations."
            ]
        else:
            verb = rng.choice(_OP_VERBS) if rng.random() < 0.85 else rng.choice(_OP_NP_VERBS)
            shown = ""
            if verb == previous and verb in _OP_VERBS:  # "*Also encourages*"
                shown = rng.choice(("Also ", "Also ", "Further ")) + verb.lower()
            pieces = ins.operative(k, verb, last, shown)
            previous = verb
        for piece in pieces:
            w.emit(_tidy(piece))


def _header(body: str, session: int, symbol: str, rng: random.Random) -> list[str]:
    """Optional masthead lines before the first instrument."""
    year = year_of(body, session)
    if body == GA:
        date = f"{rng.randint(2, 28)} January {year + 1}"
        return ["United Nations", symbol, "General Assembly", "Distr.: General", date, "---"]
    if body == ECOSOC:
        return [symbol, "**Economic and Social Council**", f"Official Records, {year}", "---"]
    return [
        symbol,
        f"E/CN.7/{year}/{rng.randint(10, 20)}",
        "**Commission on Narcotic Drugs**",
        f"**Report on the {ordinal(session)} session**",
        f"*Economic and Social Council, Official Records, {year}, Supplement No. 8*",
        "---",
        "Chapter I",
        "Matters calling for action by the Economic and Social Council or brought to its attention",
    ]


def _document(i: int, rng: random.Random) -> tuple[str, str]:
    """One document and the symbol its pages would carry (``i`` only varies the layout)."""
    body = rng.choices((CND, GA, ECOSOC), weights=(6, 2, 2))[0]
    session = rng.choice(DOC_SESSIONS[body])
    year = year_of(body, session)
    numbers = resolution_numbers(body, session)
    k = rng.choices((1, 2, 3), weights=(8, 2, 0) if body == GA else (5, 3, 2))[0]
    k = min(k, len(numbers))
    first = rng.randrange(len(numbers) - k + 1)
    symbol = {
        CND: f"E/{year}/28",
        GA: f"A/RES/{session}/{numbers[first]}",
        ECOSOC: f"E/{year}/INF/{2 + i % 2}",
    }[body]

    w = _Writer(rng, italic_ibid=rng.random() < 0.8, links=rng.choice((0.0, 0.0, 0.3)))
    w.budget = rng.randint(1500, 3800)  # the first page is partly taken by the masthead
    if rng.random() < 0.35:
        for line in _header(body, session, symbol, rng):
            w.emit(line)
    if first > 0 and rng.random() < 0.4:
        # Open with the tail of the previous resolution, as an excerpt of a report would.
        w.next_note = rng.randint(3, 30)
        prev = _Instrument(w, body, session, numbers[first - 1])
        start = rng.randint(4, 18)
        for j in range(start, start + rng.randint(1, 4)):
            pieces = prev.operative(j, rng.choice(_OP_VERBS), last=False)
            if j == start and rng.random() < 0.5:  # begins mid-sentence, after a page break
                cut = pieces[0].find(" ", len(pieces[0]) // 2)
                pieces[0] = pieces[0][cut + 1 :] if cut > 0 else pieces[0]
            for piece in pieces:
                w.emit(_tidy(piece))

    per = rng.triangular(3000, 25000, 8000) / k  # target size of each instrument
    for number in numbers[first : first + k]:
        ins = _Instrument(w, body, session, number)
        n_pre = max(5, min(25, round(per * 0.5 / 330 * rng.uniform(0.7, 1.3))))
        n_op = max(5, min(25, round(per * 0.5 / 300 * rng.uniform(0.7, 1.3))))
        _write_instrument(ins, n_pre, n_op)
    return w.finish(), symbol


def generate_document(i: int, rng: random.Random) -> str:
    """A synthetic CND / GA / ECOSOC resolutions text in the markdown-ish style of the samples.

    ``i`` is the document's index in its corpus; all randomness comes from ``rng``.
    """
    return _document(i, rng)[0]


def _doc_rng(seed: int, i: int) -> random.Random:
    return random.Random(f"policykg-corpusgen:{seed}:{i}")


def render_document(i: int, *, seed: int = 0, style: str = "clean") -> str:
    """Document ``i`` of the corpus with ``seed`` in ``style`` ("mixed": odd ``i`` are pdf)."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    rng = _doc_rng(seed, i)
    text, symbol = _document(i, rng)
    if style == "clean" or (style == "mixed" and i % 2 == 0):
        return text
    return pdfize(
        text,
        seed=rng.getrandbits(32),
        width=rng.choice((72, 78, 78, 84)),
        page_lines=rng.randint(40, 50),
        symbol=symbol,
        hyphenate=rng.choice((0.0, 0.5, 0.5, 0.9)),
        split_words=rng.choice((0.0, 0.0, 0.01)),
        plain_markers=rng.random() < 0.3,
    )


def generate_corpus(directory: Path, n: int, *, seed: int = 0, style: str = "clean") -> list[Path]:
    """Write ``n`` documents to ``directory`` one at a time; returns their paths in order.

    File names are ``{index}_{sha256 prefix}.txt`` like the samples in ``data/corpus``.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    digits = max(3, len(str(max(n - 1, 0))))
    paths: list[Path] = []
    for i in range(n):
        data = render_document(i, seed=seed, style=style).encode("utf-8")
        path = directory / f"{i:0{digits}d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        path.write_bytes(data)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic UN drug-policy corpus.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("-n", type=int, default=100, help="number of documents")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--style", choices=STYLES, default="clean")
    args = parser.parse_args(argv)
    paths = generate_corpus(args.out_dir, args.n, seed=args.seed, style=args.style)
    total = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} files, {total} bytes written to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
