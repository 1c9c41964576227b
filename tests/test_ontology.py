"""The ontology, its shapes, its JSON-LD context and its docs agree with vocab.py and rdf.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, SH, SKOS, XSD, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from policykg import extract_file, extract_text
from policykg.models import MENTION_KINDS
from policykg.ontodoc import main as ontodoc_main
from policykg.ontodoc import render_html, render_markdown
from policykg.rdf import extraction_quads, registry_quads
from policykg.registry import load_registry
from policykg.vocab import (
    CLASSES,
    CLAUSE_VERBS,
    NAMESPACES,
    ONTOLOGY,
    PROPERTIES,
    VERB,
    VERB_PROPERTIES,
)

ROOT = Path(__file__).resolve().parents[1]
TTL = ROOT / "ontology" / "policykg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
DOCS_MD = ROOT / "ontology" / "policykg.md"
BASE = "https://w3id.org/policykg"

PKG = rdflib.Namespace(ONTOLOGY)
CITO = rdflib.Namespace(NAMESPACES["cito"])
OA = rdflib.Namespace(NAMESPACES["oa"])
PROV = rdflib.Namespace(NAMESPACES["prov"])
ONTOLOGY_IRI = URIRef("https://w3id.org/policykg/ontology")

# Terms of the pkg: namespace that the ontology declares but vocab.py does not list, because
# no triple that rdf.py writes uses them: they describe the ontology itself.
ONTOLOGY_ONLY = {
    "edgeProperty": "links a clause-verb concept to its citation property, in the ontology only",
    "ClauseVerbScheme": "the SKOS concept scheme of clause verbs, an individual of the ontology",
}
# Predicates the data may use without the ontology documenting them.
BUILT_IN = {RDF.type, RDFS.label, RDFS.seeAlso}


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return rdflib.Graph().parse(TTL, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def corpus() -> rdflib.Graph:
    """The union of every named graph that the bundled corpus and the registry produce."""
    ds = rdflib.Dataset()
    reg = load_registry()
    for path in sorted((ROOT / "data" / "corpus").glob("*.txt")):
        q = extraction_quads(extract_file(path), BASE, f"data/corpus/{path.name}", reg)
        ds.parse(data=q.text(), format="nquads")
    ds.parse(data=registry_quads(reg, BASE).text(), format="nquads")
    # pyshacl validates each graph of a Dataset on its own; links cross graphs (citations point
    # at registry bodies and treaties), so validate one plain graph holding the union.
    union = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    assert len(union) > 1000
    return union


@pytest.fixture(scope="module")
def corpus_report(corpus, shapes, onto) -> tuple[bool, rdflib.Graph, str]:
    return pyshacl.validate(
        corpus,
        shacl_graph=shapes,
        ont_graph=onto,
        inference="none",
        allow_warnings=True,
    )


def _ours(node: object) -> bool:
    return isinstance(node, URIRef) and str(node).startswith(ONTOLOGY)


def _local(node: URIRef) -> str:
    return str(node)[len(ONTOLOGY) :]


def _declared(g: rdflib.Graph, kind: URIRef) -> set[str]:
    return {_local(s) for s in g.subjects(RDF.type, kind) if _ours(s)}


def _top_results(report: rdflib.Graph) -> list[rdflib.term.Node]:
    """Validation results of the report itself, not the details nested inside them."""
    return list(report.objects(None, SH.result))


# --- (a) the files parse --------------------------------------------------------------------


def test_the_ontology_shapes_and_context_parse(onto, shapes):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    for prop in ("versionInfo", "title", "description", "license", "created"):
        ns = OWL if prop == "versionInfo" else DCTERMS
        assert onto.value(ONTOLOGY_IRI, ns[prop]) is not None, prop
    assert len(list(shapes.subjects(RDF.type, SH.NodeShape))) >= 10
    assert "@context" in json.loads(CONTEXT.read_text(encoding="utf-8"))


def test_the_description_explains_citation_provenance(onto):
    text = str(onto.value(ONTOLOGY_IRI, DCTERMS.description))
    for term in (
        "oa:hasTarget",
        "oa:hasSource",
        "oa:hasSelector",
        "oa:TextQuoteSelector",
        "oa:exact",
        "oa:TextPositionSelector",
        "oa:start",
        "oa:end",
        "prov:wasDerivedFrom",
    ):
        assert term in text, term


# --- (b) every term is documented -----------------------------------------------------------


def test_every_pkg_term_has_a_label_and_a_definition(onto):
    undocumented = sorted(
        _local(s)
        for s in set(onto.subjects(RDF.type, None))
        if _ours(s)
        and not (onto.value(s, RDFS.label) is not None and onto.value(s, SKOS.definition))
    )
    assert not undocumented, f"terms without rdfs:label and skos:definition: {undocumented}"


def test_every_foreign_term_says_whose_it_is(onto):
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
        for s in onto.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and not _ours(s):
                assert onto.value(s, RDFS.isDefinedBy) is not None, s
                assert onto.value(s, SKOS.definition) is None, f"{s} is not ours to define"


# --- (c) vocab.py and the ontology are in step ----------------------------------------------


def test_every_vocab_class_is_declared(onto):
    assert set(CLASSES) == _declared(onto, OWL.Class)


def test_every_vocab_property_is_declared_once(onto):
    objects = _declared(onto, OWL.ObjectProperty)
    datatypes = _declared(onto, OWL.DatatypeProperty)
    assert not objects & datatypes
    assert set(PROPERTIES) | set(VERB_PROPERTIES) == objects | datatypes


def test_every_pkg_term_is_in_vocab_or_allowed(onto):
    known = set(CLASSES) | set(PROPERTIES) | set(VERB_PROPERTIES) | set(ONTOLOGY_ONLY)
    declared = {_local(s) for s in onto.subjects(RDF.type, None) if _ours(s)}
    assert declared - known == set(), "add these to vocab.py or to ONTOLOGY_ONLY"
    assert set(ONTOLOGY_ONLY) <= declared, "ONTOLOGY_ONLY lists terms the ontology dropped"


# --- (d) clause verbs -----------------------------------------------------------------------


def test_every_verb_property_is_a_sub_property_of_cito_cites(onto):
    for name in VERB_PROPERTIES:
        assert (PKG[name], RDFS.subPropertyOf, CITO.cites) in onto, name
        assert (PKG[name], RDF.type, OWL.ObjectProperty) in onto, name


def test_clause_verb_concepts_match_vocab(onto):
    scheme = PKG.ClauseVerbScheme
    concepts = {s for s in onto.subjects(SKOS.inScheme, scheme)}
    assert {str(c)[len(VERB) :] for c in concepts} == {c for c, _ in CLAUSE_VERBS.values()}
    for text, (concept, prop) in CLAUSE_VERBS.items():
        iri = URIRef(VERB + concept)
        assert (iri, RDF.type, SKOS.Concept) in onto
        assert onto.value(iri, SKOS.prefLabel) == Literal(text, lang="en")
        assert onto.value(iri, SKOS.definition), concept
        expected = URIRef("http://purl.org/spar/cito/cites") if prop == "cites" else PKG[prop]
        assert onto.value(iri, PKG.edgeProperty) == expected, concept


# --- (e) the corpus graph conforms to the shapes --------------------------------------------


def test_the_corpus_graph_conforms_to_the_shapes(corpus_report):
    conforms, report, text = corpus_report
    violations = [
        r for r in _top_results(report) if report.value(r, SH.resultSeverity) == SH.Violation
    ]
    assert conforms and not violations, text


def test_shape_kinds_are_the_mention_kinds(shapes):
    node = shapes.value(URIRef("https://w3id.org/policykg/ontology/shapes#Citation-kind"), SH["in"])
    kinds = [str(k) for k in Collection(shapes, node)]
    assert kinds == list(MENTION_KINDS)


def test_the_data_uses_terms_as_the_ontology_declares_them(corpus, onto):
    """Object properties get IRIs, datatype properties literals of their declared range."""
    objects = _declared(onto, OWL.ObjectProperty)
    problems: set[str] = set()
    for _s, p, o in corpus:
        if p == RDF.type:
            if _ours(o) and _local(o) not in CLASSES:
                problems.add(f"class {o} is not declared")
            continue
        if _ours(p):
            name = _local(p)
            if name == "issuer" and isinstance(o, Literal):
                continue  # a known clash, tracked by test_issuer_is_always_an_iri
            if name in objects:
                if not isinstance(o, URIRef):
                    problems.add(f"pkg:{name} has literal values")
                continue
            rng = onto.value(p, RDFS.range)
            if rng is None:
                problems.add(f"pkg:{name} is not declared")
            elif not isinstance(o, Literal):
                problems.add(f"pkg:{name} is a datatype property but has IRI values")
            elif (o.datatype or XSD.string) != rng:
                problems.add(f"pkg:{name} has {o.datatype} values, declared {rng}")
        elif p not in BUILT_IN and (p, RDFS.isDefinedBy, None) not in onto:
            problems.add(f"{p} is used by the data but not documented in the ontology")
    assert not problems, sorted(problems)


# Gaps in rdf.py's output that the shapes report as warnings. Each test fails today; when
# These used to be strict xfails documenting defects in rdf.py; they were fixed.


def test_issuer_is_always_an_iri(corpus):
    literals = sorted(
        str(s) for s, o in corpus.subject_objects(PKG.issuer) if isinstance(o, Literal)
    )
    assert not literals


def test_every_clause_verb_in_the_data_is_a_concept_of_the_scheme(corpus, onto):
    used = set(corpus.objects(None, PKG.clauseVerb)) | set(corpus.objects(None, PKG.mandateVerb))
    missing = sorted(str(v) for v in used if (v, SKOS.inScheme, PKG.ClauseVerbScheme) not in onto)
    assert not missing


UNANCHORED_FOOTNOTE = """Resolution 62/4

