"""The check catalogue. Importing this package registers every check."""

from __future__ import annotations

from oidc_probe.checks import (  # noqa: F401  (imported for registration)
    active,
    authorize,
    claims,
    config,
    discovery,
    expect,
    id_token,
    jwks,
    scopes,
    token,
    userinfo,
)
