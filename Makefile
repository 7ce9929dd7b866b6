# Hearth: two commands. `make run` serves the embedded default with demo data;
# `make test` runs the whole suite (lint, types, checks, tests). Both install
# what they need into .venv first.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
MANAGE := $(PY) backend/manage.py
export PYTHONDONTWRITEBYTECODE := 1

# The documented production environment, used to prove `check --deploy` passes.
PRODUCTION_ENV := DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=check-deploy-only-2f8a61c4e0b94d7db7c5a9e13f6d0b88c1e2a7f4d5b6c8e9 \
	ALLOWED_HOSTS=hearth.example.org CSRF_TRUSTED_ORIGINS=https://hearth.example.org \
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/hearth \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 CACHE_URL=redis://127.0.0.1:6379/1 \
	EMAIL_HOST=127.0.0.1 \
	DEFAULT_FROM_EMAIL=hearth@hearth.example.org SITE_URL=https://hearth.example.org

.PHONY: help install system-deps run test test-fast lint typecheck checks pytest-embedded pytest api-contract rehearse bench clean

help:
	@echo "make run    serve Hearth at http://127.0.0.1:$(PORT) (embedded: SQLite, eager tasks, console email) with demo data"
	@echo "make test   install, then run lint, types, checks and the whole test suite"
	@echo "make test-fast   the unit tests alone, in the embedded default (no services, workers or browser)"

$(VENV)/.installed: pyproject.toml constraints.txt
	@set -e; python=$$(scripts/find-python.sh); \
	  [ -x $(PY) ] || "$$python" -m venv $(VENV); \
	  $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

system-deps:
	@scripts/system-deps.sh

# Links in emails and on certificates name the port served unless SITE_URL says otherwise.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=backend:. $(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy backend worker tests $(wildcard bench/*.py)

checks: install
	$(MANAGE) check --fail-level WARNING
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null
	$(PRODUCTION_ENV) $(MANAGE) check --deploy --fail-level WARNING

# The embedded default's pass (SQLite file, eager tasks, as `make run` runs), then the
# full mode's (PostgreSQL, Redis, real workers). Each names its database and broker.
pytest-embedded: install system-deps
	DJANGO_SETTINGS_MODULE=config.settings.test_embedded $(BIN)/pytest $(PYTEST_ARGS)

pytest: install system-deps
	$(BIN)/pytest $(PYTEST_ARGS)

# The unit tests alone, for the edit-test loop: the embedded default's settings (no
# PostgreSQL, Redis or broker needed), leaving out real workers, what proves PostgreSQL or
# Redis itself, the browser tests and the `make run` rehearsal. Not a substitute for `make test`.
FAST_TESTS := -m "not e2e and not worker and not full_only" \
	--ignore=tests/e2e --ignore=tests/demo/test_make_run.py
test-fast: install
	DJANGO_SETTINGS_MODULE=config.settings.test_embedded $(BIN)/pytest -q $(FAST_TESTS) $(PYTEST_ARGS)

# The production build (scripts/build.sh, as the Dockerfile runs it) rehearsed without
# Docker: gunicorn, a Celery worker and beat under production settings, one learner
# driven over HTTP to a certificate PDF and its email (README: the production build).
rehearse: install
	scripts/rehearse-production.sh

# Does the OpenAPI schema tell the truth? schemathesis, every check, against a live server:
# anonymous, with a learner's session and with an org admin's read-write key.
api-contract: install
	scripts/schemathesis.sh

test: lint typecheck checks pytest-embedded pytest api-contract rehearse

bench: install
	@for bench in $(filter-out bench/_%,$(wildcard bench/*.py)); do echo "== $$bench"; $(PY) $$bench || exit 1; done

clean:
	rm -rf $(VENV) var build hearth.egg-info .pytest_cache .mypy_cache .ruff_cache
