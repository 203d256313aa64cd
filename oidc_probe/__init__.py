"""oidc-probe: run Cloudflare Access's OIDC login against an identity provider and say what is wrong."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
