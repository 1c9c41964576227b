"""Human-readable documentation of ``ontology/policykg.ttl``, generated from the Turtle.

Two renderers read the same model: :func:`render_markdown` and :func:`render_html` (one
self-contained page: inline CSS, no scripts, nothing fetched from elsewhere; every text from
the ontology is escaped). Sections: classes (with their hierarchy), object properties,
datatype properties, clause-verb properties, clause-verb concepts, other terms of ours, and
the terms of other vocabularies that the data uses. Each term shows its label, definition,
IRI, super-terms, and domain and range, under an anchor named after its local name.

``python -m policykg.ontodoc [TTL] [--out DIR]`` writes ``policykg.md`` and ``policykg.html``
beside the Turtle (or into DIR).
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS

from .vocab import NAMESPACES, ONTOLOGY, VERB

__all__ = ["main", "render_html", "render_markdown"]

CITES = URIRef(NAMESPACES["cito"] + "cites")
EDGE = URIRef(ONTOLOGY + "edgeProperty")
DEFAULT_TTL = Path(__file__).resolve().parents[2] / "ontology" / "policykg.ttl"


# --- model ----------------------------------------------------------------------------------


@dataclass
class Term:
    iri: URIRef
    name: str  # compact form, e.g. pkg:Resolution
    anchor: str
    label: str
    definition: str = ""
    comment: str = ""
    supers: list[str] = field(default_factory=list)  # compact names
    subs: list[str] = field(default_factory=list)
    domain: str = ""
    range: str = ""
    extra: list[tuple[str, str]] = field(default_factory=list)  # (heading, value) pairs


@dataclass
class Section:
    key: str
    title: str
    intro: str
    terms: list[Term]


@dataclass
class Ontology:
    iri: str
    title: str
    version: str
    created: str
    license: str
    description: str
    comment: str
    sections: list[Section]
    tree: list[tuple[int, Term]]  # class hierarchy: (depth, class), depth-first


def _compact(graph: rdflib.Graph, node: object) -> str:
    """A readable name for a node: a CURIE, "A or B" for a union, a literal's text.

    Prefixes are policykg's own (``vocab.NAMESPACES``), then those the Turtle declares.
    """
    if isinstance(node, URIRef):
        declared = ((p, str(ns)) for p, ns in graph.namespace_manager.namespaces() if p)
        for prefix, ns in (*NAMESPACES.items(), *declared):
            if str(node).startswith(ns) and len(str(node)) > len(ns):
                return f"{prefix}:{str(node)[len(ns) :]}"
        return str(node)
    if isinstance(node, BNode):
        members = graph.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(_compact(graph, m) for m in Collection(graph, members))
        return "(anonymous class)"
    return str(node)


def _anchor(graph: rdflib.Graph, iri: URIRef) -> str:
    text = str(iri)
    if text.startswith(ONTOLOGY):
        return text[len(ONTOLOGY) :]
    if text.startswith(VERB):
        return "verb-" + text[len(VERB) :]
    return "ext-" + re.sub(r"[^A-Za-z0-9]+", "-", _compact(graph, iri)).strip("-")


def _text(graph: rdflib.Graph, node: object, prop: URIRef) -> str:
    """The English (or untagged) value of an annotation, whitespace kept as written."""
    values = [v for v in graph.objects(node, prop) if isinstance(v, Literal)]
    values.sort(key=lambda v: (v.language not in ("en", None), str(v)))
    return str(values[0]) if values else ""


def _term(graph: rdflib.Graph, iri: URIRef) -> Term:
    supers = sorted(
        _compact(graph, o)
        for p in (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass)
        for o in graph.objects(iri, p)
    )
    subs = sorted(
        _compact(graph, s)
        for p in (RDFS.subClassOf, RDFS.subPropertyOf)
        for s in graph.subjects(p, iri)
        if isinstance(s, URIRef)
    )
    domain = " ; ".join(sorted(_compact(graph, d) for d in graph.objects(iri, RDFS.domain)))
    rng = " ; ".join(sorted(_compact(graph, r) for r in graph.objects(iri, RDFS.range)))
    extra = [
        ("disjoint with", _compact(graph, d)) for d in sorted(graph.objects(iri, OWL.disjointWith))
    ]
    if (owner := graph.value(iri, RDFS.isDefinedBy)) is not None:
        extra.append(("defined by", str(owner)))
    return Term(
        iri=iri,
        name=_compact(graph, iri),
        anchor=_anchor(graph, iri),
        label=_text(graph, iri, RDFS.label) or _text(graph, iri, SKOS.prefLabel),
        definition=_text(graph, iri, SKOS.definition),
        comment=_text(graph, iri, RDFS.comment),
        supers=supers,
        subs=subs,
        domain=domain,
        range=rng,
        extra=extra,
    )


def _ours(iri: object) -> bool:
    return isinstance(iri, URIRef) and str(iri).startswith(ONTOLOGY)


def load(ttl_path: str | Path) -> Ontology:
    """Read the ontology into the sections the renderers print."""
    g = rdflib.Graph(bind_namespaces="none")
    g.parse(str(ttl_path), format="turtle")
    onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)

    def declared(kind: URIRef, keep: Callable[[URIRef], bool]) -> list[URIRef]:
        return sorted({s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and keep(s)})

    classes = declared(OWL.Class, _ours)
    objects = declared(OWL.ObjectProperty, _ours)
    verbs = [p for p in objects if (p, RDFS.subPropertyOf, CITES) in g]
    plain = [p for p in objects if p not in verbs]
    datatypes = declared(OWL.DatatypeProperty, _ours)
    concepts = sorted(
        (
            c
            for c in g.subjects(RDF.type, SKOS.Concept)
            if isinstance(c, URIRef) and str(c).startswith(VERB)
        ),
        key=str,
    )
    listed = {*classes, *objects, *datatypes, *concepts}
    others = sorted({s for s in g.subjects() if _ours(s) and s not in listed})
    foreign = sorted(
        {
            s
            for kind in (
                OWL.Class,
                OWL.ObjectProperty,
                OWL.DatatypeProperty,
                OWL.AnnotationProperty,
            )
            for s in g.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and not _ours(s)
        },
        key=lambda s: _compact(g, s),
    )

    concept_terms = []
    for c in concepts:
        t = _term(g, c)
        t.label = _text(g, c, SKOS.prefLabel)
        edge = g.value(c, EDGE)
        t.extra = [("edge property", _compact(g, edge))] if edge is not None else []
        concept_terms.append(t)

    sections = [
        Section(
            "classes",
            "Classes",
            "Every class of the ontology; the hierarchy comes first.",
            [_term(g, c) for c in classes],
        ),
        Section(
            "object-properties",
            "Object properties",
            "Relations between resources, other than the clause-verb citation edges.",
            [_term(g, p) for p in plain],
        ),
        Section(
            "datatype-properties",
            "Datatype properties",
            "Attributes whose values are literals.",
            [_term(g, p) for p in datatypes],
        ),
        Section(
            "verb-properties",
            "Clause-verb properties",
            "Verb-typed citation edges from the citing to the cited instrument, each a "
            "sub-property of cito:cites.",
            [_term(g, p) for p in verbs],
        ),
        Section(
            "clause-verbs",
            "Clause-verb concepts",
            "The concepts of pkg:ClauseVerbScheme, by the verb as written, each with the "
            "property its citations use.",
            concept_terms,
        ),
        Section(
            "other-terms",
            "Other terms",
            "Annotation properties and individuals of the ontology.",
            [_term(g, t) for t in others],
        ),
        Section(
            "foreign-terms",
            "Terms of other vocabularies used by the data",
            "Declared only so that the ontology is OWL 2 DL; they keep their owners' meaning.",
            [_term(g, t) for t in foreign],
        ),
    ]

    by_name = {t.name: t for t in sections[0].terms}
    tree: list[tuple[int, Term]] = []

    def walk(term: Term, depth: int, seen: frozenset[str]) -> None:
        tree.append((depth, term))
        for sub in term.subs:
            if sub in by_name and sub not in seen:
                walk(by_name[sub], depth + 1, seen | {sub})

    for term in sections[0].terms:
        if not any(s in by_name for s in term.supers):
            walk(term, 0, frozenset({term.name}))

    return Ontology(
        iri=str(onto or ""),
        title=_text(g, onto, DCTERMS.title) if onto else "",
        version=_text(g, onto, OWL.versionInfo) if onto else "",
        created=_text(g, onto, DCTERMS.created) if onto else "",
        license=str(g.value(onto, DCTERMS.license) or "") if onto else "",
        description=_text(g, onto, DCTERMS.description) if onto else "",
        comment=_text(g, onto, RDFS.comment) if onto else "",
        sections=sections,
        tree=tree,
    )


def _details(term: Term) -> list[tuple[str, str, bool]]:
    """(heading, value, is a list of term names) rows shown under a term."""
    rows: list[tuple[str, str, bool]] = [("IRI", str(term.iri), False)]
    if term.supers:
        rows.append(("super-terms", ", ".join(term.supers), True))
    if term.subs:
        rows.append(("sub-terms", ", ".join(term.subs), True))
    if term.domain:
        rows.append(("domain", term.domain, True))
    if term.range:
        rows.append(("range", term.range, True))
    rows.extend((h, v, h in ("disjoint with", "edge property")) for h, v in term.extra)
    return rows


# --- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&])")


def _md(text: str) -> str:
    """Escape Markdown (and inline HTML) syntax; keep paragraphs, fold other line breaks."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(_MD_SPECIAL.sub(r"\\\1", p) for p in paragraphs if p)


