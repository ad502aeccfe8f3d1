# Backprop Lab. Two commands on a fresh machine (Python 3.11 and the package registries):
#   make run    install into .venv and start the app on http://127.0.0.1:8501
#   make test   install into .venv (and Debian's chromium, for the browser tests) and run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ADDRESS ?= 127.0.0.1
PORT ?= 8501
# one BLAS thread per process: many sessions share one server
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

STREAMLIT_FLAGS := --server.headless true --server.address $(ADDRESS) --server.port $(PORT) \
	--server.fileWatcherType none --browser.gatherUsageStats false

.PHONY: run test lint format bench chromium clean

run: $(VENV)/.app-installed
	$(BIN)/streamlit run app.py $(STREAMLIT_FLAGS)

test: $(VENV)/.test-installed chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(VENV)/.test-installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(VENV)/.test-installed
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(VENV)/.test-installed
	$(BIN)/python -m pip install -q -r benchmarks/requirements.txt
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_trainer.py

# Debian's Chromium for the browser tests (never `playwright install`: no download access).
chromium:
	@test -x /usr/bin/chromium || { \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

$(VENV)/.app-installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.app-installed

clean:
	rm -rf $(VENV) artifacts .pytest_cache .hypothesis