Strengthening something

The Commission on Narcotic Drugs,

Recalling its resolution 61/8 of 16 March 2018,

1. Requests the United Nations Office on Drugs and Crime to report.

__________
3 Official Records of the Economic and Social Council, 2019, Supplement No. 8 (E/2019/28).
"""


def test_an_unanchored_footnote_is_in_an_instrument():
    e = extract_text(UNANCHORED_FOOTNOTE, "x.txt")
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=extraction_quads(e, BASE, "x.txt", load_registry()).text(), format="nquads")
    owners = set(ds.objects(None, PKG.inInstrument))
    assert owners, "the example should yield paragraphs"
    assert all((o, RDF.type, PKG.SourceFile) not in ds for o in owners)


# --- (f) the shapes catch broken graphs -----------------------------------------------------

VALID = """
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix verb: <https://w3id.org/policykg/verb/> .
@prefix x: <https://example.org/> .
@prefix src: <https://example.org/source/> .

# the IRI of a source file ends with the first 16 digits of its digest
src:0123456789abcdef a pkg:SourceFile , prov:Entity ;
    pkg:path "a.txt" ;
    pkg:sha256 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" .
x:res a pkg:Resolution , schema:Legislation ;
    pkg:key "CND 62/4" ; pkg:number "62/4" ; rdfs:label "CND resolution 62/4" ;
    pkg:fromSource src:0123456789abcdef ; pkg:recalls x:cited ; cito:cites x:cited .
