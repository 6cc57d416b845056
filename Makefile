# The two commands a newcomer needs (see README):
#   make run    install, migrate, load demo data, serve on http://127.0.0.1:8000 (SQLite)
#   make test   install the test tools and run the whole test suite
# Everything else here is a building block of those two.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n auto
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint format messages clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs exactly what the lock files name, checked against their hashes; pyproject.toml keeps
# the ranges. After changing a dependency run `make lock` and commit requirements/*.txt.
$(VENV)/.installed: pyproject.toml requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml requirements/test.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $(VENV)/.installed $@

lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --python-version 3.11 \
	    --generate-hashes --quiet -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test --python-version 3.11 \
	    --generate-hashes --quiet -o requirements/test.txt

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Open http://$(HOST):$(PORT)/ and sign in with the accounts above. Stop with Ctrl+C."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-test
	bash scripts/ensure-test-tools.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# After changing translatable text: extract, translate the new nl entries by hand, then compile.
messages: install-test
	$(BIN)/python manage.py makemessages -l nl -l en --no-obsolete --ignore '$(VENV)/*' --ignore 'bench/*'
	$(BIN)/python scripts/fill_english_catalogue.py
	$(BIN)/python manage.py compilemessages --ignore '$(VENV)/*'

clean:
	rm -rf $(VENV) staticfiles
