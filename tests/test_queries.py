"""Named queries (``queries/*.rq``): headers, safe binding, and answers read from the corpus.

Every expected answer below comes from reading ``data/corpus``; the comment on each case
quotes the passage. Files: 000 = CND resolution 62/4; 001 = the end of an untitled
resolution, then 64/4 and 64/5; 002 = 62/2; 003 = the end of an untitled resolution, then
66/3 and 66/4; 004 = the remarks of the CND facilitator (no resolution of its own).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import pyoxigraph as ox
import pytest

from conftest import CORPUS, ROOT
from policykg import extract_file
from policykg.queries import (
    ENV_VAR,
    NamedQuery,
    QueryError,
    bind,
    execute,
    load_queries,
    parse_header,
)
from policykg.rdf import extraction_quads, registry_quads
from policykg.registry import load_registry

BASE = "https://w3id.org/policykg"
XSD = "http://www.w3.org/2001/XMLSchema#"
PKG = "https://w3id.org/policykg/ontology#"
F000 = "data/corpus/000_b683d9e7a0c726a8.txt"
F001 = "data/corpus/001_067b0b7149bfe287.txt"
F002 = "data/corpus/002_af8c892a89e4666d.txt"
F003 = "data/corpus/003_e32f7980345ce9ca.txt"
F004 = "data/corpus/004_b0bde2738dac2700.txt"
SINGLE = f"{BASE}/treaty/single-convention-1961"
PSYCHOTROPIC = f"{BASE}/treaty/psychotropic-convention-1971"
TRAFFICKING = f"{BASE}/treaty/trafficking-convention-1988"
CONVENTIONS = {SINGLE, PSYCHOTROPIC, TRAFFICKING}
UNODC = f"{BASE}/body/UNODC"
INCB = f"{BASE}/body/INCB"
WHO = f"{BASE}/body/WHO"
CND = f"{BASE}/body/CND"


def cnd(number: str) -> str:
    return f"{BASE}/resolution/CND/{number}"


Rows = list[dict[str, object]]


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def store() -> ox.Store:
    """The bundled corpus and the registry, one named graph per file; default graph empty."""
    store = ox.Store()
    reg = load_registry()
    files = sorted(CORPUS.glob("*.txt"))
    assert files, "the bundled corpus is missing"
    for path in files:
        q = extraction_quads(extract_file(path), BASE, f"data/corpus/{path.name}", reg)
        store.load(q.text().encode(), ox.RdfFormat.N_QUADS)
    store.load(registry_quads(reg, BASE).text().encode(), ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="session")
def queries() -> dict[str, NamedQuery]:
    return load_queries()


@pytest.fixture(scope="session")
def run(store, queries) -> Callable[..., Rows]:
    """``run(name, **values)``: the rows of a named query on the corpus, as Python values."""

    def query(sparql: str, union: bool):
        return store.query(sparql, use_default_graph_as_union=union)

    def run(name: str, **values: str) -> Rows:
        return _rows(execute(query, queries[name], values))

    return run


def _py(term: object) -> object:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == XSD + "integer":
            return int(term.value)
        if datatype == XSD + "boolean":
            return term.value == "true"
        return term.value
    return None if term is None else term.value


def _rows(solutions) -> Rows:
    names = [v.value for v in solutions.variables]
    return [{n: _py(row[n]) for n in names} for row in solutions]


def _by(rows: Rows, column: str) -> dict[object, dict[str, object]]:
    return {row[column]: row for row in rows}


def _text(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def _sha256(path: str) -> str:
    return hashlib.sha256((ROOT / path).read_bytes()).hexdigest()


# --- the set of queries -------------------------------------------------------------------

REQUIRED = [
    "cites",
    "cited-by",
    "ancestors",
    "descendants",
    "most-cited",
    "citations-by-verb",
    "treaties-cited",
    "mandates",
    "instruments-per-session",
    "co-citation",
    "conflicting-dates",
    "missing-from-corpus",
    "provenance",
]


def test_every_required_topic_has_a_query(queries):
    assert len(queries) >= 12
    assert set(REQUIRED) <= set(queries)
    for q in queries.values():
        assert q.title and q.description, q.name


def test_lineage_queries_and_only_they_need_the_union_default_graph(queries):
    assert {n for n, q in queries.items() if q.requires_union} == {"ancestors", "descendants"}


@pytest.mark.parametrize("union", [False, True])
def test_every_query_parses_and_runs_in_oxigraph(queries, union):
    empty = ox.Store()
    for q in queries.values():
        solutions = empty.query(bind(q, {}), use_default_graph_as_union=union)
        assert list(solutions) == [], q.name  # an empty store answers nothing


def test_every_query_answers_on_the_corpus_with_its_defaults(run, queries):
    for name in queries:
        assert run(name), f"{name} finds nothing with its default parameters"


def test_named_graph_queries_do_not_depend_on_the_union_default_graph(store, queries):
    # A server may or may not serve the default graph as the union of the named graphs;
    # queries written with GRAPH ?g give the same answer either way.
    for q in queries.values():
        if q.requires_union:
            continue
        text = bind(q, {})
        plain = _rows(store.query(text))
        union = _rows(store.query(text, use_default_graph_as_union=True))
        assert plain == union, q.name


def test_lineage_needs_the_union_default_graph(store, queries):
    # The default graph is empty: without the union, a path over it finds nothing.
    assert _rows(store.query(bind(queries["ancestors"], {}))) == []


# --- answers read from the corpus -----------------------------------------------------------


def test_cites(run):
    rows = run("cites", instrument=cnd("62/4"))
    cited = _by(rows, "cited")
    # pp3 "Recalling its resolution 61/8 of 16 March 2018"; op1 "*Welcomes* ... pursuant to
    # Commission on Narcotic Drugs resolution 61/8".
    assert set(cited[cnd("61/8")]["verbs"].split(", ")) == {"Recalling", "Welcomes"}
    assert cited[cnd("61/8")]["citations"] == 2
    # pp2 "Taking note of General Assembly resolution [73/192](#) of 17 December 2018".
    assert cited[f"{BASE}/resolution/GA/73/192"]["verbs"] == "TakingNote"
    # pp15, pp16 recall the 1961 and 1971 Conventions; op9 cites "article 13 of the United
    # Nations Convention against Illicit Traffic ... of 1988"; op16(d) "Commission
    # resolution 61/11 of 16 March 2018".
    assert CONVENTIONS | {cnd("61/11")} <= set(cited)
    assert cnd("62/4") not in cited and cnd("64/4") not in cited
    # Citation order: the 2009 Political Declaration (pp1), then 73/192 (pp2), then 61/8
    # (pp3), then 61/11 (op16(d)).
    order = [row["cited"] for row in rows]
    expected = [
        f"{BASE}/declaration/political-declaration-2009",
        f"{BASE}/resolution/GA/73/192",
        cnd("61/8"),
        cnd("61/11"),
    ]
    assert [order.index(x) for x in expected] == sorted(order.index(x) for x in expected)


def test_cited_by(run):
    rows = _by(run("cited-by", instrument=cnd("61/8")), "citing")
    # "61/8" occurs in 000 (62/4: pp3 and op1), 001 (64/4: pp13 "Recalling its resolution
    # 61/8", op2 "*Recalls* ... pursuant to Commission resolution 61/8") and 002 (62/2: "60/9
    # of 17 March 2017 ... and 61/8 of 16 March 2018"), nowhere else.
    assert set(rows) == {cnd("62/4"), cnd("64/4"), cnd("62/2")}
    assert rows[cnd("64/4")]["citations"] == 2
    assert set(rows[cnd("64/4")]["verbs"].split(", ")) == {"Recalling", "Recalls"}
    assert rows[cnd("64/4")]["file"] == F001
    assert rows[cnd("62/2")]["file"] == F002


def test_ancestors(run):
    rows = _by(run("ancestors", instrument=cnd("64/4")), "ancestor")
    # 64/4 recalls its resolutions 62/4, 61/8 and 58/9 and reaffirms the three conventions;
    # 62/4 (file 000) takes note of GA resolution 73/192, which 64/4 never mentions.
    assert {cnd("62/4"), cnd("61/8"), cnd("58/9")} | CONVENTIONS <= set(rows)
    assert rows[cnd("61/8")]["direct"] is True
    ga = rows[f"{BASE}/resolution/GA/73/192"]
    assert ga["direct"] is False
    assert ga["citedBy"] == "CND 62/4"
    assert cnd("64/4") not in rows
    # No file contains resolution 61/8 itself, so nothing is known that it cites.
    assert run("ancestors", instrument=cnd("61/8")) == []


def test_descendants(run):
    rows = _by(run("descendants", instrument=cnd("61/8")), "descendant")
    # 62/4, 64/4 and 62/2 cite 61/8; 64/4 also cites 62/4; no file cites 64/4 or 62/2.
    assert set(rows) == {cnd("62/4"), cnd("64/4"), cnd("62/2")}
    assert all(row["direct"] for row in rows.values())
    assert set(rows[cnd("64/4")]["via"].split(", ")) == {"CND 61/8", "CND 62/4"}


def test_most_cited(run):
    # Six instruments cite: 62/4, 64/4, 64/5, 62/2, 66/3, 66/4. All but 62/2 name the three
    # conventions (002 never says "Convention"); all but 66/4 cite the outcome document of
    # the thirtieth special session (GA S-30/1). Nothing is cited by all six.
    top = run("most-cited", min="5")
    assert {row["cited"] for row in top} == CONVENTIONS | {f"{BASE}/resolution/GA/S-30/1"}
    assert {row["citingInstruments"] for row in top} == {5}
    assert run("most-cited", min="6") == []
    # 58/9 is recalled by 64/4, 62/2 and 66/3.
    assert _by(run("most-cited"), "cited")[cnd("58/9")]["citingInstruments"] == 3


def test_citations_by_verb(run):
    rows = _by(run("citations-by-verb"), "verbName")
    # "Taking note of" opens a paragraph of 62/4 (GA 73/192), 64/4 (World Drug Report 2020)
    # and 66/3 (UNODC Synthetic Drug Strategy 2021-2025): three citing instruments.
    assert rows["TakingNote"]["relation"] == PKG + "takesNoteOf"
    assert rows["TakingNote"]["citingInstruments"] == 3
    assert rows["Recalling"]["relation"] == PKG + "recalls"


def test_instruments_by_relation(run):
    pairs = {(r["citingKey"], r["citedKey"]) for r in run("instruments-by-relation")}
    # "Recalling its resolution 62/4 of 22 March 2019" (64/4), "Recalling its resolution
    # 61/8" (62/4).
    assert {("CND 64/4", "CND 62/4"), ("CND 62/4", "CND 61/8")} <= pairs
    noted = run("instruments-by-relation", relation=PKG + "takesNoteOf")
    assert ("CND 62/4", "GA 73/192") in {(r["citingKey"], r["citedKey"]) for r in noted}
    assert {r["citingKey"] for r in noted} == {"CND 62/4", "CND 64/4", "CND 66/3"}
    # 64/4 pp1: "Reaffirming its commitment to the goals and objectives of the Single
    # Convention ..., the Convention on Psychotropic Substances of 1971 and the United
    # Nations Convention against Illicit Traffic ... of 1988".
    reaffirmed = run("instruments-by-relation", relation=PKG + "reaffirms")
    assert {r["cited"] for r in reaffirmed if r["citingKey"] == "CND 64/4"} >= CONVENTIONS


def test_treaties_cited(run):
    rows = run("treaties-cited")
    # 62/4 op9 "article 13 of the United Nations Convention against Illicit Traffic ... of
    # 1988" and op10 "in the context of article 13 of the 1988 Convention".
    article13 = [r for r in rows if r["treaty"] == TRAFFICKING and r["article"] == "13"]
    assert {r["citing"] for r in article13} == {cnd("62/4")}
    assert {r["paragraph"] for r in article13} == {"op9", "op10"}
    # Footnote 8 of 62/4: "Ibid., vol. 1582, No. 27627."
    fn8 = [r for r in rows if r["paragraph"] == "fn8" and r["citing"] == cnd("62/4")]
    assert {(r["treaty"], r["untsReference"]) for r in fn8} == {(TRAFFICKING, "1582/27627")}


def test_mandates(run):
    rows = run("mandates")
    # 62/4 op18: "requests the United Nations Office on Drugs and Crime ... to report to the
    # Commission at its sixty-third session".
    op18 = [
        r
        for r in rows
        if (r["addressee"], r["citing"], r["paragraph"]) == (UNODC, cnd("62/4"), "op18")
    ]
    assert len(op18) == 1
    assert (op18[0]["sessionBody"], op18[0]["sessionNumber"]) == (CND, 63)
    assert op18[0]["addresseeLabel"] == "United Nations Office on Drugs and Crime"
    # 62/4 op21: "invites the Board to provide an update on this matter to the Commission at
    # its sixty-third session".
    due = {(r["addressee"], r["paragraph"], r["sessionNumber"]) for r in rows if r["session"]}
    assert (INCB, "op21", 63) in due
    # 001 op20 (before 64/4, in an untitled part): "*Requests* the Executive Director of the
    # United Nations Office on Drugs and Crime to report ... at its sixty-sixth session".
    assert (UNODC, "op20", 66) in due


def test_body_tasks(run):
    rows = run("body-tasks", body=UNODC)
    op18 = [r for r in rows if r["citing"] == cnd("62/4") and r["paragraph"] == "op18"]
    assert len(op18) == 1
    # "... and requests the United Nations Office on Drugs and Crime, in consultation with
    # the International Narcotics Control Board and the World Health Organization, ...".
    assert op18[0]["verbText"] == "requests"
    assert op18[0]["action"].startswith("to report to the Commission at its sixty-third session")
    assert {INCB, WHO} <= set(op18[0]["partners"].split())
    assert op18[0]["sessionNumber"] == 63
    # 66/3 op14 "*Requests* the United Nations Office on Drugs and Crime to continue applying
    # its expertise".
    assert ("op14", "Requests") in {
        (r["paragraph"], r["verbText"]) for r in rows if r["citing"] == cnd("66/3")
    }
    # The untitled part of 001 asks UNODC's Executive Director for the sixty-sixth session.
    assert any(r["citing"] is None and r["sessionNumber"] == 66 for r in rows)


def test_instruments_per_session(run):
    rows = _by(run("instruments-per-session", body=CND), "session")
    # Headings "Resolution 62/2", "Resolution 62/4", "Resolution 64/4", "Resolution 64/5",
    # "Resolution 66/3", "Resolution 66/4"; mandates "at its sixty-third session" (62/4 op18
    # and op21) and "at its sixty-sixth session" (the untitled part of 001).
    assert set(rows) == {62, 63, 64, 66}
    adopted = {n: set(r["adoptedInstruments"].split(", ")) - {""} for n, r in rows.items()}
    assert adopted == {
        62: {"CND 62/2", "CND 62/4"},
        63: set(),
        64: {"CND 64/4", "CND 64/5"},
        66: {"CND 66/3", "CND 66/4"},
    }
    assert {n: r["mandatesDue"] for n, r in rows.items()} == {62: 0, 63: 2, 64: 0, 66: 1}
    assert rows[63]["mandatedBy"] == "CND 62/4"
    assert run("instruments-per-session", body=f"{BASE}/body/GA") == []


def test_co_citation(run):
    pairs = {(r["firstKey"], r["secondKey"]): r for r in run("co-citation")}
    # 58/9 and 61/8 are both recalled by 64/4 and by 62/2; 62/4 recalls 61/8 but not 58/9,
    # 66/3 recalls 58/9 but not 61/8.
    both = pairs[("CND 58/9", "CND 61/8")]
    assert both["together"] == 2
    assert set(both["citedBy"].split(", ")) == {"CND 62/2", "CND 64/4"}
    # The 1961 and 1971 Conventions: 62/4, 64/4, 64/5, 66/3 and 66/4.
    conventions = pairs[("treaty/psychotropic-convention-1971", "treaty/single-convention-1961")]
    assert conventions["together"] == 5
    assert run("co-citation", min="6") == []


def test_conflicting_dates(run):
    rows = run("conflicting-dates")
    # "its resolution 58/9 of 17 March 2014" (001), "of 13 March 2015" (002), "of 17 March
    # 2015" (003).
    assert {(r["date"], r["file"]) for r in rows if r["cited"] == cnd("58/9")} == {
        ("2014-03-17", F001),
        ("2015-03-13", F002),
        ("2015-03-17", F003),
    }
    assert {r["quote"] for r in rows if r["cited"] == cnd("58/9")} == {"its resolution 58/9"}
    # Every file that dates 61/8 says "16 March 2018".
    assert cnd("61/8") not in {r["cited"] for r in rows}


def test_missing_from_corpus(run):
    rows = _by(run("missing-from-corpus"), "instrument")
    # No file holds resolution 61/8 or 58/9 themselves; 62/4 is file 000 (cited by 64/4).
    assert cnd("61/8") in rows and cnd("58/9") in rows
    assert rows[cnd("61/8")]["citingInstruments"] == 3
    for in_corpus in ("62/4", "64/4", "64/5", "62/2", "66/3", "66/4"):
        assert cnd(in_corpus) not in rows


def test_provenance(run):
    rows = run("provenance", cited=cnd("61/8"), citing=cnd("62/4"))
    text = _text(F000)
    # pp3 "Recalling its resolution 61/8 of 16 March 2018"; op1 "pursuant to Commission on
    # Narcotic Drugs resolution 61/8".
    start = text.index("Recalling its resolution 61/8") + len("Recalling ")
    op1 = text.index("Commission on Narcotic Drugs resolution 61/8")
    assert [(r["quote"], r["start"], r["end"]) for r in rows] == [
        ("its resolution 61/8", start, start + len("its resolution 61/8")),
        ("Commission on Narcotic Drugs resolution 61/8", op1, op1 + 44),
    ]
    first = rows[0]
    assert first["paragraphLabel"] == "pp3"
    assert first["clauseVerb"] == "Recalling"
    assert first["statedDate"] == "2018-03-16"
    assert first["file"] == F000
    assert first["sha256"] == _sha256(F000)
    assert text[first["start"] : first["end"]] == first["quote"]


def test_footnotes_treaty_series(run):
    rows = [r for r in run("footnotes-treaty-series") if r["instrument"] == cnd("62/4")]
    # 000: "⁶ United Nations, *Treaty Series*, vol. 976, No. 14152.", "⁷ *Ibid.*, vol. 1019,
    # No. 14956.", "⁸ Ibid., vol. 1582, No. 27627."
    assert {(r["footnoteLabel"], r["treaty"], r["untsReference"]) for r in rows} == {
        ("6", SINGLE, "976/14152"),
        ("7", PSYCHOTROPIC, "1019/14956"),
        ("8", TRAFFICKING, "1582/27627"),
    }
    assert all(r["matchesRegistry"] for r in rows)


def test_corpus_instruments(run):
    rows = run("corpus-instruments")
    keyed: dict[object, set[object]] = {}
    for r in rows:
        if r["key"]:
            keyed.setdefault(r["file"], set()).add(r["key"])
        assert r["sha256"] == _sha256(str(r["file"]))
    # The "Resolution NN/N" headings of each file; 004 has none.
    assert keyed == {
        F000: {"CND 62/4"},
        F001: {"CND 64/4", "CND 64/5"},
        F002: {"CND 62/2"},
        F003: {"CND 66/3", "CND 66/4"},
    }
    assert F004 in {r["file"] for r in rows}  # as an untitled part


def test_citations_on_date(run):
    rows = run("citations-on-date", date="2018-03-16")
    # "16 March 2018" dates 61/8 (000, 001, 002), 61/11 (000 op16(d)) and 61/3 (003); in 004
    # it is the end of a session ("Vienna, 12–16 March 2018"), no citation.
    assert {r["key"] for r in rows} == {"CND 61/8", "CND 61/11", "CND 61/3"}
    assert {r["citing"] for r in rows if r["key"] == "CND 61/8"} == {
        cnd("62/4"),
        cnd("64/4"),
        cnd("62/2"),
    }
    # 002: "Recalling its resolution 57/9 of 21 March 2014".
    assert "CND 57/9" in {r["key"] for r in run("citations-on-date", date="2014-03-21")}


def test_search(run):
    # Title of 62/4: "... the non-medical use of synthetic drugs, particularly synthetic opioids".
    found = {r["instrument"] for r in run("search", text="Synthetic Opioids")}
    assert cnd("62/4") in found and cnd("64/4") not in found
    # A value is data, never query text.
    assert run("search", text='") } } DROP ALL # \\') == []


# --- bind ---------------------------------------------------------------------------------

ECHO = """\
# title: Echo
# description: Returns its parameters.
# param: s string x — a string
# param: i IRI https://example.org/x — an IRI
# param: n integer 1 — an integer
# param: d date 2020-01-31 — a date
SELECT ?s ?i ?n ?d WHERE { }
"""


@pytest.mark.parametrize(
    "value",
    [
        'a "quoted" value',
        "back\\slash \\u0022 and \\n",  # backslashes stay backslashes
        "new\nline\r\ttab",
        "'''\"\"\" } # WHERE {",
        "ünïcödé – 16 March 2018",
    ],
)
def test_bind_string_round_trips(value):
    echo = parse_header(ECHO, "echo")
    rows = _rows(ox.Store().query(bind(echo, {"s": value})))
    assert rows == [{"s": value, "i": "https://example.org/x", "n": 1, "d": "2020-01-31"}]


def test_bind_types_values():
    echo = parse_header(ECHO, "echo")
    values = {"i": "https://w3id.org/policykg/ontology#recalls", "n": "+42", "d": "2018-03-16"}
    (row,) = ox.Store().query(bind(echo, values))
    assert row["i"] == ox.NamedNode(values["i"])
    assert row["n"] == ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))
    assert row["d"] == ox.Literal("2018-03-16", datatype=ox.NamedNode(XSD + "date"))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("i", "https://w3id.org/policykg/x> } ; DROP ALL #"),  # closes the IRI: injection
        ("i", "https://example.org/a b"),  # space
        ("i", 'https://example.org/"'),
        ("i", "https://example.org/{x}"),
        ("i", "https://example.org/a\\b"),
        ("i", "resolution/CND/62/4"),  # relative
        ("i", "ftp://example.org/x"),  # not http(s)
        ("i", "https://"),  # no host
        ("n", "2; DROP ALL"),
        ("n", "two"),
        ("n", " 2"),
        ("n", "1.5"),
        ("d", "16 March 2018"),
        ("d", "2018-02-30"),  # no such day
        ("d", "20180316"),  # ISO basic format: not accepted
        ("d", '2018-03-16"^^<x> } #'),
    ],
)
def test_bind_rejects_bad_values(name, value):
    echo = parse_header(ECHO, "echo")
    with pytest.raises(QueryError, match=f"parameter '{name}'"):
        bind(echo, {name: value})


def test_bind_rejects_an_injection_in_a_real_query(queries):
    with pytest.raises(ValueError, match="parameter 'instrument' \\(IRI\\)"):
        bind(queries["cites"], {"instrument": f"{cnd('62/4')}> }} ; DROP ALL #"})


def test_bind_names_an_unknown_parameter_and_the_valid_ones(queries):
    with pytest.raises(QueryError) as err:
        bind(queries["provenance"], {"citing": cnd("62/4"), "instrumnet": cnd("61/8")})
    assert "'instrumnet'" in str(err.value)
    assert "valid parameters: cited, citing" in str(err.value)
    with pytest.raises(QueryError, match="valid parameters: none"):
        bind(queries["mandates"], {"body": UNODC})


def test_bind_injects_values_after_the_top_level_where():
    text = """\
