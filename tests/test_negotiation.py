"""The pure content-negotiation function, case by case (RFC 9110 §12.5.1 ``Accept``)."""

from __future__ import annotations

import pytest

from policykg.api.negotiation import negotiate, parse_accept

# The server's own offer lists, in its order of preference.
RESULTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    "application/json",
    "application/xml",
]
GRAPHS = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-quads",
    "application/trig",
]
DESCRIPTION = [
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "text/html",
]
TEXTS = ["text/turtle", "application/ld+json", "text/csv"]

CASES = [
    # (accept, offers, expected)
    # --- no preference expressed: the server's first offer
    (None, GRAPHS, "text/turtle"),  # no Accept header at all
    ("", RESULTS, "application/sparql-results+json"),  # an empty header
    ("   ", GRAPHS, "text/turtle"),  # only whitespace
    ("*/*", DESCRIPTION, "text/turtle"),  # anything goes
    ("*", GRAPHS, "text/turtle"),  # a bare "*" (old Java clients) is read as */*
    # --- an exact type
    ("text/csv", RESULTS, "text/csv"),
    ("application/rdf+xml", GRAPHS, "application/rdf+xml"),
    ("text/html", DESCRIPTION, "text/html"),
    ("application/sparql-results+xml", RESULTS, "application/sparql-results+xml"),
    ("TEXT/Turtle", GRAPHS, "text/turtle"),  # media types are case-insensitive
    (" text/csv ; q=0.5 ", RESULTS, "text/csv"),  # whitespace around parts and parameters
    # --- q-values: the highest wins
    ("text/turtle;q=0.2, application/ld+json;q=0.9", GRAPHS, "application/ld+json"),
    ("application/ld+json;q=0.5, text/turtle;q=0.6", GRAPHS, "text/turtle"),
    ("text/csv;q=0.001, text/tab-separated-values;q=0.002", RESULTS, "text/tab-separated-values"),
    ("text/turtle;Q=0.1, application/n-triples;q=0.2", GRAPHS, "application/n-triples"),  # "Q"
    ("text/turtle; q=1.000", GRAPHS, "text/turtle"),  # three decimals, the most allowed
    # a browser: HTML first, XML at 0.9, everything else at 0.8
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", DESCRIPTION, "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", RESULTS, "application/xml"),
    # Comunica asking for RDF: N-Quads preferred, then TriG, JSON-LD...
    (
        "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
        "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5",
        DESCRIPTION,
        "application/ld+json",
    ),
    # SPARQLWrapper's JSON request
    (
        "application/sparql-results+json,application/json,text/javascript,application/javascript",
        RESULTS,
        "application/sparql-results+json",
    ),
    # --- specificity: the most specific matching range gives the q-value
    ("text/*;q=0.3, text/turtle;q=0.9, */*;q=0.1", GRAPHS, "text/turtle"),
    ("text/turtle;q=0.2, text/*;q=0.8, */*;q=0.1", TEXTS, "text/csv"),  # csv gets text/*'s 0.8
    ("text/turtle;q=0.2, */*;q=0.5", TEXTS, "application/ld+json"),  # turtle's own 0.2 applies
    ("*/*;q=0.9, text/turtle;q=0.1", GRAPHS, "application/n-triples"),  # order in header is moot
    ("text/*", DESCRIPTION, "text/turtle"),  # a type wildcard: first text/ offer
    ("text/*", RESULTS, "text/csv"),
    ("application/*;q=0.5, text/csv", RESULTS, "text/csv"),
    # --- q=0 refuses, even when a wildcard would accept
    ("text/turtle;q=0, */*", GRAPHS, "application/n-triples"),
    ("text/*;q=0, */*;q=0.1", TEXTS, "application/ld+json"),
    ("text/*;q=0, text/csv", TEXTS, "text/csv"),  # a more specific range lifts the refusal
    ("text/turtle;q=0.0, text/*;q=0.5", TEXTS, "text/csv"),
    ("text/turtle;q=0.", GRAPHS, None),  # "0." is a valid spelling of zero
    ("*/*;q=0", GRAPHS, None),  # refuses everything: 406
    ("text/turtle;q=0", ["text/turtle"], None),
    # --- nothing acceptable: None (the caller answers 406)
    ("image/png", RESULTS, None),
    ("application/sparql-results+json", GRAPHS, None),  # a results type for a graph
    ("text/turtle", RESULTS, None),
    ("*/turtle", GRAPHS, None),  # "*/subtype" is not a media range: matches nothing
    ("text/turtle", [], None),  # no offers at all
    (None, [], None),
    # --- ties: equal q-values go to the server's order, not the header's
    ("application/ld+json, text/turtle", GRAPHS, "text/turtle"),
    (
        "text/csv;q=0.5, application/sparql-results+xml;q=0.5",
        RESULTS,
        "application/sparql-results+xml",
    ),
    ("application/*", RESULTS, "application/sparql-results+json"),
    # --- parameters: a media range with parameters still matches the type
    ("text/turtle;charset=utf-8", GRAPHS, "text/turtle"),
    ("application/sparql-results+json; charset=utf-8", RESULTS, "application/sparql-results+json"),
    ('text/csv;header="present";q=0.9, application/sparql-results+xml;q=0.8', RESULTS, "text/csv"),
    ("text/turtle;charset=utf-8;q=0, application/rdf+xml", GRAPHS, "application/rdf+xml"),
    # --- malformed parts are skipped; the rest of the header still counts
    ("garbage, text/csv;q=0.5", RESULTS, "text/csv"),
    (",,; ,text/csv", RESULTS, "text/csv"),  # empty parts
    (";q=0.5", GRAPHS, "text/turtle"),  # only a parameter: as if no header
    ("text", GRAPHS, "text/turtle"),  # no slash: skipped, as if no header
    ("text/turtle;;q=0.5;=x;novalue, application/rdf+xml;q=0.4", GRAPHS, "text/turtle"),
]


