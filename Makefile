# The front door. Every target bootstraps .venv from requirements.txt when it is missing or stale.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
SEED := seeds/000_f9d92dfb58a1c3ba.txt
ARTICLE ?=
TOPICS ?=

.PHONY: run test test-slow lab bench train train-embed lint clean-venv

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (article_tone)" >/dev/null
	@touch $(STAMP)

## make run: analyse the seed, write data/processed and reports/figures, re-execute the notebooks.
## make run ARTICLE=path [TOPICS=file]: run the whole collection on another article (reports/<stem>/).
run: $(STAMP)
ifeq ($(strip $(ARTICLE)),)
	$(PY) -m article_tone analyze $(SEED) --out data/processed --figures reports/figures
	$(PY) -m article_tone.runner
else
	$(PY) -m article_tone.runner --article "$(ARTICLE)" $(if $(TOPICS),--topics "$(TOPICS)")
endif

## make test: unit tests (browser included), then every notebook under nbval (strict, sanitized).
test: $(STAMP)
	@$(PY) -m pytest tests -m "not slow" || { rc=$$?; [ $$rc -eq 5 ] && echo "error: tests/: pytest collected no tests" >&2; exit $$rc; }
	@$(PY) -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval-sanitize.cfg \
	  || { rc=$$?; [ $$rc -eq 5 ] && echo "error: notebooks/: nbval collected no notebooks" >&2; exit $$rc; }

## make test-slow: the long tests (the whole collection on BBC articles, a 1 MB article, ...).
test-slow: $(STAMP)
	@$(PY) -m pytest tests -m slow || { rc=$$?; [ $$rc -eq 5 ] && echo "error: tests/: no slow tests collected" >&2; exit $$rc; }

## make lab: JupyterLab on the notebooks.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

## make bench: speed and memory figures, written to benchmarks/results.md.
bench: $(STAMP)
	$(PY) -m benchmarks.run

## make train: fit the calibrated tone model on ../shared/validation.
train: $(STAMP)
	$(PY) -m article_tone.train

## make train-embed: the optional sentence-embedding model (installs PyTorch: several hundred MB).
train-embed: $(STAMP)
	$(PY) -m pip install --quiet -r requirements-embed.txt
	$(PY) -m article_tone.embed lexicon
	$(PY) -m article_tone.embed train
	$(PY) -m article_tone.embed distil
	$(PY) -m article_tone.train

lint: $(STAMP)
	$(VENV)/bin/ruff check article_tone tests benchmarks

clean-venv:
	rm -rf $(VENV)
