"""``python -m oidc_probe``."""

from __future__ import annotations

from oidc_probe._entry import run

run()
