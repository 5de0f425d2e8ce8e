# The two set-up commands of the README: `make demo` and `make test`.
# Each creates ./.venv on first use (Python >= 3.10 and make are all they need).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Installed before the extras so that their `torch>=2.2,<3` is already satisfied: any other
# torch requirement would pull the newest build and its CUDA packages.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test check unit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files record which extras are installed; they are rebuilt when pyproject.toml changes.
$(VENV)/.installed-base: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[test,torch,bench,plot]"
	touch $@ $(VENV)/.installed-base

## demo: install, then run the main job on the embedded default storage (./smarttune.db)
demo: $(VENV)/.installed-base
	$(BIN)/smarttune tune svm-digits --trials 30 --seed 0

## test: install with the test extras, run the static checks and the test suite
test: $(VENV)/.installed-test
	PATH="$(abspath $(BIN)):$$PATH" PYTHON=$(BIN)/python scripts/check
	PATH="$(abspath $(BIN)):$$PATH" PYTHON=$(BIN)/python scripts/test

check: $(VENV)/.installed-test
	PATH="$(abspath $(BIN)):$$PATH" PYTHON=$(BIN)/python scripts/check

clean:
	rm -rf $(VENV) .coverage .mypy_cache .ruff_cache .pytest_cache
