"""``--active`` and ``--cognito-endpoint`` of ``oidc-probe check``, checked before anything runs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from urllib.parse import urlsplit

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode
from oidc_probe.login.initiate_auth import ENDPOINT_UNKNOWN, api_endpoint


@dataclass(frozen=True)
class ApiLoginOptions:
    active: bool = False
    cognito_endpoint: str | None = None


def api_login_options(
    args: argparse.Namespace, config: ProbeConfig, mode: LoginMode, *, login: bool
) -> ApiLoginOptions:
    active = bool(getattr(args, "active", False))
    endpoint: str | None = getattr(args, "cognito_endpoint", None)
    if active and not login:
        raise UsageError("--active needs a login; drop --discovery-only")
    if endpoint is not None:
        if mode is not LoginMode.INITIATE_AUTH:
            raise UsageError("--cognito-endpoint is for --login initiate-auth")
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"--cognito-endpoint must be an absolute http(s) URL, got {endpoint!r}"
            )
    if (
        login
        and mode is LoginMode.INITIATE_AUTH
        and api_endpoint(config.certs_url, endpoint) is None
    ):
        raise UsageError(ENDPOINT_UNKNOWN)
    return ApiLoginOptions(active, endpoint)
