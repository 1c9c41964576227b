"""Every regular expression of the package, built from named fragments.

Patterns run on *cleaned* text: markup removed, lines unwrapped, footnote markers
lifted out. Registry-driven name patterns are compiled in :mod:`policykg.names`.
"""

from __future__ import annotations

import re

# --- fragments -------------------------------------------------------------------------

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH = "(?:" + "|".join(MONTHS) + ")"
YEAR = r"(?:1[89]\d\d|20\d\d)"
DAY = r"(?:[1-9]|[12]\d|3[01])"
# "16 March 2018" or "March 16, 2018"
DATE = rf"(?:{DAY}\s+{MONTH}\s+{YEAR}|{MONTH}\s+{DAY},?\s+{YEAR})"

ROMAN = r"[IVXLC]+"
# Resolution and decision numbers, most specific first:
RESOLUTION_NUMBER = rf"""
    (?:
        (?:ES|S)-\d{{1,2}}/\d{{1,3}}             # special sessions: S-30/1, ES-10/2
      | \d{{1,4}}\s+[A-Z]\s+\({ROMAN}\)         # old GA style with letter: 217 A (III)
      | \d{{1,4}}\s+\({ROMAN}\)                 # old GA style: 3443 (XXX)
      | \d{{3,4}}\s+\({YEAR}\)                  # Security Council: 2482 (2019)
      | WHA\s?\d{{1,2}}(?:\.\d{{1,3}})+         # World Health Assembly: WHA72.1
      | EB\d{{1,3}}\.R\d{{1,3}}                 # WHO Executive Board: EB144.R5
      | \d{{1,4}}/\d{{1,4}}(?:\s+[A-Z](?![\w/]))?  # session/number or year/number, 71/313 B
    )
"""

# Ordinal words for sessions: "sixty-third" -> 63.
UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}
TEENS = {
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
TENS_ORDINAL = {
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINAL_WORD = (
    "(?:(?:" + "|".join(TENS) + r")[\s-](?:" + "|".join(UNITS) + ")"
    "|" + "|".join([*TENS_ORDINAL, *TEENS, *UNITS]) + ")"
)
ORDINAL = rf"(?:{ORDINAL_WORD}|\d{{1,3}}(?:st|nd|rd|th))"


def ordinal_value(word: str) -> int | None:
    """``"sixty-third"`` -> 63, ``"30th"`` -> 30; None if not an ordinal."""
    w = word.lower().replace(" ", "-")
    if m := re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)", w):
        return int(m.group(1))
    if w in UNITS:
        return UNITS[w]
    if w in TEENS:
        return TEENS[w]
    if w in TENS_ORDINAL:
        return TENS_ORDINAL[w]
    tens, _, unit = w.partition("-")
    if tens in TENS and unit in UNITS:
        return TENS[tens] + UNITS[unit]
    return None


# --- source cleaning -----------------------------------------------------------------

# Unicode superscript digits used as footnote markers.
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_VALUE = {c: str(i) for i, c in enumerate(SUPERSCRIPTS)}
SUPERSCRIPT_RUN = re.compile(f"[{SUPERSCRIPTS}]+")
SUP_TAG = re.compile(r"<sup>\s*([^<\s]{1,4})\s*</sup>", re.I)

# Inline markdown and HTML that carries no words.
MARKDOWN_LINK = re.compile(r"\[([^\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
EMPHASIS = re.compile(
    r"(?<![\\*])\*{1,3}(?!\s)|(?<=\S)\*{1,3}(?!\*)|(?<![\w\\])_{1,2}(?=\S)|(?<=\S)_{1,2}(?!\w)"
)
HTML_TAG = re.compile(r"</?(?:i|b|em|strong|u|span|p|br|div|a|small|font)\b[^>]*>", re.I)
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
HEADING_PREFIX = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)
RULE_LINE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,})[ \t]*$", re.M)

# A UN document symbol: A/RES/73/192, E/CN.7/2018/1, E/INCB/2019/1, A/CONF.62/122.
SYMBOL = r"""
    (?<![\w/.])
    (?:A|E|S|ST|TD|DP|UNEP|CRC|CCPR|CERD|CEDAW|CAT|HRC|UNW|ICCD|FCCC|INCB|UNODC|WHO|WHA)
    (?:\.\d+)?
    (?:/(?:[A-Z]+(?:\.\d+)?|\d+(?:\.\d+)?|S-\d+|ES-\d+|[A-Z]?\d+[A-Z]?(?:\.\d+)?|Add\.\d+|Rev\.\d+|Corr\.\d+))+
    (?<=\d|\w)
"""
SYMBOL_RE = re.compile(SYMBOL, re.X)

