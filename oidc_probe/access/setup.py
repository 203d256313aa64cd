"""What a run knows about the Access application: its policies, groups and identity provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from oidc_probe.access.application import AccessApp
from oidc_probe.access.policies import AccessGroup, Policy

EXPECT_VALUES = ("allow", "deny")


@dataclass(frozen=True)
class AccessSetup:
    """``--policy``/``--access-groups`` (or ``--cloudflare-app``) and the IdP's Cloudflare id."""

    policies: tuple[Policy, ...] = ()
    groups: Mapping[str, AccessGroup] = field(default_factory=dict)
    idp_id: str | None = None
    source: str = ""  # "--policy FILE" or "Cloudflare app ID", for messages
    # A browser login with no service token, client certificate or linked-app token
    # (``--any-request`` turns this off); see oidc_probe.access.evaluate.
    interactive: bool = True
    app: AccessApp | None = None  # the application object (--cloudflare-app)
    email_lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Cloudflare's policy tester (--cloudflare-policy-test): lower-case email -> "approved" or
    # "blocked"; None when not asked. ``tester_status`` is the test's final status.
    tester: Mapping[str, str] | None = None
    tester_status: str = ""
