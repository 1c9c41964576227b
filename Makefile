# policykg task runner: CI and the README call only these targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CORPUS := data/corpus

.PHONY: install run test lint bench bench-large clean

install: $(STAMP)

$(STAMP): pyproject.toml web/package.json web/package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

run: install
	$(VENV)/bin/policykg ingest $(CORPUS)
	$(VENV)/bin/policykg check
	$(VENV)/bin/policykg serve --host 127.0.0.1 --port 8000

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

# bench_scale.py reports bench_ingest.py's measurements (with its code) in one table beside
# extraction, at 1,000 and 10,000 documents; bench_ingest.py stays runnable on its own.
bench: install
	$(PY) benchmarks/bench_extract.py
	$(PY) benchmarks/bench_scale.py --sizes 1000 10000
	$(PY) benchmarks/bench_service.py
	$(PY) benchmarks/bench_lineage.py

# 100,000 documents in one watched ingest, then its bulk-load floor: about 3 hours on 2 cores
# and 80 GB of free disk (docs/scale.md).
bench-large: install
	$(PY) benchmarks/bench_large.py --documents 100000 --engine dask-bulk

clean:
	rm -rf $(VENV) var benchmarks/out .pytest_cache .ruff_cache
