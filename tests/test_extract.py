"""Table-driven extraction tests: each case is a paragraph with its mentions marked inline.

``Recalling <its resolution 61/8> of 16 March 2018`` marks one mention; the expected fields
follow in the table. The paragraph is wrapped in a minimal resolution of the body given,
so that "its" has an adopting body.
"""

from __future__ import annotations

import re

import pytest

from policykg import extract_text

BODY_LINE = {
    "CND": "The Commission on Narcotic Drugs,",
    "GA": "The General Assembly,",
    "ECOSOC": "The Economic and Social Council,",
    "HRC": "The Human Rights Council,",
}
TITLE_NUMBER = {"CND": "65/1", "GA": "78/200", "ECOSOC": "2024/10", "HRC": "55/3"}


def _document(issuer: str, marked: str) -> tuple[str, list[tuple[int, int]]]:
    head = f"Resolution {TITLE_NUMBER[issuer]}\n\nA test resolution\n\n{BODY_LINE[issuer]}\n\n"
    spans, plain, pos = [], [], 0
    for m in re.finditer(r"<([^<>]*)>", marked):
        plain.append(marked[pos : m.start()])
        start = len(head) + sum(map(len, plain))
        plain.append(m.group(1))
        spans.append((start, start + len(m.group(1))))
        pos = m.end()
    plain.append(marked[pos:])
    return head + "".join(plain) + "\n", spans


CASES = [
    # "its" is the adopting body of the citing text; the date becomes ISO.
    (
        "CND",
        "Recalling <its resolution 61/8> of 16 March 2018,",
        [
            {
                "key": "CND 61/8",
                "kind": "resolution",
                "issuer": "CND",
                "number": "61/8",
                "date": "2018-03-16",
                "verb": "Recalling",
            }
        ],
    ),
    (
        "GA",
        "Reaffirming <its resolution 73/192> of 17 December 2018,",
        [{"key": "GA 73/192", "date": "2018-12-17", "verb": "Reaffirming"}],
    ),
    (
        "ECOSOC",
        "Recalling <its resolution 2003/32> of 22 July 2003,",
        [{"key": "ECOSOC 2003/32", "date": "2003-07-22"}],
    ),
    # In an ECOSOC text, "the General Assembly, in its resolution" is the Assembly's.
    (
        "ECOSOC",
        "Recalling that the <General Assembly>, in <its resolution 42/112> of 7 December 1987, "
        "decided to observe 26 June as the International Day,",
        [{"key": "body/GA", "kind": "body"}, {"key": "GA 42/112", "date": "1987-12-07"}],
    ),
    # A body that adopts no resolutions cannot own "its resolution": the adopting body does.
    (
        "CND",
        "1. *Requests* the <United Nations Office on Drugs and Crime>, in accordance with "
        "<its resolution 52/7> of 20 March 2009, to continue;",
        [{"key": "body/UNODC"}, {"key": "CND 52/7", "date": "2009-03-20", "verb": "Requests"}],
    ),
    ("CND", "Recalling <Commission resolution 61/11> of 16 March 2018,", [{"key": "CND 61/11"}]),
    (
        "CND",
        "Taking note of <General Assembly resolution [73/192](#)> of 17 December 2018,",
        [{"key": "GA 73/192", "verb": "Taking note"}],
    ),
    (
        "CND",
        "Recalling <Economic and Social Council resolution 2003/32> of 22 July 2003,",
        [{"key": "ECOSOC 2003/32"}],
    ),
    (
        "HRC",
        "Recalling <Human Rights Council resolution 37/42> of 23 March 2018,",
        [{"key": "HRC 37/42", "date": "2018-03-23"}],
    ),
    (
        "CND",
        "Recalling <World Health Assembly resolution WHA72.1>,",
        [{"key": "WHA 72.1", "issuer": "WHA", "number": "72.1"}],
    ),
    ("GA", "Recalling <Security Council resolution 2482 (2019)>,", [{"key": "SC 2482 (2019)"}]),
    ("GA", "Recalling <its resolution 3443 (XXX)>,", [{"key": "GA 3443 (XXX)"}]),
    ("CND", "Recalling <General Assembly resolution 217 A (III)>,", [{"key": "GA 217 A (III)"}]),
    ("CND", "Recalling <resolution S-30/1>, annex,", [{"key": "GA S-30/1", "annex": True}]),
    (
        "CND",
        "Recalling <Commission on Narcotic Drugs decision 61/1>,",
        [{"key": "CND decision 61/1", "kind": "decision"}],
    ),
    # Lists: one citation per number, each with its own date.
    (
        "CND",
        "Recalling also <its resolutions 60/4> of 17 March 2017 on preventing harm, "
        "<60/9> of 17 March 2017 on training, border control and agencies and "
        "<61/8> of 16 March 2018 on synthetic opioids,",
        [
            {"key": "CND 60/4", "date": "2017-03-17"},
            {"key": "CND 60/9", "date": "2017-03-17"},
            {
                "key": "CND 61/8",
                "date": "2018-03-16",
                "verb": "Recalling",
                "verb_text": "Recalling also",
            },
        ],
    ),
    # Self-references are not citations.
    (
        "CND",
        "2. *Requests* the <Secretariat> to report on the present resolution;",
        [{"key": "body/Secretariat"}],
    ),
    # Documents by symbol; a resolution symbol is the resolution.
    (
        "CND",
        "Noting the report of the Executive Director (<E/CN.7/2018/1>) and <A/RES/73/192>,",
        [
            {"key": "document/E/CN.7/2018/1", "kind": "document", "symbol": "E/CN.7/2018/1"},
            {"key": "GA 73/192", "kind": "resolution", "symbol": "A/RES/73/192"},
        ],
    ),
    # Treaties: short forms, amendment, articles, collective phrases.
    (
        "CND",
        "Recalling that, in accordance with the <1961 Convention as amended>,",
        [{"key": "treaty/single-convention-1961", "amended_by": ["treaty/protocol-1972"]}],
    ),
    (
        "CND",
        "in the context of article 13 of the <1988 Convention>;",
        [{"key": "treaty/trafficking-convention-1988", "article": "13", "year": 1988}],
    ),
    (
        "CND",
        "Reaffirming the <three international drug control conventions>,",
        [
            {"key": "treaty/psychotropic-convention-1971"},
            {"key": "treaty/single-convention-1961"},
            {"key": "treaty/trafficking-convention-1988"},
        ],
    ),
    ("GA", "Recalling the <Convention on the Rights of the Child>,", [{"key": "treaty/crc-1989"}]),
    # Missing from the registry: still extracted, keyed by what the text says.
    (
        "CND",
        "Recalling the <Convention on the Protection of Mountain Lichens of 2031>,",
        [{"key": "treaty/convention-on-the-protection-of-mountain-lichens-2031", "year": 2031}],
    ),
    (
        "CND",
        "Welcoming the <Kathmandu Declaration on Alternative Livelihoods of 2030>,",
        [{"key": "declaration/kathmandu-declaration-on-alternative-livelihoods-2030"}],
    ),
    # Declarations and outcome documents.
    ("CND", "Recalling the <2030 Agenda for Sustainable Development>,", [{"key": "GA 70/1"}]),
    (
        "CND",
        "Recalling the <outcome document of the thirtieth special session of the General "
        "Assembly>,",
        [{"key": "GA S-30/1", "kind": "declaration", "year": 2016}],
    ),
    ("CND", "Recalling the <1998 political declaration>,", [{"key": "GA S-20/2"}]),
    # Reports and programmes.
    (
        "CND",
        "Taking note of the <World Drug Report 2020>,",
        [{"key": "report/world-drug-report-2020", "year": 2020}],
    ),
    (
        "CND",
        "Noting the <report of the International Narcotics Control Board for 2018>,",
        [{"key": "report/incb-report-2018"}],
    ),
]


