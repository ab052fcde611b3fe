# Thrace Productivity Platform — everyday commands. `make run` and `make test` need only python3.
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed

.PHONY: install browser-assets run test test-unit test-browser test-fuzz lint audit bench bench-load clean

install: $(STAMP) browser-assets

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 'setuptools==80.9.0'  # the venv's bundled setuptools 65.5 has known advisories (PYSEC-2022-43012, CVE-2024-6345, CVE-2025-47273)
	$(PY) -m pip install --quiet -e '.[embedded,test,bench]'
	-$(PY) -m infra.apache_kafka   # best effort: tvp up fetches again or falls back to Tansu
	touch $(STAMP)

browser-assets: $(STAMP)  ## axe-core for the browser tests, with npm, as tests/browser/package-lock.json pins it
	-$(PY) -m tests.support.browser_assets   # best effort: without npm the browser tests skip (fail under CI=true)

run: install            ## start MongoDB, Kafka and the three services; Ctrl-C stops
	$(VENV)/bin/tvp up

test: install lint      ## quality gates, then the whole suite on 3 workers (pytest -n 0: one process; docs/testing.md)
	$(PY) -m pytest

lint: install audit     ## ruff lints the tree; ruff format and mypy hold shared/; the security audit
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check shared
	$(VENV)/bin/mypy

audit: install          ## bandit over the code (no medium or high finding), pip-audit over the pinned dependencies
	$(VENV)/bin/bandit -q -c pyproject.toml -r services shared infra --severity-level medium
	$(PY) -m infra.dependency_audit

test-unit: install
	$(PY) -m pytest tests/unit

test-browser: install   ## the browser tests alone (chromium, axe-core; docs/testing.md)
	$(PY) -m pytest -m browser tests/e2e

FUZZ_DEPTH ?= 4
test-fuzz: install      ## the API fuzzers alone, FUZZ_DEPTH times the examples per operation of `make test`
	TVP_FUZZ_DEPTH=$(FUZZ_DEPTH) $(PY) -m pytest tests/e2e/test_hostile_input_fuzz.py tests/e2e/test_events_fuzz.py \
		tests/e2e/test_reporting_fuzz.py "tests/e2e/test_members_e2e.py::test_schemathesis_finds_no_server_error_and_no_schema_violation"

bench: install          ## figures for the closing notes (slow; prints progress)
	$(PY) -m benchmarks.platform_slice

bench-load: install     ## locust, 80 % reads / 20 % writes on the three services: the highest rate with p99 < 250 ms
	$(PY) -m benchmarks.load_mixed

clean:
	rm -rf $(VENV) var .pytest_cache
