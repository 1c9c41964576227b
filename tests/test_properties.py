"""Property tests: arbitrary text never raises, and every offset slices to its surface."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policykg import clean, extract_text

# Fragments that exercise every stage: markup, markers, titles, citations, page furniture.
PIECES = [
    "Resolution 62/4",
    "The Commission on Narcotic Drugs,",
    "Recalling its resolution 61/8 of 16 March 2018,",
    "1. *Requests* the United Nations Office on Drugs and Crime to report to the Commission at its "
    "sixty-third session;",
    "(a) To promote",
    "¹",
    "²⁵",
    "<sup>3</sup>",
    "\\*",
    "*",
    "**",
    "[73/192](#)",
    "United Nations, *Treaty Series*, vol. 976, No. 14152.",
    "Ibid.",
    "*Ibid.*, vol. 1019, No. 14956.",
    "the Single Convention on Narcotic Drugs of 1961 as amended by the 1972 Protocol",
    "the three international drug control conventions",
    "E/CN.7/2018/1",
    "A/RES/73/192",
    "18-22450",
    "Declarati on",
    "a nd",
    "inter-",
    "national",
    "the 1988 Convention",
    "article 13 of",
    "2/12",
    "its resolutions 60/4 of 17 March 2017 on x, 60/9 and 61/8",
    "General Assembly resolution 217 A (III)",
    "\n",
    "\n\n",
    "\f",
    "\r\n",
    " ",
    "  ",
    "-",
    ",",
    ".",
    ";",
    ":",
    "(",
    ")",
    "“",
    "”",
    "#",
    "---",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_arbitrary_text_never_raises_and_offsets_slice_to_surfaces(text):
    e = extract_text(text, "prop.txt")
    for m in e.mentions:
        assert 0 <= m.start <= m.end <= len(text)
        assert text[m.start : m.end] == m.surface
    for md in e.mandates:
        assert 0 <= md.start <= md.end <= len(text)
    for inst in e.instruments:
        for p in inst.paragraphs:
            assert len(p.offsets) == len(p.ends) == len(p.text)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_cleaned_characters_map_back_in_order(text):
    c = clean(text)
    tm = c.text
    assert len(tm.starts) == len(tm.ends) == len(tm.text)
    previous = 0
    for i, ch in enumerate(tm.text):
        a, b = tm.starts[i], tm.ends[i]
        assert 0 <= a <= b <= len(text)
        assert a >= previous  # cleaning never reorders text
        previous = a
        if b - a == 1 and ch not in " \n":
            assert text[a] == ch  # a copied character is the source's character
