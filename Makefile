# The course's verbs. On a fresh machine with Python 3 and make:
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv with the test extra and run every test
# Installs rerun only when pyproject.toml changes (stamp files in .venv).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# JupyterLab refuses to run as root unless told to; only pass the flag when needed.
ROOT_FLAG := $(shell [ "$$(id -u)" = "0" ] && echo --allow-root)
# The suite runs on JOBS workers, one test file per worker at a time (a notebook's cells
# must stay together); tests/conftest.py puts the longest files first. Serial:
# `make test JOBS=0` (-n 0 runs in one process). Extra pytest options: PYTEST_ARGS="-k maps".
JOBS   ?= 2
PARALLEL := -n $(JOBS) --dist loadfile --no-loadscope-reorder
# JupyterLab settings the course ships (binder/labconfig: no "Jupyter news?" pop-up, widget
# messages on the kernel's main thread in the order sent),
# copied into the venv, where `jupyter lab` reads them; Binder's postBuild does the same.
LAB_DEFAULTS := $(VENV)/etc/jupyter/labconfig/default_setting_overrides.json

.PHONY: lab test strip check-notebooks offline-assets pins bench screenshots site handouts clean help

help:
	@echo "make lab          set up and open the course in JupyterLab"
	@echo "make test         set up and run every test (unit, notebooks, browser), on 2 workers"
	@echo "make strip        execute lessons and store them without outputs (except checked cells)"
	@echo "make offline-assets  fetch Leaflet, jQuery (offline maps), axe-core (site audit) and JupyterHub's proxy from npm"
	@echo "make pins         regenerate binder/requirements.txt from pyproject.toml"
	@echo "make bench        print the performance benchmark (incl. pytest wall time, serial and parallel)"
	@echo "make site         build the course site (Jupyter Book) in _site/"
	@echo "make handouts     print each lesson page of _site/ to a PDF in handouts/"
	@echo "make screenshots  regenerate the README screenshots"
	@echo "make review      per lesson: facts checked to, newest source cited, newest event after it"
	@echo "make mutation    mutation-test the core modules (mutmut) and write docs/mutation.md"

