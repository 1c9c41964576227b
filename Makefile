# policykg task runner: CI and the README call only these targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CORPUS := data/corpus

.PHONY: install run test lint bench clean

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

bench: install
	$(PY) benchmarks/bench_extract.py
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_service.py

clean:
	rm -rf $(VENV) var benchmarks/out .pytest_cache .ruff_cache
