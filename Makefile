# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint setup data browser bench clean

# Re-install only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

setup: $(VENV)/.installed

data: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_areas
	$(PY) manage.py load_places
	$(PY) manage.py load_demo

run: data
	$(PY) manage.py runserver $(HOST)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Browser tests need Debian's Chromium; install it when it is missing (as root).
browser:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: lint browser
	$(PY) -m pytest

# National scale x10 on SQLite, then on PostgreSQL if one answers at 127.0.0.1:5432: builds its
# own datasets under bench-data/ and in lsp_bench*, never db.sqlite3. BENCH_SCALE=0.1 for a
# tenth; other options: .venv/bin/python -m bench --help.
bench: setup
	$(PY) -m bench

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
