# Two commands do all the set-up on a fresh machine (see README.md):
#   make plan   -> creates .venv, installs the pinned dependencies, runs `blueprint plan --stack prod`
#   make test   -> the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
STACK ?= prod

.PHONY: setup plan test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q -c constraints.txt -e ".[test]"
	touch $(STAMP)

plan: $(STAMP)
	$(VENV)/bin/blueprint plan --stack $(STACK)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/plan_speed.py

clean:
	rm -rf $(VENV) .pytest_cache
