# Schedulo: `make dev` runs the whole product on 127.0.0.1; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAGE ?= dev
STAMPS := .stamps
# Some machines (CI's among them) set PYTHONDONTWRITEBYTECODE: then every pytest worker and
# every local stack compiles the app, moto and the tests from source again, about 10 s of
# CPU a process. Here Python keeps its bytecode (.gitignore'd __pycache__).
export PYTHONDONTWRITEBYTECODE :=
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

.PHONY: dev test checks install frontend lint format typecheck test-python test-frontend test-browser \
        test-timeshift bytecode chromium faketime package deploy stripe-sync bench clean

## dev: create .venv, install, build the web app and run the local stack (Ctrl-C stops it)
dev: install frontend
	@$(BIN)/python -m local.dev

## test: lint, type check and frontend tests, the Python tests with the browser tests, and
## the Python tests again with the clock moved ahead (test-timeshift), side by side: the
## shifted-clock run fills what the browser tests, stacks and due-second waits leave idle
## (a clean run, quiet: 9 min 59 s in session 10). Each part's output
## is printed as it ends.
test: install frontend chromium $(STAMPS)/faketime
	$(MAKE) --no-print-directory -j3 --output-sync=target checks test-python test-timeshift

checks: lint typecheck test-frontend

install: $(STAMPS)/python $(STAMPS)/node

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# uv installs the same pins as pip in a tenth of the time (about 15 s instead of 2–3
# minutes on a fresh machine), which is most of a clean CI run's set-up.
$(STAMPS)/python: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install -q uv
	$(BIN)/python -m uv pip install -q --python $(BIN)/python -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/node: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

frontend: frontend/dist/index.html

frontend/dist/index.html: $(STAMPS)/node $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build

chromium: $(STAMPS)/chromium

$(STAMPS)/chromium: | $(STAMPS)/python
	@mkdir -p $(STAMPS)
	$(BIN)/python -m local.chromium > $@

faketime: $(STAMPS)/faketime

$(STAMPS)/faketime: | $(STAMPS)/python
	@mkdir -p $(STAMPS)
	$(BIN)/python -m local.faketime > $@.tmp && mv $@.tmp $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck:
	$(BIN)/mypy

test-frontend: $(STAMPS)/node
	cd frontend && npm run --silent typecheck && npm test --silent

## bytecode: one collection of the tests before the parallel runs, so their workers read
## compiled (and assertion-rewritten) modules instead of each compiling them again
bytecode: install
	@$(BIN)/pytest -q -p no:xdist --collect-only > /dev/null

## pytest workers: the suite spends half its time waiting (browsers, stacks, the
## publisher's due seconds), so on 2 cores 4 workers finish sooner than 2.
WORKERS ?= 4
test-python: install frontend chromium bytecode
	SCHEDULO_CHROMIUM="$$(cat $(STAMPS)/chromium)" $(BIN)/pytest -n $(WORKERS) --dist loadgroup --durations=15

## test-timeshift: the non-browser Python tests with the clock TIMESHIFT ahead (libfaketime),
## so a test date about to go into the past fails now (schemathesis, whose cases carry no
## dates of their own, runs once). Only the wall clock moves: see
## local/timeshift/sitecustomize.py for the two libfaketime settings and the sleep fix.
TIMESHIFT ?= +400d
TIMESHIFT_WORKERS ?= 3
test-timeshift: install frontend $(STAMPS)/faketime bytecode
	FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME_FORCE_MONOTONIC_FIX=0 PYTHONPATH="$(CURDIR)/local/timeshift" \
	  "$$(cat $(STAMPS)/faketime)" -f "$(TIMESHIFT)" $(BIN)/pytest -n $(TIMESHIFT_WORKERS) --dist loadgroup --durations=15 -m "not browser and not fuzz"

## package: the deployable CloudFormation template (Chalice app + infrastructure/), its
## API an HTTP API instead of Chalice's REST API (infrastructure/http_api.py), the Lambda
## package with its bytecode (infrastructure/bytecode.py)
package: install
	rm -rf build/$(STAGE)
	$(BIN)/chalice package --stage $(STAGE) --pkg-format cloudformation \
	  --template-format yaml --merge-template infrastructure/template.yaml build/$(STAGE)
	$(BIN)/python -m infrastructure.http_api build/$(STAGE)/sam.yaml
	$(BIN)/python -m infrastructure.bytecode build/$(STAGE)

## deploy: package, deploy with CloudFormation, upload the web app; needs AWS credentials
deploy: package frontend
	STAGE=$(STAGE) $(BIN)/python -m infrastructure.deploy build/$(STAGE)

## stripe-sync: make Stripe's products and prices match chalicelib/billing/plans.py (idempotent);
## SCHEDULO_STRIPE_SECRET_KEY picks the account, else the local Stripe of `make dev`
stripe-sync: install
	$(BIN)/python -m infrastructure.stripe_sync

## bench: every benchmark under bench/
bench: install frontend
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(STAMPS) frontend/node_modules frontend/dist build test-artifacts
