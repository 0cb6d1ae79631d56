# Two commands do all the set-up on a fresh machine (see README.md):
#   make plan   -> creates .venv, installs the pinned dependencies, runs `blueprint plan --stack prod`
#   make test   -> the same set-up plus the isolated checkov environment, then the whole test suite
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
STACK ?= prod
# checkov pins versions that conflict with pulumi's (packaging, boto3): it lives in its own
# virtual environment, found by blueprint/checkov/runner.py (or $$BLUEPRINT_CHECKOV).
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed

.PHONY: setup checkov plan test bench wheel clean

setup: $(STAMP) $(CHECKOV_STAMP)

checkov: $(CHECKOV_STAMP)

$(CHECKOV_STAMP): constraints-checkov.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --disable-pip-version-check -q -c constraints-checkov.txt "checkov==$(CHECKOV_VERSION)"
	touch $(CHECKOV_STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q --upgrade pip
	$(VENV)/bin/python -m pip install --disable-pip-version-check -q -c constraints.txt -e ".[test]"
	touch $(STAMP)

plan: $(STAMP)
	$(VENV)/bin/blueprint plan --stack $(STACK)

test: $(STAMP) $(CHECKOV_STAMP)
	$(VENV)/bin/python -m pytest

# The speed table (benchmarks/README.md): in process at 1/5/20/40 workloads against the SDK's floor,
# then whole processes (plan, resilience, check, checkov alone) of the shipped stacks. Several
# minutes on 2 cores; BENCH_ARGS=--quick for a fast smoke run.
bench: $(STAMP)
	$(VENV)/bin/python benchmarks/plan_speed.py $(BENCH_ARGS)

# The distribution a team installs into its own Pulumi project (examples/user-project/README.md):
# dist/blueprint-<version>-py3-none-any.whl, holding only the `blueprint` package.
wheel: $(STAMP)
	$(VENV)/bin/python -m pip wheel --disable-pip-version-check -q --no-deps . -w dist

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache build dist
