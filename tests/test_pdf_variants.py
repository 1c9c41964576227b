"""The same citations are found when a seed is rewritten as PDF-extracted text."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import CORPUS
from corpusgen import pdfize
from policykg import extract_text

SEEDS = sorted(p.name for p in CORPUS.glob("*.txt"))
CITED_KINDS = ("resolution", "decision", "treaty", "declaration", "document", "report")
VARIANTS = {
    # hard wraps near 80 columns, hyphenated line ends, running headers and page numbers
    "wrapped": dict(seed=1, width=78, hyphenate=0.9),
    "narrow": dict(seed=2, width=66, hyphenate=0.5, page_lines=30),
    # footnote markers as plain digits ("Protocol,6"), as pdftotext gives them
    "plain-markers": dict(seed=3, width=80, hyphenate=0.5, plain_markers=True),
    # words split by extraction ("Declarati on")
    "split-words": dict(seed=4, width=80, hyphenate=0.5, split_words=0.02),
}


def _label(paragraph: str) -> str:
    # Unnumbered blocks of a report are counted by layout (a bold heading loses its
    # markup in a PDF), so only numbered and footnote labels must be identical.
    return "text" if paragraph.startswith(("text", "heading")) else paragraph


def _citations(text: str) -> Counter:
    e = extract_text(text, "variant.txt")
    return Counter(
        (m.kind, m.key, m.date, m.unts, _label(m.paragraph), m.citing, m.verb)
        for m in e.mentions
        if m.kind in CITED_KINDS
    )


def _words(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("name", SEEDS)
def test_same_citations_in_pdf_variant(name, variant):
    clean = (CORPUS / name).read_text(encoding="utf-8")
    pdf = pdfize(clean, **VARIANTS[variant])
    assert pdf != clean
    expected, got = _citations(clean), _citations(pdf)
    assert got == expected, {"missing": expected - got, "extra": got - expected}


@pytest.mark.parametrize("name", SEEDS)
def test_variant_offsets_slice_to_the_same_words(name):
    clean = (CORPUS / name).read_text(encoding="utf-8")
    pdf = pdfize(clean, seed=7, width=72, hyphenate=0.9)
    for m in extract_text(pdf, name).mentions:
        surface = pdf[m.start : m.end]
        assert surface == m.surface
        if "\n\n" in surface:
            continue  # a title broken by a page: the slice holds the page's furniture too
        # Undo the line-end hyphens and wraps: the words are those of a clean mention.
        assert _words(surface).replace("-", "") in _words(clean), m
