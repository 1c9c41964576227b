"""Contradictions are reported, not hidden; unresolved Ibid. is reported, not guessed."""

from __future__ import annotations

from conftest import extracted
from policykg import corpus_findings

FILES = [
    f"{n}.txt"
    for n in (
        "000_b683d9e7a0c726a8",
        "001_067b0b7149bfe287",
        "002_af8c892a89e4666d",
        "003_e32f7980345ce9ca",
        "004_b0bde2738dac2700",
    )
]


def test_resolution_58_9_is_cited_with_three_dates():
    findings = [
        f for f in corpus_findings(extracted(n) for n in FILES) if f.code == "conflicting-date"
    ]
    (f,) = [f for f in findings if f.key == "CND 58/9"]
    # 001 says 17 March 2014, 002 says 13 March 2015, 003 says 17 March 2015.
    for date in ("2014-03-17", "2015-03-13", "2015-03-17"):
        assert date in f.message
    assert f.file.endswith("001_067b0b7149bfe287.txt")


def test_a_date_that_cannot_match_the_session_number():
    # Session 58 of the Commission met in 2015, so "58/9 of 17 March 2014" cannot be right.
    findings = [f for f in extracted(FILES[1]).findings if f.code == "date-number-mismatch"]
    assert [f.key for f in findings] == ["CND 58/9"]
    # Line 71: "Recalling also its resolution 58/9 of 17 March 2014"; the mention starts at "its".
    assert (findings[0].line, findings[0].column) == (71, 16)


def test_unresolved_ibid_in_seed_002():
    (f,) = [f for f in extracted(FILES[2]).findings if f.code == "unresolved-ibid"]
    assert f.line == 23 and "footnote 1" in f.message


def test_no_findings_where_the_text_is_consistent():
    assert extracted(FILES[0]).findings == ()
