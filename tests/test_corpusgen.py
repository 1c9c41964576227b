"""Tests for benchmarks/corpusgen.py: the synthetic corpus and the pdftotext simulator.

The reverse checks below (markup removal, header/footer recognition, undoing hyphenation) are
written here from the documented output format, independently of corpusgen's internals.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

_ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("corpusgen", _ROOT / "benchmarks" / "corpusgen.py")
assert _spec is not None and _spec.loader is not None
corpusgen = importlib.util.module_from_spec(_spec)
sys.modules["corpusgen"] = corpusgen  # dataclasses look their module up while decorating
_spec.loader.exec_module(corpusgen)

SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SYMBOL = "E/CN.7/2019/15"
_FOOTER = re.compile(r"\d+|- \d+ -|\d+/\d+|V\.\d\d-\d{5} \d+|\d+ V\.\d\d-\d{5}")
_MONTHS = {"March": 3, "July": 7, "December": 12}


def _docs(n: int, seed: int = 7) -> list[str]:
    return [corpusgen.generate_document(i, random.Random(f"{seed}/{i}")) for i in range(n)]


@pytest.fixture(scope="module")
def docs() -> list[str]:
    return _docs(40)


def _strip_markdown(text: str) -> str:
    """Remove markdown: rules, heading marks, links, ``<sup>`` tags, emphasis."""
    text = re.sub(r"(?m)^\s*-{3,}\s*$", "", text)
    text = re.sub(r"(?m)^#+\s+", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"</?sup>", "", text)
    return text.replace("*", "")


def _body_lines(out: str, symbol: str = SYMBOL) -> list[str]:
    """pdfize output without running headers, page-number footers and blank lines.

    A footer is a page-number line followed (after blank lines) by a header or the end, so a
    body line that merely looks like a number ("2024") is kept.
    """
    lines = [line.replace("\f", "") for line in out.split("\n")]
    kept = []
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s == symbol:
            continue
        if _FOOTER.fullmatch(s):
            after = next((t.strip() for t in lines[i + 1 :] if t.strip()), symbol)
            if after == symbol:
                continue
        kept.append(line)
    return kept


def _unhyphenated(out: str, symbol: str = SYMBOL) -> str:
    joined = "\n".join(_body_lines(out, symbol))
    return re.sub(r"([A-Za-z])-\n([A-Za-z])", r"\1\2", joined)


def _words(text: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", text)


# -- determinism ---------------------------------------------------------------------------------


def test_generate_document_is_deterministic() -> None:
    a = corpusgen.generate_document(3, random.Random(11))
    assert a == corpusgen.generate_document(3, random.Random(11))
    assert a != corpusgen.generate_document(3, random.Random(12))


def test_generate_corpus_writes_n_files_deterministically(tmp_path: Path) -> None:
    first = corpusgen.generate_corpus(tmp_path / "a", 12, seed=5, style="mixed")
    again = corpusgen.generate_corpus(tmp_path / "b", 12, seed=5, style="mixed")
    other = corpusgen.generate_corpus(tmp_path / "c", 12, seed=6, style="mixed")
    assert len(first) == 12 and len(list((tmp_path / "a").iterdir())) == 12
    assert [p.name for p in first] == [p.name for p in again]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    assert all(p.name.startswith(f"{i:03d}_") for i, p in enumerate(first))
    sizes = [p.stat().st_size for p in first]
    assert all(2_000 <= s <= 40_000 for s in sizes), sizes
    # "mixed" alternates: even documents are clean markdown, odd ones are paginated.
    texts = [p.read_text(encoding="utf-8") for p in first]
    assert all("*" in t and "\f" not in t for t in texts[0::2])
    assert all("*" not in t for t in texts[1::2])


def test_pdf_style_renders_every_document(tmp_path: Path) -> None:
    clean = corpusgen.generate_corpus(tmp_path / "clean", 4, seed=2, style="clean")
    pdf = corpusgen.generate_corpus(tmp_path / "pdf", 4, seed=2, style="pdf")
    for c, p in zip(clean, pdf, strict=True):
        src, out = c.read_text(encoding="utf-8"), p.read_text(encoding="utf-8")
        assert src != out and "*" not in out
        assert len(_words(out)) > len(_words(_strip_markdown(src)))  # headers were added


def test_cli_reports_files_and_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert corpusgen.main([str(tmp_path), "-n", "3", "--seed", "1", "--style", "pdf"]) == 0
    total = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert f"3 files, {total} bytes" in capsys.readouterr().out


def test_pdfize_is_deterministic(docs: list[str]) -> None:
    text = docs[0]
    assert corpusgen.pdfize(text, seed=4) == corpusgen.pdfize(text, seed=4)
    assert corpusgen.pdfize(text, seed=4) != corpusgen.pdfize(text, seed=5)


# -- pdfize keeps every word ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seed", "width", "hyphenate", "plain"),
    [(0, 78, 0.5, False), (1, 60, 1.0, True), (2, 90, 0.0, False), (3, 40, 1.0, False)],
)
def test_pdfize_keeps_every_word_of_generated_documents(
    docs: list[str], seed: int, width: int, hyphenate: float, plain: bool
) -> None:
    for text in docs[:10]:
        out = corpusgen.pdfize(
            text, seed=seed, width=width, hyphenate=hyphenate, plain_markers=plain
        )
        flat = _unhyphenated(out)
        assert _words(flat) == _words(_strip_markdown(text))
        # Stronger: every non-space character survives in order (markers aside).
        expected = _strip_markdown(text)
        if plain:
            expected = expected.translate(str.maketrans(SUPERSCRIPT, "0123456789"))
        assert re.sub(r"\s+", "", flat) == re.sub(r"\s+", "", expected)


def test_pdfize_hyphenates_long_words_only(docs: list[str]) -> None:
    out = corpusgen.pdfize("\n\n".join(docs[:5]), seed=9, hyphenate=1.0)
    lines = _body_lines(out)
    broken = [(a.split()[-1], b.split()[0]) for a, b in itertools.pairwise(lines)]
    broken = [(a, b) for a, b in broken if re.search(r"[A-Za-z]-$", a)]
    assert len(broken) > 20
    for head, tail in broken:
        left = re.sub(r"^[^A-Za-z]*", "", head[:-1])
        right = re.match(r"[A-Za-z]*", tail)
        assert right is not None
        assert len(left) >= 3 and len(right.group()) >= 3 and len(left + right.group()) >= 8
    none = corpusgen.pdfize("\n\n".join(docs[:5]), seed=9, hyphenate=0.0)
    assert not any(re.search(r"[A-Za-z]-$", line) for line in _body_lines(none))


def test_pdfize_keeps_words_of_sample_corpus() -> None:
    samples = sorted((_ROOT / "data" / "corpus").glob("*.txt"))
    if not samples:
        pytest.skip("no sample corpus")
    for k, path in enumerate(samples):
        text = path.read_text(encoding="utf-8")
        out = corpusgen.pdfize(text, seed=k, hyphenate=0.8)
        assert _words(_unhyphenated(out)) == _words(_strip_markdown(text)), path.name


# Words of any length, punctuation, numbers, compounds and a bare "age-" (always followed by
# "and"/"or", as in "age- and gender-related").
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzAEIOUTHRS", min_size=1, max_size=16)
_TOKEN = st.one_of(
    _WORD,
    st.tuples(_WORD, st.sampled_from(",.;:)")).map("".join),
    st.sampled_from(["age- and", "pre- or", "(a)", "1988", "73/192", "non-medical", "“Our"]),
)
# Paragraphs end with punctuation, as real ones do ("age-" closing a paragraph at the foot of a
# page could not be told from a hyphenated word).
_PARAGRAPH = st.lists(_TOKEN, max_size=60).map(lambda words: " ".join([*words, "end."]))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    paragraphs=st.lists(_PARAGRAPH, min_size=1, max_size=12),
    seed=st.integers(0, 2**16),
    width=st.integers(30, 100),
    page_lines=st.integers(6, 50),
    hyphenate=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_pdfize_property_words_kept_and_widths(
    paragraphs: list[str], seed: int, width: int, page_lines: int, hyphenate: float
) -> None:
    text = "\n\n".join(paragraphs)
    out = corpusgen.pdfize(text, seed=seed, width=width, page_lines=page_lines, hyphenate=hyphenate)
    assert _words(_unhyphenated(out)) == _words(text)
    for line in _body_lines(out):
        assert len(line) <= width + 1 or " " not in line.strip()


# -- layout ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [50, 78])
def test_line_widths(docs: list[str], width: int) -> None:
    out = corpusgen.pdfize("\n\n".join(docs[:4]), seed=1, width=width)
    for line in out.replace("\f", "").split("\n"):
        assert len(line) <= width + 1 or " " not in line.strip(), line


def test_headers_footers_and_page_breaks(docs: list[str]) -> None:
    text = "\n\n".join(docs[:3])
    seen_styles = set()
    for seed in range(20):
        out = corpusgen.pdfize(text, seed=seed, page_lines=30, symbol="A/RES/73/192")
        lines = out.split("\n")
        headers = [i for i, s in enumerate(lines) if s.replace("\f", "").strip() == "A/RES/73/192"]
        footers = [s.strip() for s in lines if _FOOTER.fullmatch(s.replace("\f", "").strip())]
        pages = len(footers)
        assert pages > 5 and len(headers) == pages - 1
        numbers = [int(re.findall(r"\d+", re.sub(r"V\.\d\d-\d{5}", "", f))[0]) for f in footers]
        if "/" in footers[0]:
            numbers = [int(f.split("/")[0]) for f in footers]
            assert all(f.endswith(f"/{pages}") for f in footers)
        assert numbers == list(range(1, pages + 1))
        seen_styles.add(re.sub(r"\d", "9", footers[1]))
        # Some page ends mid-sentence: the last body line before a footer ends in a letter.
        last_body = [
            next(s for s in reversed(lines[:h]) if s.strip() and not _FOOTER.fullmatch(s.strip()))
            for h in headers
        ]
        assert any(re.search(r"[A-Za-z]$", s) for s in last_body)
    assert len(seen_styles) == 4, seen_styles


def test_markup_is_removed() -> None:
    src = "# Title\n\n---\n\n*Requests* **the** [73/192](#) a \\* b<sup>12</sup> c\n"
    out = corpusgen.pdfize(src, seed=0)
    body = _body_lines(out)
    assert body == ["Title", "Requests the 73/192 a * b¹² c"]
    plain = _body_lines(corpusgen.pdfize(src, seed=0, plain_markers=True))
    assert plain[-1] == "Requests the 73/192 a * b12 c"


def test_plain_markers(docs: list[str]) -> None:
    text = next(d for d in docs if "Treaty Series" in d)
    out = corpusgen.pdfize(text, seed=3, plain_markers=True, hyphenate=0.0)
    assert not any(ch in out for ch in SUPERSCRIPT)
    assert re.search(r"[A-Za-z],\d+ [a-z]", out)  # "Protocol,6 in which"
    assert re.search(r"(?m)^\d+ United Nations, Treaty Series, vol\. 976, No\. 14152\.$", out)
    fancy = corpusgen.pdfize(text, seed=3, hyphenate=0.0)
    assert re.search(f"(?m)^[{SUPERSCRIPT}]+ United Nations, Treaty Series", fancy)


def test_split_words_rate(docs: list[str]) -> None:
    text = "\n\n".join(docs[:12])
    out = corpusgen.pdfize(text, seed=5, hyphenate=0.0, split_words=0.1)
    src = _words(_strip_markdown(text))
    got = _words("\n".join(_body_lines(out)))
    eligible = sum(
        1
        for tok in _strip_markdown(text).split()
        if re.fullmatch(r"[^A-Za-z]*[A-Za-z]{8,}[^A-Za-z]*", tok)
    )
    splits, j = [], 0
    for word in src:
        if got[j] == word:
            j += 1
        else:
            assert got[j] + got[j + 1] == word, (word, got[j : j + 2])
            splits.append((got[j], got[j + 1]))
            j += 2
    assert j == len(got)
    assert eligible > 1000
    assert abs(len(splits) / eligible - 0.1) < 0.03
    assert all(len(a) >= 2 and len(b) >= 2 for a, b in splits)
    assert re.search(r"[A-Za-z]{2,} [a-z]{2,}", out)  # e.g. "Declarati on"


# -- generated documents -------------------------------------------------------------------------


def test_documents_contain_citation_forms(docs: list[str]) -> None:
    text = "\n".join(docs)
    link = r"\[?{}\]?(?:\(#\))?"
    num = link.format(r"\d+/\d+")
    date = r"\d{1,2} (?:March|July|December) \d{4}"
    patterns = {
        "own resolution with date": rf"\bits resolution {num} of {date}",
        "GA resolution": rf"General Assembly resolution {num} of \d{{1,2}} December \d{{4}}",
        "ECOSOC resolution": r"Economic and Social Council resolution (?:19|20)\d\d/\d+",
        "list of resolutions": rf"resolutions {num} of {date}[^.;]*?,(?: [^.;]*?)? and {num} of",
        "Treaty Series": r"United Nations, \*Treaty Series\*, vol\. 976, No\. 14152\.",
        "Ibid.": r"Ibid\.\*?, vol\. (?:1019|1582|976), No\. \d+\.",
        "treaty full name": r"Single Convention on Narcotic Drugs of 1961 as amended by the 1972",
        "treaty short form": r"\bthe (?:1961|1971|1988) Convention\b",
        "three conventions": r"the three international drug control conventions",
        "article": r"article \d+ of the",
        "special session": r"General Assembly resolution \[?S-30/1\]?(?:\(#\))?, annex\.",
        "INCB report": r"E/INCB/\d{4}/1",
        "World Drug Report": r"\*World Drug Report \d{4}\*",
        "report at session": r"to report to the Commission(?: on Narcotic Drugs)? at its "
        r"[a-z]+(?:-[a-z]+)? session",
        "CND title": r"(?m)^Resolution \d\d/\d+$",
        "GA title": r"(?m)^Resolution adopted by the General Assembly on \d+ December \d{4}\n\n"
        r"\d\d/\d{3}\. [A-Z]",
        "adopting body": r"(?m)^The (?:Commission on Narcotic Drugs|General Assembly),$",
        "operative verb": r"(?m)^\d+\. \*(?:Requests|Invites|Encourages|Calls upon|Urges)\* ",
        "also verb": r"(?m)^\d+\. \*(?:Also|Further) [a-z]+",
        "sub-paragraph": r"(?m)^\(b\) To [a-z]",
        "preamble": r"(?m)^(?:Recalling also|Reaffirming|Taking note of|Bearing in mind|"
        r"Noting with concern|Welcoming|Mindful|Recognizing) ",
    }
    missing = [name for name, pat in patterns.items() if not re.search(pat, text)]
    assert not missing


def test_documents_size_and_instruments(docs: list[str]) -> None:
    sizes = [len(d.encode("utf-8")) for d in docs]
    assert all(2_500 <= s <= 32_000 for s in sizes), sizes
    for d in docs:
        titles = re.findall(r"(?m)^(?:Resolution \d{2,4}/\d+|\d\d/\d{3}\. .+)$", d)
        bodies = re.findall(r"(?m)^The (?:Commission on Narcotic Drugs|General Assembly|"
                            r"Economic and Social Council),$", d)  # fmt: skip
        assert 1 <= len(bodies) <= 3 and len(titles) == len(bodies)
        operative = [int(n) for n in re.findall(r"(?m)^(\d+)\. \*", d)]
        assert len(operative) >= 5


def test_footnotes_are_consecutive_and_follow_their_markers(docs: list[str]) -> None:
    for d in docs:

        def num(s: str) -> int:
            return int(s.translate(str.maketrans(SUPERSCRIPT, "0123456789")))

        markers, bodies = [], {}
        for m in re.finditer(f"[{SUPERSCRIPT}]+", d):
            line_start = d.rfind("\n", 0, m.start()) + 1
            if m.start() == line_start:
                bodies[num(m.group())] = m.start()
            else:
                markers.append((num(m.group()), m.start()))
        numbers = [n for n, _ in markers]
        if not numbers:
            continue
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        assert sorted(bodies) == numbers
        assert all(bodies[n] > pos for n, pos in markers)


def test_citation_dates_are_consistent(docs: list[str]) -> None:
    cited_dates: dict[str, set[str]] = {}
    checked = 0
    for d in docs:
        heads = list(
            re.finditer(r"(?m)^(?:Resolution (\d+)/\d+$|\S.* on \d+ December (\d{4})$)", d)
        )
        for k, h in enumerate(heads):
            end = heads[k + 1].start() if k + 1 < len(heads) else len(d)
            if h.group(1):
                first = int(h.group(1))
                own = (first, 7) if first > 1000 else (1957 + first, 3)
            else:
                own = (int(h.group(2)), 12)
            for m in re.finditer(
                r"(\d+)/(\d+)\]?(?:\(#\))? of \d+ (\w+) (\d{4})", d[h.end() : end]
            ):
                session, month, year = int(m.group(1)), _MONTHS[m.group(3)], int(m.group(4))
                expected = {3: 1957 + session, 12: 1945 + session, 7: session}[month]
                assert year == expected, m.group()
                assert (year, month) < own, (m.group(), own)
                cited_dates.setdefault(f"{m.group(1)}/{m.group(2)}", set()).add(m.group(0))
                checked += 1
    assert checked > 100
    # A resolution is always cited with the same date.
    for forms in cited_dates.values():
        assert len({re.sub(r"^.*? of ", "", f) for f in forms}) == 1


def test_citation_targets_follow_a_power_law() -> None:
    text = "\n".join(_docs(80, seed=21))
    counts = Counter(re.findall(r"(\d+/\d+)\]?(?:\(#\))? of \d+ \w+ \d{4}", text))
    ranked = [c for _, c in counts.most_common()]
    assert len(ranked) > 60  # a long tail of distinct targets
    assert ranked[0] >= 8 * ranked[len(ranked) // 2]  # a few are cited very often
    assert sum(ranked[:5]) > 0.2 * sum(ranked)
