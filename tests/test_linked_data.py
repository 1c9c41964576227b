"""Linked data: 303 dereferencing, RDF documents, instrument and resource pages.

Expected values come from reading ``data/corpus``; comments quote the passages. Files:
000 = CND resolution 62/4; 001 = the end of an untitled resolution, then 64/4 and 64/5;
002 = 62/2; 003 = the end of an untitled resolution, then 66/3 and 66/4; 004 = remarks of
the CND facilitator, whose footnote reads ``\\* [E/CN.7/2018/1](#).``
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef

from policykg.api.app import create_app
from policykg.api.linked_data import (
    BadPath,
    Mark,
    highlight,
    iri_path,
    normalise,
    script_json,
    split_extension,
)
from policykg.config import Settings

BASE = "https://w3id.org/policykg"
PKG = rdflib.Namespace("https://w3id.org/policykg/ontology#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")
CITO = rdflib.Namespace("http://purl.org/spar/cito/")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
CND_62_4 = URIRef(f"{BASE}/resolution/CND/62/4")
CND_61_8 = URIRef(f"{BASE}/resolution/CND/61/8")
CND_64_4 = URIRef(f"{BASE}/resolution/CND/64/4")
GA_73_192 = URIRef(f"{BASE}/resolution/GA/73/192")
TITLE_62_4 = (
    "Advancing effective and innovative approaches, through national, regional and "
    "international action, to address the multifaceted challenges posed by the non-medical "
    "use of synthetic drugs, particularly synthetic opioids"
)
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt"}


@pytest.fixture(scope="module")
def client(corpus_store_path):
    with TestClient(create_app(Settings(store=str(corpus_store_path)))) as client:
        yield client


def get(client: TestClient, path: str, accept: str | None = None):
    headers = {"Accept": accept} if accept is not None else {}
    return client.get(path, headers=headers, follow_redirects=False)


# --- pure functions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/resolution/CND/61/8.html", ("/resolution/CND/61/8", ".html")),
        ("/resolution/CND/61/8.jsonld", ("/resolution/CND/61/8", ".jsonld")),
        # a dot inside the last segment is part of the IRI
        ("/resolution/WHA/72.1", ("/resolution/WHA/72.1", None)),
        ("/resolution/WHA/72.1.ttl", ("/resolution/WHA/72.1", ".ttl")),
        ("/document/E/CN.7/2018/1", ("/document/E/CN.7/2018/1", None)),
        ("/document/E/CN.7/2018/1.nt", ("/document/E/CN.7/2018/1", ".nt")),
        # only the four document extensions count
        ("/report/world-drug-report.json", ("/report/world-drug-report.json", None)),
        ("/source/abc.rdf", ("/source/abc.rdf", None)),
        # a bare extension is a segment, not a document
        ("/resolution/.ttl", ("/resolution/.ttl", None)),
    ],
)
def test_split_extension(path, expected):
    assert split_extension(path) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/resolution/CND/61/8", "/resolution/CND/61/8"),
        # escapes of characters rdf.py leaves bare are undone: one IRI, one path
        ("/resolution/GA/217_A_%28III%29", "/resolution/GA/217_A_(III)"),
        ("/resolution/CND/62/4/op16%28c%29", "/resolution/CND/62/4/op16(c)"),
        # characters rdf.py escapes stay escaped, so they cannot end an IRI in SPARQL
        ("/resolution/CND/8%3E%20%7D", "/resolution/CND/8%3E%20%7D"),
        ("/body/caf%C3%A9", "/body/caf%C3%A9"),
        ("/body/café", "/body/caf%C3%A9"),
        ("/document/E%2FCN.7", "/document/E%2FCN.7"),
    ],
)
def test_iri_path_normalises_as_rdf_mints(raw, expected):
    assert iri_path(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "/resolution/CND/61/8>",  # not an IRI character
        '/resolution/"x"',
        "/resolution/a b",
        "/resolution/{x}",
        "/resolution/CND/61/8%00",  # a control character once decoded
        "/resolution/%0A",
        "/resolution/%FF",  # not UTF-8
        "/resolution/%G1",  # not an escape
        "resolution/CND",  # not a path
    ],
)
def test_iri_path_refuses(raw):
    with pytest.raises(BadPath):
        iri_path(raw)


def show(text: str, marks: list[Mark]) -> str:
    """Highlights inline, as ``<0>its resolution 61/8</0>`` (the mark's first target)."""
    segments, _ = highlight(text, marks)
    return "".join(
        f"<{s.targets[0]}>{s.text}</{s.targets[0]}>" if s.targets else s.text for s in segments
    )


@pytest.mark.parametrize(
    ("text", "marks", "expected"),
    [
        # CND 62/4 pp3: the quote is the text
        (
            "Recalling its resolution 61/8 of 16 March 2018,",
            [Mark("its resolution 61/8", 2183, (0,))],
            "Recalling <0>its resolution 61/8</0> of 16 March 2018,",
        ),
        # CND 62/4 pp2: the original has a markdown link the cleaned text dropped
        (
            "Taking note of General Assembly resolution 73/192 of 17 December 2018,",
            [Mark("General Assembly resolution [73/192](#)", 1449, (0,))],
            "Taking note of <0>General Assembly resolution 73/192</0> of 17 December 2018,",
        ),
        # CND 62/4 fn7: emphasis inside the quote
        (
            "Ibid., vol. 1019, No. 14956.",
            [Mark("Ibid.*, vol. 1019, No. 14956", 10391, (0,))],
            "<0>Ibid., vol. 1019, No. 14956</0>.",
        ),
        # a footnote marker and a line break inside the quote
        (
            "the Convention on Psychotropic Substances of 1971 and",
            [Mark("Convention on Psychotropic\nSubstances of 1971²⁶", 5, (0,))],
            "the <0>Convention on Psychotropic Substances of 1971</0> and",
        ),
        # one quote twice: each citation takes the next occurrence, in document order
        (
            "61/8 and again 61/8",
            [Mark("61/8", 90, (1,)), Mark("61/8", 10, (0,))],
            "<0>61/8</0> and again <1>61/8</1>",
        ),
        # CND 62/2: a quote across a page break carries the footnotes printed in between
        (
            "the Guidelines for the Safe Handling of Drugs, and",
            [Mark("Guidelines for the Safe Handling of*\n\n² E/INCB/2018/1.\n\nDrugs", 4, (0,))],
            "the <0>Guidelines for the Safe Handling of Drugs</0>, and",
        ),
        # not in the text: nothing highlighted
        ("Noting the report,", [Mark("resolution 61/8", 0, (0,))], "Noting the report,"),
        # text that looks like markup stays text: the template escapes it
        ("a <b>c</b> d", [Mark("<b>c</b>", 2, (0,))], "a <0><b>c</b></0> d"),
    ],
)
def test_highlight(text, marks, expected):
    assert show(text, marks) == expected


def test_highlight_reports_what_it_cannot_place():
    _, missed = highlight("only once: 61/8", [Mark("61/8", 1, (0,)), Mark("61/8", 2, (1,))])
    assert [m.targets for m in missed] == [(1,)]


def test_normalise_maps_back_to_the_text():
    text = "see  *Treaty Series*, [vol. 976](#)¹"
    norm, index = normalise(text)
    assert norm == "see Treaty Series, vol. 976"
    assert "".join(text[i] for i in index) == norm


@pytest.mark.parametrize(
    "value",
    ["</script><script>alert(1)</script>", "<!-- x -->", "a & b", "\u2028", 'quote " \\'],
)
def test_script_json_cannot_leave_the_script_element(value):
    text = str(script_json({"name": value}))
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": value}


def test_docstring_examples_run():
    import doctest

    from policykg.api import linked_data

    result = doctest.testmod(linked_data)
    assert result.attempted >= 5 and result.failed == 0


# --- 303 See Other ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept", "location"),
    [
        ("/resolution/CND/61/8", "text/html", "/resolution/CND/61/8.html"),
        ("/resolution/CND/61/8", BROWSER, "/resolution/CND/61/8.html"),
        ("/resolution/CND/61/8", "*/*", "/resolution/CND/61/8.html"),
        ("/resolution/CND/61/8", None, "/resolution/CND/61/8.html"),
        ("/resolution/CND/61/8", "text/turtle", "/resolution/CND/61/8.ttl"),
        ("/resolution/CND/61/8", "application/ld+json", "/resolution/CND/61/8.jsonld"),
        ("/resolution/CND/61/8", "application/json", "/resolution/CND/61/8.jsonld"),
        ("/resolution/CND/61/8", "application/n-triples", "/resolution/CND/61/8.nt"),
        # q-values decide
        (
            "/resolution/CND/61/8",
            "text/turtle;q=0.5, application/ld+json;q=0.9",
            "/resolution/CND/61/8.jsonld",
        ),
        ("/resolution/CND/61/8", "text/html;q=0.1, text/turtle", "/resolution/CND/61/8.ttl"),
        # 004 cites "E/CN.7/2018/1": the dot belongs to the IRI
        ("/document/E/CN.7/2018/1", "text/turtle", "/document/E/CN.7/2018/1.ttl"),
        ("/document/E/CN.7/2018/1", "text/html", "/document/E/CN.7/2018/1.html"),
        # 62/4 fn5 "General Assembly resolution 217 A (III)"; escaped parentheses
        ("/resolution/GA/217_A_%28III%29", "text/html", "/resolution/GA/217_A_(III).html"),
        # bodies, sessions, paragraphs, sources are IRIs too
        ("/body/UNODC", "text/turtle", "/body/UNODC.ttl"),
        ("/session/CND/63", "text/html", "/session/CND/63.html"),
        ("/resolution/CND/62/4/pp3", "text/html", "/resolution/CND/62/4/pp3.html"),
        ("/body", "text/html", "/body.html"),  # the scheme of bodies
    ],
)
def test_thing_iris_answer_303(client, path, accept, location):
    r = get(client, path, accept)
    assert r.status_code == 303
    assert r.headers["location"] == location
    assert "Accept" in r.headers["vary"]


