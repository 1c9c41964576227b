"""The ``policykg`` command as a user runs it: output formats, bad input, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import CORPUS, ROOT

INTERFACE = [
    "file",
    "citing",
    "kind",
    "key",
    "issuer",
    "number",
    "year",
    "date",
    "unts",
    "symbol",
    "article",
    "verb",
    "verb_text",
    "paragraph",
    "surface",
    "start",
    "end",
]


def run(*args, **kw):
    return subprocess.run(
        [sys.executable, "-m", "policykg.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        **kw,
    )


def test_jsonl_has_the_interface_fields_in_file_order():
    path = CORPUS / "000_b683d9e7a0c726a8.txt"
    r = run("extract", path, "--format", "jsonl")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert rows and all(set(INTERFACE) <= set(row) for row in rows)
    assert [r["start"] for r in rows] == sorted(r["start"] for r in rows)
    text = path.read_text(encoding="utf-8")
    assert all(text[r["start"] : r["end"]] == r["surface"] for r in rows)
    first = next(r for r in rows if r["key"] == "CND 61/8")
    assert (first["citing"], first["date"], first["paragraph"], first["verb"]) == (
        "CND 62/4",
        "2018-03-16",
        "pp3",
        "Recalling",
    )


def test_table_summarises_each_file():
    r = run("extract", CORPUS, "--format", "table", "--no-findings")
    assert r.returncode == 0, r.stderr
    for name in ("000_b683d9e7a0c726a8.txt", "004_b0bde2738dac2700.txt"):
        assert name in r.stdout


def test_bad_files_are_named_and_the_rest_still_processed(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("The Commission,\n\nRecalling its resolution 61/8 of 16 March 2018,\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "latin.txt").write_bytes("Résolution".encode("latin-1"))
    r = run("extract", tmp_path, tmp_path / "missing.txt", "--no-findings")
    assert r.returncode == 1
    assert "empty.txt: file is empty" in r.stderr
    assert "latin.txt:1:2: not UTF-8" in r.stderr
    assert "missing.txt: no such file" in r.stderr
    assert "Traceback" not in r.stderr
    keys = [json.loads(line)["key"] for line in r.stdout.splitlines()]
    assert "UN 61/8" in keys or "CND 61/8" in keys


def test_findings_go_to_standard_error():
    r = run("extract", CORPUS, "--format", "jsonl")
    assert "conflicting-date: CND 58/9" in " ".join(r.stderr.split())
    assert all(line.startswith("{") for line in r.stdout.splitlines())


def test_mandates_on_request():
    r = run("extract", CORPUS / "000_b683d9e7a0c726a8.txt", "--mandates", "--no-findings")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    mandates = [m for m in rows if m["kind"] == "mandate"]
    assert any(m["due_session"] and m["due_session"]["number"] == 63 for m in mandates)


def _ingested(tmp_path):
    db = tmp_path / "db"
    r = run("ingest", CORPUS, "--store", db, "--no-progress")
    assert r.returncode == 0, r.stderr
    return db


def test_query_by_name_with_parameters_in_each_format(tmp_path):
    db = _ingested(tmp_path)
    iri = "https://w3id.org/policykg/resolution/CND/64/4"
    r = run("query", "ancestors", "--param", f"instrument={iri}", "--format", "json", "--store", db)
    assert r.returncode == 0, r.stderr
    keys = {b["key"]["value"] for b in json.loads(r.stdout)["results"]["bindings"] if "key" in b}
    # 64/4 recalls its resolution 62/4, which recalls 61/8 (read in files 001 and 000).
    assert {"CND 62/4", "CND 61/8"} <= keys
    csv = run("query", "ancestors", "-p", f"instrument={iri}", "--format", "csv", "--store", db)
    assert csv.returncode == 0 and "CND 62/4" in csv.stdout


def test_query_errors_name_the_parameter(tmp_path):
    db = _ingested(tmp_path)
    r = run("query", "ancestors", "--param", "instrumnt=https://x.org/a", "--store", db)
    assert r.returncode == 2 and "instrumnt" in r.stderr and "instrument" in r.stderr
    r = run("query", "ancestors", "--param", "instrument=not an iri", "--store", db)
    assert r.returncode == 2 and "instrument" in r.stderr
    r = run("query", "no-such-query", "--store", db)
    assert r.returncode == 2 and "no-such-query" in r.stderr
    assert "Traceback" not in r.stderr


def test_query_needs_a_store(tmp_path):
    r = run("query", "cites", "--store", tmp_path / "nowhere")
    assert r.returncode == 2 and "policykg ingest" in r.stderr


def test_check_validates_and_reports_findings_with_places(tmp_path):
    db = _ingested(tmp_path)
    r = run("check", "--store", db)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SHACL: conforms" in r.stdout
    # Read in the texts: 58/9 is dated 17 March 2014 (001), 13 March 2015 (002) and
    # 17 March 2015 (003); footnote 1 of 002 is a bare "Ibid." with nothing before it.
    line = next(x for x in r.stdout.splitlines() if "conflicting-date" in x)
    assert "CND 58/9" in line and "3 different adoption dates" in line
    assert "002_af8c892a89e4666d.txt:23:3: unresolved-ibid" in r.stdout