x:cited a pkg:Resolution , schema:Legislation ;
    pkg:key "CND 61/8" ; pkg:number "61/8" ; rdfs:label "CND resolution 61/8" .
x:pp1 a pkg:PreambularParagraph , pkg:Paragraph ;
    pkg:paragraphLabel "pp1" ; pkg:inInstrument x:res ; dct:isPartOf x:res ;
    pkg:paragraphText "Recalling its resolution 61/8," ;
    pkg:clauseVerb verb:Recalling ; pkg:clauseVerbText "Recalling" ;
    oa:hasTarget x:pp1t .
x:pp1t a oa:SpecificResource ; oa:hasSource src:0123456789abcdef ; oa:hasSelector x:pp1p .
x:pp1p a oa:TextPositionSelector ; oa:start 0 ; oa:end 31 .
x:c a pkg:Citation , cito:Citation ;
    cito:hasCitedEntity x:cited ; pkg:citedInstrument x:cited ;
    cito:hasCitingEntity x:pp1 ; pkg:citingInstrument x:res ; pkg:inParagraph x:pp1 ;
    cito:hasCitationCharacterization pkg:recalls ;
    pkg:kind "resolution" ; pkg:clauseVerb verb:Recalling ;
    oa:hasTarget x:ct ; prov:wasDerivedFrom src:0123456789abcdef .
