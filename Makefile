# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(CURDIR)/$(VENV)/bin
STAMP  := $(VENV)/.installed
# nbgrader shells out to `alembic`: the venv's bin must be on PATH for every call.
RUN    := PATH="$(BIN):$$PATH"

.PHONY: setup demo test test-fast lint check build guide-pictures clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	# JupyterHub's proxy (npm), where `kynangso hub` looks for it; skipped without npm
	if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --prefix $(VENV)/node configurable-http-proxy@5; fi
	touch $(STAMP)

demo: setup
	$(RUN) $(BIN)/kynangso demo

# Everything CI needs: lint, every test, strict nbval on every source notebook.
test: setup lint
	$(RUN) $(BIN)/python -m pytest tests notebooks --nbval --nbval-sanitize-with tests/nbval-sanitize.cfg

# The inner loop (under a minute): no grading of many notebooks, no notebook runs, no browser.
test-fast: setup lint
	$(RUN) $(BIN)/python -m pytest tests -q -m "not slow and not notebooks and not browser"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

check: setup
	$(RUN) $(BIN)/kynangso check

build: setup
	$(RUN) $(BIN)/kynangso build

# The learners' guide's pictures, from the browser test's last run (test-artifacts/hub/huong-dan/)
guide-pictures:
	test -d test-artifacts/hub/huong-dan || { echo "run the browser test first: make test"; exit 1; }
	mkdir -p course/hinh/hub && cp test-artifacts/hub/huong-dan/*.png course/hinh/hub/

clean:
	rm -rf $(VENV) cohorts .pytest_cache
