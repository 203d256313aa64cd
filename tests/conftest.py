"""Project-wide test configuration."""

from __future__ import annotations

# pytester drives the pytest plugin tests (tests/plugin); it must be enabled at the top level.
pytest_plugins = ["pytester"]
