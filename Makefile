# Two commands matter: `make demo` and `make test`. Both set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := contracts servicekit rules deploy services/membership services/meetings services/finance services/reporting web
CODE := contracts servicekit rules deploy services web tests benchmarks
MYPY_PACKAGES := kn_contracts kn_servicekit kn_rules kn_deploy kn_membership kn_meetings kn_finance kn_reporting kn_web tests benchmarks

.PHONY: demo test setup packages prepare lint typecheck pytest contracts infra-up infra-down clean

# Python caches the bytecode of the project's own modules in __pycache__ (git ignores it):
# a machine that sets PYTHONDONTWRITEBYTECODE would make every service process, test
# worker and CLI call compile them again (and pytest rewrite every test module again).
unexport PYTHONDONTWRITEBYTECODE

demo: prepare
	$(BIN)/kn demo

# The type check runs beside the tests (mypy takes one core for about 40 s; the suite waits
# on servers much of the time): its verdict comes with the suite's.
test: prepare
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory -j2 typecheck pytest

# The virtual environment, rebuilt only when a dependency list changes.
$(STAMP): constraints.txt requirements-dev.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt pip setuptools wheel
	$(BIN)/pip install -q --disable-pip-version-check --no-build-isolation -c constraints.txt \
		-r requirements-dev.txt $(addprefix -e ,$(PACKAGES))
	touch $@

setup: $(STAMP)

# Debian's packages the suite and the demo use (kcat, a font, libical, Chromium) by the
# machine's own Python, while pip fills the virtual environment: on a new machine the two
# downloads overlap. Then Kafka's jars from Maven Central and Debian's PostgreSQL, when
# they run locally.
packages:
	PYTHONPATH=deploy $(PYTHON) -m kn_deploy.packages

prepare:
	$(MAKE) --no-print-directory -j2 setup packages
	$(BIN)/kn infra prepare

lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

typecheck: $(STAMP)
	$(BIN)/mypy --strict $(addprefix -p ,$(MYPY_PACKAGES))

# Workers (pytest-xdist): most tests wait on Kafka, PostgreSQL or a service process, so
# three share this machine's two cores well; a module's tests stay on one worker.
TEST_WORKERS ?= 3
pytest: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup

# Regenerate contracts/schemas and contracts/asyncapi.yaml after changing a contract.
contracts: $(STAMP)
	$(BIN)/python -m kn_contracts.export

infra-up: prepare
	$(BIN)/kn infra up

infra-down: $(STAMP)
	$(BIN)/kn infra down

clean: infra-down
	rm -rf $(VENV) .cache .mypy_cache .ruff_cache .pytest_cache
