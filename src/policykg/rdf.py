"""Instruments, citations and mandates -> RDF quads. The only place IRIs are minted.

Output is N-Quads text, so that worker processes can serialise and the store can load it
without another object model. Every citation is written twice: a direct verb-typed edge
(``<CND 62/4> pkg:recalls <CND 61/8>``) and a ``cito:Citation`` node that carries the
paragraph, clause verb, quote, offsets, footnote and source file it comes from.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from .models import Extraction, Instrument, Mandate, Mention, Paragraph
from .registry import Registry
from .vocab import NAMESPACES, ONTOLOGY, VERB, concept_name, edge_property

RDF = NAMESPACES["rdf"]
RDFS = NAMESPACES["rdfs"]
XSD = NAMESPACES["xsd"]
CITO = NAMESPACES["cito"]
ELI = NAMESPACES["eli"]
DCT = NAMESPACES["dct"]
SKOS = NAMESPACES["skos"]
PROV = NAMESPACES["prov"]
OA = NAMESPACES["oa"]
SCHEMA = NAMESPACES["schema"]
PKG = ONTOLOGY

KIND_CLASS = {
    "resolution": "Resolution",
    "decision": "Decision",
    "treaty": "Treaty",
    "declaration": "Declaration",
    "document": "Document",
    "report": "Report",
    "programme": "Programme",
    "body": "Body",
    "group": "Group",
}
PARAGRAPH_CLASS = {
    "preamble": "PreambularParagraph",
    "operative": "OperativeParagraph",
    "sub": "OperativeParagraph",
    "footnote": "Footnote",
    "text": "TextParagraph",
}
_SAFE = "-._~!$&'()*+,;=:@"


# --- IRIs ---------------------------------------------------------------------------------


def _path(*segments: str) -> str:
    return "/".join(quote(s.replace(" ", "_"), safe=_SAFE) for s in segments)


def instrument_iri(base: str, key: str) -> str:
    """``CND 61/8`` -> ``{base}/resolution/CND/61/8``; ``treaty/x`` -> ``{base}/treaty/x``."""
    if m := re.fullmatch(r"(\S+) decision (.+)", key):
        return f"{base}/decision/{_path(m.group(1), *m.group(2).split('/'))}"
    if "/" in key.split(" ", 1)[0]:  # slug keys: treaty/..., body/..., document/E/2019/28
        return f"{base}/{_path(*key.split('/'))}"
    issuer, _, number = key.partition(" ")
    return f"{base}/resolution/{_path(issuer, *number.split('/'))}"


def body_iri(base: str, key: str) -> str:
    return f"{base}/{_path(*key.split('/'))}"


def issuer_body_key(issuer: str, registry: Registry) -> str:
    body = registry.body_by_issuer(issuer)
    return body.key if body else f"body/{issuer}"


def session_iri(base: str, body_key: str, number: int) -> str:
    return f"{base}/session/{_path(body_key.split('/', 1)[-1])}/{number}"


def source_iri(base: str, sha256: str) -> str:
    return f"{base}/source/{sha256[:16]}"


def graph_iri(base: str, path: str) -> str:
    """The named graph that holds everything read from one file (by its corpus path)."""
    return f"{base}/graph/file/{_path(*path.replace(chr(92), '/').split('/'))}"


def registry_graph(base: str) -> str:
    return f"{base}/graph/registry"


def paragraph_iri(base: str, owner: str, label: str) -> str:
    return f"{owner}/{quote(label, safe=_SAFE)}"


# --- terms --------------------------------------------------------------------------------


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def lit(value: object, datatype: str | None = None) -> str:
    if isinstance(value, bool):
        return f'"{"true" if value else "false"}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    text = f'"{_esc(str(value))}"'
    return f"{text}^^<{datatype}>" if datatype else text


def _date(value: str) -> str:
    return lit(value, XSD + "date")


class Quads:
    """Collects N-Quads lines for one graph, without duplicates, in insertion order."""

    def __init__(self, graph: str):
        self.graph = graph
        self._lines: dict[str, None] = {}  # "<s> <p> o" without graph and full stop

    def add(self, s: str, p: str, o: str) -> None:
        """``o`` is an IRI (no quotes) or a literal made by :func:`lit`."""
        obj = o if o.startswith('"') else f"<{o}>"
        self._lines[f"<{s}> <{p}> {obj}"] = None

    def type(self, s: str, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF + "type", c)

    def text(self) -> str:
        """N-Quads, every triple in this graph."""
        g = f" <{self.graph}> .\n"
        return g.join(self._lines) + g if self._lines else ""

    def triples(self) -> str:
        """N-Triples (also valid inside SPARQL ``INSERT DATA``)."""
        return " .\n".join(self._lines) + " .\n" if self._lines else ""

    def __len__(self) -> int:
        return len(self._lines)


# --- one file -----------------------------------------------------------------------------


def extraction_quads(
    e: Extraction, base: str, path: str, registry: Registry, fingerprint: str = ""
) -> Quads:
    """Everything read from one file, in the file's own named graph.

    ``fingerprint`` names the pipeline that produced it (version, registry, base), so that
    an upgraded extractor re-reads files whose content has not changed.
    """
    q = Quads(graph_iri(base, path))
    src = source_iri(base, e.sha256)
    q.type(src, PKG + "SourceFile", PROV + "Entity")
    q.add(src, PKG + "path", lit(path))
    q.add(src, PKG + "sha256", lit(e.sha256))
    if fingerprint:
        q.add(src, PKG + "pipeline", lit(fingerprint))
    owners: dict[int, str] = {}  # id(paragraph) -> IRI of its instrument (or fragment)
    paragraph_iris: dict[int, str] = {}
    for n, inst in enumerate(e.instruments):
        owner = _instrument(q, inst, base, src, n, registry)
        for para in inst.paragraphs:
            if para.role in ("title", "adopting", "heading"):
                continue
            iri = paragraph_iri(base, owner, para.label)
            paragraph_iris[id(para)] = iri
            owners[id(para)] = owner
            _paragraph(q, para, iri, owner, src)
    footnote_iris = _footnotes(q, e, base, src, paragraph_iris, owners)
    index = _paragraph_index(e, paragraph_iris)
    for i, m in enumerate(e.mentions):
        para_iri = index.get((m.paragraph, m.start))
        if m.kind == "body":
            if para_iri:
                q.add(para_iri, PKG + "mentions", body_iri(base, m.key))
            continue
        _citation(q, m, i, base, src, para_iri, footnote_iris, e, registry)
    for md in e.mandates:
        _mandate(q, md, base, src, index.get((md.paragraph, md.start)), e, registry)
    for i, f in enumerate(e.findings):
        node = f"{base}/finding/{e.sha256[:16]}/{i}"
        q.type(node, PKG + "Finding")
        q.add(node, PKG + "findingCode", lit(f.code))
        q.add(node, PKG + "message", lit(f.message))
        q.add(node, PKG + "line", lit(f.line))
        q.add(node, PKG + "column", lit(f.column))
        q.add(node, PROV + "wasDerivedFrom", src)
        if f.key:
            q.add(node, PKG + "about", instrument_iri(base, f.key))
    return q


def _instrument(q: Quads, inst: Instrument, base: str, src: str, n: int, registry: Registry) -> str:
    if inst.fragment or not inst.key:
        owner = f"{src}/part/{n}"
        q.type(owner, PKG + "Instrument")
        q.add(owner, PKG + "fragment", lit(inst.fragment))
        q.add(owner, PKG + "fromSource", src)
        q.add(owner, RDFS + "label", lit(f"untitled part {n} of a source file"))
        return owner
    iri = instrument_iri(base, inst.key)
    cls = KIND_CLASS.get(inst.kind or "resolution", "Resolution")
    q.type(iri, PKG + cls, SCHEMA + "Legislation")
    q.add(iri, PKG + "key", lit(inst.key))
    q.add(iri, RDFS + "label", lit(_label(inst.key, inst.kind or "resolution")))
    q.add(iri, PKG + "fromSource", src)
    q.add(iri, PKG + "fragment", lit(False))
    if inst.issuer:
        body = body_iri(base, issuer_body_key(inst.issuer, registry))
        q.add(iri, PKG + "issuer", body)
        q.add(iri, ELI + "passed_by", body)
    if inst.number:
        q.add(iri, PKG + "number", lit(inst.number))
        if inst.issuer:
            _adopted_at(q, iri, base, inst.issuer, inst.number, registry)
    if inst.title:
        q.add(iri, DCT + "title", lit(inst.title))
        q.add(iri, SCHEMA + "name", lit(inst.title))
    if inst.date:
        q.add(iri, ELI + "date_document", _date(inst.date))
    if url := _undocs(inst.key):
        q.add(iri, RDFS + "seeAlso", url)
    return iri


def _paragraph(q: Quads, para: Paragraph, iri: str, owner: str, src: str) -> None:
    q.type(iri, PKG + PARAGRAPH_CLASS.get(para.role, "TextParagraph"), PKG + "Paragraph")
    q.add(iri, PKG + "paragraphLabel", lit(para.label))
    q.add(iri, PKG + "inInstrument", owner)
    q.add(iri, DCT + "isPartOf", owner)
    q.add(iri, PKG + "paragraphText", lit(para.text))
    if para.verb:
        q.add(iri, PKG + "clauseVerb", VERB + concept_name(para.verb))
        q.add(iri, PKG + "clauseVerbText", lit(para.verb_text or para.verb))
    span = para.span
    _target(q, iri, src, None, span.start, span.end)


def _footnotes(q, e: Extraction, base, src, paragraph_iris, owners) -> dict[tuple[str, str], str]:
    """Footnote paragraphs, keyed by (owner IRI, label)."""
    out: dict[tuple[str, str], str] = {}
    for fn in e.footnotes:
        anchor = next(
            (
                (para, paragraph_iris[id(para)])
                for inst in e.instruments
                for para in inst.paragraphs
                if id(para) in paragraph_iris
                and any(mk.label == fn.label for mk in para.markers)
                and para.span.start <= fn.paragraph.span.start
            ),
            None,
        )
        owner = (
            owners[id(anchor[0])] if anchor else _owner_at(e, fn.paragraph.span.start, owners, src)
        )
        iri = paragraph_iri(base, owner, f"fn{fn.label}")
        out[(owner, fn.label)] = iri
        out.setdefault(("", fn.label), iri)
        paragraph_iris[id(fn.paragraph)] = iri
        _paragraph(q, fn.paragraph, iri, owner, src)
        q.add(iri, PKG + "footnoteLabel", lit(fn.label))
        if anchor:
            q.add(iri, PKG + "annotates", anchor[1])
    return out


def _owner_at(e: Extraction, pos: int, owners: dict[int, str], src: str) -> str:
    """The instrument (or untitled part) holding ``pos``: the last one starting before it, or
    the first one; the source file only when the file has no paragraphs at all."""
    best = None
    for inst in e.instruments:
        para = next((p for p in inst.paragraphs if id(p) in owners), None)
        if para is not None and (best is None or inst.span.start <= pos):
            best = owners[id(para)]
    return best or src


def _paragraph_index(e: Extraction, paragraph_iris: dict[int, str]) -> dict[tuple[str, int], str]:
    """(paragraph label, mention start) -> paragraph IRI, by the paragraph that holds it."""
    spans = []
    for inst in e.instruments:
        spans.extend(inst.paragraphs)
    spans.extend(fn.paragraph for fn in e.footnotes)
    index: dict[tuple[str, int], str] = {}
    for item in (*e.mentions, *e.mandates):
        for para in spans:
            if para.label == item.paragraph and id(para) in paragraph_iris:
                s = para.span
                if s.start <= item.start <= s.end:
                    index[(item.paragraph, item.start)] = paragraph_iris[id(para)]
                    break
    return index


def _citation(q, m: Mention, i: int, base, src, para_iri, footnote_iris, e, registry) -> None:
    cited = instrument_iri(base, m.key)
    node = f"{base}/citation/{e.sha256[:16]}/{m.start}-{m.end}-{i}"
    citing = instrument_iri(base, m.citing) if m.citing else None
    _cited_node(q, m, cited, base, registry)
    q.type(node, CITO + "Citation", PKG + "Citation")
    q.add(node, CITO + "hasCitedEntity", cited)
    q.add(node, PKG + "citedInstrument", cited)
    q.add(node, CITO + "hasCitingEntity", para_iri or citing or src)
    if citing:
        q.add(node, PKG + "citingInstrument", citing)
        q.add(citing, edge_property(m.verb), cited)
        q.add(citing, CITO + "cites", cited)
    if para_iri:
        q.add(node, PKG + "inParagraph", para_iri)
    q.add(node, CITO + "hasCitationCharacterization", edge_property(m.verb))
    q.add(node, PKG + "kind", lit(m.kind))
    if m.verb:
        q.add(node, PKG + "clauseVerb", VERB + concept_name(m.verb))
        q.add(node, PKG + "clauseVerbText", lit(m.verb_text or m.verb))
    if m.date:
        q.add(node, PKG + "statedDate", _date(m.date))
    if m.year:
        q.add(node, PKG + "statedYear", lit(m.year))
    if m.unts:
        q.add(node, PKG + "untsReference", lit(m.unts))
    if m.article:
        q.add(node, PKG + "article", lit(m.article))
    if m.annex:
        q.add(node, PKG + "annex", lit(True))
    if m.issuer_from:
        q.add(node, PKG + "issuerFrom", lit(m.issuer_from))
    if m.footnote:
        owner = citing or src
        fn = footnote_iris.get((owner, m.footnote)) or footnote_iris.get(("", m.footnote))
        if fn and fn != para_iri:
            q.add(node, PKG + "footnote", fn)
    if m.published_in:
        q.add(node, PKG + "publishedIn", instrument_iri(base, f"document/{m.published_in}"))
    _target(q, node, src, m.surface, m.start, m.end)
    q.add(node, PROV + "wasDerivedFrom", src)


def _cited_node(q: Quads, m: Mention, cited: str, base: str, registry: Registry) -> None:
    """What the citation says of the cited instrument: kind, number, issuer."""
    q.type(cited, PKG + KIND_CLASS.get(m.kind, "Instrument"), SCHEMA + "Legislation")
    q.add(cited, PKG + "key", lit(m.key))
    entry = registry.entry(m.key)
    q.add(cited, RDFS + "label", lit(entry.title if entry else _label(m.key, m.kind)))
    if m.number:
        q.add(cited, PKG + "number", lit(m.number))
        if m.issuer:
            _adopted_at(q, cited, base, m.issuer, m.number, registry)
    if m.issuer:
        q.add(cited, PKG + "issuer", body_iri(base, issuer_body_key(m.issuer, registry)))
    if m.symbol:
        q.add(cited, DCT + "identifier", lit(m.symbol))
    for amender in m.amended_by:
        q.add(cited, ELI + "amended_by", instrument_iri(base, amender))
    if url := _undocs(m.key) or (f"https://undocs.org/{m.symbol}" if m.symbol else None):
        q.add(cited, RDFS + "seeAlso", url)


def _session(q: Quads, base: str, body_key: str, number: int, registry: Registry) -> str:
    session = session_iri(base, body_key, number)
    q.type(session, PKG + "Session")
    q.add(session, PKG + "sessionOf", body_iri(base, body_key))
    q.add(session, PKG + "sessionNumber", lit(number))
    body = registry.body(body_key)
    name = body.acronym if body else body_key.split("/")[-1]
    q.add(session, RDFS + "label", lit(f"{name} session {number}"))
    if body and body.first_session_year:
        q.add(session, PKG + "sessionYear", lit(body.first_session_year + number - 1))
    return session


def _adopted_at(
    q: Quads, iri: str, base: str, issuer: str, number: str, registry: Registry
) -> None:
    """Session-numbered resolutions (CND 61/8, GA 73/192) were adopted at session 61, 73."""
    m = re.fullmatch(r"(\d{1,3})/\d+(?: [A-Z])?", number)
    body = registry.body_by_issuer(issuer)
    if m and body is not None and body.first_session_year:
        q.add(iri, PKG + "adoptedAtSession", _session(q, base, body.key, int(m.group(1)), registry))


def _mandate(q, md: Mandate, base, src, para_iri, e: Extraction, registry: Registry) -> None:
    node = f"{base}/mandate/{e.sha256[:16]}/{md.start}-{md.end}"
    q.type(node, PKG + "Mandate")
    if para_iri:
        q.add(node, PKG + "inParagraph", para_iri)
    if md.citing:
        q.add(node, PKG + "citingInstrument", instrument_iri(base, md.citing))
    q.add(node, PKG + "mandateVerb", VERB + concept_name(md.verb))
    q.add(node, PKG + "clauseVerbText", lit(md.verb_text))
    for a in md.addressees:
        q.add(node, PKG + "addressee", body_iri(base, a))
        if a.startswith("group/"):
            q.type(body_iri(base, a), PKG + "Group")
            q.add(body_iri(base, a), RDFS + "label", lit(a.split("/", 1)[1].replace("-", " ")))
    for p in md.partners:
        q.add(node, PKG + "partner", body_iri(base, p))
    if md.action:
        q.add(node, PKG + "action", lit(md.action))
    if md.due_session and md.due_session.body:
        s = md.due_session
        q.add(node, PKG + "dueSession", _session(q, base, s.body, s.number, registry))
    _target(q, node, src, None, md.start, md.end)
    q.add(node, PROV + "wasDerivedFrom", src)


def _target(q: Quads, node: str, src: str, exact: str | None, start: int, end: int) -> None:
    """Web Annotation target: the source file, a position selector and (for mentions) a quote."""
    target = f"{node}/target"
    q.add(node, OA + "hasTarget", target)
    q.type(target, OA + "SpecificResource")
    q.add(target, OA + "hasSource", src)
    position = f"{node}/position"
    q.add(target, OA + "hasSelector", position)
    q.type(position, OA + "TextPositionSelector")
    q.add(position, OA + "start", lit(start))
    q.add(position, OA + "end", lit(end))
    if exact is not None:
        quote_node = f"{node}/quote"
        q.add(target, OA + "hasSelector", quote_node)
        q.type(quote_node, OA + "TextQuoteSelector")
        q.add(quote_node, OA + "exact", lit(exact))


def _label(key: str, kind: str) -> str:
    """A readable name from a key: "CND resolution 61/8", "World Drug Report 2020"."""
    if kind in ("resolution", "decision") and "/" not in key.split(" ", 1)[0]:
        issuer, _, rest = key.partition(" ")
        return f"{issuer} {'' if rest.startswith('decision') else 'resolution '}{rest}"
    if m := re.fullmatch(r"report/world-drug-report(?:-(\d{4}))?", key):
        return "World Drug Report" + (f" {m.group(1)}" if m.group(1) else "")
    if m := re.fullmatch(r"report/incb-report-(\d{4})", key):
        return f"Report of the International Narcotics Control Board for {m.group(1)}"
    prefix, _, rest = key.partition("/")
    if prefix == "document":
        return rest
    words = rest.replace("-", " ")
    return words[:1].upper() + words[1:]


def _undocs(key: str) -> str | None:
    """Link out to the UN document system where the symbol follows from the key."""
    issuer, _, number = key.partition(" ")
    if issuer == "GA" and re.fullmatch(r"(?:S-|ES-)?\d+/\d+", number):
        return f"https://undocs.org/A/RES/{number}"
    if issuer == "ECOSOC" and re.fullmatch(r"\d{4}/\d+", number):
        return f"https://undocs.org/E/RES/{number}"
    return None


# --- the registry ---------------------------------------------------------------------------


def registry_quads(registry: Registry, base: str) -> Quads:
    """The reference registry (instruments and bodies the project knows), in its own graph."""
    q = Quads(registry_graph(base))
    for e in registry.entries:
        iri = instrument_iri(base, e.key)
        classes = [PKG + KIND_CLASS.get(e.kind, "Instrument"), SCHEMA + "Legislation"]
        if e.kind == "treaty":
            word = (
                "Protocol"
                if e.title.split()[0] == "Protocol" or "Protocol" in e.title.split()[:3]
                else "Convention"
                if "Convention" in e.title
                else None
            )
            if word:
                classes.append(PKG + word)
        if e.issuer and e.number:
            classes.append(PKG + "Resolution")
            q.add(iri, PKG + "issuer", body_iri(base, issuer_body_key(e.issuer, registry)))
            q.add(iri, PKG + "number", lit(e.number))
        q.type(iri, *classes)
        q.add(iri, PKG + "key", lit(e.key))
        q.add(iri, DCT + "title", lit(e.title))
        q.add(iri, RDFS + "label", lit(e.title))
        q.add(iri, SKOS + "prefLabel", lit(e.title))
        for n in dict.fromkeys((*e.names, *e.short, *e.acronyms)):
            if n != e.title:
                q.add(iri, SKOS + "altLabel", lit(n))
        for n in e.acronyms:
            q.add(iri, PKG + "acronym", lit(n))
        if e.year:
            q.add(iri, PKG + "statedYear", lit(e.year))
        if e.date:
            q.add(iri, ELI + "date_document", _date(e.date))
        for unts in (e.unts, e.amended_unts):
            if unts:
                q.add(iri, PKG + "untsReference", lit(unts))
        if e.unts:
            vol, no = e.unts.split("/")
            q.add(iri, PKG + "untsVolume", lit(int(vol)))
            q.add(iri, PKG + "untsNumber", lit(int(no)))
        for k in e.amended_by:
            q.add(iri, ELI + "amended_by", instrument_iri(base, k))
        for k in e.amends:
            q.add(iri, ELI + "amends", instrument_iri(base, k))
            q.add(instrument_iri(base, k), ELI + "amended_by", iri)
        if e.owner:
            q.add(iri, DCT + "publisher", body_iri(base, e.owner))
        if e.url:
            q.add(iri, RDFS + "seeAlso", e.url)
        if e.definition:
            q.add(iri, SKOS + "definition", lit(e.definition))
    scheme = f"{base}/body"
    q.type(scheme, SKOS + "ConceptScheme")
    q.add(scheme, RDFS + "label", lit("Bodies of the United Nations and other organizations"))
    for b in registry.bodies:
        iri = body_iri(base, b.key)
        q.type(iri, PKG + "Body", SKOS + "Concept", SCHEMA + "Organization")
        q.add(iri, SKOS + "inScheme", scheme)
        q.add(iri, SKOS + "prefLabel", lit(b.name))
        q.add(iri, RDFS + "label", lit(b.name))
        q.add(iri, PKG + "acronym", lit(b.acronym))
        q.add(iri, SKOS + "notation", lit(b.acronym))
        for n in dict.fromkeys((*b.names, *b.short, b.acronym)):
            if n != b.name:
                q.add(iri, SKOS + "altLabel", lit(n))
        if b.issuer:
            q.add(iri, PKG + "issuerCode", lit(b.issuer))
        if b.parent:
            q.add(iri, SKOS + "broader", body_iri(base, b.parent))
        if b.url:
            q.add(iri, RDFS + "seeAlso", b.url)
        if b.definition:
            q.add(iri, SKOS + "definition", lit(b.definition))
    return q
