"""The fault matrix: each emulator fault, the real CLI, exactly the findings the fault explains.

One test per ``Fault``: the emulator runs on a loopback port with that fault and
``oidc-probe check --format json`` runs against it in a subprocess. The test asserts
the exit code, the status of the check the fault is aimed at (``Fault.fails``), and
that nothing else fails or warns beyond what the fault explains (listed per fault
below, each with its reason) and the baseline of every emulator run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from oidc_probe.checks.catalogue import get_check
from oidc_probe.core.model import Status
from oidc_probe.fake_cognito import Fault

from .conftest import CliResult, Emulator, probe

Finding = tuple[str, str, str]  # (check id, subject, status); subject "*" matches any
ANY = "*"

# Every run against the emulator: its URLs are plain http on a loopback host.
BASELINE: frozenset[Finding] = frozenset({("CFG002", ANY, "warn")})


# The status of the target check when it is not the check's severity: IDT008 fails a
# token issued in the future, and only warns about an old one (it may be the local clock).
TARGET_STATUS = {
    Fault.STALE_IAT: "warn",
    # Issue 19: JSON normalised on arrival is a warning naming what changed, not a failure.
    Fault.DEEP_CLAIM: "warn",
    Fault.LONE_SURROGATE_CLAIM: "warn",
    Fault.LONE_SURROGATE_REFRESH_TOKEN: "warn",
    # The exchange with client_secret_basic succeeded: the document's omission is a warning.
    Fault.DISCOVERY_NO_BASIC_AUTH: "warn",
    # The ID token was RS256 and verified: the document's HS256-only list is a warning.
    Fault.DISCOVERY_HS256_ONLY: "warn",
    # The login through the configured endpoints worked: another domain of the same pool.
    Fault.DISCOVERY_ENDPOINT_MISMATCH: "warn",
}

UNALLOWED_SCOPES = "openid,email,profile,aws.cognito.signin.user.admin"

# Extra CLI arguments a fault needs to be visible.
EXTRA_ARGS: dict[Fault, tuple[str, ...]] = {
    Fault.DISCOVERY_PKCE_PLAIN_ONLY: ("--pkce",),  # DSC008 judges PKCE only when enabled
    Fault.DISCOVERY_PKCE_S256: ("--pkce",),
    # Security flaws only the active checks (one more login each) can see.
    Fault.CODE_REUSABLE: ("--active",),
    Fault.PKCE_NOT_ENFORCED: ("--active", "--pkce"),
    Fault.OPEN_REDIRECT: ("--active",),
    # Issue 13: a scope the demo client does not allow, refused (or dropped) three ways.
    Fault.UNALLOWED_SCOPE_ERROR_PAGE: ("--scopes", UNALLOWED_SCOPES),
    Fault.UNALLOWED_SCOPE_INVALID_REQUEST: ("--scopes", UNALLOWED_SCOPES),
    Fault.UNALLOWED_SCOPE_IGNORED: ("--scopes", UNALLOWED_SCOPES),
    # Without the hosted UI session the active checks' extra logins sign in again.
    Fault.NO_SESSION: ("--active", "--pkce"),
    # The refresh_token grant: only --active redeems the refresh token (TOK007).
    Fault.REFRESH_REFUSED: ("--active",),
    Fault.REFRESH_NEW_SUB: ("--active",),
}


def fail(check_id: str, subject: str = ANY) -> Finding:
    return (check_id, subject, "fail")


def warn(check_id: str, subject: str = ANY) -> Finding:
    return (check_id, subject, "warn")


# What a fault legitimately breaks besides its target check, with the reason.
ALSO: dict[Fault, frozenset[Finding]] = {
    # No email at all, so there is no email_verified either.
    Fault.NO_EMAIL: frozenset({warn("CLM002", "email_verified")}),
    # The ID token keeps only protocol claims: the email (CLM001, and so CLM002) and
    # the configured name and cognito:groups (CLM003) are missing from it, and CLM004
    # names each of them because userinfo has them.
    Fault.CLAIMS_ONLY_IN_USERINFO: frozenset(
        {
            fail("CLM001", "email"),
            warn("CLM002", "email_verified"),
            fail("CLM003", "name"),
            fail("CLM003", "cognito:groups"),
        }
    ),
    # sub is a configured claim (CLM003) and userinfo still has it (CLM004).
    Fault.NO_SUB: frozenset({fail("CLM003", "sub"), fail("CLM004", "sub")}),
    # An access token has no aud (client_id instead), no nonce, no email, no name and
    # username instead of cognito:username; userinfo has email and name (CLM004).
    Fault.TOKEN_USE_ACCESS: frozenset(
        {
            fail("IDT006"),
            fail("IDT009"),
            fail("CLM001", "email"),
            warn("CLM002", "email_verified"),
            fail("CLM003", "cognito:username"),
            fail("CLM003", "name"),
            fail("CLM004", "email"),
            fail("CLM004", "name"),
        }
    ),
    # An empty key set holds no key with the token's kid.
    Fault.JWKS_EMPTY: frozenset({fail("IDT003")}),
    # The HTML page comes without Cache-Control: no-store.
    Fault.TOKEN_HTML: frozenset({warn("TOK003")}),
    # The extra scope is not in Cognito's scopes_supported, which DSC005 points out.
    **{
        fault: frozenset({warn("DSC005", "aws.cognito.signin.user.admin")})
        for fault in (
            Fault.UNALLOWED_SCOPE_ERROR_PAGE,
            Fault.UNALLOWED_SCOPE_INVALID_REQUEST,
            Fault.UNALLOWED_SCOPE_IGNORED,
        )
    },
    # The only algorithm listed is HS256, offered and not used: DSC007 notes it by name (info).
    # The error in the same callback is reported as the refusal it claims to be.
    Fault.CALLBACK_CODE_AND_ERROR: frozenset({fail("AUT001")}),
    # The kid names two keys: IDT003 warns that the set is ambiguous.
    Fault.DUPLICATE_KID: frozenset({warn("IDT003")}),
    # No kid and several keys: IDT003 warns that a verifier cannot tell which key; the
    # probe does not guess, so the signature is not verified and IDT004 fails (issue 19).
    Fault.NO_KID_MULTIPLE_KEYS: frozenset({warn("IDT003")}),
    # Issued two hours (ten years) ago, and received just now from the token endpoint.
    Fault.EXPIRED: frozenset({warn("IDT008")}),
    Fault.TEN_YEAR_LIFETIME: frozenset({warn("IDT008")}),
}

# Checks that must pass under the fault: the behaviour the fault exists to prove.
MUST_PASS: dict[Fault, tuple[str, ...]] = {
    Fault.ROTATE_KEYS: ("IDT003", "IDT004"),
    Fault.NO_KID_SINGLE_KEY: ("IDT003", "IDT004"),
    Fault.DISCOVERY_PKCE_S256: ("DSC008",),
    Fault.CALLBACK_ISS: ("AUT004",),
    Fault.UNALLOWED_SCOPE_IGNORED: ("AUT001", "TOK001", "CLM001"),
    Fault.NO_SESSION: ("TOK004", "TOK005", "AUT005", "TOK007"),
    # A refused refresh is not a broken login: the code exchange and the replay test hold.
    Fault.REFRESH_REFUSED: ("TOK001", "TOK004"),
    # Only the refreshed tokens carry the other sub: the main ID token and userinfo agree.
    Fault.REFRESH_NEW_SUB: ("CLM003", "USR002"),
    # The real issuer comes last, and the last value is the one the probe keeps.
    Fault.DUPLICATE_CLAIMS: ("IDT005", "IDT004"),
    # typ does not stop the signature from verifying: only IDT015 sees it.
    Fault.TYP_AT_JWT: ("IDT004",),
    # token_type is compared case-insensitively (RFC 6749 5.1, 7.1).
    Fault.TOKEN_TYPE_LOWERCASE: ("TOK002",),
    # Whitespace around JSON is legal (RFC 8259).
    Fault.TOKEN_PADDED_JSON: ("TOK002", "TOK006"),
    # The last id_token (the real one) is the one used.
    Fault.TOKEN_DUPLICATE_KEYS: ("TOK002", "IDT004"),
    # A 160 kB token verifies (joserfc's 128,000-byte default would call it a bad signature).
    Fault.LARGE_ID_TOKEN: ("IDT001", "IDT004"),
    # Normalised values still verify: the signature is over the bytes as sent.
    Fault.DEEP_CLAIM: ("IDT004",),
    Fault.LONE_SURROGATE_CLAIM: ("IDT004",),
    # OpenID Connect Discovery 1.0 3: encryption keys may sit beside the signing keys.
    Fault.ENC_KEY_IN_JWKS: ("JWK001", "JWK002", "IDT004"),
}

# Words the target finding's message must hold: how the probe got it right.
MESSAGE: dict[Fault, tuple[str, str]] = {
    Fault.ROTATE_KEYS: ("IDT003", "after refetching certs_url"),
    Fault.TEN_YEAR_LIFETIME: ("IDT017", "10.0 years"),
    Fault.STALE_IAT: ("IDT008", "s before it was checked"),
    Fault.CRIT_UNKNOWN: ("IDT014", "urn:oidc-probe:unknown-extension"),
    Fault.AZP_OTHER_CLIENT: ("IDT006", "azp names another party"),
    Fault.STATE_CASE_CHANGED: ("AUT003", "only in letter case"),
    Fault.CALLBACK_REPEATED_STATE: ("AUT006", "state appear more than once"),
    Fault.CALLBACK_IN_FRAGMENT: ("AUT006", "fragment"),
    Fault.CALLBACK_CODE_AND_ERROR: ("AUT006", "both code and error"),
    Fault.TOKEN_DUPLICATE_KEYS: ("TOK006", "repeats id_token"),
    Fault.TOKEN_BOM: ("TOK006", "byte order mark"),
    Fault.TOKEN_PADDED_JSON: ("TOK006", "whitespace"),
    Fault.DUPLICATE_KID: ("IDT004", "key 2 of them verifies it"),
    Fault.SIGNING_KEY_USE_ENC: ("IDT018", "use is 'enc'"),
    Fault.SIGNING_KEY_ALG_MISMATCH: ("IDT018", "its alg is 'RS512'"),
    Fault.SIGNING_KEY_OPS_ENCRYPT: ("IDT018", "do not include 'verify'"),
    Fault.EC_KEY_FOR_RS_TOKEN: ("IDT018", "EC key"),
    Fault.REFRESH_REFUSED: ("TOK007", "HTTP 400 invalid_grant"),
    Fault.REFRESH_NEW_SUB: ("TOK007", "sub is not the main ID token's"),
    # Issue 19: a key no verifier can use fails the signature, naming why.
    Fault.SIGNING_KEY_RSA_E_1: ("IDT004", "public exponent e is 1"),
    Fault.SIGNING_KEY_RSA_E_EVEN: ("IDT004", "requires an odd e"),
    Fault.SIGNING_KEY_RSA_N_EVEN: ("IDT004", "not an RSA modulus"),
    Fault.SIGNING_KEY_RSA_OVERSIZED: ("IDT004", "refuse more than 16384"),
    Fault.SIGNING_KEY_EC_OFF_CURVE: ("IDT004", "not on curve P-256"),
    Fault.SIGNING_KEY_UNKNOWN_KTY: ("IDT018", "RSA-X key"),
    Fault.SIGNING_KEY_EC_UNKNOWN_CURVE: ("IDT018", "its curve is P-192"),
    Fault.NO_KID_MULTIPLE_KEYS: ("IDT004", "does not guess"),
    Fault.DEEP_CLAIM: ("IDT001", "nested over 64 levels"),
    Fault.LONE_SURROGATE_CLAIM: ("IDT001", "replaced with U+FFFD (at name)"),
    Fault.LONE_SURROGATE_REFRESH_TOKEN: ("TOK006", "replaced with U+FFFD (at refresh_token)"),
    Fault.DISCOVERY_NO_BASIC_AUTH: ("DSC006", "authenticated with it and succeeded"),
    Fault.DISCOVERY_HS256_ONLY: ("DSC007", "signed RS256 and verified"),
    Fault.DISCOVERY_ENDPOINT_MISMATCH: ("DSC003", "the ID token it brought verifies"),
    # Issue 19 item 4: the page that stopped the login is named.
    Fault.LOGIN_NEW_PASSWORD_REQUIRED: ("AUT002", "login stopped at a forced password change"),
    Fault.LOGIN_USER_DISABLED: ("AUT002", "the user is disabled"),
    Fault.LOGIN_USER_UNCONFIRMED: ("AUT002", "account-confirmation page"),
    Fault.LOGIN_MFA_TOTP: ("AUT002", "multi-factor authentication prompt"),
    Fault.LOGIN_CONSENT: ("AUT002", "consent page"),
    Fault.LOGIN_ACCOUNT_SELECTION: ("AUT002", "account-selection page"),
}

# Checks that must never pass under the fault.
NEVER_PASS: dict[Fault, tuple[str, ...]] = {
    Fault.HS256_KEY_CONFUSION: ("IDT004",),
    Fault.ALG_NONE: ("IDT004",),
    Fault.BAD_SIGNATURE: ("IDT004",),
    # joserfc would verify an RFC 7797 token; the verify stage refuses crit/b64 first.
    Fault.CRIT_B64_FALSE: ("IDT004",),
    Fault.CRIT_UNKNOWN: ("IDT004",),
    # RFC 9207: after a mix-up the code is not redeemed, so nothing downstream can pass.
    Fault.WRONG_CALLBACK_ISS: ("TOK001", "IDT004"),
    # A key that may not verify the alg is never tried.
    Fault.SIGNING_KEY_USE_ENC: ("IDT004",),
    Fault.SIGNING_KEY_ALG_MISMATCH: ("IDT004",),
    Fault.SIGNING_KEY_OPS_ENCRYPT: ("IDT004",),
    Fault.EC_KEY_FOR_RS_TOKEN: ("IDT004",),
    **dict.fromkeys(
        (
            Fault.SIGNING_KEY_RSA_E_1,
            Fault.SIGNING_KEY_RSA_E_EVEN,
            Fault.SIGNING_KEY_RSA_N_EVEN,
            Fault.SIGNING_KEY_RSA_OVERSIZED,
            Fault.SIGNING_KEY_EC_OFF_CURVE,
            Fault.SIGNING_KEY_UNKNOWN_KTY,
        ),
        ("IDT004",),
    ),
}


def target_status(fault: Fault) -> str | None:
    if not fault.fails:
        return None
    if fault in TARGET_STATUS:
        return TARGET_STATUS[fault]
    spec = get_check(fault.fails[0])
    assert spec is not None, f"{fault.value} names an unknown check {fault.fails[0]}"
    return Status.WARN.value if spec.severity is Status.WARN else Status.FAIL.value


def unexplained(checks: list[dict[str, Any]], allowed: frozenset[Finding]) -> list[Finding]:
    def explained(finding: Finding) -> bool:
        check_id, subject, status = finding
        return any(
            a_id == check_id and a_status == status and a_subject in (ANY, subject)
            for a_id, a_subject, a_status in allowed
        )

    found = [(c["id"], c["subject"], c["status"]) for c in checks]
    return [f for f in found if f[2] in ("fail", "warn") and not explained(f)]


def statuses(checks: list[dict[str, Any]], check_id: str) -> set[str]:
    return {c["status"] for c in checks if c["id"] == check_id}


def _params() -> list[Any]:
    return [pytest.param(fault, id=fault.value) for fault in Fault]


@pytest.mark.parametrize("fault", _params())
def test_fault_fails_exactly_its_check(
    fault: Fault, emulator_factory: Callable[..., Emulator]
) -> None:
    result = probe(emulator_factory(fault.value), *EXTRA_ARGS.get(fault, ()))
    checks = _report_checks(result)
    expected = target_status(fault)
    allowed = BASELINE | ALSO.get(fault, frozenset())
    if expected is not None:
        allowed |= {(check_id, ANY, expected) for check_id in fault.fails}
        for check_id in fault.fails:
            assert expected in statuses(checks, check_id), (check_id, statuses(checks, check_id))
    assert unexplained(checks, allowed) == []
    for check_id in MUST_PASS.get(fault, ()):
        assert statuses(checks, check_id) == {"pass"}, check_id
    for check_id in NEVER_PASS.get(fault, ()):
        assert "pass" not in statuses(checks, check_id), check_id
    if fault in MESSAGE:
        check_id, words = MESSAGE[fault]
        assert any(words in c["message"] for c in checks if c["id"] == check_id), check_id
    assert result.code == (1 if expected == "fail" else 0), result.stderr


def test_fault_table_names_only_known_checks() -> None:
    for fault in Fault:
        for check_id in fault.fails:
            assert get_check(check_id) is not None, (fault.value, check_id)


def _report_checks(result: CliResult) -> list[dict[str, Any]]:
    assert "Traceback" not in result.stderr, result.stderr
    checks: list[dict[str, Any]] = result.json()["checks"]
    return checks


def test_a_missing_nonce_is_judged_by_the_spec_not_by_an_assumption(
    emulator_factory: Callable[..., Emulator],
) -> None:
    """IDT009 says what is known (the probe sent a nonce; OIDC Core 3.1.3.7 requires it
    back), not that Access sends one with every login (an assumption)."""
    result = probe(emulator_factory("nonce-missing"))
    (finding,) = [c for c in result.json()["checks"] if c["id"] == "IDT009"]
    assert finding["status"] == "fail"
    assert "the probe sent one" in finding["message"]
    assert "3.1.3.7" in finding["message"]
    assert "Access sends" not in finding["message"]
