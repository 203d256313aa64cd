"""The boto3 Cognito client the pool audit uses, and AWS errors as one line each.

boto3 is an optional extra (``oidc-probe[aws]``) and slow to import, so it is imported
only when an AWS option is used. Credentials come from boto3's normal chain
(``AWS_PROFILE``, environment, SSO, instance role); ``AWS_ENDPOINT_URL`` or an explicit
endpoint points the client at an emulator such as moto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from oidc_probe.core.errors import UsageError
from oidc_probe.core.pool import INSTALL_HINT, ApiFailure

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

T = TypeVar("T")


class AwsUnavailable(UsageError):
    """No usable AWS access at all: boto3 missing, no credentials, endpoint unreachable."""


def cognito_client(
    region: str, endpoint_url: str | None, timeout: float
) -> CognitoIdentityProviderClient:
    """A cognito-idp client for ``region`` (``endpoint_url`` overrides AWS_ENDPOINT_URL)."""
    try:
        import boto3
        from botocore.config import Config
    except ImportError:
        raise AwsUnavailable(INSTALL_HINT) from None
    from botocore.exceptions import BotoCoreError

    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 2})
    try:
        client: CognitoIdentityProviderClient = boto3.client(
            "cognito-idp", region_name=region, endpoint_url=endpoint_url or None, config=config
        )
    except (BotoCoreError, ValueError) as exc:  # unknown AWS_PROFILE, a malformed endpoint URL
        raise AwsUnavailable(f"cannot set up the AWS client: {exc}") from None
    return client


def call(action: str, fn: Callable[..., T], **params: Any) -> T | ApiFailure:
    """``fn(**params)``, or the :class:`ApiFailure` of an AWS error response.

    Raises :class:`AwsUnavailable` when no call can succeed (no credentials, no route).
    """
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )

    from oidc_probe.plumbing.normalise import normalise

    try:
        # AWS's JSON as it enters, like every network answer (unpaired surrogates, depth).
        return cast(T, normalise(fn(**params)).value)
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "")
        message = str(error.get("Message") or exc)
        if "AccessDenied" in message and code == "403":
            code = "AccessDenied"
        elif code in ("InvalidClientTokenId", "UnrecognizedClientException") or (
            "InvalidClientTokenId" in message
        ):
            raise AwsUnavailable(
                f"AWS rejected the credentials for {action} (invalid access key or expired "
                "session): check AWS_PROFILE or the AWS_* variables"
            ) from None
        text = normalise(message.splitlines()[0][:300] if message else "").value
        return ApiFailure(f"cognito-idp:{action}", normalise(code).value, text)
    except (NoCredentialsError, PartialCredentialsError):
        raise AwsUnavailable(
            "no AWS credentials found for the pool audit: set AWS_PROFILE (or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run aws sso login"
        ) from None
    except NoRegionError:
        raise AwsUnavailable("no AWS region: certs_url names none; set AWS_REGION") from None
    except EndpointConnectionError as exc:
        raise AwsUnavailable(f"the AWS endpoint cannot be reached: {exc}") from None
    except BotoCoreError as exc:
        raise AwsUnavailable(f"the AWS call {action} failed: {exc}") from None
