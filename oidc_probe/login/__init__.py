"""Login drivers: each turns an authorization request into callback parameters.

``form`` (the provider's pages over plain HTTP), ``browser`` (the user's browser and a
loopback ``callback_server``), ``paste``, ``headless`` (Chromium through Playwright)
and ``initiate_auth`` (Cognito's API, tokens without a callback); ``callback`` and
``html_forms`` are what they share.

May import: ``plumbing``, ``core``.
"""

from __future__ import annotations

from oidc_probe.login.base import LoginDriver
from oidc_probe.login.form import FormLogin

__all__ = ["FormLogin", "LoginDriver"]