# Lines that are page furniture in PDF-extracted text (no trailing full stop).
PAGE_NUMBER = r"(?:-\s*\d{1,4}\s*-|\d{1,4}(?:\s*/\s*\d{1,4})?|Page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)"
JOB_NUMBER = r"(?:(?:[A-Z]{1,2}\.?)?\d{2}-\d{4,6}(?:\s*\([A-Z]\))?|\*\d{7,}\*)"
HEADER_TOKEN = rf"(?:{SYMBOL}|{PAGE_NUMBER}|{JOB_NUMBER})"
HEADER_LINE = re.compile(rf"^[ \t]*{HEADER_TOKEN}(?:[ \t]+{HEADER_TOKEN}){{0,3}}[ \t]*$", re.X)

# A running header that pairs the symbol with the title: "A/RES/73/192    International ...".
SYMBOL_TITLE_LINE = re.compile(
    rf"^[ \t]*(?:{SYMBOL}[ \t]{{2,}}\S.*|\S.*\S[ \t]{{2,}}{SYMBOL})[ \t]*$", re.X
)
BRACKET_NOTE = re.compile(r"^\[[^\]]+\]$")

# A footnote body in PDF text whose label is plain digits: "6 United Nations, Treaty Series".
PLAIN_FOOTNOTE_START = re.compile(
    rf"""^(\d{{1,3}})[ \t]+(?!{MONTH}\b)(?=See\b|Ibid\b|United\s+Nations\b|General\s+Assembly\b
        |Official\s+Records\b|Economic\s+and\s+Social\b|Commission\b|{SYMBOL})""",
    re.X,
)
# The same label glued to the end of a word or closing punctuation: "Protocol,6 in".
PLAIN_MARKER = re.compile(r"(?<=[a-z\)\]”\"’,;.:])(\d{1,3})(?=[\s,;.:)”]|$)")
ASTERISK_MARKER = re.compile(r"(?<=[\w.,;:)”])\*(?=[\s,;.:)]|$)")

# --- document structure ----------------------------------------------------------------

TITLE_LINE = re.compile(
    rf"^(?P<kind>Resolution|Decision)\s+(?P<number>{RESOLUTION_NUMBER})\s*$", re.X | re.I
)
# GA/ECOSOC/HRC style: "73/192. International cooperation against the world drug problem".
NUMBERED_TITLE_LINE = re.compile(
    r"^(?P<number>(?:S-|ES-)?\d{1,4}/\d{1,4}(?:\s+[A-Z])?)\.\s+(?P<title>[A-Z].*)$"
)
ADOPTED_BY_LINE = re.compile(
    rf"^(?P<kind>Resolution|Decision)\s+adopted\s+by\s+the\s+(?P<body>[A-Z][\w\s]+?)"
    rf"(?:\s+on\s+(?P<date>{DATE}))?\s*$"
)
ADOPTING_LINE = re.compile(
    r"^The\s+(?P<body>(?:[A-Z][\w-]*|on|of|and|for|the)(?:\s+(?:[A-Z][\w-]*|on|of|and|for|the))*),\s*$"
)
OPERATIVE_START = re.compile(r"^(?P<number>\d{1,3})\.\s+(?=\S)")
SUB_START = re.compile(r"^\((?P<letter>[a-z]{1,2}|[ivx]{1,5})\)\s+(?=\S)")
SENTENCE_END = re.compile(r"[.;:,!?]['\"”’)\]]*\s*$")

