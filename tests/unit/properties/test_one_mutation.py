"""One header parameter or one claim of a valid, correctly signed ID token changed at a time.

Each mutated token is signed again with the real key, so the signature is valid and
only the clause the mutation breaks can catch it. The property: after the real verify
stage and the whole catalogue, a mutation leaves no run without a FAIL or WARN unless
the new value is harmless by the spec (listed per member in ``harmless``).
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oidc_probe.core.model import Status
from tests.factories import ISSUER, NOW
from tests.unit.checks.token_fixtures import CLIENT_ID, NONCE, healthy_claims
from tests.unit.properties.test_parsers_and_checks import (
    HEADER,
    KEY,
    KID,
    all_findings,
    b64json,
    b64url,
    json_values,
    sign,
    verified_context,
)

ONE_MUTATION = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LEEWAY = 60
DAY = 86_400
ABSENT = object()

HEADER_MEMBERS = ["alg", "kid", "typ", "crit", "b64", "cty"]
CLAIM_MEMBERS = ["iss", "aud", "azp", "exp", "nbf", "iat", "nonce", "sub", "token_use"]


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number < 10**11 else None


def harmless(where: str, name: str, value: Any, claims: dict[str, Any]) -> bool:
    """Whether the spec (and Cognito's limits) allow ``name`` to take ``value``."""
    if where == "header":
        if name == "typ":
            return value is ABSENT or (
                isinstance(value, str) and value.lower() in ("jwt", "application/jwt")
            )
        if name == "cty":
            return value is ABSENT
        if name == "kid":  # optional with a single key in the set (OIDC Core 10.1)
            return value is ABSENT or value == KID
        return value == HEADER.get(name, ABSENT)
    iat, exp = _seconds(claims.get("iat")), _seconds(claims.get("exp"))
    now = NOW
    if name in ("iat", "exp"):
        return (
            iat is not None
            and exp is not None
            and iat <= now + LEEWAY
            and now < exp + LEEWAY
            and 0 < exp - iat <= DAY
        )
    if name == "nbf":
        nbf = _seconds(value)
        return value is ABSENT or (nbf is not None and nbf <= now + LEEWAY)
    if name == "aud":
        return value == CLIENT_ID or (
            isinstance(value, list) and value != [] and all(a == CLIENT_ID for a in value)
        )
    if name == "azp":
        return value is ABSENT or value == CLIENT_ID
    if name == "sub":
        return isinstance(value, str) and bool(value.strip()) and len(value) <= 255
    return value == {"iss": ISSUER, "nonce": NONCE, "token_use": "id"}[name]


def _failing(raw: str) -> set[tuple[str, str, str]]:
    findings = all_findings(verified_context(raw))
    return {
        (f.check_id, f.subject, f.status.value)
        for f in findings
        if f.status in (Status.FAIL, Status.WARN)
    }


# What the fixture context fails anyway (discovery metadata, headers): not the token's doing.
BASELINE = _failing(sign(HEADER, healthy_claims()))


def _flagged(raw: str) -> set[tuple[str, str, str]]:
    """FAIL and WARN findings the token caused, beyond the fixture's baseline."""
    return _failing(raw) - BASELINE


new_values = st.one_of(
    st.just(ABSENT),
    json_values,
    st.sampled_from(
        [
            "at+jwt",
            "JWT",
            "RS512",
            "PS256",
            "ES256",
            ["b64"],
            [],
            False,
            CLIENT_ID,
            [CLIENT_ID, "other-client"],
            "other-client",
            int(NOW) + 7200,
            int(NOW) - 10 * 365 * DAY,
            int(NOW) - 30,
            (int(NOW) + 3600) * 1000,
        ]
    ),
)


@ONE_MUTATION
@given(st.sampled_from(HEADER_MEMBERS), new_values)
def test_one_header_parameter_changed(name: str, value: Any) -> None:
    header = dict(HEADER)
    if value is ABSENT:
        header.pop(name, None)
    else:
        header[name] = value
    if header == HEADER:
        return
    flagged = _flagged(sign(header, healthy_claims()))
    if not harmless("header", name, value, healthy_claims()):
        assert flagged, (name, value)


@ONE_MUTATION
@given(st.sampled_from(CLAIM_MEMBERS), new_values)
def test_one_claim_changed(name: str, value: Any) -> None:
    claims = healthy_claims()
    if value is ABSENT:
        claims.pop(name, None)
    else:
        claims[name] = value
    if claims == healthy_claims():
        return
    flagged = _flagged(sign(HEADER, claims))
    if not harmless("claims", name, value, claims):
        assert flagged, (name, value)


@ONE_MUTATION
@given(st.sampled_from(["iss", "aud", "sub", "exp", "nonce"]), json_values)
def test_one_claim_written_twice_is_always_caught(name: str, first: Any) -> None:
    """The real value last (so every other check passes); IDT016 still fails (or IDT001, when
    the first value is NaN or Infinity and the payload is therefore not JSON at all)."""
    body = json.dumps(healthy_claims())
    payload = "{" + json.dumps(name) + ": " + json.dumps(first) + ", " + body[1:]
    signing_input = f"{b64json(HEADER)}.{b64url(payload.encode())}"
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.hashes import SHA256

    private = KEY.private_key
    assert private is not None
    signature = private.sign(signing_input.encode(), PKCS1v15(), SHA256())
    flagged = _flagged(f"{signing_input}.{b64url(signature)}")
    assert any(check_id in ("IDT016", "IDT001") for check_id, _, _ in flagged), flagged


def test_the_baseline_holds_no_id_token_finding() -> None:
    """The properties rely on the valid token alone failing and warning no token check."""
    assert HEADER["kid"] == KID
    assert not [f for f in BASELINE if f[0].startswith(("IDT", "CLM"))], BASELINE
