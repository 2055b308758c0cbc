# ewview — every command a developer or CI needs. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
DEV_ENV := DEBUG=1

.DEFAULT_GOAL := help
.PHONY: help install run worker migrate seed test test-unit test-e2e lint format check-migrations \
	bench bench-search bench-subscriptions bench-import bench-export

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-18s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(INSTALLED)

install: $(INSTALLED) ## Create .venv and install the pinned dependencies

migrate: install ## Apply migrations to the development database (SQLite unless DATABASE_URL is set)
	$(DEV_ENV) $(PY) manage.py migrate --verbosity 0

seed: migrate ## Load the demo content (idempotent)
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py seed_demo_comments

run: seed ## Serve the demo site at http://127.0.0.1:8000/ with a task worker beside it
	@echo "Site: http://127.0.0.1:8000/   Admin: http://127.0.0.1:8000/admin/ (login printed above)"
	@$(DEV_ENV) $(PY) manage.py run_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

worker: install ## Run a background task worker
	$(DEV_ENV) $(PY) manage.py run_worker

# Our apps only: COMMENT_MAX_LENGTH changes django-contrib-comments' field without touching its table.
OWN_APPS := core articles comments subscriptions wordpress readers

check-migrations: install ## Fail if a model change has no migration
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run $(OWN_APPS)

test-unit: install ## Unit, view and integration tests
	$(PY) -m pytest

test-e2e: install ## Browser tests (Playwright driving /usr/bin/chromium, axe-core from `npm ci`)
	@if [ -n "$$E2E_REQUIRED" ] && [ ! -f node_modules/axe-core/axe.min.js ]; then \
		echo "node_modules/axe-core is missing: run \`npm ci\` (the accessibility checks need it)" >&2; \
		exit 1; fi
	$(PY) -m pytest -m e2e

test-resilience: install ## Load and fault tests on gunicorn, workers, PostgreSQL, Redis, SMTP (~4 min)
	$(PY) -m pytest -m resilience -s -v

test: check-migrations test-unit test-e2e ## The whole suite: migrations check, tests, browser tests

lint: install ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# A database of its own unless DATABASE_URL says otherwise; DEBUG stays off (it keeps every query).
BENCH_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/ewview_bench)
N ?= 100000
SEARCH_ARTICLES ?= 50000
IMPORT_POSTS ?= 20000
IMPORT_COMMENTS ?= 100000
ARTICLES ?= 1000
COMMENTS ?= 200
DURATION ?= 10
ROUNDS ?= 3

bench: install ## Pages/s against a bare gunicorn (ARTICLES=1000 COMMENTS=200 DURATION=10 ROUNDS=3)
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only-not-a-secret \
		$(PY) -m bench.pages --articles $(ARTICLES) --comments $(COMMENTS) \
		--duration $(DURATION) --rounds $(ROUNDS)

bench-search: install ## Search latency over generated articles (SEARCH_ARTICLES=50000), reused between runs
	DATABASE_URL=$(or $(SEARCH_BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/ewview_bench_search) \
		SECRET_KEY=bench-only-not-a-secret $(PY) -m bench.search --articles $(SEARCH_ARTICLES)

bench-subscriptions: install ## Email N subscribers (N=100000) through two workers into an SMTP sink
	DATABASE_URL=$(BENCH_DATABASE_URL) SECRET_KEY=bench-only-not-a-secret \
		$(PY) -m bench.subscriptions --subscribers $(N)

bench-import: install ## Import a generated WordPress export (IMPORT_POSTS=20000 IMPORT_COMMENTS=100000): time, peak memory
	DATABASE_URL=$(or $(IMPORT_BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/ewview_bench_import) \
		SECRET_KEY=bench-only-not-a-secret $(PY) -m bench.wordpress_import \
		--posts $(IMPORT_POSTS) --comments $(IMPORT_COMMENTS)

bench-export: install ## Export a generated site as WXR (IMPORT_POSTS articles, IMPORT_COMMENTS comments): time, peak memory
	DATABASE_URL=$(or $(EXPORT_BENCH_DATABASE_URL),postgres://postgres@127.0.0.1:5432/ewview_bench_export) \
		SECRET_KEY=bench-only-not-a-secret $(PY) -m bench.wordpress_export \
		--articles $(IMPORT_POSTS) --comments $(IMPORT_COMMENTS)
