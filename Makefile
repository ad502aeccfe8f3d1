# Backprop Lab. On a fresh machine with Python >= 3.11 (and its venv module), make, and a package index:
#   make run     install into .venv and start the app on http://127.0.0.1:8501 (one process)
#   make test    install into .venv (plus Chromium and nginx if missing) and run every test
#   make serve   WORKERS app processes behind nginx, for a class (see README, "Deploy for a class")
# Another interpreter: make run PYTHON=python3.12 (a .venv made by another one is rebuilt).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ADDRESS ?= 127.0.0.1
PORT ?= 8501
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# test processes (pytest-xdist): the tests without a browser (tests of one xdist_group, such as
# make serve's, share a process), and the browser tests (each process has its own app server and
# Chromium; an idle process takes a test from a busy one)
JOBS ?= auto
BROWSER_JOBS ?= 2
# benchmark only: the CPU build of PyTorch, where the package index offers it by that name
TORCH ?= torch==2.13.0+cpu
PIP := $(BIN)/python -m pip install
# one BLAS thread per process: many sessions share one server
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
# two malloc arenas: memory freed by a closed session goes back to the system (glibc keeps a
# per-thread arena otherwise)
export MALLOC_ARENA_MAX := 2

STREAMLIT_FLAGS := --server.headless true --server.address $(ADDRESS) --server.port $(PORT) \
	--server.fileWatcherType none --browser.gatherUsageStats false

.PHONY: run test test-quick lint format bench serve chromium nginx clean FORCE

run: $(VENV)/.app-installed
	$(BIN)/streamlit run app.py $(STREAMLIT_FLAGS)

test: $(VENV)/.test-installed chromium nginx
	@echo "== ruff: lint and format (a few seconds)"
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "== the tests without a browser, in parallel (1.5-2 minutes on 2 cores)"
	$(BIN)/python -m pytest -m "not browser" -n $(JOBS) --dist loadgroup --durations=5
	@echo "== the browser tests: headless Chromium against streamlit run, $(BROWSER_JOBS) at a time (2.5-3 minutes on 2 cores)"
	$(BIN)/python -m pytest -m browser -n $(BROWSER_JOBS) --dist worksteal --durations=5

# The quick check while working: everything but the browser tests.
test-quick: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m "not browser" -n $(JOBS) --dist loadgroup

lint: $(VENV)/.test-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

# Every script in benchmarks/, one after the other (about 8 minutes on 2 cores); figures are printed.
bench: $(VENV)/.bench-installed chromium nginx
	@for script in benchmarks/bench_*.py benchmarks/compare_pytorch.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done

serve: $(VENV)/.app-installed nginx
	$(BIN)/python deploy/serve.py --workers $(WORKERS) --address $(ADDRESS) --port $(PORT)

# A Chromium for the browser tests: one already installed (.ci/find_chromium.sh says where it
# looks), else Debian's chromium with apt-get (needs root or sudo). Never `playwright install`.
chromium:
	@sh .ci/find_chromium.sh --install >/dev/null

# nginx for `make serve` and its test: Debian's package, installed with apt-get if missing.
nginx:
	@sh .ci/need_nginx.sh

# The Python check runs every time: .ci/check_python.sh stops with a message on Python < 3.11 and
# removes a .venv made by another interpreter; $(VENV)/.python changes when the interpreter does.
$(VENV)/.python: FORCE
	@sh .ci/check_python.sh "$(PYTHON)" "$(VENV)"

$(VENV)/.app-installed: requirements.txt $(VENV)/.python
	@echo "== installing the app's packages into $(VENV) (about a minute)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt $(VENV)/.python
	@echo "== installing the app's packages and the test tools into $(VENV) (about 1-2 minutes)"
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements-test.txt
	touch $@ $(VENV)/.app-installed

$(VENV)/.bench-installed: $(VENV)/.test-installed benchmarks/requirements.txt
	@echo "== installing PyTorch for the benchmarks only ($(TORCH): the CPU build, about 190 MB to download and 700 MB installed; the app and the tests never use it)"
	@$(PIP) "$(TORCH)" || { echo "error: the package index has no $(TORCH). Give another build:" \
		"make bench TORCH=torch==2.13.0 (on Linux the index's default build brings CUDA: several GB)" >&2; exit 1; }
	touch $@

FORCE:

# Start afresh: the environment, the test and lint caches, the screenshots.
clean:
	rm -rf $(VENV) artifacts .pytest_cache .hypothesis .ruff_cache .benchmarks
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
