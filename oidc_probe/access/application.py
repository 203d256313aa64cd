"""The Access application object, as ``GET /{accounts|zones}/{id}/access/apps/{app}`` returns it.

Fields read (cloudflare-python ``ApplicationGetResponse`` / ``SelfHostedApplication``, the
Terraform provider's ``zero_trust_access_application`` model): ``aud`` ("Audience tag"),
``allowed_idps`` ("The identity providers your users can select when connecting to this
application. Defaults to all IdPs configured in your account."), ``session_duration``,
``mfa_config`` (``mfa_disabled``, ``session_duration``, ``allowed_authenticators``;
Cloudflare "Enforce MFA", independent MFA per application) and the ``policies`` it lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

APPS_PAGE = (
    "https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/"
    "subresources/applications/methods/get/"
)


@dataclass(frozen=True)
class AccessApp:
    """What the probe uses of an Access application."""

    id: str
    name: str
    aud: str | None = None
    allowed_idps: tuple[str, ...] = ()  # empty: every identity provider of the account
    session_duration: str | None = None
    mfa: str | None = None  # "independent MFA required" / "MFA disabled" / None (org default)
    source: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "aud": self.aud,
            "allowed_idps": list(self.allowed_idps),
            "session_duration": self.session_duration,
            "mfa": self.mfa,
        }


def mfa_setting(config: Any) -> str | None:
    """An ``mfa_config`` object in words, or None when it leaves the organization's setting."""
    if not isinstance(config, Mapping):
        return None
    if config.get("mfa_disabled") is True:
        return "MFA disabled"
    if config.get("mfa_disabled") is False:
        methods = config.get("allowed_authenticators")
        listed = (
            f" ({', '.join(str(m) for m in methods)})"
            if isinstance(methods, list) and methods
            else ""
        )
        return f"independent MFA{listed}"
    return None


def parse_application(doc: Mapping[str, Any], source: str) -> AccessApp:
    idps = doc.get("allowed_idps")
    allowed = tuple(str(i) for i in idps) if isinstance(idps, list) else ()
    aud = doc.get("aud")
    duration = doc.get("session_duration")
    return AccessApp(
        id=str(doc.get("id") or ""),
        name=str(doc.get("name") or doc.get("domain") or ""),
        aud=aud if isinstance(aud, str) and aud else None,
        allowed_idps=allowed,
        session_duration=duration if isinstance(duration, str) else None,
        mfa=mfa_setting(doc.get("mfa_config")),
        source=source,
    )
