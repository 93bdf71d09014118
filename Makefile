# coopnet — the two quick-start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-postgres test-faketime lint format bench load mutate clean

# The PostgreSQL run of the suite (CI runs it after `make test`); the server must be up.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/coopnet

# The site's own system library: Debian's Pango, which WeasyPrint needs for the invoices' PDFs.
install: $(STAMP)
	scripts/ensure-pango

# Re-installs only when pyproject.toml changes, so `make install` is cheap to repeat.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/coopnet demo

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

test: lint
	scripts/ensure-chromium
	scripts/ensure-axe
	scripts/ensure-pango
	$(BIN)/pytest -q

test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -q tests/integration

# The integration and unit tests again with the machine's clock set to an awkward instant (CI
# runs three), so that a test that depends on the day cannot pass by luck. Debian's faketime:
# '@' starts the clock there and lets it run (a bare timestamp would stop it); one clock for the
# child processes too (FAKETIME_DONT_RESET); files keep their real times (NO_FAKE_STAT), or
# Python's bytecode cache and gunicorn's worker heartbeat would misread them. The monotonic clock
# is faked along with the wall clock: Python's sleeps need it, though then a lock or event wait
# with a timeout never wakes (libfaketime 0.9.10 does not translate sem_clockwait), hence the
# outer timeout. The API's fuzzing and the backup round trips are left out: nothing in them
# reads the date, and they are the slowest (the plain run and PostgreSQL's run them).
FAKETIME_AT ?= 2028-02-29 23:59:30

test-faketime: install
	scripts/ensure-faketime
	TZ=UTC FAKETIME_DONT_RESET=1 NO_FAKE_STAT=1 timeout 900 \
		faketime -m -f '@$(FAKETIME_AT)' $(BIN)/pytest -q tests/integration tests/unit \
		--ignore=tests/integration/test_api_schemathesis.py --ignore=tests/integration/test_backup.py

bench: install
	$(BIN)/python -m benchmarks.run

# The web platform under load (docs/benchmarks.md, "Web under load"): for each size, its own
# PostgreSQL database (reused while it holds the same load; LOAD_ARGS=--fresh loads it again),
# the real `coopnet serve` on 127.0.0.1, 200 locust users signed in, a minute measured. Bounded:
# at most ten minutes to sign in plus the minute measured, per size. The server's shared cache
# is the Redis on 127.0.0.1:6379 (started if it is installed and down; LOAD_ARGS="--cache-url
# none" serves without). Extra `coopnet serve` arguments: LOAD_SERVE_ARGS="--workers 3".
LOAD_PEOPLE ?= 10000 100000
LOAD_SERVE_ARGS ?=
LOAD_ARGS ?=

load: install
	$(BIN)/python -m pip install --quiet -e '.[dev,load]'
	if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then \
	  if command -v pg_ctlcluster >/dev/null 2>&1; then \
	    pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql | head -1)" main start; \
	  fi; \
	  for _ in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; \
	fi
	pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
	if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1; then \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' >/dev/null; sleep 1; \
	fi
	$(BIN)/python -m benchmarks.load --people $(LOAD_PEOPLE) --serve-args="$(LOAD_SERVE_ARGS)" $(LOAD_ARGS)

# Mutation testing of the engine's money paths ([tool.mutmut] in pyproject.toml says which):
# every mutant from scratch against the engine's unit tests, then the score, which must be at
# least 90% killed (docs/mutation.md). About half an hour on two cores.
mutate: install
	$(BIN)/python -m pip install --quiet -e '.[dev,mutate]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children $$(nproc)
	$(BIN)/python scripts/mutation-score

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis mutants
