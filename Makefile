# Set-up is two commands: `make run` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
STAMP_BENCH := $(VENV)/.installed-bench

.PHONY: run test bench lint screenshot clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN)

$(STAMP_BENCH): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $@ $(STAMP_TEST) $(STAMP_RUN)

## Open the app on the default database (imports and suggests the sample corpus on first start).
run: $(STAMP_RUN)
	$(BIN)/annotator gui

## Lint, type-check, layering contracts and the whole test suite (unit, gui offscreen, e2e).
test: $(STAMP_TEST)
	$(BIN)/ruff check annotator tests bench
	$(BIN)/mypy annotator bench tests
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## Benchmarks: builds its own corpora in a temporary folder, prints a table, writes bench/results.json.
bench: $(STAMP_BENCH)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.run

screenshot: $(STAMP_RUN)
	QT_QPA_PLATFORM=offscreen $(BIN)/annotator screenshot --db "$$(mktemp -d)/shot.db" docs/screenshot.png

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
