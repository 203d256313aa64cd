"""Provision a user pool through the Cognito JSON API (cognito-local and moto speak it).

Plain JSON calls with ``X-Amz-Target`` headers, no request signing: both emulators
accept unsigned calls (moto then uses us-east-1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx2

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
CONTENT_TYPE = "application/x-amz-json-1.1"


class CognitoApiError(Exception):
    pass


@dataclass(frozen=True)
class CognitoApi:
    endpoint: str
    timeout: float = 10.0

    def call(self, target: str, body: dict[str, Any]) -> dict[str, Any]:
        response = httpx2.post(
            self.endpoint,
            json=body,
            headers={"X-Amz-Target": TARGET_PREFIX + target, "Content-Type": CONTENT_TYPE},
            timeout=self.timeout,
        )
        if response.status_code != 200:
            raise CognitoApiError(f"{target}: HTTP {response.status_code} {response.text[:300]}")
        result = response.json() if response.content else {}
        return dict(result)


@dataclass(frozen=True)
class PoolSpec:
    """What to create: one pool, one confidential app client, groups and one user."""

    callback_url: str
    username: str = "alice"
    password: str = "Peer-Passw0rd!"  # test-only credential of an emulator user
    email: str = "alice@example.com"
    groups: tuple[str, ...] = ("admins", "staff")
    department: str = "engineering"
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    explicit_auth_flows: tuple[str, ...] = (
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    )


@dataclass(frozen=True)
class ProvisionedPool:
    pool_id: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)
    region: str


def provision(
    api: CognitoApi, spec: PoolSpec, *, pool_name: str = "oidc-probe-peer"
) -> ProvisionedPool:
    pool = api.call(
        "CreateUserPool",
        {
            "PoolName": pool_name,
            "Schema": [
                {"Name": "email", "AttributeDataType": "String", "Mutable": True},
                {"Name": "department", "AttributeDataType": "String", "Mutable": True},
            ],
        },
    )["UserPool"]
    pool_id = str(pool["Id"])
    client = api.call(
        "CreateUserPoolClient",
        {
            "UserPoolId": pool_id,
            "ClientName": "cloudflare-access",
            "GenerateSecret": True,
            "CallbackURLs": [spec.callback_url],
            "AllowedOAuthFlows": ["code"],
            "AllowedOAuthFlowsUserPoolClient": True,
            "AllowedOAuthScopes": list(spec.scopes),
            "SupportedIdentityProviders": ["COGNITO"],
            "ExplicitAuthFlows": list(spec.explicit_auth_flows),
            "ReadAttributes": ["email", "email_verified", "name", "custom:department"],
        },
    )["UserPoolClient"]
    for group in spec.groups:
        api.call("CreateGroup", {"UserPoolId": pool_id, "GroupName": group})
    api.call(
        "AdminCreateUser",
        {
            "UserPoolId": pool_id,
            "Username": spec.username,
            "MessageAction": "SUPPRESS",
            "UserAttributes": [
                {"Name": "email", "Value": spec.email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "name", "Value": "Alice Peer"},
                {"Name": "custom:department", "Value": spec.department},
            ],
        },
    )
    api.call(
        "AdminSetUserPassword",
        {
            "UserPoolId": pool_id,
            "Username": spec.username,
            "Password": spec.password,
            "Permanent": True,
        },
    )
    for group in spec.groups:
        api.call(
            "AdminAddUserToGroup",
            {"UserPoolId": pool_id, "Username": spec.username, "GroupName": group},
        )
    return ProvisionedPool(
        pool_id=pool_id,
        client_id=str(client["ClientId"]),
        client_secret=str(client["ClientSecret"]),
        username=spec.username,
        password=spec.password,
        region=pool_id.split("_", 1)[0],
    )