def test_303_on_head_too(client):
    r = client.head(
        "/resolution/CND/61/8", headers={"Accept": "text/turtle"}, follow_redirects=False
    )
    assert (r.status_code, r.headers["location"]) == (303, "/resolution/CND/61/8.ttl")


def test_303_refuses_what_it_cannot_offer(client):
    r = get(client, "/resolution/CND/61/8", "image/png")
    assert r.status_code == 406
    assert r.json()["error"]["code"] == "not_acceptable"


def test_following_the_redirect_reaches_the_document(client):
    r = client.get("/resolution/CND/61/8", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert str(r.url).endswith("/resolution/CND/61/8.ttl")
    assert r.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize(
    ("path", "accept", "media"),
    [
        ("/resolution/CND/61/8.ttl", "text/html", "text/turtle"),  # extension wins
        ("/resolution/CND/61/8.jsonld", "text/turtle", "application/ld+json"),
        ("/resolution/CND/61/8.nt", None, "application/n-triples"),
        ("/resolution/CND/61/8.html", "application/ld+json", "text/html"),
        ("/document/E/CN.7/2018/1.ttl", None, "text/turtle"),
    ],
)
def test_documents_answer_200_in_their_own_syntax(client, path, accept, media):
    r = get(client, path, accept)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media


# --- 404 and 400 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept", "html"),
    [
        ("/resolution/CND/99/99", "text/html", True),
        ("/resolution/CND/99/99", BROWSER, True),
        ("/resolution/CND/99/99", "text/turtle", False),
        ("/resolution/CND/99/99", "application/json", False),
        ("/resolution/CND/99/99.html", "application/json", True),  # the extension decides
        ("/resolution/CND/99/99.ttl", "text/html", False),
        ("/resolution/CND/61/8/", "text/turtle", False),  # another IRI
        ("/resolutions", "application/json", False),  # not a kind: not an IRI in the store
        ("/resolution/CND/61/8%3Cscript%3E.html", "text/html", True),
    ],
)
def test_unknown_iris_are_404(client, path, accept, html):
    r = get(client, path, accept)
    assert r.status_code == 404
    if html:
        assert r.headers["content-type"].startswith("text/html")
        assert "Not found" in r.text
        assert "<script>" not in r.text
    else:
        assert r.json()["error"]["status"] == 404
        assert r.json()["error"]["code"] == "not_found"
        assert "neither subject nor object" in r.json()["error"]["message"]


