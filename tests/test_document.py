"""Document structure of the bundled corpus: instruments, paragraphs, footnotes."""

from __future__ import annotations

from conftest import extracted


def _labels(inst):
    return [p.label for p in inst.paragraphs]


def test_instruments_found_in_each_file():
    keys = {
        "000_b683d9e7a0c726a8.txt": [("CND 62/4", False)],
        "001_067b0b7149bfe287.txt": [(None, True), ("CND 64/4", False), ("CND 64/5", False)],
        "002_af8c892a89e4666d.txt": [("CND 62/2", False)],
        "003_e32f7980345ce9ca.txt": [(None, True), ("CND 66/3", False), ("CND 66/4", False)],
        "004_b0bde2738dac2700.txt": [(None, True)],
    }
    for name, expected in keys.items():
        got = [(i.key, i.fragment) for i in extracted(name).instruments]
        assert got == expected, name


def test_title_and_adopting_body():
    inst = extracted("000_b683d9e7a0c726a8.txt").instruments[0]
    assert inst.kind == "resolution" and inst.issuer == "CND" and inst.number == "62/4"
    assert inst.adopting_body == "Commission on Narcotic Drugs"
    assert inst.title.startswith("Advancing effective and innovative approaches")


def test_preamble_and_operative_numbering():
    inst = extracted("000_b683d9e7a0c726a8.txt").instruments[0]
    labels = _labels(inst)
    # 62/4 has 16 preambular paragraphs, 23 operative ones, and (a)-(d) under op16.
    assert [label for label in labels if label.startswith("pp")] == [f"pp{i}" for i in range(1, 17)]
    ops = [label for label in labels if label.startswith("op")]
    assert ops[:16] == [f"op{i}" for i in range(1, 17)]
    assert ops[16:20] == ["op16(a)", "op16(b)", "op16(c)", "op16(d)"]
    assert ops[-1] == "op23"


def test_paragraph_broken_by_page_reads_whole():
    inst = extracted("000_b683d9e7a0c726a8.txt").instruments[0]
    pp4 = next(p for p in inst.paragraphs if p.label == "pp4")
    # "... and their illicit" [five footnotes] "manufacture, diversion and trafficking, ..."
    assert "and their illicit manufacture, diversion and trafficking" in pp4.text
    assert pp4.verb == "Stressing" and pp4.verb_text == "Stressing with grave concern"
    sub = next(p for p in inst.paragraphs if p.label == "op16(d)")
    assert "and delivery of health-care and social services" in sub.text


def test_clause_verbs_base_and_written():
    inst = extracted("001_067b0b7149bfe287.txt").instruments[1]
    verbs = {p.label: (p.verb, p.verb_text) for p in inst.paragraphs if p.verb}
    assert verbs["pp1"] == ("Reaffirming", "Reaffirming")
    assert verbs["pp3"] == ("Recalling", "Recalling also")
    assert verbs["pp5"] == ("Taking note", "Taking note")
    assert verbs["op11"] == ("Encourages", "Also encourages")
    assert verbs["op12"] == ("Encourages", "Further encourages")


def test_fragment_keeps_its_paragraphs():
    fragment = extracted("001_067b0b7149bfe287.txt").instruments[0]
    assert fragment.fragment and fragment.key is None
    # The file opens in the tail of operative paragraph 16, then 17 to 21.
    assert _labels(fragment) == ["op16", "op17", "op18", "op19", "op20", "op21"]


def test_footnotes_are_lifted_out_with_labels():
    e = extracted("001_067b0b7149bfe287.txt")
    assert [f.label for f in e.footnotes] == [str(n) for n in range(25, 37)]
    fn28 = next(f for f in e.footnotes if f.label == "28")
    assert fn28.paragraph.text.startswith("See Official Records of the Economic and Social Council")
    for inst in e.instruments:
        for p in inst.paragraphs:
            assert "²" not in p.text and "Ibid." not in p.text


def test_report_paragraphs_of_a_non_resolution():
    inst = extracted("004_b0bde2738dac2700.txt").instruments[0]
    labels = _labels(inst)
    assert "para1" in labels and "para85" in labels
    assert not any(label.startswith(("pp", "op")) for label in labels)


def test_paragraph_offsets_map_to_original():
    from conftest import CORPUS

    name = "000_b683d9e7a0c726a8.txt"
    text = (CORPUS / name).read_text(encoding="utf-8")
    inst = extracted(name).instruments[0]
    op1 = next(p for p in inst.paragraphs if p.label == "op1")
    # The cleaned "Welcomes" came from "*Welcomes*" in the source.
    i = op1.text.index("Welcomes")
    span = op1.original_span(i, i + len("Welcomes"))
    assert text[span.start : span.end] == "Welcomes"
    assert text[span.start - 1] == "*"