@pytest.mark.parametrize(("issuer", "marked", "expected"), CASES)
def test_extraction_table(issuer, marked, expected):
    text, spans = _document(issuer, marked)
    mentions = [m for m in extract_text(text, "case.txt").mentions if m.paragraph != "title"]
    mentions = [m for m in mentions if not (m.kind == "body" and m.paragraph == "adopting")]
    got = [(m.start, m.end) for m in mentions]
    expected_spans = (
        [spans[i] for i, _ in enumerate(expected)]
        if len(spans) == len(expected)
        else [spans[0]] * len(expected)
    )
    assert sorted(got) == sorted(expected_spans), [(m.key, m.surface) for m in mentions]
    by_span_key = {(m.start, m.end, m.key): m for m in mentions}
    for span, fields in zip(expected_spans, expected, strict=True):
        m = by_span_key[(*span, fields["key"])]
        assert text[m.start : m.end] == m.surface
        data = m.to_json()
        for name, value in fields.items():
            assert data[name] == value, (name, data)
        assert m.citing == f"{issuer} {TITLE_NUMBER[issuer]}"


def test_unresolved_ibid_is_reported_not_guessed():
    text = (
        "Resolution 65/1\n\nA test\n\nThe Commission on Narcotic Drugs,\n\nRecalling the "
        "outcome document of the thirtieth special session of the General Assembly,¹\n\n"
        "¹ Ibid.\n"
    )
    e = extract_text(text, "ibid.txt")
    assert [m.paragraph for m in e.mentions if m.paragraph.startswith("fn")] == []
    (finding,) = [f for f in e.findings if f.code == "unresolved-ibid"]
    assert finding.line == 9 and finding.column == 3


def test_ibid_takes_previous_treaty_series_footnote():
    text = (
        "Resolution 65/1\n\nA test\n\nThe Commission on Narcotic Drugs,\n\nRecalling the "
        "Convention on Psychotropic Substances of 1971¹ and the Convention against Fog "
        "of 2031,²\n\n¹ United Nations, *Treaty Series*, vol. 1019, No. 14956.\n\n"
        "² *Ibid.*, vol. 9999, No. 99999.\n"
    )
    e = extract_text(text, "ibid.txt")
    notes = {m.paragraph: m for m in e.mentions if m.paragraph.startswith("fn")}
    assert (
        notes["fn1"].key == "treaty/psychotropic-convention-1971"
        and notes["fn1"].unts == "1019/14956"
    )
    assert notes["fn2"].key == "treaty/unts-9999-99999" and notes["fn2"].unts == "9999/99999"
    in_text = {m.key: m for m in e.mentions if m.paragraph == "pp1"}
    assert in_text["treaty/psychotropic-convention-1971"].footnote == "1"
    assert in_text["treaty/psychotropic-convention-1971"].unts == "1019/14956"
    fog = next(m for m in e.mentions if m.paragraph == "pp1" and "fog" in m.key)
    assert fog.unts == "9999/99999" and fog.footnote == "2"


def test_footnote_mentions_take_the_verb_and_citing_instrument_of_their_marker():
    text = (
        "Resolution 65/1\n\nA test\n\nThe Commission on Narcotic Drugs,\n\nBearing in mind "
        "the 2030 Agenda for Sustainable Development,³\n\n³ General Assembly resolution 70/1.\n"
    )
    e = extract_text(text, "fn.txt")
    fn = next(m for m in e.mentions if m.paragraph == "fn3")
    assert (fn.key, fn.verb, fn.citing) == ("GA 70/1", "Bearing in mind", "CND 65/1")