def test_unrouted_kinds_are_not_linked_data(client):
    # the clause-verb scheme lives under the default base but is not a routed kind
    assert get(client, "/verb/Recalling", "text/turtle").status_code == 404
    assert get(client, "/graph/registry", "text/turtle").status_code == 404


@pytest.mark.parametrize("path", ["/resolution/CND/61/8%00", "/resolution/%FF", "/body/%1F.html"])
def test_paths_that_are_not_iris_are_400(client, path):
    r = get(client, path, "text/turtle")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad_request"


# --- RDF documents ----------------------------------------------------------------------------


def parse(client: TestClient, path: str) -> rdflib.Graph:
    r = get(client, path)
    assert r.status_code == 200, r.text
    return rdflib.Graph().parse(data=r.text, format=FORMATS[Path(path).suffix])


@pytest.mark.parametrize("ext", list(FORMATS))
def test_instrument_document_describes_edges_paragraphs_and_citations(client, ext):
    g = parse(client, f"/resolution/CND/62/4{ext}")
    # pp3 "Recalling its resolution 61/8 of 16 March 2018"
    assert (CND_62_4, PKG.recalls, CND_61_8) in g
    assert (CND_62_4, CITO.cites, CND_61_8) in g
    # pp2 "Taking note of General Assembly resolution [73/192](#) of 17 December 2018"
    assert (CND_62_4, PKG.takesNoteOf, GA_73_192) in g
    assert (CND_62_4, DCT.title, Literal(TITLE_62_4)) in g
    pp3 = URIRef(f"{CND_62_4}/pp3")
    assert (pp3, PKG.inInstrument, CND_62_4) in g
    assert str(g.value(pp3, PKG.paragraphText)).startswith("Recalling its resolution 61/8")
    quotes = {
        str(g.value(selector, OA.exact))
        for citation in g.subjects(PKG.inParagraph, pp3)
        for target in g.objects(citation, OA.hasTarget)
        for selector in g.objects(target, OA.hasSelector)
        if g.value(selector, OA.exact) is not None
    }
    assert quotes == {"its resolution 61/8"}
    # op18 "... requests the United Nations Office on Drugs and Crime ... at its sixty-third
    # session": the mandate and its due session travel with the instrument
    due = {
        g.value(m, PKG.dueSession)
        for m in g.subjects(PKG.citingInstrument, CND_62_4)
        if URIRef(f"{BASE}/body/UNODC") in set(g.objects(m, PKG.addressee))
    }
    assert URIRef(f"{BASE}/session/CND/63") in due


