"""Ways the emulator can be told to misbehave, each aimed at one check of the probe."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from oidc_probe.core.errors import ConfigError


class Fault(StrEnum):
    NO_EMAIL = "no-email"
    EMAIL_UNVERIFIED = "email-unverified"
    GROUPS_AS_STRING = "groups-as-string"
    CLAIMS_ONLY_IN_USERINFO = "claims-only-in-userinfo"
    MANY_GROUPS = "many-groups"
    WRONG_ISS = "wrong-iss"
    WRONG_AUD = "wrong-aud"
    EXPIRED = "expired"
    EXP_IN_MILLISECONDS = "exp-in-milliseconds"
    IAT_IN_FUTURE = "iat-in-future"
    NONCE_MISMATCH = "nonce-mismatch"
    NONCE_MISSING = "nonce-missing"
    BAD_AT_HASH = "bad-at-hash"
    NO_SUB = "no-sub"
    TOKEN_USE_ACCESS = "token-use-access"
    BAD_SIGNATURE = "bad-signature"
    ALG_NONE = "alg-none"
    HS256_KEY_CONFUSION = "hs256-key-confusion"
    UNKNOWN_KID = "unknown-kid"
    NO_KID_MULTIPLE_KEYS = "no-kid-multiple-keys"
    STATE_MISMATCH = "state-mismatch"
    WRONG_CALLBACK_ISS = "wrong-callback-iss"
    USERINFO_SUB_MISMATCH = "userinfo-sub-mismatch"
    PRIVATE_KEY_IN_JWKS = "private-key-in-jwks"
    SYMMETRIC_KEY_IN_JWKS = "symmetric-key-in-jwks"
    RSA_1024 = "rsa-1024"
    JWKS_500 = "jwks-500"
    JWKS_HTML = "jwks-html"
    JWKS_EMPTY = "jwks-empty"
    DISCOVERY_ISSUER_MISMATCH = "discovery-issuer-mismatch"
    DISCOVERY_ENDPOINT_MISMATCH = "discovery-endpoint-mismatch"
    DISCOVERY_MISSING_FIELDS = "discovery-missing-fields"
    TOKEN_INVALID_CLIENT = "token-invalid-client"
    TOKEN_500 = "token-500"
    TOKEN_HTML = "token-html"
    TOKEN_NO_ID_TOKEN = "token-no-id-token"
    TOKEN_CACHEABLE = "token-cacheable"
    ROTATE_KEYS = "rotate-keys"
    CODE_REUSABLE = "code-reusable"
    PKCE_NOT_ENFORCED = "pkce-not-enforced"
    OPEN_REDIRECT = "open-redirect"
    ID_TOKEN_MALFORMED = "id-token-malformed"
    WRONG_AZP = "wrong-azp"
    NO_KID_SINGLE_KEY = "no-kid-single-key"
    JWKS_MALFORMED_KEY = "jwks-malformed-key"
    DISCOVERY_404 = "discovery-404"
    DISCOVERY_SCOPES_LIMITED = "discovery-scopes-limited"
    DISCOVERY_NO_BASIC_AUTH = "discovery-no-basic-auth"
    DISCOVERY_HS256_ONLY = "discovery-hs256-only"
    DISCOVERY_PKCE_PLAIN_ONLY = "discovery-pkce-plain-only"
    DISCOVERY_PKCE_S256 = "discovery-pkce-s256"
    CALLBACK_ISS = "callback-iss"
    USERINFO_500 = "userinfo-500"
    # Issue 13: Cognito behaviours that sources disagree on (see scopes.py, hosted_ui.py).
    UNALLOWED_SCOPE_ERROR_PAGE = "unallowed-scope-error-page"
    UNALLOWED_SCOPE_IGNORED = "unallowed-scope-ignored"
    UNALLOWED_SCOPE_INVALID_REQUEST = "unallowed-scope-invalid-request"
    NO_SESSION = "no-session"
    # The verifier, clause by clause (OIDC Core 3.1.3.7, RFC 7519, RFC 7515, RFC 8725).
    NBF_IN_FUTURE = "nbf-in-future"
    AZP_OTHER_CLIENT = "azp-other-client"
    CRIT_B64_FALSE = "crit-b64-false"
    TYP_AT_JWT = "typ-at-jwt"
    DUPLICATE_CLAIMS = "duplicate-claims"
    TEN_YEAR_LIFETIME = "ten-year-lifetime"
    STALE_IAT = "stale-iat"
    CRIT_UNKNOWN = "crit-unknown"
    CALLBACK_CODE_AND_ERROR = "callback-code-and-error"
    CALLBACK_REPEATED_STATE = "callback-repeated-state"
    CALLBACK_IN_FRAGMENT = "callback-in-fragment"
    STATE_CASE_CHANGED = "state-case-changed"
    TOKEN_TYPE_MAC = "token-type-mac"
    TOKEN_TYPE_LOWERCASE = "token-type-lowercase"
    ID_TOKEN_NOT_STRING = "id-token-not-string"
    TOKEN_DUPLICATE_KEYS = "token-duplicate-keys"
    TOKEN_BOM = "token-bom"
    TOKEN_PADDED_JSON = "token-padded-json"
    DUPLICATE_KID = "duplicate-kid"
    SIGNING_KEY_USE_ENC = "signing-key-use-enc"
    SIGNING_KEY_ALG_MISMATCH = "signing-key-alg-mismatch"
    SIGNING_KEY_OPS_ENCRYPT = "signing-key-ops-encrypt"
    EC_KEY_FOR_RS_TOKEN = "ec-key-for-rs-token"
    # Issue 13 item 6: the refresh_token grant (seen with --active, TOK007).
    REFRESH_REFUSED = "refresh-refused"
    REFRESH_NEW_SUB = "refresh-new-sub"
    # Issue 19 item 1: a signing key no verifier can use (the signature is never verified).
    SIGNING_KEY_RSA_E_1 = "signing-key-rsa-e-1"
    SIGNING_KEY_RSA_E_EVEN = "signing-key-rsa-e-even"
    SIGNING_KEY_RSA_N_EVEN = "signing-key-rsa-n-even"
    SIGNING_KEY_RSA_OVERSIZED = "signing-key-rsa-oversized"
    SIGNING_KEY_EC_OFF_CURVE = "signing-key-ec-off-curve"
    SIGNING_KEY_UNKNOWN_KTY = "signing-key-unknown-kty"
    SIGNING_KEY_EC_UNKNOWN_CURVE = "signing-key-ec-unknown-curve"
    # Issue 19 item 2: JSON a server may send within the cap, each giving a full report.
    DEEP_CLAIM = "deep-claim"
    LONE_SURROGATE_CLAIM = "lone-surrogate-claim"
    LONE_SURROGATE_REFRESH_TOKEN = "lone-surrogate-refresh-token"
    LARGE_ID_TOKEN = "large-id-token"
    # Issue 19 item 3: what OpenID Connect Discovery 1.0 section 3 allows in the JWKS.
    ENC_KEY_IN_JWKS = "enc-key-in-jwks"
    # Issue 19 item 4: pages that stop the login after a correct password.
    LOGIN_NEW_PASSWORD_REQUIRED = "login-new-password-required"
    LOGIN_USER_DISABLED = "login-user-disabled"
    LOGIN_USER_UNCONFIRMED = "login-user-unconfirmed"
    LOGIN_MFA_TOTP = "login-mfa-totp"
    LOGIN_CONSENT = "login-consent"
    LOGIN_ACCOUNT_SELECTION = "login-account-selection"

    @property
    def description(self) -> str:
        return _INFO[self].description

    @property
    def fails(self) -> tuple[str, ...]:
        """The probe checks meant to fail (or warn, for warn-only checks); empty if none should."""
        return _INFO[self].fails


@dataclass(frozen=True)
class _Info:
    """One fault's description and the checks it should make fail."""

    description: str
    fails: tuple[str, ...] = ()