x:ct a oa:SpecificResource ; oa:hasSource src:0123456789abcdef ; oa:hasSelector x:cp , x:cq .
x:cp a oa:TextPositionSelector ; oa:start 10 ; oa:end 30 .
x:cq a oa:TextQuoteSelector ; oa:exact "its resolution 61/8," .
x:m a pkg:Mandate ;
    pkg:addressee <https://w3id.org/policykg/group/member-states> ;
    pkg:mandateVerb verb:Urges ; pkg:clauseVerbText "Urges" ;
    oa:hasTarget x:mt ; prov:wasDerivedFrom src:0123456789abcdef .
<https://w3id.org/policykg/group/member-states> a pkg:Group ; rdfs:label "member states" .
x:mt a oa:SpecificResource ; oa:hasSource src:0123456789abcdef ; oa:hasSelector x:mp .
x:mp a oa:TextPositionSelector ; oa:start 40 ; oa:end 60 .
"""
X = rdflib.Namespace("https://example.org/")
SRC = URIRef("https://example.org/source/0123456789abcdef")


def _set(s, p, o) -> Callable[[rdflib.Graph], None]:
    return lambda g: g.set((s, p, o))


def _drop(s, p) -> Callable[[rdflib.Graph], None]:
    return lambda g: g.remove((s, p, None))


BROKEN: list[tuple[str, Callable[[rdflib.Graph], None], URIRef | None]] = [
    # a citation that cites nothing
    ("no cited entity", _drop(X.c, CITO.hasCitedEntity), CITO.hasCitedEntity),
    # offsets the wrong way round
    ("start after end", _set(X.cp, OA.start, Literal(31)), OA.start),
    # an offset given as text
    ("string offset", _set(X.cp, OA.end, Literal("30")), OA.end),
    # the quote is not the text between the offsets (reported on the class, value the node)
    ("quote too short", _set(X.cq, OA.exact, Literal("its resolution")), None),
    # a kind outside the eight mention kinds
    ("unknown kind", _set(X.c, PKG.kind, Literal("law")), PKG.kind),
    # a UNTS reference that is not volume/number
    ("bad UNTS reference", _set(X.c, PKG.untsReference, Literal("vol. 520")), PKG.untsReference),
    # the citing instrument lacks the verb-typed edge the citation claims
    ("no direct edge", _drop(X.res, PKG.recalls), None),
    # a characterization that is not a kind of cito:cites
    (
        "not a citation property",
        _set(X.c, CITO.hasCitationCharacterization, PKG.issuer),
        CITO.hasCitationCharacterization,
    ),
    # a paragraph that is both preambular and operative
    ("two paragraph roles", lambda g: g.add((X.pp1, RDF.type, PKG.OperativeParagraph)), None),
    # a paragraph outside any instrument
    ("paragraph without instrument", _drop(X.pp1, PKG.inInstrument), PKG.inInstrument),
    # a mandate addressed to no one
    ("mandate without addressee", _drop(X.m, PKG.addressee), PKG.addressee),
    # a digest in capitals
    ("bad sha256", _set(SRC, PKG.sha256, Literal("ABC")), PKG.sha256),
]


def _validate(g: rdflib.Graph, shapes, onto) -> tuple[bool, rdflib.Graph, str]:
    return pyshacl.validate(g, shacl_graph=shapes, ont_graph=onto, inference="none")


def test_the_valid_example_conforms(shapes, onto):
    conforms, _, text = _validate(rdflib.Graph().parse(data=VALID, format="turtle"), shapes, onto)
    assert conforms, text


@pytest.mark.parametrize(("case", "mutate", "path"), BROKEN, ids=[c[0] for c in BROKEN])
def test_a_shape_catches_a_broken_graph(case, mutate, path, shapes, onto):
    g = rdflib.Graph().parse(data=VALID, format="turtle")
    mutate(g)
    conforms, report, text = _validate(g, shapes, onto)
    assert not conforms, f"{case}: not caught"
    if path is not None:
        paths = {report.value(r, SH.resultPath) for r in _top_results(report)}
        assert path in paths, text


# --- JSON-LD context ------------------------------------------------------------------------


def test_the_context_maps_every_ontology_term(onto):
    ctx = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    for prefix in ("pkg", "verb", "cito", "eli", "dct", "skos", "prov", "oa", "schema", "xsd"):
        assert ctx[prefix] == NAMESPACES[prefix], prefix
    for name in _declared(onto, OWL.Class):
        assert ctx[name] == f"pkg:{name}"
    for name in _declared(onto, OWL.ObjectProperty):
        assert ctx[name] == {"@id": f"pkg:{name}", "@type": "@id"}, name
    for name in _declared(onto, OWL.DatatypeProperty):
        rng = onto.value(PKG[name], RDFS.range)
        if rng == XSD.string:
            assert ctx[name] == f"pkg:{name}", name
        else:
            assert ctx[name] == {"@id": f"pkg:{name}", "@type": f"xsd:{_xsd(rng)}"}, name


def _xsd(iri: URIRef) -> str:
    return str(iri)[len(str(XSD)) :]


def test_the_context_round_trips_a_citation(corpus):
    citation = next(iter(corpus.subjects(RDF.type, PKG.Citation)))
    part = rdflib.Graph()
    nodes = {citation, *corpus.objects(citation, OA.hasTarget)}
    nodes |= {sel for t in list(nodes) for sel in corpus.objects(t, OA.hasSelector)}
    for node in nodes:
        for p, o in corpus.predicate_objects(node):
            part.add((node, p, o))
    ctx = json.loads(CONTEXT.read_text(encoding="utf-8"))
    text = part.serialize(format="json-ld", context=ctx["@context"], auto_compact=True)
    assert '"hasCitedEntity"' in text and '"start"' in text
    back = rdflib.Graph().parse(data=text, format="json-ld")
    assert isomorphic(part, back)


# --- (g) documentation ----------------------------------------------------------------------

TINY = """
@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/policykg/ontology> a owl:Ontology ; dct:title "Tiny & <b>bold</b>" .
pkg:Thing a owl:Class ;
    rdfs:label "<script>alert('x')</script>" ;
    skos:definition "A \\"thing\\" with <i>markup</i> & ampersands." .
