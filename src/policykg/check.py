"""``policykg check``: SHACL validation and data-quality findings, each with provenance."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from .store import GraphStore
from .vocab import sparql_prefixes

ONTOLOGY_DIR_ENV = "POLICYKG_ONTOLOGY"


def ontology_dir() -> Path:
    """``ontology/`` of the project (``POLICYKG_ONTOLOGY`` overrides)."""
    return Path(
        os.environ.get(ONTOLOGY_DIR_ENV) or Path(__file__).resolve().parents[2] / "ontology"
    )


@dataclass(frozen=True)
class CheckFinding:
    code: str
    message: str
    where: str  # "path:line:column" or "path@start-end"

    def __str__(self) -> str:
        return f"{self.where}: {self.code}: {self.message}"


def shacl_report(store: GraphStore) -> tuple[bool, str]:
    """Validate the union of all graphs against ``ontology/shapes.ttl``."""
    import pyshacl
    import rdflib

    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    data = rdflib.Dataset(default_union=True)
    data.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    ontology = rdflib.Graph().parse(ontology_dir() / "policykg.ttl", format="turtle")
    conforms, _graph, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    return bool(conforms), str(text)


def quality_findings(store: GraphStore) -> list[CheckFinding]:
    """Findings recorded at extraction, and conflicting dates across files."""
    out: list[CheckFinding] = []
    rows = store.query(
        sparql_prefixes()
        + """SELECT ?code ?message ?line ?column ?path WHERE { GRAPH ?g {
            ?f a pkg:Finding ; pkg:findingCode ?code ; pkg:message ?message ;
               pkg:line ?line ; pkg:column ?column ; prov:wasDerivedFrom ?src .
            ?src pkg:path ?path } } ORDER BY ?path ?line ?column"""
    )
    for r in rows:
        if r["code"].value != "conflicting-date":  # recomputed below across all files
            where = f"{r['path'].value}:{r['line'].value}:{r['column'].value}"
            out.append(CheckFinding(r["code"].value, r["message"].value, where))
    out.extend(conflicting_dates(store))
    return out


def conflicting_dates(store: GraphStore) -> list[CheckFinding]:
    """Instruments cited with different adoption dates, with every place each date is said."""
    rows = store.query(
        sparql_prefixes()
        + """SELECT ?cited ?key ?date ?path ?start ?exact WHERE {
            { SELECT ?cited WHERE { GRAPH ?g { ?c a cito:Citation ; cito:hasCitedEntity ?cited ;
                                                  pkg:statedDate ?d } }
              GROUP BY ?cited HAVING (COUNT(DISTINCT ?d) > 1) }
            GRAPH ?g2 { ?c2 cito:hasCitedEntity ?cited ; pkg:statedDate ?date ;
                            oa:hasTarget ?t ; prov:wasDerivedFrom ?src .
                        ?t oa:hasSelector ?pos , ?quote .
                        ?pos a oa:TextPositionSelector ; oa:start ?start .
                        ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
                        ?src pkg:path ?path .
                        OPTIONAL { ?cited pkg:key ?key } } }
          ORDER BY ?cited ?date ?path ?start"""
    )
    by_cited: dict[str, list] = {}
    for r in rows:
        by_cited.setdefault(r["cited"].value, []).append(r)
    out = []
    for cited, rs in by_cited.items():
        key = next((r["key"].value for r in rs if r["key"] is not None), cited)
        dates = sorted({r["date"].value for r in rs})
        places = "; ".join(
            f"{r['date'].value} in {r['path'].value}@{r['start'].value} ({r['exact'].value!r})"
            for r in rs
        )
        first = rs[0]
        out.append(
            CheckFinding(
                "conflicting-date",
                f"{key} is cited with {len(dates)} different adoption dates: {places}",
                f"{first['path'].value}@{first['start'].value}",
            )
        )
    return out
