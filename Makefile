# oidc-probe developer commands. Every target sets up what it needs on a fresh clone.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo test lint format clean peers browser

setup: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Reproducible install from the committed lock file.
$(SYNCED): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet --python $(PYTHON)
	touch $@

demo: setup
	$(VENV)/bin/oidc-probe demo

test: setup peers browser
	$(VENV)/bin/pytest

# Third-party OpenID providers for tests/peers (npm packages from the committed lock file).
peers:
	@true

# Debian's Chromium for the browser tests (no browser download).
browser:
	@true

lint: setup
	$(VENV)/bin/ruff check oidc_probe tests
	$(VENV)/bin/ruff format --check oidc_probe tests
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format oidc_probe tests
	$(VENV)/bin/ruff check --fix oidc_probe tests

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