# Clause verbs. Each alternative is a base form; adverbs and manner phrases are optional.
ADVERB = (
    r"(?:(?:also|further|again|once\s+again|moreover|furthermore|strongly|hereby|firmly|deeply"
    r"|gravely|seriously|profoundly|fully|duly|also\s+further|once\s+more)\s+)"
)
MANNER = (
    r"(?:\s+(?:with|in)\s+(?:great\s+|deep\s+|grave\s+|serious\s+|particular\s+|due\s+)?"
    r"(?:appreciation|concern|satisfaction|interest|regret|alarm|gratitude|approval|"
    r"recognition|seriousness)(?:\s+of)?)"
)
PREAMBLE_VERBS = (
    "Taking note",
    "Taking into account",
    "Taking into consideration",
    "Bearing in mind",
    "Having considered",
    "Having regard",
    "Having examined",
    "Having reviewed",
    "Expressing concern",
    "Expressing appreciation",
    "Expressing its concern",
    "Expressing its appreciation",
    "Guided by",
    "Recalling",
    "Reaffirming",
    "Reiterating",
    "Recognizing",
    "Recognising",
    "Noting",
    "Welcoming",
    "Acknowledging",
    "Emphasizing",
    "Emphasising",
    "Stressing",
    "Underlining",
    "Underscoring",
    "Highlighting",
    "Considering",
    "Affirming",
    "Convinced",
    "Concerned",
    "Alarmed",
    "Aware",
    "Mindful",
    "Determined",
    "Conscious",
    "Cognizant",
    "Deploring",
    "Observing",
    "Appreciating",
    "Commending",
    "Believing",
    "Desiring",
    "Encouraged",
    "Seeking",
    "Realizing",
    "Fully aware",
    "Keeping in mind",
    "Pursuant",
    "Resolved",
    "Committed",
    "Expressing",
    "Reaffirming",
    "Referring",
    "Bearing",
    "Regretting",
)
OPERATIVE_VERBS = (
    "Takes note",
    "Calls upon",
    "Calls on",
    "Appeals to",
    "Draws attention",
    "Accepts",
    "Acknowledges",
    "Adopts",
    "Affirms",
    "Agrees",
    "Appeals",
    "Appreciates",
    "Approves",
    "Authorizes",
    "Commends",
    "Concurs",
    "Condemns",
    "Considers",
    "Decides",
    "Declares",
    "Deplores",
    "Designates",
    "Directs",
    "Emphasizes",
    "Encourages",
    "Endorses",
    "Expresses",
    "Highlights",
    "Instructs",
    "Invites",
    "Notes",
    "Proclaims",
    "Reaffirms",
    "Recalls",
    "Recognizes",
    "Recommends",
    "Regrets",
    "Reiterates",
    "Reminds",
    "Renews",
    "Requests",
    "Resolves",
    "Stresses",
    "Supports",
    "Underlines",
    "Underscores",
    "Urges",
    "Welcomes",
    "Emphasises",
    "Recognises",
    "Calls",
    "Confirms",
)
# Verbs of operative clauses that give a mandate to the addressee.
MANDATE_VERBS = (
    "requests",
    "invites",
    "encourages",
    "calls upon",
    "calls on",
    "urges",
    "recommends",
    "authorizes",
    "appeals to",
    "instructs",
    "directs",
    "mandates",
)


def _verb_alternation(verbs: tuple[str, ...]) -> str:
    unique = sorted(set(verbs), key=len, reverse=True)
    return "|".join(v.replace(" ", r"\s+") for v in unique)


# "Recalling also its resolution" / "Taking note with appreciation of" / "Gravely concerned"
PREAMBLE_OPENER = re.compile(
    rf"^(?P<adv>{ADVERB.replace('also', 'Also').replace('further', 'Further')}|{ADVERB})?"
    rf"(?P<verb>{_verb_alternation(PREAMBLE_VERBS)})\b"
    rf"(?P<tail>(?:\s+(?:also|further|again|once\s+again))?{MANNER}?(?:\s+(?:of|that))?)",
    re.I,
)
OPERATIVE_OPENER = re.compile(
    rf"^(?P<adv>{ADVERB})?(?P<verb>{_verb_alternation(OPERATIVE_VERBS)})\b"
    rf"(?P<tail>{MANNER}?(?:\s+of)?)",
    re.I,
)
INLINE_MANDATE = re.compile(
    rf"(?:[,;]\s*(?:and\s+)?|\s+and\s+)(?P<adv>(?:also|further|once\s+again|again|strongly)\s+)?"
    rf"(?P<verb>{_verb_alternation(MANDATE_VERBS)})\b",
)

# --- citations -----------------------------------------------------------------------