_INFO: dict[Fault, _Info] = {
    Fault.NO_EMAIL: _Info("the user has no email: no email claim anywhere", ("CLM001",)),
    Fault.EMAIL_UNVERIFIED: _Info("email_verified is false", ("CLM002",)),
    Fault.GROUPS_AS_STRING: _Info(
        "cognito:groups is a comma-separated string instead of an array", ("CLM005",)
    ),
    Fault.CLAIMS_ONLY_IN_USERINFO: _Info(
        "email, name, groups and custom attributes only in userinfo, not in the ID token",
        ("CLM004",),
    ),
    Fault.MANY_GROUPS: _Info(
        "the user is in so many groups that the claims pass the custom-claim budget", ("CLM006",)
    ),
    Fault.WRONG_ISS: _Info("the ID token's iss names another pool", ("IDT005",)),
    Fault.WRONG_AUD: _Info("the ID token's aud is another client id", ("IDT006",)),
    Fault.EXPIRED: _Info("the ID token expired an hour ago", ("IDT007",)),
    Fault.EXP_IN_MILLISECONDS: _Info("the ID token's exp is in milliseconds", ("IDT007",)),
    Fault.IAT_IN_FUTURE: _Info("the ID token's iat is an hour in the future", ("IDT008",)),
    Fault.NONCE_MISMATCH: _Info("the ID token carries a different nonce", ("IDT009",)),
    Fault.NONCE_MISSING: _Info("the ID token has no nonce although one was sent", ("IDT009",)),
    Fault.BAD_AT_HASH: _Info("at_hash does not match the access token", ("IDT010",)),
    Fault.NO_SUB: _Info("the ID token has no sub", ("IDT011",)),
    Fault.TOKEN_USE_ACCESS: _Info("the access token is returned as id_token", ("IDT012",)),
    Fault.BAD_SIGNATURE: _Info("the ID token payload is altered after signing", ("IDT004",)),
    Fault.ALG_NONE: _Info('the ID token is unsigned (alg "none")', ("IDT002",)),
    Fault.HS256_KEY_CONFUSION: _Info(
        "the ID token is HS256-signed with the RSA public key as the secret", ("IDT002",)
    ),
    Fault.UNKNOWN_KID: _Info("the ID token's kid is not in the JWKS", ("IDT003",)),
    Fault.NO_KID_MULTIPLE_KEYS: _Info(
        "the ID token has no kid while the JWKS holds several keys (not verified)", ("IDT004",)
    ),
    Fault.STATE_MISMATCH: _Info("the callback returns a different state", ("AUT003",)),
    Fault.WRONG_CALLBACK_ISS: _Info(
        "the callback carries an RFC 9207 iss naming another issuer", ("AUT004",)
    ),
    Fault.USERINFO_SUB_MISMATCH: _Info("userinfo returns a different sub", ("USR002",)),
    Fault.PRIVATE_KEY_IN_JWKS: _Info("the JWKS publishes the private key parts", ("JWK003",)),
    Fault.SYMMETRIC_KEY_IN_JWKS: _Info("the JWKS also holds a symmetric (oct) key", ("JWK003",)),
    Fault.RSA_1024: _Info("the signing keys are 1024-bit RSA", ("JWK004",)),
    Fault.JWKS_500: _Info("the JWKS endpoint answers HTTP 500", ("JWK001",)),
    Fault.JWKS_HTML: _Info("the JWKS endpoint answers an HTML page", ("JWK001",)),
    Fault.JWKS_EMPTY: _Info("the JWKS has no keys", ("JWK001",)),
    Fault.DISCOVERY_ISSUER_MISMATCH: _Info(
        "the discovery document names another issuer", ("DSC002",)
    ),
    Fault.DISCOVERY_ENDPOINT_MISMATCH: _Info(
        "discovery lists authorization and token endpoints other than the real ones (the login "
        "through the configured ones works: a warning)",
        ("DSC003",),
    ),
    Fault.DISCOVERY_MISSING_FIELDS: _Info(
        "discovery lacks response_types_supported and subject_types_supported", ("DSC004",)
    ),
    Fault.TOKEN_INVALID_CLIENT: _Info(
        "the token endpoint rejects every client with invalid_client", ("TOK001",)
    ),
    Fault.TOKEN_500: _Info("the token endpoint answers HTTP 500", ("TOK001",)),
    Fault.TOKEN_HTML: _Info("the token endpoint answers an HTML page", ("TOK002",)),
    Fault.TOKEN_NO_ID_TOKEN: _Info("the token response has no id_token", ("TOK002",)),
    Fault.TOKEN_CACHEABLE: _Info("the token response lacks Cache-Control: no-store", ("TOK003",)),
    Fault.ROTATE_KEYS: _Info(
        "tokens are signed with a key the JWKS lists only after its first fetch "
        "(nothing should fail: a JWKS refetch finds it)"
    ),
    Fault.CODE_REUSABLE: _Info(
        "authorization codes can be redeemed more than once (a security flaw; seen with --active)",
        ("TOK004",),
    ),
    Fault.PKCE_NOT_ENFORCED: _Info(
        "the token endpoint ignores code_verifier (a security flaw; seen with --active --pkce)",
        ("TOK005",),
    ),
    Fault.OPEN_REDIRECT: _Info(
        "authorize redirects to unregistered redirect URIs (a security flaw; seen with --active)",
        ("AUT005",),
    ),
    Fault.ID_TOKEN_MALFORMED: _Info("the id_token is an opaque string, not a JWS", ("IDT001",)),
    Fault.WRONG_AZP: _Info(
        "the ID token's aud holds the client id and another audience; azp names the other",
        ("IDT006",),
    ),
    Fault.NO_KID_SINGLE_KEY: _Info(
        "the ID token has no kid and the JWKS holds only its signing key "
        "(nothing should fail: the one key verifies it)"
    ),
    Fault.JWKS_MALFORMED_KEY: _Info("the JWKS also holds an RSA key without n and e", ("JWK002",)),
    Fault.DISCOVERY_404: _Info("the discovery document answers HTTP 404", ("DSC001",)),
    Fault.DISCOVERY_SCOPES_LIMITED: _Info(
        "discovery lists only openid in scopes_supported", ("DSC005",)
    ),
    Fault.DISCOVERY_NO_BASIC_AUTH: _Info(
        "discovery lists client_secret_post as the only token endpoint auth method (the "
        "exchange with client_secret_basic succeeds: a warning)",
        ("DSC006",),
    ),
    Fault.DISCOVERY_HS256_ONLY: _Info(
        "discovery lists HS256 as the only ID token signing algorithm (the token is RS256 "
        "and verifies: a warning)",
        ("DSC007",),
    ),
    Fault.DISCOVERY_PKCE_PLAIN_ONLY: _Info(
        "discovery lists plain as the only PKCE method (seen with pkce_enabled)", ("DSC008",)
    ),
    Fault.DISCOVERY_PKCE_S256: _Info(
        "discovery lists S256 in code_challenge_methods_supported, which Cognito leaves out "
        "(nothing should fail)"
    ),
    Fault.CALLBACK_ISS: _Info(
        "the callback carries the right RFC 9207 iss, which Cognito does not send "
        "(nothing should fail)"
    ),
    Fault.USERINFO_500: _Info("the userinfo endpoint answers HTTP 500", ("USR001",)),
    Fault.UNALLOWED_SCOPE_ERROR_PAGE: _Info(
        "a scope the app client does not allow shows Cognito's /error page instead of an "
        "invalid_scope redirect (seen when the probe requests such a scope)",
        ("AUT001",),
    ),
    Fault.UNALLOWED_SCOPE_IGNORED: _Info(
        "a scope the app client does not allow is silently left out instead of an "
        "invalid_scope redirect (the login goes on without it; seen when the probe requests "
        "such a scope)",
        ("CLM007",),
    ),
    Fault.UNALLOWED_SCOPE_INVALID_REQUEST: _Info(
        "a scope the app client does not allow redirects with error=invalid_request and "
        "error_description=invalid_scope, as users report (seen when the probe requests such "
        "a scope)",
        ("AUT001",),
    ),
    Fault.NO_SESSION: _Info(
        "the hosted UI keeps no session cookie: every authorization shows the sign-in form "
        "(nothing should fail)"
    ),
    Fault.NBF_IN_FUTURE: _Info("the ID token's nbf is two hours in the future", ("IDT013",)),
    Fault.AZP_OTHER_CLIENT: _Info(
        "the ID token's aud is the client id alone, but azp names another client", ("IDT006",)
    ),
    Fault.CRIT_B64_FALSE: _Info(
        "the ID token header lists b64 false in crit (RFC 7797), over an encoded payload",
        ("IDT014",),
    ),
    Fault.TYP_AT_JWT: _Info("the ID token header says typ at+jwt (an access token)", ("IDT015",)),
    Fault.DUPLICATE_CLAIMS: _Info(
        "the ID token payload has iss twice: another issuer first, the real one last",
        ("IDT016",),
    ),
    Fault.STALE_IAT: _Info(
        "the ID token the token endpoint returns says it was issued an hour ago", ("IDT008",)
    ),
    Fault.CRIT_UNKNOWN: _Info(
        "the ID token header lists an unknown extension in crit (and carries it)", ("IDT014",)
    ),
    Fault.TEN_YEAR_LIFETIME: _Info(
        "the ID token was issued ten years ago and expires in an hour", ("IDT017",)
    ),
    Fault.CALLBACK_CODE_AND_ERROR: _Info(
        "the callback carries a code and an error (server_error) at once", ("AUT006",)
    ),
    Fault.CALLBACK_REPEATED_STATE: _Info(
        "the callback carries state twice: a decoy first, the real one last", ("AUT006",)
    ),
    Fault.CALLBACK_IN_FRAGMENT: _Info(
        "the callback puts code and state in the URL fragment, not the query", ("AUT006",)
    ),
    Fault.STATE_CASE_CHANGED: _Info(
        "the callback returns the state with its letter case swapped", ("AUT003",)
    ),
    Fault.TOKEN_TYPE_MAC: _Info("the token response says token_type mac", ("TOK002",)),
    Fault.TOKEN_TYPE_LOWERCASE: _Info(
        "the token response says token_type bearer in lower case (nothing should fail)"
    ),
    Fault.ID_TOKEN_NOT_STRING: _Info(
        "the token response's id_token is a JSON object holding the token", ("TOK002",)
    ),
    Fault.TOKEN_DUPLICATE_KEYS: _Info(
        "the token response has id_token twice: a forged one first, the real one last",
        ("TOK006",),
    ),
    Fault.TOKEN_BOM: _Info(
        "the token response body starts with a UTF-8 byte order mark", ("TOK006", "TOK002")
    ),
    Fault.TOKEN_PADDED_JSON: _Info(
        "the token response JSON is surrounded by whitespace (nothing should fail)"
    ),
    Fault.DUPLICATE_KID: _Info(
        "the JWKS lists another RSA key first under the signing key's kid", ("JWK002", "IDT004")
    ),
    Fault.SIGNING_KEY_USE_ENC: _Info(
        "the JWKS publishes the ID-token signing key with use enc", ("IDT018",)
    ),
    Fault.SIGNING_KEY_ALG_MISMATCH: _Info(
        "the JWKS publishes the RS256 signing key with alg RS512", ("IDT018",)
    ),
    Fault.SIGNING_KEY_OPS_ENCRYPT: _Info(
        'the JWKS publishes the signing key with key_ops ["encrypt"]', ("IDT018",)
    ),
    Fault.EC_KEY_FOR_RS_TOKEN: _Info(
        "the JWKS lists an EC key under the kid of the RS256 ID-token signing key", ("IDT018",)
    ),
    Fault.REFRESH_REFUSED: _Info(
        "the token endpoint answers invalid_grant to a valid refresh token (seen with --active)",
        ("TOK007",),
    ),
    Fault.REFRESH_NEW_SUB: _Info(
        "tokens from the refresh_token grant carry another user's sub (seen with --active)",
        ("TOK007",),
    ),
    Fault.SIGNING_KEY_RSA_E_1: _Info(
        "the JWKS publishes the ID-token signing key with public exponent e = 1",
        ("IDT004", "JWK002"),
    ),
    Fault.SIGNING_KEY_RSA_E_EVEN: _Info(
        "the JWKS publishes the ID-token signing key with an even exponent (e = 65536)",
        ("IDT004", "JWK002"),
    ),
    Fault.SIGNING_KEY_RSA_N_EVEN: _Info(
        "the JWKS publishes the ID-token signing key with an even modulus (n - 1)",
        ("IDT004", "JWK002"),
    ),
    Fault.SIGNING_KEY_RSA_OVERSIZED: _Info(
        "the JWKS publishes the ID-token signing key with a 16,400-bit modulus",
        ("IDT004", "JWK002"),
    ),
    Fault.SIGNING_KEY_EC_OFF_CURVE: _Info(
        "the ID token is signed ES256 and the JWKS publishes its key with a point off P-256",
        ("IDT004", "JWK002"),
    ),
    Fault.SIGNING_KEY_EC_UNKNOWN_CURVE: _Info(
        "the ID token is signed ES256 and the JWKS publishes its key with crv P-192",
        ("IDT018", "JWK002"),
    ),
    Fault.SIGNING_KEY_UNKNOWN_KTY: _Info(
        "the JWKS publishes the ID-token signing key with an unknown kty (RSA-X)", ("IDT018",)
    ),
    Fault.DEEP_CLAIM: _Info(
        "the ID token carries a claim nested 500 JSON arrays deep (a warning: kept as text)",
        ("IDT001",),
    ),
    Fault.LONE_SURROGATE_CLAIM: _Info(
        "the ID token's name claim ends with an unpaired surrogate escape (\\ud800)",
        ("IDT001",),
    ),
    Fault.LONE_SURROGATE_REFRESH_TOKEN: _Info(
        "the token response's refresh_token ends with an unpaired surrogate escape (\\ud800)",
        ("TOK006",),
    ),
    Fault.LARGE_ID_TOKEN: _Info(
        "the ID token is about 160 kB, with a large custom claim (nothing should fail)"
    ),
    Fault.ENC_KEY_IN_JWKS: _Info(
        "the JWKS also holds an RSA encryption key (use enc) under its own kid and a key of "
        "an unknown type (nothing should fail)"
    ),
    Fault.LOGIN_NEW_PASSWORD_REQUIRED: _Info(
        "after the password, the hosted UI asks for a new password (NEW_PASSWORD_REQUIRED)",
        ("AUT002",),
    ),
    Fault.LOGIN_USER_DISABLED: _Info(
        'after the password, the sign-in page comes back saying "User is disabled."', ("AUT002",)
    ),
    Fault.LOGIN_USER_UNCONFIRMED: _Info(
        "after the password, the hosted UI asks for the account-confirmation code", ("AUT002",)
    ),
    Fault.LOGIN_MFA_TOTP: _Info(
        "after the password, the hosted UI asks for a TOTP code (software token MFA)",
        ("AUT002",),
    ),
    Fault.LOGIN_CONSENT: _Info(
        "after the password, a consent page that needs a box ticked to approve", ("AUT002",)
    ),
    Fault.LOGIN_ACCOUNT_SELECTION: _Info(
        "after the password, a page asks to choose an account (links, no form)", ("AUT002",)
    ),
}


def parse_faults(names: Iterable[str]) -> frozenset[Fault]:
    """Fault names as given on the command line -> faults; unknown names raise ConfigError."""
    faults: set[Fault] = set()
    for name in names:
        try:
            faults.add(Fault(name.strip().lower()))
        except ValueError:
            valid = ", ".join(f.value for f in Fault)
            raise ConfigError(f"unknown fault {name!r}; valid faults: {valid}") from None
    return frozenset(faults)


def list_faults() -> list[tuple[str, str]]:
    """``(name, description)`` for every fault, for ``--list-faults`` and docs/faults.md."""
    return [(fault.value, _describe(fault)) for fault in Fault]


def _describe(fault: Fault) -> str:
    if fault.fails:
        return f"{fault.description} (caught by {', '.join(fault.fails)})"
    return fault.description


def markdown_table() -> str:
    """The fault table of docs/faults.md, one row per fault (see ``fault_table``)."""
    rows = ["| fault | what the emulator does | check it trips |", "| --- | --- | --- |"]
    for fault in Fault:
        caught = ", ".join(fault.fails) or "none"
        text = fault.description.replace("|", "\\|")
        rows.append(f"| `{fault.value}` | {text} | {caught} |")
    return "\n".join(rows) + "\n"