def test_cited_instrument_document_has_incoming_edges(client):
    g = parse(client, "/resolution/CND/61/8.nt")
    # 000 pp3, 001 "Recalling its resolution 61/8 of 16 March 2018", 002 "Recalling also its
    # resolutions 60/4 ..., 60/9 ... and 61/8 of 16 March 2018"
    for citing in ("62/4", "64/4", "62/2"):
        assert (URIRef(f"{BASE}/resolution/CND/{citing}"), PKG.recalls, CND_61_8) in g
    stated = {
        str(d)
        for c in g.subjects(PKG.citedInstrument, CND_61_8)
        for d in g.objects(c, PKG.statedDate)
    }
    assert stated == {"2018-03-16"}


def test_the_three_syntaxes_say_the_same(client):
    graphs = [set(parse(client, f"/resolution/CND/61/8{ext}")) for ext in FORMATS]
    assert graphs[0] == graphs[1] == graphs[2]


def test_document_iri_with_dots(client):
    g = parse(client, "/document/E/CN.7/2018/1.ttl")
    assert (URIRef(f"{BASE}/document/E/CN.7/2018/1"), None, None) in g


# --- HTML pages -------------------------------------------------------------------------------


def section(html: str, anchor: str) -> str:
    """From ``<h2 id="anchor">`` to the next ``<h2``."""
    start = html.index(f'<h2 id="{anchor}">')
    end = html.find("<h2", start + 1)
    return html[start : end if end != -1 else None]


def row_with(html: str, needle: str) -> str:
    rows = [r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if needle in r]
    assert rows, f"no table row with {needle!r}"
    return rows[0]


def paragraph(html: str, label: str) -> str:
    m = re.search(rf'<div class="para [a-z]+" id="{re.escape(label)}">.*?</div>', html, re.S)
    assert m, f"no paragraph {label}"
    return m.group(0)


