"""Schemathesis over the app's OpenAPI schema, in process (ASGI): no request gets a 500.

Only ``not_a_server_error`` is checked: a 4xx for a nonsense request is the right answer, a
5xx is a bug. The app runs with its lifespan (the query worker pool) started by schemathesis'
ASGI client and stopped at the end of the module.

FastAPI's schema of ``/sparql`` declares no parameters and no body (the route reads the raw
request), so a second run adds the SPARQL 1.1 Protocol's parameters and bodies to a copy of
the schema: random queries, dataset IRIs and form or direct bodies reach the executor too.
"""

from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi

from policykg.api.app import create_app
from policykg.config import Settings

BOUNDED = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same cases on every run
    database=None,  # no .hypothesis folder in the repository
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def app(corpus_store_path):
    app = create_app(Settings(store=str(corpus_store_path), query_timeout=5))
    with asgi.get_client(app) as client:  # runs the lifespan: the query workers start
        assert client.get("/health").status_code == 200
        yield app
    asgi.shutdown_lifespans()  # the lifespan's exit: the workers stop


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# The protocol's parameters (SPARQL 1.1 Protocol §2.1), as OpenAPI would describe them.
# IRIs in positive cases (datasets are applied); the negative mode sends non-IRIs.
_IRI = {"type": "string", "pattern": r"^https?://[a-z]{1,8}\.example/[a-z0-9/]{0,12}$"}
_DATASET = {
    "default-graph-uri": {"type": "array", "items": _IRI, "maxItems": 3},
    "named-graph-uri": {"type": "array", "items": _IRI, "maxItems": 3},
}
_QUERY_TEXT = {
    "anyOf": [
        # well-formed queries, so evaluation is reached; the negative mode sends other text
        {
            "type": "string",
            "pattern": r"^(ASK|SELECT \*|CONSTRUCT) WHERE \{ \?s \?p \?[a-z]{1,3} \}"
            r"( LIMIT [0-9]{1,2})?$",
        },
        {
            "enum": [
                "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
                "ASK {}",
                "DESCRIBE <http://ex/>",
                "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
                "SELECT (1/0 AS ?x) {}",
                "SELECT ?x WHERE { BIND(<not an iri> AS ?x) }",
            ]
        },
    ]
}


def _with_protocol(raw: dict) -> dict:
    raw = copy.deepcopy(raw)
    operations = raw["paths"]["/sparql"]
    params = [
        {"name": "query", "in": "query", "required": False, "schema": _QUERY_TEXT},
        *(
            {
                "name": name,
                "in": "query",
                "required": False,
                "schema": schema,
                "style": "form",
                "explode": True,
            }
            for name, schema in _DATASET.items()
        ),
    ]
    operations["get"]["parameters"] = params
    operations["post"]["parameters"] = params[1:]
    form = {
        "type": "object",
        "properties": {"query": _QUERY_TEXT, "update": {"type": "string"}, **_DATASET},
    }
    operations["post"]["requestBody"] = {
        "required": False,
        "content": {
            "application/x-www-form-urlencoded": {"schema": form},
            "application/sparql-query": {"schema": _QUERY_TEXT},
            "application/sparql-update": {"schema": {"type": "string"}},
        },
    }
    return raw


# Direct POST bodies are the query or update text, like text/plain.
schemathesis.serializer.alias(
    ["application/sparql-query", "application/sparql-update"], "text/plain"
)


@pytest.fixture(scope="module")
def protocol_schema(app, api_schema):
    loaded = schemathesis.openapi.from_dict(_with_protocol(api_schema.raw_schema))
    loaded.app = app
    return loaded


def no_server_errors(schema, modes=(GenerationMode.POSITIVE,)) -> list[str]:
    """Run every operation of ``schema`` in each generation mode; list the failures.

    (schemathesis' pytest plugin, ``from_fixture``, does not work with pytest 9: it sets
    ``Function._nodeid``, which pytest no longer has. So each operation gets its own
    Hypothesis test here, and all failures are reported together.)
    """
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations
    for operation in operations:
        for mode in modes:

            @BOUNDED
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(checks=[not_a_server_error])

            try:
                run()
            except Unsatisfiable:  # no invalid request can be made for this operation
                continue
            except Exception as exc:  # collected: every operation runs, all failures show
                failures.append(f"{operation.label} [{mode.value}]: {type(exc).__name__}: {exc}")
    return failures


def test_no_server_error(api_schema):
    failures = no_server_errors(api_schema)
    assert not failures, "\n\n".join(failures)


def test_no_server_error_with_protocol_parameters(protocol_schema):
    failures = no_server_errors(protocol_schema.include(path="/sparql"), modes=list(GenerationMode))
    assert not failures, "\n\n".join(failures)


def test_the_schema_covers_the_sparql_endpoint(api_schema):
    operations = {(r.ok().method.upper(), r.ok().path) for r in api_schema.get_all_operations()}
    assert {("GET", "/sparql"), ("POST", "/sparql")} <= operations


def test_operation_ids_are_unique(api_schema):
    seen: dict[str, list[str]] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        seen.setdefault(operation.definition.raw.get("operationId", ""), []).append(operation.label)
    duplicates = {k: v for k, v in seen.items() if k and len(v) > 1}
    assert not duplicates, duplicates
