"""Login drivers: each turns an authorization request into callback parameters."""

from __future__ import annotations

from oidc_probe.login.base import LoginDriver
from oidc_probe.login.form import FormLogin

__all__ = ["FormLogin", "LoginDriver"]
