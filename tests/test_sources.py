"""Cleaning, table by table: each case is source text and the cleaned text it gives."""

from __future__ import annotations

import pytest

from policykg import SourceError, clean, read_source

CASES = [
    # markup carries no words
    ("*Welcomes* the **report**", "Welcomes the report"),
    ("General Assembly resolution [73/192](#) of", "General Assembly resolution 73/192 of"),
    ("*Ibid.*, vol. 1019", "Ibid., vol. 1019"),
    ("agenda\\* item\n\n\\* [E/CN.7/2018/1](#).", "agenda item\n\nE/CN.7/2018/1."),
    ("5 * 3 is not a marker", "5 * 3 is not a marker"),
    ("<i>Treaty Series</i>", "Treaty Series"),
    ("## **Summary**", "Summary"),
    # footnote markers are lifted out of running text
    ("Protocol,⁶ in which", "Protocol, in which"),
    ("Problem²⁸ of 2019", "Problem of 2019"),
    ("resolution 2017/20.<sup>1</sup> It", "resolution 2017/20. It"),
    # PDF text: hard wraps joined, hyphenated words rejoined, compounds kept
    ("Psycho-\ntropic Substances", "Psychotropic Substances"),
    ("non-\nmedical use of non-medical drugs", "non-medical use of non-medical drugs"),
    ("the Commission at its\nsixty-third session", "the Commission at its sixty-third session"),
    # running headers and page numbers go
    (
        "the Commission\n\n18-22450                                   1/4\nA/RES/73/192\n\nat its",
        "the Commission\n\n\nat its",
    ),
    # words split by extraction are rejoined when the word list says so
    ("the Universal Declarati on of Human Rights", "the Universal Declaration of Human Rights"),
    ("development, a nd recalling", "development, and recalling"),
    ("in to the room and any one of them", "in to the room and any one of them"),
]


@pytest.mark.parametrize(("source", "expected"), CASES)
def test_cleaning(source, expected):
    assert clean(source).text.text == expected


def test_markers_keep_label_position_and_source_span():
    source = "the Convention of 1971¹⁷ and the Protocol,⁶ in which"
    c = clean(source)
    assert [(m.label, c.text.text[m.position - 4 : m.position]) for m in c.markers] == [
        ("17", "1971"),
        ("6", "col,"),
    ]
    assert [source[m.span.start : m.span.end] for m in c.markers] == ["¹⁷", "⁶"]


def test_footnote_bodies_are_found_by_label():
    c = clean("Recalling X,¹\n\n¹ General Assembly resolution S-30/1, annex.\n")
    ((start, label),) = c.footnote_starts.items()
    assert label == "1" and c.text.text[start:].startswith("General Assembly resolution S-30/1")


def test_every_clean_span_maps_to_its_source_words():
    source = "Reaffirming the **Single Convention** on Narco-\ntic Drugs of 1961,⁶"
    c = clean(source)
    i = c.text.text.index("Narcotic")
    a, b = c.text.span(i, i + len("Narcotic"))
    assert source[a:b] == "Narco-\ntic"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\n ", "file is empty"),
        (b"\x00\x01\x02binary", "binary file"),
        (b"Recalling \xff\xfe its", "not UTF-8 text: byte 0xff at byte 10"),
    ],
)
def test_bad_files_are_named_with_the_reason(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_not_utf8_reports_line_and_column(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Line one\nRésolution".encode("latin-1"))
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert (info.value.line, info.value.column) == (2, 2)


def test_too_large_and_missing_files(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000)
    with pytest.raises(SourceError, match="over the limit of 1,000"):
        read_source(big, max_bytes=1000)
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "nope.txt")
