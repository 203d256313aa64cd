"""AWS errors as one line each (plumbing/aws.py) and the stage's URL parsing (stages/aws_pool.py).

Error shapes: real AWS sends ``AccessDeniedException``; moto sends HTTP 403 with an XML
body, which botocore reports as code ``"403"`` (both are covered).
"""

from __future__ import annotations

from typing import Any, NoReturn

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from oidc_probe.core.errors import UsageError
from oidc_probe.core.pool import ApiFailure
from oidc_probe.plumbing.aws import AwsUnavailable, call
from oidc_probe.run import aws_inputs
from oidc_probe.stages.aws_pool import domain_of, pool_ref

MOTO_DENIED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<ErrorResponse><Errors><Error><Code>AccessDenied'
    "</Code><Message>User: arn:aws:iam::123456789012:user/auditor is not authorized to perform: "
    "cognito-idp:ListGroups</Message></Error></Errors></ErrorResponse>"
)


def raising(exc: Exception) -> Any:
    def fn(**_: Any) -> NoReturn:
        raise exc

    return fn


def client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "ListGroups")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "AccessDeniedException",
            "User: arn:x is not authorized to perform: cognito-idp:ListGroups",
        ),
        ("403", MOTO_DENIED),
    ],
)
def test_access_denied_names_the_action(code: str, message: str) -> None:
    failure = call("ListGroups", raising(client_error(code, message)))
    assert isinstance(failure, ApiFailure)
    assert failure.denied
    assert failure.describe().startswith("AWS denied cognito-idp:ListGroups: add it to the IAM")
    assert "\n" not in failure.describe()


def test_not_found_is_a_failure_not_an_exception() -> None:
    failure = call("DescribeUserPool", raising(client_error("ResourceNotFoundException", "gone")))
    assert isinstance(failure, ApiFailure)
    assert failure.not_found
    assert not failure.denied


def test_success_returns_the_response() -> None:
    assert call("DescribeUserPool", lambda **kw: {"UserPool": kw}, UserPoolId="p") == {
        "UserPool": {"UserPoolId": "p"}
    }


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (NoCredentialsError(), "no AWS credentials found"),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1/"), "cannot be reached"),
        (client_error("UnrecognizedClientException", "bad token"), "rejected the credentials"),
    ],
)
def test_no_access_at_all_is_a_usage_error(exc: Exception, words: str) -> None:
    with pytest.raises(AwsUnavailable, match=words) as raised:
        call("DescribeUserPool", raising(exc))
    assert raised.value.exit_code == 2


def test_without_boto3_the_options_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "boto3" else real(name, *a)
    )
    with pytest.raises(UsageError, match=r"pip install 'oidc-probe\[aws\]'"):
        aws_inputs.require_boto3()


@pytest.mark.parametrize(
    ("auth_url", "domain"),
    [
        ("https://acme.auth.eu-west-1.amazoncognito.com/oauth2/authorize", "acme"),
        ("https://login.example.com/oauth2/authorize", "login.example.com"),
        ("http://127.0.0.1:9229/oauth2/authorize", None),
    ],
)
def test_domain_of_auth_url(auth_url: str, domain: str | None) -> None:
    assert domain_of(auth_url) == domain


def test_pool_ref_needs_a_pool_id_in_certs_url() -> None:
    ref = pool_ref(
        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Ab12/.well-known/jwks.json"
    )
    assert (ref.region, ref.pool_id) == ("eu-west-1", "eu-west-1_Ab12")
    with pytest.raises(UsageError, match="needs the user pool id in certs_url"):
        pool_ref("https://idp.example.com/jwks")


def test_a_client_that_cannot_be_built_is_one_usage_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from oidc_probe.plumbing.aws import cognito_client

    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-oidc-probe")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    with pytest.raises(AwsUnavailable, match="cannot set up the AWS client"):
        cognito_client("eu-west-1", None, 5.0)
    monkeypatch.delenv("AWS_PROFILE")
    with pytest.raises(AwsUnavailable, match="cannot set up the AWS client"):
        cognito_client("eu-west-1", "not a url", 5.0)