# Issuer phrases that can precede "resolution"/"decision".
ISSUER_PREFIX = r"""
    (?P<issuer>
        Commission\s+on\s+Narcotic\s+Drugs
      | Commission\s+on\s+Crime\s+Prevention\s+and\s+Criminal\s+Justice
      | General\s+Assembly | Assembly | UNGA | GA
      | Economic\s+and\s+Social\s+Council | ECOSOC | Council
      | Human\s+Rights\s+Council | HRC
      | Security\s+Council
      | World\s+Health\s+Assembly | WHA
      | Commission | CND | CCPCJ
      | Executive\s+Board
    )
"""
RESOLUTION_HEAD = re.compile(
    rf"""
    (?:(?P<its>\b(?:its|their)\s+)|\b{ISSUER_PREFIX}\s+)?
    \b(?P<kind>resolution|decision)(?P<plural>s)?\s+
    (?P<number>{RESOLUTION_NUMBER})
    (?P<annex>,?\s+annex(?:es)?\b)?
    """,
    re.X | re.I,
)
# A further number of a list: ", 60/9 of 17 March 2017" / " and 61/8".
LIST_ITEM = re.compile(
    rf"(?:,\s*(?:and\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)(?P<number>{RESOLUTION_NUMBER})"
    rf"(?=\s+of\s+{DATE}|\s*,|\s+and\b|\s+on\b|\s+entitled\b|\s*[;.)]|\s*$|\s+\()",
    re.X,
)
DATE_AFTER = re.compile(rf"^\s*,?\s*(?:adopted\s+)?(?:of|on|dated)\s+(?P<date>{DATE})")
# "Commission on Narcotic Drugs, in its resolution" / "by the Commission in its resolution"
ACTOR_BEFORE_ITS = re.compile(
    r"(?P<actor>[A-Z][\w-]*(?:\s+(?:[A-Z][\w-]*|on|of|and|for))*),?\s+in\s*$"
)
ISSUER_AFTER = re.compile(
    r"^\s+of\s+the\s+(?P<issuer>Commission\s+on\s+Narcotic\s+Drugs|General\s+Assembly|"
    r"Economic\s+and\s+Social\s+Council|Human\s+Rights\s+Council|Security\s+Council|"
    r"World\s+Health\s+Assembly|Commission\s+on\s+Crime\s+Prevention\s+and\s+Criminal\s+Justice)"
)
SELF_REFERENCE = re.compile(r"\b(?:present|this|that|the\s+said)\s+(?:resolution|decision)\b", re.I)

# Treaty Series references in footnotes: "Treaty Series, vol. 976, No. 14152".
UNTS_REF = re.compile(
    r"(?:(?P<series>United\s+Nations,\s+Treaty\s+Series)|(?P<ibid>\bIbid\b\.?))?"
    r"(?:,\s*|\s+)vol\.\s*(?P<vol>\d{1,5})\s*,\s*No\.\s*(?P<no>\d{1,6})",
    re.I,
)
IBID = re.compile(r"^\s*(?:See\s+)?Ibid\b\.?", re.I)
OFFICIAL_RECORDS = re.compile(r"Official\s+Records\s+of\s+the\s+(?P<body>[A-Z][\w\s]+?)\s*,", re.I)
TREATY_SERIES = re.compile(r"Treaty\s+Series", re.I)

# Treaty words for names missing from the registry.
GENERIC_TREATY = re.compile(
    r"""
    \b(?P<name>
        (?:(?:United\s+Nations|International|Single|Optional|Inter-American|European|African|Arab)\s+)?
        (?:Convention|Covenant|Protocol|Treaty|Charter|Agreement)
        \s+(?:on|against|for|of|relating\s+to|concerning|amending)\s+
        (?:the\s+)?[A-Z][\w'’-]*
        (?:\s+(?:(?:and|of|the|in|on|for|against|to|from)\s+)*[A-Z][\w'’-]*)*
    )
    (?P<year>(?:,\s*|\s+of\s+)(?:1[89]\d\d|20\d\d))?
    """,
    re.X,
)
# Declarations, plans and programmes of action missing from the registry.
GENERIC_DECLARATION = re.compile(
    r"""
    \b(?P<name>
        (?:[A-Z][\w'’-]*\s+){0,4}
        (?:Declaration|Plan\s+of\s+Action|Programme\s+of\s+Action|Ministerial\s+Statement|Joint\s+Statement|Outcome\s+Document)
        (?:\s+(?:on|of|for|against|to)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:(?:and|of|the|in|on|for|against|to)\s+)*[A-Z][\w'’-]*)*)?
    )
    (?P<year>(?:,\s*|\s+of\s+|\s+)(?:1[89]\d\d|20\d\d)\b)?
    """,
    re.X,
)
SHORT_TREATY = re.compile(
    r"\b(?P<year>1[89]\d\d|20\d\d)\s+(?P<word>Convention|Protocol|Covenant|Treaty|Agreement)\b"
)
AS_AMENDED = re.compile(
    r"^\s+as\s+amended(?:\s+by\s+the\s+(?P<year>\d{4}\s+)?Protocol"
    r"(?:\s+amending\s+the\s+Single\s+Convention\s+on\s+Narcotic\s+Drugs(?:,?\s+(?:of\s+)?1961)?)?)?",
    re.I,
)
ARTICLE_BEFORE = re.compile(
    r"\b(?:article|art\.)\s+(?P<article>\d{1,3}(?:\s*,\s*paragraph\s+\d+)?(?:\s*\([a-z0-9]+\))*)"
    r"(?:\s*,\s*paragraph\s+\d+)?\s+of\s+(?:the\s+)?$",
    re.I,
)
YEAR_BEFORE = re.compile(r"\b(?P<year>1[89]\d\d|20\d\d)\s+$")
YEAR_AFTER = re.compile(r"^(?:,\s*|\s+of\s+|\s+)(?P<year>1[89]\d\d|20\d\d)\b(?!\s*[/–-]\s*\d)")