# title: Tricky
# description: WHERE { in a comment, a string and an IRI before the real one.
# param: x integer 7 — a number
PREFIX ex: <https://example.org/WHERE#>
# WHERE { in a comment
CONSTRUCT { ex:s ex:p ?y } WHERE { BIND(CONCAT("WHERE { ", STR(?x)) AS ?y) }
"""
    q = parse_header(text, "tricky")
    bound = bind(q, {"x": "8"})
    assert bound.count("VALUES") == 1
    assert 'WHERE {\n  VALUES ?x { 8 }\n BIND(CONCAT("WHERE { "' in bound
    (triple,) = ox.Store().query(bound)
    assert triple.object.value == "WHERE { 8"


def test_every_query_binds_where_a_naive_runner_would(queries):
    # A runner that puts VALUES after the first "WHERE {" of the text, without skipping
    # comments or strings, binds the bundled queries at the same place.
    for q in queries.values():
        if q.params:
            naive = re.search(r"WHERE\s*\{", q.text, re.I)
            assert naive and bind(q, {}).startswith(q.text[: naive.end()]), q.name


def test_bind_uses_the_default_for_none(queries):
    assert bind(queries["cites"], {"instrument": None}) == bind(queries["cites"], {})


def test_bind_leaves_a_query_without_parameters_alone(queries):
    assert bind(queries["mandates"], {}) == queries["mandates"].text


# --- headers ------------------------------------------------------------------------------

GOOD = [
    "# title: T",
    "# description: D",
    "# param: x integer 1 — a number",
    "SELECT ?x WHERE { }",
]


def _header(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("line", "replacement", "where", "message"),
    [
        # no em dash between default and description
        (3, "# param: x integer 1 - a number", "bad.rq:3:", "NAME TYPE DEFAULT — description"),
        (3, "# param: x number 1 — a number", "bad.rq:3:", "type 'number'"),
        (3, "# param: x integer one — a number", "bad.rq:3:", "default"),
        (3, "# param: x-y integer 1 — a number", "bad.rq:3:", "variable name"),
        (3, "# param: y integer 1 — a number", "bad.rq:3:", "'y' is not used"),
        (1, "# tilte: T", "bad.rq:1:", "title, description, param, requires"),
        (2, "# title: again", "bad.rq:2:", "given twice"),
        (2, "# requires: magic", "bad.rq:2:", "union-default-graph"),
        (4, "SELECT * { { SELECT ?x WHERE { } } }", "bad.rq:3:", "top-level 'WHERE {'"),
    ],
)
def test_parse_header_errors_name_file_and_line(line, replacement, where, message):
    lines = list(GOOD)
    lines[line - 1] = replacement
    with pytest.raises(QueryError) as err:
        parse_header(_header(lines), "bad")
    assert str(err.value).startswith(where), str(err.value)
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_parse_header_missing_fields_and_body():
    with pytest.raises(QueryError, match=r"bad\.rq:1: .*'# description: \.\.\.'"):
        parse_header(_header([GOOD[0], GOOD[3]]), "bad")
    with pytest.raises(QueryError, match=r"bad\.rq:4: .*no query"):
        parse_header(_header(GOOD[:3]), "bad")
    with pytest.raises(QueryError, match="parameter 'x' is declared twice"):
        parse_header(_header([*GOOD[:3], GOOD[2], GOOD[3]]), "bad")


def test_parse_header_reads_every_field():
    text = _header(["# title: T", "# description: D", "#", "# requires: union-default-graph"])
    q = parse_header(text + "SELECT * WHERE { }\n", "queries/plain.rq")
    assert (q.name, q.title, q.description, q.params, q.requires_union) == (
        "plain",
        "T",
        "D",
        [],
        True,
    )
    p = parse_header(_header(GOOD), "good").params[0]
    assert (p.name, p.type, p.default, p.description) == ("x", "integer", "1", "a number")


def test_load_queries_from_the_environment(tmp_path, monkeypatch):
    (tmp_path / "one.rq").write_text(_header(GOOD), encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    assert list(load_queries()) == ["one"]
    (tmp_path / "two.rq").write_text(_header(["# title: T", *GOOD[2:]]), encoding="utf-8")
    with pytest.raises(QueryError, match=f"{tmp_path / 'two.rq'}:1: "):
        load_queries()
    with pytest.raises(QueryError, match="no such folder"):
        load_queries(tmp_path / "missing")
