"""What the pool audit (``oidc-probe audit``, ``check --aws``) read through the AWS API.

The stage :mod:`oidc_probe.stages.aws_pool` fills a :class:`PoolAudit`; the checks in
:mod:`oidc_probe.checks.pool` and the claim hints read it. Responses are kept as the
JSON-shaped dictionaries the Cognito API returns (AWS API reference field names).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

IAM_ACTIONS = (
    "cognito-idp:DescribeUserPool",
    "cognito-idp:DescribeUserPoolClient",
    "cognito-idp:DescribeUserPoolDomain",
    "cognito-idp:ListGroups",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminListGroupsForUser",
)
INSTALL_HINT = "the AWS options need boto3: pip install 'oidc-probe[aws]'"
# Standard user pool attributes (OIDC standard claims Cognito stores per user).
STANDARD_ATTRIBUTES = frozenset(
    {
        "address",
        "birthdate",
        "email",
        "email_verified",
        "family_name",
        "gender",
        "given_name",
        "locale",
        "middle_name",
        "name",
        "nickname",
        "phone_number",
        "phone_number_verified",
        "picture",
        "preferred_username",
        "profile",
        "updated_at",
        "website",
        "zoneinfo",
    }
)

# Why every AWS check skips when neither `oidc-probe audit` nor `check --aws` was used.
AUDIT_NOT_RUN = "the pool audit did not run (use 'oidc-probe audit' or 'check --aws')"


def is_user_attribute(claim: str) -> bool:
    """Whether a claim is a user pool attribute (``email``, ``name``, ``custom:*``, ...)."""
    return claim in STANDARD_ATTRIBUTES or claim.startswith("custom:")


@dataclass(frozen=True)
class AuditRequest:
    """What the user asked the audit to read (``--aws``, ``audit``)."""

    endpoint_url: str | None = None
    team_name: str | None = None
    usernames: tuple[str, ...] = ()
    # DescribeUserPoolClient already fetched for --client-secret-from-aws (holds the secret).
    described_client: Mapping[str, Any] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ApiFailure:
    """One AWS call that did not return: ``action`` is the IAM action (``cognito-idp:X``)."""

    action: str
    code: str
    message: str

    @property
    def denied(self) -> bool:
        return self.code in ("AccessDenied", "AccessDeniedException", "403")

    @property
    def not_found(self) -> bool:
        return self.code in ("ResourceNotFoundException", "UserNotFoundException")

    def describe(self) -> str:
        if self.denied:
            return (
                f"AWS denied {self.action}: add it to the IAM policy of these credentials "
                "(README: Audit the pool through the AWS API)"
            )
        return f"{self.action} failed: {self.code}: {self.message}"


@dataclass(frozen=True)
class UserFacts:
    """AdminGetUser and AdminListGroupsForUser for one username."""

    username: str
    user: Mapping[str, Any] | None = None
    groups: tuple[str, ...] | None = None
    failures: tuple[ApiFailure, ...] = ()

    @property
    def attributes(self) -> dict[str, str]:
        if self.user is None:
            return {}
        items = self.user.get("UserAttributes") or []
        return {a["Name"]: a.get("Value", "") for a in items if isinstance(a, dict) and "Name" in a}


@dataclass(frozen=True)
class PoolAudit:
    """The pool, app client, domain, groups and users as the AWS API described them."""

    pool_id: str
    region: str
    client_id: str
    pool: Mapping[str, Any] | None = None
    client: Mapping[str, Any] | None = None
    domain_name: str | None = None
    domain: Mapping[str, Any] | None = None
    groups: tuple[str, ...] | None = None
    users: Mapping[str, UserFacts] = field(default_factory=dict)
    failures: tuple[ApiFailure, ...] = ()
    team_name: str | None = None
    elapsed_ms: float = 0.0

    def failure(self, action: str) -> ApiFailure | None:
        """The failure of ``cognito-idp:<action>`` (pool-wide calls), if it failed."""
        return next((f for f in self.failures if f.action == f"cognito-idp:{action}"), None)

    def denied(self) -> list[ApiFailure]:
        every = list(self.failures)
        for user in self.users.values():
            every += user.failures
        return list({f.action: f for f in every if f.denied}.values())

    @property
    def client_secret(self) -> str | None:
        value = (self.client or {}).get("ClientSecret")
        return value if isinstance(value, str) and value else None

    @property
    def schema_names(self) -> set[str]:
        attrs = (self.pool or {}).get("SchemaAttributes") or []
        return {a["Name"] for a in attrs if isinstance(a, dict) and "Name" in a}

    @property
    def read_attributes(self) -> tuple[str, ...]:
        """The client's ReadAttributes; empty means the client can read every attribute."""
        return tuple((self.client or {}).get("ReadAttributes") or ())

    def readable(self, attribute: str) -> bool:
        read = self.read_attributes
        return not read or attribute in read

    @property
    def pre_token_trigger(self) -> tuple[str, str] | None:
        """(version, Lambda ARN) of the pre token generation trigger, if the pool has one."""
        config = (self.pool or {}).get("LambdaConfig") or {}
        v2 = config.get("PreTokenGenerationConfig") or {}
        if v2.get("LambdaArn"):
            return str(v2.get("LambdaVersion") or "V1_0"), str(v2["LambdaArn"])
        if config.get("PreTokenGeneration"):
            return "V1_0", str(config["PreTokenGeneration"])
        return None