def _md_names(names: str, anchors: dict[str, str]) -> str:
    """Term names, linked to their anchors when the page documents them."""
    out = []
    for part in re.split(r"(, | ; | or )", names):
        if part in (", ", " ; ", " or "):
            out.append(part)
        elif part in anchors:
            out.append(f"[`{part}`](#{anchors[part]})")
        else:
            out.append(f"`{part}`")
    return "".join(out)


def render_markdown(ttl_path: str | Path) -> str:
    """The ontology's documentation as Markdown."""
    o = load(ttl_path)
    anchors = {t.name: t.anchor for s in o.sections for t in s.terms}
    lines = [f"# {_md(o.title)}", ""]
    lines.append(
        f"IRI `{o.iri}` · version {_md(o.version)} · created {_md(o.created)} · "
        f"licence `{o.license}`"
    )
    lines += ["", "_Generated from `ontology/policykg.ttl` by `policykg.ontodoc`; do not edit._"]
    lines += ["", _md(o.description), "", _md(o.comment), "", "## Contents", ""]
    lines += [f"- [{s.title}](#{s.key}) ({len(s.terms)})" for s in o.sections]
    for s in o.sections:
        lines += ["", f'<a id="{s.key}"></a>', "", f"## {s.title}", "", _md(s.intro)]
        if s.key == "classes":
            lines.append("")
            lines += [
                f"{'  ' * depth}- [`{t.name}`](#{t.anchor}) {_md(t.label)}" for depth, t in o.tree
            ]
        for t in s.terms:
            title = f"`{t.name}` — {_md(t.label)}" if t.label else f"`{t.name}`"
            lines += ["", f'<a id="{t.anchor}"></a>', "", f"### {title}", ""]
            if t.definition:
                lines += [_md(t.definition), ""]
            if t.comment:
                lines += [f"> {_md(t.comment)}", ""]
            for heading, value, names in _details(t):
                shown = _md_names(value, anchors) if names else f"`{value}`"
                lines.append(f"- {heading}: {shown}")
    return "\n".join(lines).rstrip() + "\n"


