# The two set-up commands of the README: `make demo` and `make test`.
# Each creates ./.venv on first use (Python >= 3.10 and make are all they need).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Installed before the extras so that their `torch>=2.2,<3` is already satisfied: any other
# torch requirement would pull the newest build and its CUDA packages.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files record which extras are installed; they are rebuilt when pyproject.toml changes.
$(VENV)/.installed-demo: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[torch,plot]"
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e ".[test,torch,bench,plot,compare]"
	touch $@ $(VENV)/.installed-demo

## demo: install, then run the main job (quick profile, bundled MNIST subset) into ./smarttune.db
demo: $(VENV)/.installed-demo
	$(BIN)/smarttune demo

## test: install with the test extras, run the static checks and the test suite
test: $(VENV)/.installed-test
	PATH="$(abspath $(BIN)):$$PATH" PYTHON=$(BIN)/python scripts/check
	PATH="$(abspath $(BIN)):$$PATH" PYTHON=$(BIN)/python scripts/test

check: $(VENV)/.installed-test
	PATH="$(abspath $(BIN)):$$PATH" PYTHON=$(BIN)/python scripts/check

clean:
	rm -rf $(VENV) .coverage .mypy_cache .ruff_cache .pytest_cache
