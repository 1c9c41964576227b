"""Namespaces and the terms of ``ontology/policykg.ttl`` (a test keeps the two in step).

Instance IRIs live under a configurable base (``POLICYKG_BASE``); the ontology and the
clause-verb scheme have fixed namespaces so that data minted under any base shares them.
"""

from __future__ import annotations

import re

ONTOLOGY = "https://w3id.org/policykg/ontology#"
VERB = "https://w3id.org/policykg/verb/"
DEFAULT_BASE = "https://w3id.org/policykg"

NAMESPACES: dict[str, str] = {
    "pkg": ONTOLOGY,
    "verb": VERB,
    "cito": "http://purl.org/spar/cito/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "https://schema.org/",
    "void": "http://rdfs.org/ns/void#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}

# Classes of the policykg ontology (local names in ``pkg:``).
CLASSES: tuple[str, ...] = (
    "Instrument",
    "Resolution",
    "Decision",
    "Treaty",
    "Convention",
    "Protocol",
    "Declaration",
    "Document",
    "Report",
    "Programme",
    "Body",
    "Group",
    "Session",
    "Paragraph",
    "PreambularParagraph",
    "OperativeParagraph",
    "Footnote",
    "TextParagraph",
    "Citation",
    "Mandate",
    "SourceFile",
    "Finding",
)

# Properties of the policykg ontology (local names in ``pkg:``), other than clause verbs.
PROPERTIES: tuple[str, ...] = (
    "key",
    "issuer",
    "number",
    "untsReference",
    "untsVolume",
    "untsNumber",
    "article",
    "annex",
    "acronym",
    "sessionOf",
    "sessionNumber",
    "sessionYear",
    "paragraphLabel",
    "clauseVerb",
    "clauseVerbText",
    "paragraphText",
    "inParagraph",
    "inInstrument",
    "citingInstrument",
    "citedInstrument",
    "statedDate",
    "statedYear",
    "footnote",
    "footnoteLabel",
    "annotates",
    "mandateVerb",
    "addressee",
    "partner",
    "action",
    "dueSession",
    "fromSource",
    "sha256",
    "path",
    "issuerFrom",
    "inRegistry",
    "publishedIn",
    "fragment",
    "mentions",
    "kind",
    "findingCode",
    "message",
    "line",
    "column",
    "about",
    "issuerCode",
    "pipeline",
    "adoptedAtSession",
)

# Clause verbs: base form (as extracted) -> (SKOS concept local name, edge property local
# name). Preambular and operative forms of one verb share the property.
CLAUSE_VERBS: dict[str, tuple[str, str]] = {
    "Recalling": ("Recalling", "recalls"),
    "Recalls": ("Recalls", "recalls"),
    "Reaffirming": ("Reaffirming", "reaffirms"),
    "Reaffirms": ("Reaffirms", "reaffirms"),
    "Reiterating": ("Reiterating", "reiterates"),
    "Reiterates": ("Reiterates", "reiterates"),
    "Recognizing": ("Recognizing", "recognizes"),
    "Recognizes": ("Recognizes", "recognizes"),
    "Noting": ("Noting", "notes"),
    "Notes": ("Notes", "notes"),
    "Taking note": ("TakingNote", "takesNoteOf"),
    "Takes note": ("TakesNote", "takesNoteOf"),
    "Welcoming": ("Welcoming", "welcomes"),
    "Welcomes": ("Welcomes", "welcomes"),
    "Acknowledging": ("Acknowledging", "acknowledges"),
    "Acknowledges": ("Acknowledges", "acknowledges"),
    "Emphasizing": ("Emphasizing", "emphasizes"),
    "Emphasizes": ("Emphasizes", "emphasizes"),
    "Stressing": ("Stressing", "stresses"),
    "Stresses": ("Stresses", "stresses"),
    "Underlining": ("Underlining", "underlines"),
    "Underlines": ("Underlines", "underlines"),
    "Underscoring": ("Underscoring", "underscores"),
    "Underscores": ("Underscores", "underscores"),
    "Highlighting": ("Highlighting", "highlights"),
    "Highlights": ("Highlights", "highlights"),
    "Affirming": ("Affirming", "affirms"),
    "Affirms": ("Affirms", "affirms"),
    "Considering": ("Considering", "considers"),
    "Considers": ("Considers", "considers"),
    "Bearing in mind": ("BearingInMind", "bearsInMind"),
    "Mindful": ("Mindful", "bearsInMind"),
    "Taking into account": ("TakingIntoAccount", "takesIntoAccount"),
    "Guided by": ("GuidedBy", "isGuidedBy"),
    "Expressing concern": ("ExpressingConcern", "expressesConcernAbout"),
    "Concerned": ("Concerned", "expressesConcernAbout"),
    "Alarmed": ("Alarmed", "expressesConcernAbout"),
    "Expressing appreciation": ("ExpressingAppreciation", "welcomes"),
    "Commends": ("Commends", "welcomes"),
    "Endorses": ("Endorses", "endorses"),
    "Adopts": ("Adopts", "endorses"),
    "Approves": ("Approves", "endorses"),
    "Requests": ("Requests", "invokes"),
    "Invites": ("Invites", "invokes"),
    "Encourages": ("Encourages", "invokes"),
    "Calls upon": ("CallsUpon", "invokes"),
    "Urges": ("Urges", "invokes"),
    "Recommends": ("Recommends", "invokes"),
    "Decides": ("Decides", "invokes"),
    "Authorizes": ("Authorizes", "invokes"),
    # Verbs with no relation of their own: the edge is plain cito:cites.
    "Taking into consideration": ("TakingIntoConsideration", "takesIntoAccount"),
    "Having regard": ("HavingRegard", "takesIntoAccount"),
    "Having considered": ("HavingConsidered", "considers"),
    "Having examined": ("HavingExamined", "considers"),
    "Having reviewed": ("HavingReviewed", "considers"),
    "Keeping in mind": ("KeepingInMind", "bearsInMind"),
    "Bearing": ("Bearing", "bearsInMind"),
    "Observing": ("Observing", "notes"),
    "Appreciating": ("Appreciating", "welcomes"),
    "Appreciates": ("Appreciates", "welcomes"),
    "Commending": ("Commending", "welcomes"),
    "Encouraged": ("Encouraged", "welcomes"),
    "Deploring": ("Deploring", "expressesConcernAbout"),
    "Deplores": ("Deplores", "expressesConcernAbout"),
    "Regretting": ("Regretting", "expressesConcernAbout"),
    "Regrets": ("Regrets", "expressesConcernAbout"),
    "Condemns": ("Condemns", "expressesConcernAbout"),
    "Draws attention": ("DrawsAttention", "highlights"),
    "Accepts": ("Accepts", "endorses"),
    "Agrees": ("Agrees", "endorses"),
    "Concurs": ("Concurs", "endorses"),
    "Supports": ("Supports", "endorses"),
    "Confirms": ("Confirms", "reaffirms"),
    "Renews": ("Renews", "reaffirms"),
    "Appeals to": ("AppealsTo", "invokes"),
    "Appeals": ("Appeals", "invokes"),
    "Calls": ("Calls", "invokes"),
    "Designates": ("Designates", "invokes"),
    "Directs": ("Directs", "invokes"),
    "Instructs": ("Instructs", "invokes"),
    "Reminds": ("Reminds", "invokes"),
    "Convinced": ("Convinced", "cites"),
    "Aware": ("Aware", "cites"),
    "Fully aware": ("FullyAware", "cites"),
    "Conscious": ("Conscious", "cites"),
    "Cognizant": ("Cognizant", "cites"),
    "Realizing": ("Realizing", "cites"),
    "Believing": ("Believing", "cites"),
    "Determined": ("Determined", "cites"),
    "Resolved": ("Resolved", "cites"),
    "Committed": ("Committed", "cites"),
    "Desiring": ("Desiring", "cites"),
    "Seeking": ("Seeking", "cites"),
    "Pursuant": ("Pursuant", "cites"),
    "Expressing": ("Expressing", "cites"),
    "Referring": ("Referring", "cites"),
    "Declares": ("Declares", "cites"),
    "Expresses": ("Expresses", "cites"),
    "Proclaims": ("Proclaims", "cites"),
    "Resolves": ("Resolves", "cites"),
}
# Edge properties, each a sub-property of cito:cites; ``cites`` is used for a citation
# whose paragraph opens with no known clause verb.
VERB_PROPERTIES: tuple[str, ...] = tuple(
    sorted({p for _, p in CLAUSE_VERBS.values() if p != "cites"})
)


def concept_name(verb: str) -> str:
    """SKOS concept local name for a clause verb, known or not."""
    known = CLAUSE_VERBS.get(verb)
    if known:
        return known[0]
    return re.sub(r"[^A-Za-z]", "", verb.title())


def edge_property(verb: str | None) -> str:
    """Full IRI of the verb-typed citation edge."""
    prop = CLAUSE_VERBS[verb][1] if verb and verb in CLAUSE_VERBS else "cites"
    return NAMESPACES["cito"] + "cites" if prop == "cites" else ONTOLOGY + prop


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in NAMESPACES.items())