def embedded_jsonld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def page_62_4(client) -> str:
    r = get(client, "/resolution/CND/62/4.html")
    assert r.status_code == 200
    return r.text


@pytest.fixture(scope="module")
def page_61_8(client) -> str:
    r = get(client, "/resolution/CND/61/8.html")
    assert r.status_code == 200
    return r.text


def test_instrument_page_head(page_62_4):
    # "Resolution 62/4" / the title / "The Commission on Narcotic Drugs,"
    assert '<code class="key">CND 62/4</code>' in page_62_4
    assert f'<dd class="title">{TITLE_62_4}</dd>' in page_62_4
    body = re.search(r'<dd class="body">(.*?)</dd>', page_62_4, re.S).group(1)
    assert 'href="/body/CND"' in body and "Commission on Narcotic Drugs" in body
    # 001: "Recalling its resolution 62/4 of 22 March 2019"
    adopted = re.search(r'<dd class="adopted">(.*?)</dd>', page_62_4, re.S).group(1)
    assert '<time datetime="2019-03-22">22 March 2019</time>' in adopted
    assert 'href="/resolution/CND/64/4"' in adopted
    assert 'href="/session/CND/62"' in adopted  # "Resolution 62/4": the sixty-second session


def test_instrument_page_highlights_citations_in_paragraphs(page_62_4):
    pp3 = paragraph(page_62_4, "pp3")
    assert '<span class="verb">Recalling</span>' in pp3
    assert re.search(
        r'<mark class="citation"><a href="/resolution/CND/61/8"[^>]*>its resolution 61/8</a></mark>'
        r" of 16 March 2018",
        pp3,
    )
    pp2 = paragraph(page_62_4, "pp2")
    assert re.search(
        r'<a href="/resolution/GA/73/192"[^>]*>General Assembly resolution '
        r"73/192</a></mark> of 17 December 2018",
        pp2,
    )
    assert "](#)" not in pp2
    # pp6 "in line with the international drug control conventions": one quote, three treaties
    pp6 = paragraph(page_62_4, "pp6")
    mark = re.search(r'<mark class="citation">(.*?)</mark>(<sup class="also">.*?</sup>)', pp6, re.S)
    assert ">international drug control conventions</a>" in mark.group(1)
    linked = set(re.findall(r'href="(/treaty/[^"]+)"', mark.group(0)))
    assert linked == {
        "/treaty/single-convention-1961",
        "/treaty/psychotropic-convention-1971",
        "/treaty/trafficking-convention-1988",
    }
    # links to IRIs under the base are local paths
    assert 'href="https://w3id.org/policykg/resolution' not in page_62_4


def test_instrument_page_cites(page_62_4):
    cites = section(page_62_4, "cites")
    row = row_with(cites, 'href="/resolution/CND/61/8"')
    assert "Recalling" in row and "pkg:recalls" in row
    assert "its resolution 61/8" in row and ">pp3</a>" in row
    assert "data/corpus/000_b683d9e7a0c726a8.txt" in row
    # op1 "pursuant to Commission on Narcotic Drugs resolution 61/8"
    assert "Welcomes" in row and "Commission on Narcotic Drugs resolution 61/8" in row
    row = row_with(cites, 'href="/resolution/GA/73/192"')
    assert "Taking note" in row and "pkg:takesNoteOf" in row
    assert "General Assembly resolution 73/192" in row
    assert '<time datetime="2018-12-17">' in row  # "of 17 December 2018"


def test_instrument_page_mandates(page_62_4):
    mandates = section(page_62_4, "mandates")
    # op18 "... and requests the United Nations Office on Drugs and Crime ... to report to
    # the Commission at its sixty-third session"
    rows = [
        r
        for r in re.findall(r"<tr>.*?</tr>", mandates, re.S)
        if ">op18</a>" in r and 'class="verb">requests' in r
    ]
    assert len(rows) == 1
    assert 'href="/body/UNODC"' in rows[0].split('class="addressees"')[1].split("</td>")[0]
    assert 'href="/session/CND/63"' in rows[0]
    assert "to report to the Commission at its sixty-third session" in rows[0]