"""


def test_html_docs_escape_every_text(tmp_path):
    ttl = tmp_path / "tiny.ttl"
    ttl.write_text(TINY, encoding="utf-8")
    page = render_html(ttl)
    assert "<script>" not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<i>" not in page and "&lt;i&gt;markup&lt;/i&gt;" in page
    assert "<b>" not in page and "Tiny &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    markdown = render_markdown(ttl)
    assert "<script>" not in markdown and "<i>" not in markdown


def test_html_docs_are_self_contained_and_name_every_class(onto):
    page = render_html(TTL)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    for forbidden in ("<script", "<link", "src=", "@import", "cdn"):
        assert forbidden not in page.lower(), forbidden
    for name in CLASSES:
        label = str(onto.value(PKG[name], RDFS.label))
        assert f"<code>pkg:{name}</code> — {label}</h3>" in page, name
        assert f'id="{name}"' in page


def test_markdown_docs_are_up_to_date():
    assert DOCS_MD.read_text(encoding="utf-8") == render_markdown(TTL), (
        "ontology/policykg.md is stale: run python -m policykg.ontodoc"
    )


def test_ontodoc_main_writes_both_files(tmp_path):
    assert ontodoc_main([str(TTL), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "policykg.md").read_text(encoding="utf-8") == render_markdown(TTL)
    assert (tmp_path / "policykg.html").read_text(encoding="utf-8") == render_html(TTL)
