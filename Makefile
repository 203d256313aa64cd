# oidc-probe developer commands. Every target sets up what it needs on a fresh clone.
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
SYNCED := $(VENV)/.synced
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_COMPILE_BYTECODE := 1

.PHONY: setup demo test lint format clean peers browser prometheus sso-peers bench dist

setup: $(SYNCED)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Reproducible install from the committed lock file.
$(SYNCED): $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --all-extras --quiet --python $(PYTHON)
	touch $@

demo: setup
	$(VENV)/bin/oidc-probe demo

test: setup peers browser prometheus sso-peers
	$(VENV)/bin/pytest

# The wheel and the sdist in dist/, checked by twine (installable without the clone:
# pipx install dist/oidc_probe-*.whl, or uv tool install).
TWINE_VERSION := 7.0.0
dist: $(UV)
	rm -rf dist
	$(UV) build --quiet --out-dir dist
	$(UV) tool run --quiet --from twine==$(TWINE_VERSION) twine check --strict dist/*

# Third-party OpenID providers for tests/peers (npm packages from the committed lock file);
# reinstalled only when the lock file is newer than the install. Without npm the peer tests
# skip, except in CI (OIDC_PROBE_REQUIRE_PEERS set), where that is an error.
PEERS := tests/peers
PEERS_INSTALLED := $(PEERS)/node_modules/.package-lock.json

peers:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(PEERS_INSTALLED); \
	elif [ -n "$$OIDC_PROBE_REQUIRE_PEERS" ]; then echo "npm not found: cannot install the test peers" >&2; exit 1; \
	else echo "npm not found: the tests that need the npm peers will skip" >&2; fi

$(PEERS_INSTALLED): $(PEERS)/package.json $(PEERS)/package-lock.json
	cd $(PEERS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (no browser download); quick when already there.
browser:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's Prometheus server and promtool for the exporter tests; quick when already there.
prometheus:
	@command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; }

# Real SSO servers from Debian's packages for tests/peers: LemonLDAP::NG's portal under
# plackup (libimage-magick-perl because its captcha module loads it at start) and
# Glewlwyd (its postinst wants a database unless debconf answers "No configuration";
# never node-bootstrap beside it, whose Bootstrap 5 makes apt remove glewlwyd). Quick when
# already there. Each test run configures its own copies on loopback ports.
SSO_PACKAGES := liblemonldap-ng-portal-perl libplack-perl libimage-magick-perl glewlwyd glewlwyd-common libjs-bootstrap4
sso-peers:
	@if command -v plackup >/dev/null 2>&1 && command -v glewlwyd >/dev/null 2>&1 && perl -MLemonldap::NG::Portal::Main -MImage::Magick -e 1 2>/dev/null; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "glewlwyd glewlwyd/config_type select No configuration" | $(SUDO) debconf-set-selections && \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SSO_PACKAGES); \
	elif [ -n "$$OIDC_PROBE_REQUIRE_PEERS" ]; then echo "apt-get not found: cannot install the SSO peers" >&2; exit 1; \
	else echo "apt-get not found: the tests that need the SSO peers will skip" >&2; fi

# oidc-probe against its physical floors, side by side (benchmarks/bench.py; a few minutes).
bench: setup
	$(VENV)/bin/python benchmarks/bench.py $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check oidc_probe tests
	$(VENV)/bin/ruff format --check oidc_probe tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff format oidc_probe tests
	$(VENV)/bin/ruff check --fix oidc_probe tests

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache dist
