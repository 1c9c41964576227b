"""Data flows one way: a module imports only from the same or earlier layers."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).parents[1] / "src" / "policykg"
# Earlier layers first. Modules in one layer may import each other.
LAYERS = [
    {"errors", "config", "models", "patterns", "textmap", "dates", "registry", "vocab"},
    {"sources", "names"},  # text
    {"document"},  # document structure
    {"extract", "findings"},  # citations
    {"rdf", "ontodoc"},  # RDF
    {"store", "queries"},  # store
    {"lineage", "viz"},  # citation graphs (networkx) read from the store, and their drawings
    {"pipeline", "dask_engine", "void", "check"},  # the stages in order; reports over the store
    {"cli", "api", "__init__"},  # the service and the command line: the last layer
]


def _layer(module: str) -> int:
    for i, layer in enumerate(LAYERS):
        if module in layer:
            return i
    raise AssertionError(f"module {module} is in no layer: add it to LAYERS")


def test_imports_follow_the_data_flow():
    for path in sorted(SRC.rglob("*.py")):
        in_api = path.parent.name == "api"
        here = _layer("api" if in_api else path.stem)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 1 and node.module:
                if in_api and node.level == 1:
                    continue  # modules of the api package import each other
                there = _layer(node.module.split(".")[0])
                assert there <= here, f"{path.name} imports {node.module} from a later layer"
