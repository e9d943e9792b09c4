# accountable: two commands from a fresh clone — `make demo`, then `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt
DEMO_DIR ?= demo_data
DEMO_ACCOUNTS ?= 300
DEMO_DAYS ?= 90
export ACCOUNTABLE_DB ?= warehouse.duckdb
export ACCOUNTABLE_MARTS_DB ?= marts.duckdb
REPORT_DIR ?= report
FIXTURE_DB := target/fixture.duckdb
FIXTURE_DIR := target/fixture_data

.PHONY: setup demo generate load build report test test-slow pytest dbt-test lint format bench clean

# Installs pinned dependencies into .venv; re-runs only when the pins change.
setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt constraints.txt pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

demo: setup
	rm -rf $(DEMO_DIR)
	$(BIN)/accountable generate --accounts $(DEMO_ACCOUNTS) --days $(DEMO_DAYS) --out $(DEMO_DIR)
	rm -f $(ACCOUNTABLE_DB)
	$(BIN)/accountable load --db $(ACCOUNTABLE_DB) $(DEMO_DIR)
	$(DBT) build --profiles-dir .
	$(BIN)/accountable publish
	$(BIN)/accountable report --quiet --out $(REPORT_DIR)
	@echo
	@echo "dbt writes the warehouse $(ACCOUNTABLE_DB); its marts are published to $(ACCOUNTABLE_MARTS_DB)."
	@echo "Look at them:"
	@echo "  the report:    file://$(abspath $(REPORT_DIR))/index.html (make report writes it again)"
	@echo "  the notebook:  $(BIN)/marimo edit notebooks/explore.py"
	@echo "Point notebooks and BI tools at $(ACCOUNTABLE_MARTS_DB), read-only, so they never block a build:"
	@echo "  $(BIN)/python -c \"import duckdb; print(duckdb.connect('$(ACCOUNTABLE_MARTS_DB)', read_only=True).sql('select * from marts.dim_accounts limit 10'))\""
	@echo "  or any DuckDB client:  duckdb -readonly $(ACCOUNTABLE_MARTS_DB)  then  show all tables;"

build: setup
	$(DBT) build --profiles-dir .
	$(BIN)/accountable publish

# The HTML report (charts of the marts) from the serving file, into $(REPORT_DIR)/index.html.
report: setup
	$(BIN)/accountable report --out $(REPORT_DIR)

# The suite: pytest (but the slow variants), dbt build + unit and data tests on fixture data,
# SQL and Python lint. CI (.ci/run) runs it, then test-slow.
test: setup pytest dbt-test lint

pytest: setup
	$(BIN)/pytest -q -m "not slow"

# The slow variants of cases the suite already covers (pytest marker `slow`).
test-slow: setup
	$(BIN)/pytest -q -m slow

dbt-test: setup
	rm -rf $(FIXTURE_DIR) $(FIXTURE_DB)
	mkdir -p $(FIXTURE_DIR)
	$(BIN)/accountable generate --quiet --accounts 40 --days 45 --seed 7 --out $(FIXTURE_DIR)/generated
	ACCOUNTABLE_DB=$(FIXTURE_DB) $(BIN)/accountable load --quiet tests/fixtures $(FIXTURE_DIR)/generated
	ACCOUNTABLE_DB=$(FIXTURE_DB) $(DBT) build --profiles-dir . --target-path target/fixture_build

lint: setup
	$(BIN)/ruff check src tests/python scripts notebooks
	$(BIN)/ruff format --check src tests/python scripts notebooks
	ACCOUNTABLE_DB=target/lint.duckdb $(BIN)/sqlfluff lint models macros analyses tests/dbt

format: setup
	$(BIN)/ruff format src tests/python scripts notebooks
	ACCOUNTABLE_DB=target/lint.duckdb $(BIN)/sqlfluff fix models macros analyses tests/dbt

bench: setup
	$(BIN)/python scripts/benchmark.py

clean:
	rm -rf target logs $(REPORT_DIR) $(DEMO_DIR) $(FIXTURE_DIR) *.duckdb *.duckdb.wal *.duckdb.publishing-*
