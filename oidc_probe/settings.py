"""How the probe runs, beyond what Cloudflare's config says."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_REDIRECT_URI = "http://localhost:8765/callback"
# Algorithms Cloudflare Access accepts for ID-token signatures.
ACCESS_ALGORITHMS = ("RS256", "RS512", "PS512", "ES256", "ES384", "ES512")


class ClientAuth(StrEnum):
    BASIC = "basic"
    POST = "post"


class LoginMode(StrEnum):
    FORM = "form"


@dataclass(frozen=True)
class RunSettings:
    """Options of one probe run. Secrets are excluded from ``repr``."""

    issuer: str
    redirect_uri: str = DEFAULT_REDIRECT_URI
    client_auth: ClientAuth = ClientAuth.BASIC
    login: LoginMode = LoginMode.FORM
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    leeway: int = 60
    timeout: float = 10.0
    ca_bundle: str | None = None
    show_tokens: bool = False
