"""Citation lineage over the bundled corpus: graph, traversals, analyses, exports and CLI.

Expected values come from reading the texts in data/corpus:

* 000_… is CND resolution 62/4 (2019). pp3: "Recalling its resolution 61/8 of 16 March
  2018"; pp15: "Recalling the Single Convention on Narcotic Drugs of 1961 as amended by the
  1972 Protocol"; pp16: "Recalling also the Convention on Psychotropic Substances of 1971".
* 001_…, second instrument, is CND resolution 64/4 (2021). pp1: "Reaffirming its commitment
  to the goals and objectives of the Single Convention on Narcotic Drugs of 1961 as amended
  by the 1972 Protocol, the Convention on Psychotropic Substances of 1971 and the United
  Nations Convention against Illicit Traffic in Narcotic Drugs and Psychotropic Substances of
  1988"; pp10: "Recalling its resolution 62/4 of 22 March 2019"; pp13: "Recalling its
  resolution 61/8 of 16 March 2018"; pp14: "Recalling also its resolution 58/9"; op2:
  "Recalls … pursuant to Commission resolution 61/8".
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from conftest import CORPUS, ROOT
from policykg import lineage as lin
from policykg import viz
from policykg.store import GraphStore
from policykg.vocab import DEFAULT_BASE

B = DEFAULT_BASE
R64_4, R62_4, R61_8, R58_9 = (f"{B}/resolution/CND/{n}" for n in ("64/4", "62/4", "61/8", "58/9"))
SINGLE = f"{B}/treaty/single-convention-1961"
PSYCHOTROPIC = f"{B}/treaty/psychotropic-convention-1971"
TRAFFICKING = f"{B}/treaty/trafficking-convention-1988"
CONVENTIONS = {SINGLE, PSYCHOTROPIC, TRAFFICKING}


@pytest.fixture(scope="module")
def store(corpus_store_path):
    return GraphStore(corpus_store_path, read_only=True)


@pytest.fixture(scope="module")
def graph(store):
    return lin.load_graph(store, B)


@pytest.fixture(scope="module")
def lineage_64_4(store, graph):
    return lin.load_citations(store, lin.lineage(graph, R64_4, up=2, down=2))


def _text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


# --- the graph and the lineage of CND 64/4 --------------------------------------------------


def test_lineage_of_64_4_reaches_resolutions_and_the_three_conventions(lineage_64_4):
    assert {R62_4, R61_8, R58_9} | CONVENTIONS <= set(lineage_64_4)
    assert lineage_64_4.nodes[R64_4]["direction"] == "root"
    assert lineage_64_4.nodes[R62_4]["distance"] == 1
    assert lineage_64_4.nodes[SINGLE]["kind"] == "treaty"
    assert lineage_64_4.nodes[R62_4]["issuer"] == "CND"


CITATIONS = [
    # (citing, cited, relation, clause verb, paragraph, words quoted, file the words are in)
    # 64/4 pp10 "Recalling its resolution 62/4 of 22 March 2019"
    (R64_4, R62_4, "recalls", "Recalling", "pp10", "its resolution 62/4", "001"),
    # 64/4 pp13 "Recalling its resolution 61/8 of 16 March 2018"
    (R64_4, R61_8, "recalls", "Recalling", "pp13", "its resolution 61/8", "001"),
    # 64/4 op2 "Recalls … pursuant to Commission resolution 61/8": the operative form
    (R64_4, R61_8, "recalls", "Recalls", "op2", "resolution 61/8", "001"),
    # 64/4 pp1 "Reaffirming its commitment to … the Single Convention …"
    (
        R64_4,
        SINGLE,
        "reaffirms",
        "Reaffirming",
        "pp1",
        "Single Convention on Narcotic Drugs of 1961",
        "001",
    ),
    (
        R64_4,
        PSYCHOTROPIC,
        "reaffirms",
        "Reaffirming",
        "pp1",
        "Convention on Psychotropic Substances of 1971",
        "001",
    ),
    (
        R64_4,
        TRAFFICKING,
        "reaffirms",
        "Reaffirming",
        "pp1",
        "Convention against Illicit Traffic in Narcotic Drugs and Psychotropic Substances of 1988",
        "001",
    ),
    # 62/4 pp3 "Recalling its resolution 61/8 of 16 March 2018"
    (R62_4, R61_8, "recalls", "Recalling", "pp3", "its resolution 61/8", "000"),
    # 62/4 pp15 "Recalling the Single Convention on Narcotic Drugs of 1961 …"
    (
        R62_4,
        SINGLE,
        "recalls",
        "Recalling",
        "pp15",
        "Single Convention on Narcotic Drugs of 1961",
        "000",
    ),
    # 62/4 pp16 "Recalling also the Convention on Psychotropic Substances of 1971"
    (
        R62_4,
        PSYCHOTROPIC,
        "recalls",
        "Recalling",
        "pp16",
        "Convention on Psychotropic Substances of 1971",
        "000",
    ),
]


@pytest.mark.parametrize(
    ("citing", "cited", "relation", "verb", "paragraph", "words", "file"), CITATIONS
)
def test_edges_carry_clause_verbs_quotes_and_paragraphs(
    lineage_64_4, citing, cited, relation, verb, paragraph, words, file
):
    edge = lineage_64_4.get_edge_data(citing, cited, relation)
    assert edge is not None, f"no {relation} edge {citing} -> {cited}"
    assert verb in edge["verbs"]
    at = [c for c in edge["citations"] if c["paragraph"] == paragraph]
    assert at, f"no citation in {paragraph}: {edge['citations']}"
    assert any(c["verb"] == verb and words in c["quote"] for c in at), at
    text = _text(next(p.name for p in CORPUS.glob(f"{file}_*.txt")))
    assert all(c["quote"] in text for c in at)  # quotes are the texts' own words


@pytest.mark.parametrize(
    ("node", "year"),
    [
        (R64_4, 2021),  # adopted at the sixty-fourth session (2021)
        (R62_4, 2019),  # "its resolution 62/4 of 22 March 2019"
        (R61_8, 2018),  # "its resolution 61/8 of 16 March 2018"
        (SINGLE, 1961),
        (PSYCHOTROPIC, 1971),
        (TRAFFICKING, 1988),
    ],
)
def test_instruments_are_dated(graph, node, year):
    assert graph.nodes[node]["year"] == year


def test_descendants_of_61_8_include_62_4_and_64_4(graph):
    down = lin.descendants(graph, R61_8, depth=2)
    assert {R62_4, R64_4} <= set(down)
    assert down[R62_4] == 1 and down[R64_4] == 1  # both recall 61/8 themselves
    assert R61_8 not in down


def test_ancestors_stop_at_the_depth(graph):
    one = lin.ancestors(graph, R64_4, depth=1)
    assert set(one.values()) == {1}
    assert {R62_4, R61_8} | CONVENTIONS <= set(one)
    assert lin.ancestors(graph, R64_4, depth=0) == {}


def test_shortest_path_from_64_4_to_61_8_is_the_direct_citation(graph):
    assert lin.citation_path(graph, R64_4, R61_8) == [R64_4, R61_8]  # pp13
    # Through "reaffirms" only, 64/4 reaches the conventions but never 61/8.
    with pytest.raises(lin.LineageError, match="no chain of citations"):
        lin.citation_path(graph, R64_4, R61_8, lin.Filters.of(verbs=["reaffirms"]))
    # Citations run back in time: nothing leads from 61/8 to 64/4.
    with pytest.raises(lin.LineageError):
        lin.citation_path(graph, R61_8, R64_4)


FILTERS = [
    # (filters, up, instruments expected in the lineage, instruments expected absent)
    # 64/4 reaffirms only the three conventions (pp1 and its footnotes 25–27).
    (lin.Filters.of(verbs=["reaffirms"]), 1, CONVENTIONS, {R62_4, R61_8}),
    # A clause verb names its relation's edges: "Recalling" keeps pp10 and pp13.
    (lin.Filters.of(verbs=["Recalling"]), 1, {R62_4, R61_8, R58_9}, set()),
    (lin.Filters.of(kinds=["treaty"]), 1, CONVENTIONS, {R62_4, R61_8}),
    (lin.Filters.of(issuers=["cnd"]), 2, {R62_4, R61_8, R58_9}, CONVENTIONS),
    (lin.Filters.of(year_from=2018), 2, {R62_4, R61_8}, CONVENTIONS | {R58_9}),
    (lin.Filters.of(year_to=1990), 1, CONVENTIONS, {R62_4, R61_8}),
]


@pytest.mark.parametrize(("flt", "up", "present", "absent"), FILTERS)
def test_filters_shape_the_lineage(graph, flt, up, present, absent):
    sub = lin.lineage(graph, R64_4, up=up, down=0, filters=flt)
    assert present <= set(sub)
    assert not absent & set(sub)
    if flt.verbs:
        assert all(flt.edge_ok(k, d) for _, _, k, d in sub.edges(keys=True, data=True))


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"kinds": ["poem"]}, "kind poem: expected one of"),
        ({"verbs": ["shouts"]}, "verb 'shouts': expected a relation"),
        ({"year_from": 2020, "year_to": 2010}, "the start is after the end"),
    ],
)
def test_bad_filters_say_what_is_valid(bad, says):
    with pytest.raises(lin.LineageError, match=says):
        lin.Filters.of(**bad)


@pytest.mark.parametrize(
    "ident",
    [
        "CND 64/4",  # a key
        "cnd  64/4",  # case and spaces do not matter
        "resolution/CND/64/4",  # the IRI's path after the base
        "/resolution/CND/64/4",
        R64_4,  # the IRI
    ],
)
def test_find_instrument_by_key_path_or_iri(graph, ident):
    assert lin.find_instrument(graph, ident) == R64_4


def test_unknown_instrument_names_close_keys(graph):
    with pytest.raises(lin.UnknownInstrument, match=r"'CND 64/9'.*did you mean.*'CND 64/4'"):
        lin.find_instrument(graph, "CND 64/9")


# --- influence, communities, co-citation (pure functions) ----------------------------------


def _toy(edges: list[tuple[str, str]]) -> nx.MultiDiGraph:
    nodes = {n for e in edges for n in e}
    rows = [{"i": n, "key": n, "types": "Resolution", "statedYear": "2000"} for n in nodes]
    return lin.graph_from_rows(
        rows, [{"citing": a, "cited": b, "rel": "cites", "n": "1"} for a, b in edges]
    )


def test_pagerank_matches_the_networkx_definition():
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    g = _toy([("a", "c"), ("b", "c"), ("c", "d"), ("e", "d"), ("e", "a"), ("d", "b")])
    ours = lin.pagerank(g)
    ref = _pagerank_python(nx.DiGraph(g), tol=1e-12, max_iter=1000)
    assert ours == pytest.approx(ref, abs=1e-6)
    assert sum(ours.values()) == pytest.approx(1.0)


def test_influence_ranks_the_conventions_of_the_corpus_high(graph):
    ranked = lin.influence(graph)
    top = {r.node for r in ranked[:5]}
    # Five of the six corpus resolutions cite the 1961 and 1971 conventions (see co-citation).
    assert {SINGLE, PSYCHOTROPIC} <= top
    single = next(r for r in ranked if r.node == SINGLE)
    assert single.cited_by >= 2 and single.citations >= single.cited_by


def test_communities_split_disconnected_groups():
    g = _toy([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x")])
    assert lin.communities(g) == [{"a", "b", "c"}, {"x", "y", "z"}]


def test_co_citation_of_the_conventions(graph):
    pairs = {(p.first, p.second): p for p in lin.co_citation(graph, min_count=2)}
    pair = pairs[tuple(sorted((SINGLE, PSYCHOTROPIC)))]
    assert {R62_4, R64_4} <= set(pair.cited_by)  # 62/4 pp15–16, 64/4 pp1
    around = lin.co_citation(graph, min_count=1, node=SINGLE)
    assert all(SINGLE in (p.first, p.second) for p in around)


def test_citations_per_year_and_verb_mix(graph):
    per_year = lin.citations_per_year(graph)
    assert per_year["CND"][2019] > 0 and per_year["CND"][2021] > 0
    assert lin.verb_mix(graph)["recalls"] >= 3  # at least 64/4 pp10, pp13 and 62/4 pp3
    assert lin.verb_mix(graph, by="verb")["Reaffirming"] >= 3  # 64/4 pp1, three conventions


# --- exports --------------------------------------------------------------------------------


def _edges(g) -> set[tuple[str, str, str]]:
    return {(u, v, d["relation"]) for u, v, d in g.edges(data=True)}


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graphml_and_gexf_load_back_with_the_same_nodes_and_edges(lineage_64_4, fmt):
    data = viz.render(lineage_64_4, fmt)
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    back = reader(io.BytesIO(data))
    assert set(back) == set(lineage_64_4)
    assert _edges(back) == _edges(lineage_64_4)
    assert back.number_of_edges() == lineage_64_4.number_of_edges()
    node = back.nodes[R62_4]
    assert (node["instrument_key"], node["kind"], node["issuer"], node["year"]) == (
        "CND 62/4",
        "resolution",
        "CND",
        2019,
    )
    for _, d in back.nodes(data=True):
        assert all(isinstance(v, str | int | dict) for v in d.values()), d


def test_svg_is_xml_with_labels_legend_and_axis_years(lineage_64_4):
    root = ET.fromstring(viz.render(lineage_64_4, "svg"))
    assert root.tag.endswith("svg")
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Kind (shape)", "Issuer (colour)", "Clause verb (relation)"} <= texts  # legend
    assert {"treaty", "resolution", "CND", "recalls", "reaffirms"} <= texts
    assert {"1961", "1971", "1988", "2018", "2019", "2021"} <= texts  # the time axis
    assert {"CND 64/4", "CND 62/4", "CND 61/8"} <= texts  # instrument labels


def test_png_dot_mermaid_and_json(lineage_64_4):
    assert viz.render(lineage_64_4, "png").startswith(b"\x89PNG\r\n\x1a\n")
    dot = viz.render(lineage_64_4, "dot").decode()
    assert dot.startswith("//") and "digraph lineage {" in dot and dot.rstrip().endswith("}")
    assert f'"{R64_4}" -> "{R62_4}" [label="recalls"' in dot
    assert '{ rank=same; "axis:1961"' in dot
    mermaid = viz.render(lineage_64_4, "mermaid").decode()
    assert "flowchart RL" in mermaid and 'subgraph y_2019 ["2019"]' in mermaid
    assert '["CND 62/4"]' in mermaid
    data = json.loads(viz.render(lineage_64_4, "json"))
    node = next(n for n in data["nodes"] if n["id"] == R62_4)
    assert node["href"] == "/resolution/CND/62/4" and node["year"] == 2019
    edge = next(
        e
        for e in data["edges"]
        if (e["source"], e["target"], e["relation"]) == (R64_4, R62_4, "recalls")
    )
    assert edge["citations"][0]["paragraph"] == "pp10"


def test_exports_escape_quotes_and_markup():
    g = _toy([("a", "b")])
    g.nodes["a"].update(short='say "hi" <b>|#', label='say "hi" <b>')
    dot = viz.dot(g).decode()
    assert 'label="say \\"hi\\" <b>|#"' in dot
    mermaid = viz.mermaid(g).decode()
    assert '"say #quot;hi#quot; #lt;b#gt;#124;#35;"' in mermaid


def test_time_layout_orders_columns_by_year(lineage_64_4):
    pos, axis = viz.time_layout(lineage_64_4)
    labels = [a["label"] for a in axis]
    years = [int(x) for x in labels if x != viz.UNDATED]
    assert years == sorted(years)
    assert pos[SINGLE][0] < pos[PSYCHOTROPIC][0] < pos[TRAFFICKING][0] < pos[R61_8][0]
    assert pos[R61_8][0] < pos[R62_4][0] < pos[R64_4][0]


# --- the command ----------------------------------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policykg.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_writes_every_format(corpus_store_path, tmp_path):
    from typer.testing import CliRunner

    from policykg.cli import app

    runner = CliRunner()
    for fmt in viz.FORMATS:
        out = tmp_path / f"lineage{viz.EXTENSIONS[fmt]}"
        result = runner.invoke(
            app,
            [
                "lineage",
                "CND 64/4",
                "--up",
                "1",
                "--down",
                "1",
                "--format",
                fmt,
                "--output",
                str(out),
                "--store",
                str(corpus_store_path),
            ],
        )
        assert result.exit_code == 0, (fmt, result.output, result.exception)
        assert out.stat().st_size > 100, fmt
    assert json.loads((tmp_path / "lineage.json").read_text())["root_key"] == "CND 64/4"
    ET.parse(tmp_path / "lineage.svg")
    assert set(nx.read_graphml(tmp_path / "lineage.graphml")) >= {R62_4, R61_8}


def test_cli_format_follows_the_output_extension(corpus_store_path, tmp_path):
    r = cli(
        "lineage",
        "resolution/CND/61/8",
        "--up",
        "0",
        "--output",
        str(tmp_path / "x.gexf"),
        "--store",
        str(corpus_store_path),
    )
    assert r.returncode == 0, r.stderr
    assert "-> " in r.stderr and "(gexf)" in r.stderr
    assert {R62_4, R64_4} <= set(nx.read_gexf(tmp_path / "x.gexf"))


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["CND 64/44"], "'CND 64/44': no instrument with that key or IRI"),
        (["CND 64/4", "--verb", "shouts"], "verb 'shouts': expected a relation"),
    ],
)
def test_cli_bad_input_exits_2_with_a_message(corpus_store_path, args, says):
    r = cli("lineage", *args, "--store", str(corpus_store_path))
    assert r.returncode == 2
    assert says in r.stderr
    assert "Traceback" not in r.stderr


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(lin)
    assert result.attempted > 0 and result.failed == 0