# Outcome documents of special sessions of the General Assembly.
SPECIAL_SESSION_OUTCOME = re.compile(
    rf"""
    \b(?:
        (?P<ungass>UNGASS(?:\s+(?P<uyear>20\d\d))?\s+outcome\s+document)
      | outcome\s+document\s+of\s+(?:the|its)\s+(?P<ordinal>{ORDINAL_WORD}\s+)?special\s+session
        (?:\s+of\s+the\s+General\s+Assembly)?
        (?:\s+on\s+the\s+world\s+drug\s+problem)?
        (?:,?\s+held\s+in\s+(?P<year>{YEAR}))?
    )
    """,
    re.X | re.I,
)

# Reports published in series.
WORLD_DRUG_REPORT = re.compile(r"\bWorld\s+Drug\s+Report(?:\s+(?P<year>20\d\d|19\d\d))?\b")
INCB_REPORT = re.compile(
    r"\b[Rr]eport\s+of\s+the\s+International\s+Narcotics\s+Control\s+Board\s+for\s+(?P<year>\d{4})\b"
)
INCB_ANNUAL_REPORT = re.compile(
    r"(?:International\s+Narcotics\s+Control\s+Board|INCB|the\s+Board)[\w\s,]{0,40}?\bin\s+its\s+"
    r"(?P<surface>annual\s+report\s+for\s+(?P<year>\d{4}))"
)
GLOBAL_SMART_UPDATE = re.compile(r"\bGlobal\s+SMART\s+[Uu]pdate\b")

# Sessions and mandates.
SESSION = re.compile(
    rf"\b(?:at|by|to|before|during|for|until)\s+(?:its|the|their)\s+(?P<ordinal>{ORDINAL})\s+"
    r"(?:regular\s+|special\s+|reconvened\s+)?session\b"
    r"(?:\s+of\s+the\s+(?P<body>[A-Z][\w]*(?:\s+(?:[A-Z][\w]*|on|of|and|for))*))?",
    re.I,
)
TO_BODY_BEFORE_SESSION = re.compile(
    r"\bto\s+the\s+(?P<body>[A-Z][\w]*(?:\s+(?:[A-Z][\w]*|on|of|and|for))*)\s*,?\s*$"
)
INFINITIVE = re.compile(
    r"(?:,\s*|\s+)(?:to|To)\s+(?!the\b|a\b|an\b|that\b|this\b|those\b|these\b|all\b|its\b|their\b"
    r"|Member\b|States\b|each\b|such\b|any\b|which\b|[A-Z])(?P<verb>[a-z]+)\b"
)
PARTNER_INTRO = re.compile(
    r"\b(?:in\s+(?:close\s+)?(?:consultation|cooperation|collaboration|coordination|partnership)"
    r"\s+with|with\s+the\s+support\s+of)\b",
    re.I,
)
ADDRESSEE_GROUPS = (
    ("group/member-states", re.compile(r"\b(?:all\s+)?Member\s+States\b")),
    ("group/states-parties", re.compile(r"\bStates\s+parties\b")),
    ("group/donors", re.compile(r"\b(?:other\s+)?donors\b")),
    ("group/states", re.compile(r"(?<!Member\s)\b(?:all\s+)?States\b(?!\s+parties)")),
    ("group/civil-society", re.compile(r"\bcivil\s+society\b")),
)

WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