# --- HTML -----------------------------------------------------------------------------------

_CSS = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1b1b; }
code { font-family: ui-monospace, monospace; font-size: 0.9em; background: #f2f2f2;
       padding: 0 0.2em; }
h2 { border-bottom: 2px solid #ccc; margin-top: 2.5rem; }
section.term { border-left: 4px solid #9db4d6; padding: 0.2rem 1rem; margin: 1.2rem 0; }
section.term h3 { margin: 0.3rem 0; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.1rem 1rem; }
dt { font-weight: 600; color: #555; }
dd { margin: 0; }
blockquote { color: #444; margin: 0.5rem 0; padding-left: 0.8rem; border-left: 3px solid #ddd; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.2rem; }
p.note { color: #666; font-style: italic; }
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _h_paragraphs(text: str) -> str:
    return "".join(f"<p>{_h(' '.join(p.split()))}</p>" for p in re.split(r"\n\s*\n", text) if p)


def _h_names(names: str, anchors: dict[str, str]) -> str:
    out = []
    for part in re.split(r"(, | ; | or )", names):
        if part in (", ", " ; ", " or "):
            out.append(_h(part))
        elif part in anchors:
            out.append(f'<a href="#{_h(anchors[part])}"><code>{_h(part)}</code></a>')
        else:
            out.append(f"<code>{_h(part)}</code>")
    return "".join(out)


def _h_tree(tree: list[tuple[int, Term]]) -> str:
    out, depth = ['<ul class="tree">'], 0
    for i, (d, t) in enumerate(tree):
        while depth < d:
            out.append('<ul class="tree">')
            depth += 1
        while depth > d:
            out.append("</li></ul>")
            depth -= 1
        if i and d <= tree[i - 1][0]:
            out.append("</li>")
        out.append(f'<li><a href="#{_h(t.anchor)}"><code>{_h(t.name)}</code></a> {_h(t.label)}')
    out.append("</li>" + "</ul></li>" * depth + "</ul>")
    return "".join(out)


def _h_terms(terms: Iterable[Term], anchors: dict[str, str]) -> list[str]:
    out = []
    for t in terms:
        out.append(f'<section class="term" id="{_h(t.anchor)}">')
        label = f" — {_h(t.label)}" if t.label else ""
        out.append(f"<h3><code>{_h(t.name)}</code>{label}</h3>")
        if t.definition:
            out.append(f"<p>{_h(t.definition)}</p>")
        if t.comment:
            out.append(f"<blockquote>{_h_paragraphs(t.comment)}</blockquote>")
        out.append("<dl>")
        for heading, value, names in _details(t):
            shown = _h_names(value, anchors) if names else f"<code>{_h(value)}</code>"
            out.append(f"<dt>{_h(heading)}</dt><dd>{shown}</dd>")
        out.append("</dl></section>")
    return out


def render_html(ttl_path: str | Path) -> str:
    """The ontology's documentation as one self-contained HTML page."""
    o = load(ttl_path)
    anchors = {t.name: t.anchor for s in o.sections for t in s.terms}
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(o.title)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{_h(o.title)}</h1>",
        f"<p>IRI <code>{_h(o.iri)}</code> · version {_h(o.version)} · created {_h(o.created)}"
        f" · licence <code>{_h(o.license)}</code></p>",
        '<p class="note">Generated from ontology/policykg.ttl by policykg.ontodoc; '
        "do not edit.</p>",
        _h_paragraphs(o.description),
        f"<blockquote>{_h_paragraphs(o.comment)}</blockquote>",
        "<nav><h2>Contents</h2><ul>",
    ]
    out += [f'<li><a href="#{s.key}">{_h(s.title)}</a> ({len(s.terms)})</li>' for s in o.sections]
    out.append("</ul></nav>")
    for s in o.sections:
        out.append(f'<h2 id="{s.key}">{_h(s.title)}</h2>')
        out.append(f"<p>{_h(s.intro)}</p>")
        if s.key == "classes" and o.tree:
            out.append(_h_tree(o.tree))
        out += _h_terms(s.terms, anchors)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


# --- command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Write ``policykg.md`` and ``policykg.html`` for the ontology (``make docs``)."""
    parser = argparse.ArgumentParser(prog="python -m policykg.ontodoc", description=main.__doc__)
    parser.add_argument("ttl", nargs="?", type=Path, default=DEFAULT_TTL, help="the ontology")
    parser.add_argument("--out", type=Path, help="output folder (default: beside the Turtle)")
    args = parser.parse_args(argv)
    out = args.out or args.ttl.parent
    out.mkdir(parents=True, exist_ok=True)
    stem = args.ttl.stem
    for suffix, render in ((".md", render_markdown), (".html", render_html)):
        target = out / (stem + suffix)
        target.write_text(render(args.ttl), encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