def _ids(cases):
    return [f"{i}:{accept!r}" for i, (accept, _, _) in enumerate(cases)]


@pytest.mark.parametrize(("accept", "offers", "expected"), CASES, ids=_ids(CASES))
def test_negotiate(accept, offers, expected):
    assert negotiate(accept, offers) == expected


# RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). The module
# docstring of parse_accept promises "malformed parts are skipped"; an unparsable q is treated
# as q=0 instead (refusing the type), and "nan" / "inf" are accepted as q=1.
MALFORMED_Q = [
    # (accept, offers, expected if the malformed range were skipped)
    ("text/turtle;q=abc", GRAPHS, "text/turtle"),  # only range skipped: as if no header (now 406)
    ("text/turtle;q=", GRAPHS, "text/turtle"),  # empty q (now 406)
    ("text/*;q=0.5, text/turtle;q=abc", TEXTS, "text/turtle"),  # text/* applies (now csv)
    ("text/turtle;q=nan, text/csv;q=0.5", TEXTS, "text/csv"),  # NaN is not a q (now turtle, q=1)
    ("text/turtle;q=inf, text/csv;q=0.5", TEXTS, "text/csv"),  # nor is infinity
]


@pytest.mark.parametrize(("accept", "offers", "expected"), MALFORMED_Q, ids=_ids(MALFORMED_Q))
def test_negotiate_skips_ranges_with_malformed_q(accept, offers, expected):
    assert negotiate(accept, offers) == expected


def test_q_values_are_clamped_to_the_unit_interval():
    # Out-of-range q-values are not RFC syntax; the parser keeps them but clamps to [0, 1].
    assert [r.q for r in parse_accept("a/b;q=2, c/d;q=-1, e/f;q=0.25")] == [1.0, 0.0, 0.25]


def test_parse_accept_keeps_parameters_and_lowercases():
    (r,) = parse_accept('Text/Turtle; Charset="UTF-8"; q=0.5')
    assert (r.type, r.subtype, r.q, r.params) == ("text", "turtle", 0.5, (("charset", "UTF-8"),))


def test_negotiate_is_pure():
    # The same inputs always give the same answer, and the offers list is not modified.
    offers = list(GRAPHS)
    answers = {negotiate("text/*;q=0.5, application/ld+json;q=0.5", offers) for _ in range(3)}
    assert answers == {"text/turtle"}
    assert offers == GRAPHS
