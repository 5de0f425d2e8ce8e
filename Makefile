# The two set-up commands of the README: `make demo` and `make test`.
# Each creates ./.venv on first use (Python >= 3.10 and make are all they need).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# Every install takes its versions from the lock (scripts/lock writes it, scripts/refresh-lock
# moves it to the newest releases): a new release of a dependency never changes a fresh clone.
LOCK   := requirements/constraints.txt
PIP    := $(BIN)/python -m pip install --quiet --constraint $(LOCK)
# Installed before the extras so that their `torch>=2.2,<3` is already satisfied: any other
# torch requirement would pull the newest build and its CUDA packages.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test check clean lock refresh-lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) pip setuptools wheel

# The project builds without isolation, with the locked setuptools (an isolated build would
# fetch the newest one).

# Stamp files record which extras are installed; they are rebuilt when pyproject.toml or the
# lock changes.
$(VENV)/.installed-demo: $(BIN)/python pyproject.toml $(LOCK)
	$(PIP) "$(TORCH_SPEC)"
	$(PIP) --no-build-isolation -e ".[torch,plot]"
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml $(LOCK)
	$(PIP) "$(TORCH_SPEC)"
	$(PIP) --no-build-isolation -e ".[test,torch,bench,plot,compare]"
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

## lock: add what pyproject.toml newly requires to the lock, keeping every other pin
lock:
	scripts/lock

## refresh-lock: move every pin to the newest release (a reviewed commit)
refresh-lock:
	scripts/refresh-lock

clean:
	rm -rf $(VENV) .coverage .mypy_cache .ruff_cache .pytest_cache
