# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# `make test PYTHON=python3.13` tests on another Python in a venv of its own (.venv-3.13),
# leaving .venv (the default python3's) as it is.
PYTHON ?= python3
ifeq ($(origin PYTHON),file)
VENV   ?= .venv
else
VENV   ?= .venv-$(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
endif
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint bench serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/acom-tui --demo

lint: $(STAMP)
	$(BIN)/ruff check acom_contract acom_tui mock_server tests benchmarks scripts
	$(BIN)/ruff format --check acom_contract acom_tui mock_server tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache

test: lint
	$(BIN)/pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks

serve: $(STAMP)
	$(BIN)/acom-mock-server --host 127.0.0.1 --port 8080

clean:
	rm -rf .venv .venv-3.* .mypy_cache .ruff_cache .pytest_cache
