"""The check catalogue. Importing this package registers every check."""

from __future__ import annotations

from oidc_probe.checks import (  # noqa: F401  (imported for registration)
    access_policies,
    access_token,
    active,
    authorize,
    claims,
    config,
    discovery,
    expect,
    id_token,
    jwks,
    token,
    userinfo,
)
