# Two commands matter: `make refresh` (set up, rebuild the data, rerun every notebook) and `make test`.
# Every target creates .venv with the machine's python3 (3.11+) if it is missing and installs into it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help
.PHONY: help setup build refresh test lint lab bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
	  || { echo "egovanalysis needs Python 3.11 or newer; run: make PYTHON=python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install the package with its test tools

build: setup ## validate data/raw and rebuild data/processed
	$(BIN)/egovanalysis build

refresh: setup ## rebuild the data and rerun every notebook into reports/
	$(BIN)/egovanalysis refresh

# nbval re-executes notebooks/ and compares every stored output (strict); the sanitize file masks
# memory addresses, figure reprs and timestamps. MPLBACKEND is unset so the kernels draw inline charts.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

test: build ## rebuild data/processed, lint, run every test (library, data, notebooks under nbval)
	$(BIN)/ruff check .
	env -u MPLBACKEND $(BIN)/python -m pytest $(NBVAL) tests notebooks

lint: setup ## ruff only
	$(BIN)/ruff check .

# JupyterLab refuses to run as root unless told; containers and CI machines often are root.
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: setup ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

bench: setup ## run the benchmarks (parser, extraction, data build, refresh, sweep, calibration)
	$(BIN)/python benchmarks/bench_parser.py
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_refresh.py
	$(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_build.py
	$(BIN)/python benchmarks/bench_calibration.py --jobs 2

clean: ## remove the virtual environment and caches (not data, not reports)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
