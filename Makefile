# Seminar-report analysis. `make` alone lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CORPUS ?= corpus
OUTPUT ?= outputs
CODEBOOK ?=
CONFIG ?=
BENCH_CORPUS ?= ../shared/corpora/crdh
BENCH_REAL_OPTS ?=
ENCODER ?=
# ENCODER=0 reads passages with spaCy's word vectors instead of the sentence encoder (faster, weaker tags)
MODEL_OPTS = $(if $(CODEBOOK),--codebook "$(CODEBOOK)") \
	$(if $(filter 0 no false off,$(ENCODER)),--no-encoder,$(if $(ENCODER),--encoder))
RUN_OPTS = --corpus "$(CORPUS)" --output "$(OUTPUT)" $(MODEL_OPTS) $(if $(CONFIG),--config "$(CONFIG)")

.DEFAULT_GOAL := help
.PHONY: help install install-dask analyse train evaluate suggest test test-fast lint bench bench-dask bench-clean bench-train bench-robust bench-real bench-heldout clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@# setuptools' notice about editable installs is a UserWarning of the build backend: not for users
	PYTHONWARNINGS="ignore::UserWarning" $(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project and its dependencies

analyse: $(STAMP) ## Analyse CORPUS (default corpus/) into OUTPUT (default outputs/); ENGINE=dask for Dask; ENCODER=0 without the sentence encoder (faster)
	$(PY) -m pipeline analyse $(RUN_OPTS) $(if $(ENGINE),--engine "$(ENGINE)") $(if $(SCHEDULER),--scheduler "$(SCHEDULER)")

train: $(STAMP) ## Train the category classifier on corpus/annotations/*.jsonl (ENCODER=0: the model without the sentence encoder)
	$(PY) -m pipeline train $(MODEL_OPTS)

evaluate: $(STAMP) ## Per-category scores of rules, model and combination on the annotations
	$(PY) -m pipeline evaluate $(MODEL_OPTS)

suggest: $(STAMP) ## Write the passages most worth annotating next (JSONL for doccano / Label Studio)
	$(PY) -m pipeline suggest $(RUN_OPTS)

test: $(STAMP) ## Run the test suite
	$(PY) -m pytest -q

test-fast: $(STAMP) ## The test suite without the end-to-end runs marked slow and the browser tests
	$(PY) -m pytest -q -m "not slow and not browser"

lint: $(STAMP) ## ruff check
	$(VENV)/bin/ruff check .

bench: $(STAMP) ## Speed and memory of the whole analyse against bare spaCy (BENCH_CORPUS=…)
	$(PY) -m bench.bench_speed "$(BENCH_CORPUS)"

bench-dask: $(STAMP) ## The local engine against Dask with 1 and 2 workers (BENCH_CORPUS=…)
	$(PY) -m bench.bench_dask "$(BENCH_CORPUS)"

install-dask: $(STAMP) ## Install the optional Dask engine (dask, distributed)
	PYTHONWARNINGS="ignore::UserWarning" $(PY) -m pip install --quiet -e '.[dask]'

bench-clean: $(STAMP) ## Cleaning: seed, crdh with inserted junk, untouched crdh, and the real set by site folds (REALPAGES_TEXTS=…)
	$(PY) -m bench.bench_clean --seed-corpus corpus --clean-corpus "$(BENCH_CORPUS)"

bench-train: $(STAMP) ## Time to train on 10,000 parsed passages
	$(PY) -m bench.bench_train

bench-robust: $(STAMP) ## Time of pathological inputs against their size (linear or not)
	$(PY) -m bench.bench_robust

bench-real: $(STAMP) ## Cleaning, tagging and competences scored on the real development set (site folds)
	$(PY) -m bench.realpages.check || true
	$(PY) -m bench.bench_real $(BENCH_REAL_OPTS)

bench-heldout: $(STAMP) ## Cleaning, tagging and competences on the held-out real pages (other sites, never tuned on; classifier by site folds)
	$(PY) -m bench.bench_real --heldout $(BENCH_REAL_OPTS)

clean: ## Remove generated outputs and caches (keeps .venv and models)
	rm -rf $(OUTPUT)/* .cache .pytest_cache
	@touch $(OUTPUT)/.gitkeep
