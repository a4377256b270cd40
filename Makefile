# Xingnong — set-up and everyday commands. Each target creates/reuses .venv by itself.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: demo test bench lint install install-dev train app clean screenshots wheel-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: install, train every pipeline on the embedded demo data, start the app
demo: install
	$(BIN)/xingnong run
	$(BIN)/python -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

## train: the main job on the demo data, without starting the app
train: install
	$(BIN)/xingnong run

## test: install with dev extras and run the whole test suite
test: install-dev
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

## screenshots: refresh docs/screenshots/ (the README's) with the real-browser tests
screenshots: install-dev
	XINGNONG_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/browser -q

## bench: speed, memory and accuracy benchmarks (figures go in README.md)
bench: install-dev
	$(BIN)/python -m benchmarks.run

## lint: ruff, mypy and the import-layer contracts (pyproject.toml)
lint: install-dev
	$(BIN)/ruff check recommender pipelines tests benchmarks app.py app_pages
	$(BIN)/ruff format --check recommender pipelines tests benchmarks app.py app_pages
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## wheel-check: build the wheel, install it in a fresh venv away from this checkout, run the main job
WHEEL_DIR ?= build/wheel-check
wheel-check: install
	rm -rf $(WHEEL_DIR) && mkdir -p $(WHEEL_DIR)
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir $(WHEEL_DIR) .
	$(PYTHON) -m venv $(WHEEL_DIR)/venv
	$(WHEEL_DIR)/venv/bin/python -m pip install --quiet $(WHEEL_DIR)/xingnong-*.whl
	cd $(WHEEL_DIR) && env -u XINGNONG_DATA -u MLFLOW_TRACKING_URI XINGNONG_HOME="$$PWD/home" \
	    venv/bin/xingnong -q run --out "$$PWD/out" --horizon 4 --folds 2
	cd $(WHEEL_DIR) && venv/bin/python "$(CURDIR)/.ci/installed_check.py" "$$PWD/out" "$$PWD/home"

clean:
	rm -rf artifacts mlflow.db mlruns .pytest_cache build
