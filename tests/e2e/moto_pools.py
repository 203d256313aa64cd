"""moto's server as the AWS Cognito API, and user pools built in it through boto3.

:func:`start_moto` starts ``moto_server`` (from the virtual environment) on an ephemeral
loopback port as its own process; the caller stops it by its pid. :class:`PoolSpec`
describes a pool that passes every AWS check; each test variant changes one thing.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.needs import unavailable
from tests.peers import harness

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

REGION = "eu-west-1"
PROBE_CALLBACK = "http://localhost:8765/callback"
TEAM = "acme"
TEAM_CALLBACK = f"https://{TEAM}.cloudflareaccess.com/cdn-cgi/access/callback"
PASSWORD = "Alice-Passw0rd!"
# moto accepts any credentials unless it enforces IAM (INITIAL_NO_AUTH_ACTION_COUNT).
# ~/.aws and instance metadata stay out of the tests.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_READY = re.compile(r"Running on (?P<url>http://127\.0\.0\.1:\d+)")


def start_moto(env: dict[str, str] | None = None) -> tuple[harness.PeerProcess, str]:
    """``moto_server`` on a free loopback port: the process and its base URL."""
    executable = Path(sys.executable).with_name("moto_server")
    if not executable.is_file():
        unavailable(f"moto_server is not installed next to {sys.executable} (run `make setup`)")
    try:
        process, ready = harness.start(
            "moto_server",
            [str(executable), "-H", "127.0.0.1", "-p", "0"],
            _READY,
            cwd=harness.PEERS_DIR,
            env=env,
        )
    except harness.PeerUnavailable as exc:
        unavailable(str(exc))
        raise
    return process, ready["url"]


def api(base_url: str, service: str = "cognito-idp", **keys: str) -> Any:
    import boto3

    return boto3.client(
        service,
        region_name=REGION,
        endpoint_url=base_url,
        aws_access_key_id=keys.get("id", "testing"),
        aws_secret_access_key=keys.get("secret", "testing"),
    )


@dataclass(frozen=True)
class PoolSpec:
    """A pool, client, domain and user that pass every AWS check (each field a variant)."""

    secret: bool = True
    flows: tuple[str, ...] = ("code",)
    oauth_on: bool = True
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    callbacks: tuple[str, ...] = (PROBE_CALLBACK, TEAM_CALLBACK)
    providers: tuple[str, ...] = ("COGNITO",)
    read_attributes: tuple[str, ...] = ()  # empty: every attribute
    custom_attributes: tuple[str, ...] = ("department",)
    pre_token_lambda: bool = False
    groups: tuple[str, ...] = ("admins", "staff")
    user_groups: tuple[str, ...] = ("admins",)
    user_attributes: dict[str, str] = field(
        default_factory=lambda: {
            "email": "alice@example.com",
            "email_verified": "true",
            "custom:department": "sales",
        }
    )
    confirmed: bool = True
    domain: str = "acme-login"
    issuer: str | None = "ORIGINAL"  # IssuerConfiguration.Type; None leaves it out

    def but(self, **changes: Any) -> PoolSpec:
        return replace(self, **changes)


@dataclass(frozen=True)
class BuiltPool:
    pool_id: str
    client_id: str
    client_secret: str | None = field(repr=False)
    domain: str

    def cloudflare_config(self, tmp: Path, **changes: Any) -> Path:
        """Cloudflare's identity-provider JSON for this pool (no secret: it is in the env)."""
        host = f"{self.domain}.auth.{REGION}.amazoncognito.com"
        config: dict[str, Any] = {
            "client_id": self.client_id,
            "auth_url": f"https://{host}/oauth2/authorize",
            "token_url": f"https://{host}/oauth2/token",
            "certs_url": f"https://cognito-idp.{REGION}.amazonaws.com/{self.pool_id}"
            "/.well-known/jwks.json",
            "scopes": ["openid", "email", "profile"],
            "claims": ["custom:department", "cognito:groups"],
        }
        config.update(changes)
        path = tmp / f"idp-{self.pool_id[-6:]}.json"
        path.write_text(json.dumps({"name": "Cognito", "type": "oidc", "config": config}))
        return path


def build(
    cognito: CognitoIdentityProviderClient, spec: PoolSpec, *, name: str = "pool"
) -> BuiltPool:
    """Create the pool of ``spec`` through boto3 (user ``alice``)."""
    pool_args: dict[str, Any] = {
        "PoolName": name,
        "Schema": [
            {"Name": attr, "AttributeDataType": "String", "Mutable": True}
            for attr in spec.custom_attributes
        ],
    }
    if spec.issuer is not None:
        pool_args["IssuerConfiguration"] = {"Type": spec.issuer}
    if spec.pre_token_lambda:
        pool_args["LambdaConfig"] = {
            "PreTokenGenerationConfig": {
                "LambdaVersion": "V2_0",
                "LambdaArn": f"arn:aws:lambda:{REGION}:123456789012:function:claims",
            }
        }
    pool_id = cognito.create_user_pool(**pool_args)["UserPool"]["Id"]
    client_args: dict[str, Any] = {
        "UserPoolId": pool_id,
        "ClientName": "cloudflare-access",
        "GenerateSecret": spec.secret,
        "AllowedOAuthFlows": list(spec.flows),
        "AllowedOAuthFlowsUserPoolClient": spec.oauth_on,
        "AllowedOAuthScopes": list(spec.scopes),
        "CallbackURLs": list(spec.callbacks),
        "SupportedIdentityProviders": list(spec.providers),
    }
    if spec.read_attributes:
        client_args["ReadAttributes"] = list(spec.read_attributes)
    client = cognito.create_user_pool_client(**client_args)["UserPoolClient"]
    domain = f"{spec.domain}-{pool_id[-8:]}"
    cognito.create_user_pool_domain(UserPoolId=pool_id, Domain=domain)
    for group in spec.groups:
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    attributes = [{"Name": k, "Value": v} for k, v in spec.user_attributes.items()]
    cognito.admin_create_user(
        UserPoolId=pool_id, Username="alice", UserAttributes=attributes, MessageAction="SUPPRESS"
    )
    if spec.confirmed:
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username="alice", Password=PASSWORD, Permanent=True
        )
    for group in spec.user_groups:
        cognito.admin_add_user_to_group(UserPoolId=pool_id, Username="alice", GroupName=group)
    return BuiltPool(pool_id, client["ClientId"], client.get("ClientSecret"), domain)
