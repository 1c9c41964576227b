"""Every clause verb the reader can produce has a concept and an edge property."""

from __future__ import annotations

import pytest

from policykg import patterns as P
from policykg.document import clause_verb
from policykg.vocab import CLAUSE_VERBS, NAMESPACES, ONTOLOGY, edge_property


@pytest.mark.parametrize(
    ("verbs", "role"), [(P.PREAMBLE_VERBS, "preamble"), (P.OPERATIVE_VERBS, "operative")]
)
def test_every_verb_the_patterns_accept_is_in_the_scheme(verbs, role):
    for verb in verbs:
        base, written = clause_verb(f"{verb} the Single Convention", role)
        assert base in CLAUSE_VERBS, (verb, base)
        assert written.lower().startswith(verb.lower().split()[0])


@pytest.mark.parametrize(
    ("verb", "prop"),
    [
        ("Recalling", ONTOLOGY + "recalls"),  # preambular and operative forms share a relation
        ("Recalls", ONTOLOGY + "recalls"),
        ("Taking note", ONTOLOGY + "takesNoteOf"),
        ("Requests", ONTOLOGY + "invokes"),
        ("Convinced", NAMESPACES["cito"] + "cites"),  # no relation of its own
        (None, NAMESPACES["cito"] + "cites"),  # a paragraph with no clause verb
        ("Unheard of", NAMESPACES["cito"] + "cites"),
    ],
)
def test_edge_properties(verb, prop):
    assert edge_property(verb) == prop
