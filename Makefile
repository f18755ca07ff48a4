# Two commands set everything up on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 7860

# Nothing may download at run time: the model is bundled, the hub is never asked.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install install-dev run index test test-fast browser lint eval bench load faults api clean

# `make run` needs only the runtime; the test and lint tools (pytest, playwright, mypy, ruff) come with `make test`.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# The CPU build of torch lies on this machine (/opt/wheels); elsewhere pip takes it from PyPI.
	$(PIP) install -q "torch==2.13.0" || $(PIP) install -q "torch>=2.4,<2.15"
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e ".[dev]"
	# The ONNX encoder that ask/check/serve embed with (no torch at run time); sha256 recorded beside it.
	$(PY) -m cd38_guide.index.export_onnx
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

index: install
	$(VENV)/bin/cd38-guide index

run: index
	$(VENV)/bin/cd38-guide serve --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (Playwright's own download does not work offline), and a CJK font
# so Chinese renders in the screenshots.
browser:
	@if dpkg -s chromium chromium-driver fonts-noto-cjk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null; \
	elif command -v chromium >/dev/null 2>&1; then echo "note: fonts-noto-cjk is missing; Chinese shows as boxes in screenshots" >&2; \
	else echo "chromium is missing and this is not root: run 'sudo apt-get install chromium chromium-driver fonts-noto-cjk'" >&2; exit 1; fi

test: install-dev browser
	$(PY) -m pytest

test-fast: install-dev
	$(PY) -m pytest -m "not slow"

lint: install-dev
	$(VENV)/bin/ruff check src tests app.py
	$(VENV)/bin/mypy src

eval: install
	$(VENV)/bin/cd38-guide eval

bench: install
	$(VENV)/bin/cd38-guide bench

# Starts its own server on a free loopback port: three consecutive 60 s runs at 30 clients, errors, p95 and RSS per run.
load: install-dev
	$(PY) eval/load_test.py --serve --runs 3 --clients 30 --duration 60 --sample 5 --out eval/reports/latest/load.json

# Reruns the reproducers of the hardening items (issue 15) and prints held/failed per item (needs pytest).
faults: install-dev
	$(PY) eval/faults.py

# The REST API and CDS Hooks alone (no web app), WORKERS processes each with its own loaded index.
WORKERS ?= 1
api: index
	$(VENV)/bin/cd38-guide api --host $(HOST) --port 7861 --workers $(WORKERS)

clean:
	rm -rf $(VENV) .pytest_cache