# Packages go in with uv (pip's resolution from the same registry, but it downloads in
# parallel and keeps a cache: the test environment in about a fifth of pip's time);
# uv itself comes from pip, once. Binder's pins are the constraints of every install:
# `make lab` gives a student the versions Binder runs, and `make test` runs the lessons
# under nbval in the Binder environment plus the test tools (tests/test_binder_env.py
# checks both). `make pins` regenerates the pins; a changed pin file reinstalls.
UV := $(BIN)/uv
PINS := binder/requirements.txt
# --compile-bytecode: uv (unlike pip) installs no .pyc files, and with PYTHONDONTWRITEBYTECODE
# set (CI images often set it) every kernel, server and test process would compile each
# library from source again on every import.
UV_INSTALL := $(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -c $(PINS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet 'uv>=0.4'

$(VENV)/.installed-runtime: pyproject.toml $(PINS) | $(UV)
	$(UV_INSTALL) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(PINS) | $(UV)
	$(UV_INSTALL) -e '.[test]'
	touch $@ $(VENV)/.installed-runtime

# Files from the npm registry, in a git-ignored folder, in one npm call (half the time
# of one call per package): Leaflet and jQuery, which maps inline when offline=True
# (optional for students, whose maps still work online; needed by the map browser
# tests); axe-core for the site's accessibility audit (tests/test_site.py);
# configurable-http-proxy, JupyterHub's proxy, for the hub test (tests/test_jupyterhub.py).
# .offline/.packages records what was installed: a changed list here installs again.
OFFLINE_NPM := leaflet@1.9.4 jquery@3.7.1 axe-core@4.14.1 configurable-http-proxy@5.3.0
OFFLINE_FILES := .offline/node_modules/leaflet/dist/leaflet.js .offline/node_modules/jquery/dist/jquery.min.js \
                 .offline/node_modules/axe-core/axe.min.js .offline/node_modules/.bin/configurable-http-proxy

offline-assets:
	@if [ "$$(cat .offline/.packages 2>/dev/null)" = "$(OFFLINE_NPM)" ] && ls $(OFFLINE_FILES) >/dev/null 2>&1; then \
	  echo "offline assets present: $(OFFLINE_NPM)"; \
	else \
	  command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js to fetch the offline assets ($(OFFLINE_NPM))"; exit 1; }; \
	  mkdir -p .offline && \
	  echo "npm install --prefix .offline $(OFFLINE_NPM)" && \
	  npm install --silent --no-audit --no-fund --prefix .offline $(OFFLINE_NPM) && \
	  echo "$(OFFLINE_NPM)" > .offline/.packages; \
	fi

$(LAB_DEFAULTS): binder/labconfig/default_setting_overrides.json | $(BIN)/python
	install -D -m 644 $< $@

lab: $(VENV)/.installed-runtime $(LAB_DEFAULTS)
	-@$(MAKE) --no-print-directory offline-assets
	@echo "Opening the course: the URL with its token is printed below (localhost only)."
	$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) $(ROOT_FLAG) --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/lessons/00_start_here.ipynb $(LAB_ARGS)

test: $(VENV)/.installed-site offline-assets
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

check-notebooks: $(VENV)/.installed-runtime
	$(BIN)/python -m tools.notebook_standards check lessons/*.ipynb

strip: $(VENV)/.installed-test
	$(BIN)/python -m tools.notebook_standards strip --execute lessons/*.ipynb

pins: | $(UV)
	$(UV) pip compile pyproject.toml --python-version 3.11 --custom-compile-command 'make pins' --quiet -o binder/requirements.txt

# Ends with the whole suite's wall time, serial and on 2 workers (BENCH_ARGS=--suite-only:
# just that; --quick: everything but that).
bench: $(VENV)/.installed-test offline-assets
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

$(VENV)/.installed-site: pyproject.toml $(PINS) $(VENV)/.installed-test
	$(UV_INSTALL) -e '.[test,site]'
	touch $@

# The course site with Jupyter Book 1 (site/_config.yml, site/_toc.yml): every lesson
# executed (cached in build/site/), syllabus, datasets, instructor guide, search and
# launch buttons, in _site/. HUB_URL=https://... sets the JupyterHub button's hub.
site: $(VENV)/.installed-site
	$(BIN)/python -m tools.course_site build --out _site $(if $(HUB_URL),--hub $(HUB_URL))

# One PDF per lesson from the built site, printed by headless Chromium.
handouts: site
	$(BIN)/python -m tools.course_site handouts --site _site --out handouts

# README images in docs/screenshots/, taken from the live lessons in JupyterLab
# (needs Chromium; maps render offline from .offline/).
screenshots: $(VENV)/.installed-test offline-assets
	$(BIN)/python -m tools.screenshots --out docs/screenshots

# What to re-check each term (docs/updating.md): per lesson its current_to, the newest
# source date it cites and the newest events row after it. Reads files only.
.PHONY: review
review: $(VENV)/.installed-runtime
	$(BIN)/python -m tools.review

# Mutation testing (issue 15, docs/mutation.md): mutmut on each core module listed in
# pyproject.toml ([[tool.allies.mutation]]: the module list and each module's fast test
# files), one module at a time in .mutation/<name>/, then the report. Some modules:
# make mutation MUTATION_MODULES="data geo"; MUTATION_MINUTES caps each module's run (a
# rerun continues where it stopped); MUTATION_JOBS mutants at a time; MUTATION_SAMPLE=200
# tests an evenly spread 200 of each module's mutants on a first run (the report says so).
MUTATION_MODULES ?=
MUTATION_MINUTES ?= 30
MUTATION_JOBS    ?= 1
MUTATION_SAMPLE  ?=
.PHONY: mutation
$(VENV)/.installed-dev: pyproject.toml $(PINS) $(VENV)/.installed-test
	$(UV_INSTALL) -e '.[test,dev]'
	touch $@

mutation: $(VENV)/.installed-dev
	$(BIN)/python tools/mutation.py run $(MUTATION_MODULES) --minutes $(MUTATION_MINUTES) --jobs $(MUTATION_JOBS) \
	    $(if $(MUTATION_SAMPLE),--sample $(MUTATION_SAMPLE))
	$(BIN)/python tools/mutation.py report

clean:
	rm -rf $(VENV) .offline _site build handouts test-artifacts .mutation