def test_instrument_page_embeds_schema_org(page_62_4):
    data = embedded_jsonld(page_62_4)
    assert data["@type"] == "Legislation"
    assert data["@id"] == str(CND_62_4)
    assert data["legislationIdentifier"] == "CND 62/4"
    assert data["name"] == TITLE_62_4
    assert data["legislationPassedBy"]["name"] == "Commission on Narcotic Drugs"
    cited = {c["@id"] for c in data["citation"]}
    assert {str(CND_61_8), str(GA_73_192)} <= cited


def test_cited_instrument_page(page_61_8):
    # not in the corpus: known by the citations only
    assert '<code class="key">CND 61/8</code>' in page_61_8
    cited_by = section(page_61_8, "cited-by")
    row = row_with(cited_by, 'href="/resolution/CND/62/4"')
    assert "Recalling" in row and '<time datetime="2018-03-16">16 March 2018</time>' in row
    # 001, second instrument (64/4): pp "Recalling its resolution 61/8 of 16 March 2018" and
    # op2 "Recalls ... pursuant to Commission resolution 61/8 of 16 March 2018"
    row = row_with(cited_by, 'href="/resolution/CND/64/4"')
    assert "data/corpus/001_067b0b7149bfe287.txt" in row
    assert "Recalling" in row and "Recalls" in row
    assert row.count('<time datetime="2018-03-16">') == 2
    # 002: "Recalling also its resolutions 60/4 ..., 60/9 ... and 61/8 of 16 March 2018"
    row = row_with(cited_by, 'href="/resolution/CND/62/2"')
    assert "Recalling also" in row
    adopted = re.search(r'<dd class="adopted">(.*?)</dd>', page_61_8, re.S).group(1)
    assert '<time datetime="2018-03-16">16 March 2018</time>' in adopted
    assert "legislationDate" not in embedded_jsonld(page_61_8)  # stated, not known


@pytest.mark.parametrize(
    ("path", "texts"),
    [
        ("/body/UNODC.html", ["United Nations Office on Drugs and Crime", "skos:prefLabel"]),
        ("/session/CND/63.html", ['href="/body/CND"', "pkg:sessionOf"]),
        (
            "/resolution/CND/62/4/pp3.html",
            ['href="/resolution/CND/62/4"', "Recalling its resolution 61/8 of 16 March 2018"],
        ),
        ("/document/E/CN.7/2018/1.html", ["E/CN.7/2018/1"]),
    ],
)
def test_resource_pages(client, path, texts):
    r = get(client, path)
    assert r.status_code == 200
    for text in texts:
        assert text in r.text
    assert 'rel="alternate" type="text/turtle"' in r.text


# --- escaping ---------------------------------------------------------------------------------

EVIL_TITLE = 'Countering <script>alert("x")</script> & other </script><!-- hazards'
EVIL = f"""Resolution 99/1

{EVIL_TITLE}

The Commission on Narcotic Drugs,

Recalling its resolution 61/8 of 16 March 2018, on <b>bold</b> approaches,

1. *Requests* the United Nations Office on Drugs and Crime to report to the Commission.
"""


@pytest.fixture(scope="module")
def evil_store(tmp_path_factory) -> tuple[str, str]:
    from policykg.pipeline import ingest
    from policykg.store import GraphStore

    base = "https://example.org/kg"
    folder = tmp_path_factory.mktemp("evil")
    (folder / "evil.txt").write_text(EVIL, encoding="utf-8")
    store = GraphStore(folder / "store")
    ingest([folder / "evil.txt"], store, base, jobs=1)
    del store
    yield str(folder / "store"), base
    shutil.rmtree(folder, ignore_errors=True)


def test_html_escapes_what_the_text_says(evil_store):
    store, base = evil_store
    with TestClient(create_app(Settings(store=store, base=base, query_workers=1))) as client:
        assert get(client, "/resolution/CND/99/1", "text/html").headers["location"] == (
            "/resolution/CND/99/1.html"
        )
        html = get(client, "/resolution/CND/99/1.html").text
    assert "<script>alert" not in html and "<!-- hazards" not in html
    assert "Countering &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; other" in html
    # one script element, and its JSON parses back to the title as written
    assert html.count("</script>") == 1
    assert embedded_jsonld(html)["name"] == EVIL_TITLE
    # links under another base are local too
    assert 'href="/resolution/CND/61/8"' in html
    assert "https://example.org/kg/resolution/CND/61/8" in html  # shown as the IRI
