"""Hint texts shared by checks: what to change in Cognito or in Cloudflare.

A flat module of string constants and small functions so that several check
modules can share (and add to) it without coupling. Constants ending in
``_COGNITO`` are appended to the generic hint when the provider is Cognito-shaped.
"""

from __future__ import annotations

from oidc_probe.core.config import SECRET_ENV

UNRESERVED = "letters, digits and - . _ ~"

# Configuration
MISSING_SECRET = (
    "put client_secret in the config file or set the environment variable "
    f"{SECRET_ENV}; Access needs a confidential client (one with a client secret)"
)
PLACEHOLDER = "replace the template value with the real one from your identity provider"
CERTS_URL_FORM = (
    "use https://cognito-idp.<region>.amazonaws.com/<region>_<id>/.well-known/jwks.json, "
    "with the user pool ID shown in the Cognito console"
)
ADD_OPENID_SCOPE = (
    'add "openid" to scopes in the Cloudflare identity-provider config; without it '
    "there is no ID token and Access cannot log anyone in"
)
ADD_EMAIL_SCOPE = (
    'add "email" to scopes in the Cloudflare config (and enable the email scope on the '
    "app client); Access needs an email in the ID token"
)
BASIC_AUTH_CHARACTERS = (
    "Cloudflare sends the client id and secret in HTTP Basic auth without form-encoding "
    "them first (RFC 6749 2.3.1 says to), so a provider that decodes them sees other values "
    f"and answers invalid_client; use credentials made only of {UNRESERVED} "
    "(create a new app client or rotate the secret)"
)

# Discovery
DISCOVERY_UNREACHABLE = (
    "the issuer is --issuer, the Cognito pool certs_url names, or the one the provider's "
    "discovery document confirms; check that certs_url names the provider's JWKS (for "
    "Cognito: the right user pool) and that the host is reachable from here (use "
    "--ca-bundle for a private CA)"
)
ISSUER_UNCONFIRMED = (
    "Access needs no issuer (its config has none), but the probe compares tokens and "
    "documents with one: pass --issuer with the provider's issuer, or check that certs_url "
    "is exactly the jwks_uri of the provider's discovery document"
)
ISSUER_MISMATCH = (
    "the document must name exactly the issuer it was fetched for (OpenID Connect Discovery "
    "4.3); ID tokens carry the document's issuer as iss. Check certs_url (or --issuer), "
    "including a trailing slash"
)
ENDPOINT_MISMATCH_COGNITO = (
    "If you deliberately use another domain of the same user pool (a custom domain), "
    "the difference is expected."
)
PKCE_S256 = (
    "with pkce_enabled, Access performs PKCE on every login (Cloudflare generic OIDC); the "
    "method is not documented (ASSUMPTION: S256, the only method Cognito supports); turn "
    "pkce_enabled off in the Cloudflare config, or enable S256 PKCE at the provider"
)
PKCE_COGNITO = "Cognito supports PKCE with S256 without advertising it."

# JWKS
JWKS_UNREACHABLE = (
    "Access fetches the signing keys from certs_url; it must return the JSON Web Key Set "
    '(an object with a non-empty "keys" array)'
)
JWKS_UNREACHABLE_COGNITO = CERTS_URL_FORM.replace("use ", "For Cognito use ", 1) + "."
PRIVATE_KEY_PUBLISHED = (
    "the JWKS is public: it must hold public keys only. Remove the private or symmetric "
    "key material and rotate those keys now, since anyone could have copied them"
)
RSA_KEY_SIZE = (
    "replace the key with an RSA key of at least 2048 bits (or an EC key); "
    "short keys can be factored and are rejected by many verifiers"
)

# Authorization and login
REDIRECT_MISMATCH_COGNITO = (
    "In Cognito they are the app client's Allowed callback URLs. Cognito shows this page too when client_id names no app client of this user pool: "
    "check client_id."
)
INVALID_SCOPE = (
    "a scope in the config is not allowed for this client; remove it from scopes or allow it "
    "at the provider"
)
INVALID_SCOPE_COGNITO = (
    "In Cognito, enable each configured scope (openid is required) in the app client's "
    "allowed OAuth scopes (Login pages / Hosted UI settings)."
)
UNAUTHORIZED_CLIENT = "the client is not allowed to use the authorization code flow"
UNAUTHORIZED_CLIENT_COGNITO = (
    'In Cognito, enable the "Authorization code grant" OAuth grant type on the app client, '
    "and check client_id."
)
INVALID_REQUEST_AUTHORIZE = (
    "the provider rejected a parameter of the authorization request; check client_id, the "
    "redirect URI and, with pkce_enabled, that the provider supports S256 PKCE"
)
UNSUPPORTED_RESPONSE_TYPE = "the provider does not allow response_type=code for this client"
SERVER_ERROR_AUTHORIZE = (
    "the provider failed while handling the request; retry, then check its logs"
)
SERVER_ERROR_COGNITO = (
    "In Cognito this is often a Lambda trigger (pre sign-up, pre token generation) that "
    "failed: see its CloudWatch logs."
)
ACCESS_DENIED = "the user or the provider refused the request; check consent and access policies"
AUTHORIZE_HTTP_ERROR = "the authorization endpoint answered with an HTTP error; check auth_url"
AUTHORIZE_HTTP_ERROR_COGNITO = (
    "For Cognito it is https://<your user pool domain>/oauth2/authorize, and the pool "
    "needs a domain."
)
LOGIN_FAILED = (
    "check --username and the password (in the environment variable named by --password-env, "
    "default OIDC_PROBE_PASSWORD, or --password-stdin)"
)
LOGIN_FAILED_COGNITO = (
    "The Cognito user must be confirmed, enabled, and must not need a new password or MFA "
    "to sign in."
)
NEEDS_JAVASCRIPT = (
    "the form login cannot run JavaScript; use a browser-based login mode "
    "(--login browser, --login paste or --login headless-browser)"
)
NEEDS_JAVASCRIPT_COGNITO = (
    "Cognito's managed login (version 2) pages need JavaScript; the classic hosted UI does not."
)
STATE_MISMATCH = (
    "the provider must return state unchanged (RFC 6749 4.1.2); Access rejects a callback "
    "whose state differs. Look for a proxy or a customisation that rewrites it"
)
CALLBACK_ISS_MISMATCH = (
    "the iss parameter on the callback must equal the issuer (RFC 9207); a different value "
    "signals a mix-up between providers, or an issuer configured wrongly at the provider"
)

# Token endpoint
INVALID_CLIENT = "the client secret is wrong, or the client has no secret"
INVALID_CLIENT_COGNITO = (
    "In Cognito, copy the secret from the app client, or create an app client with a client "
    "secret (Access needs one)."
)
INVALID_CLIENT_BASIC = (
    "With Basic auth, special characters in the client id or secret break the exchange "
    "(see CFG005); try --client-auth post to confirm."
)
INVALID_GRANT = (
    "the authorization code was reused, expired or did not match the redirect URI or PKCE "
    "verifier, or the client may not read an attribute the requested scopes cover"
)
INVALID_GRANT_COGNITO = (
    "In Cognito, codes are single-use and valid 5 minutes; give the app client read access "
    "to every attribute of the requested scopes (for example email_verified)."
)
UNAUTHORIZED_CLIENT_TOKEN = "the authorization code grant is not enabled for this client"
INVALID_REDIRECT = (
    "the redirect_uri sent to the token endpoint differs from the one in the authorization "
    "request, or is not registered for the client"
)
INVALID_REQUEST_TOKEN = (
    "the token request is missing a parameter or repeats one; check the client "
    "authentication method (--client-auth basic or post) and PKCE"
)
UNSUPPORTED_GRANT_TYPE = "enable the authorization code grant for this client at the provider"
INVALID_SCOPE_TOKEN = "a requested scope is not allowed for this client"
TOKEN_SERVER_ERROR = "the token endpoint failed; check token_url and the provider's logs"
TOKEN_URL_WRONG = "check token_url"
TOKEN_URL_COGNITO = "For Cognito it is https://<your user pool domain>/oauth2/token."
NO_ID_TOKEN = (
    "Access reads the user's identity from the ID token; the provider returns one only when "
    "the openid scope is requested and allowed for the client"
)
NO_STORE = (
    "token responses hold credentials; the token endpoint should send Cache-Control: no-store "
    "(RFC 6749 5.1) so that no proxy or cache keeps them"
)


def no_id_token(scopes: tuple[str, ...]) -> str:
    """Why there is no ID token: names the missing ``openid`` scope when it is missing."""
    if "openid" in scopes:
        return NO_ID_TOKEN
    shown = " ".join(scopes) or "none"
    return (
        f'the configured scopes ({shown}) lack "openid": add "openid" to scopes in the '
        "Cloudflare config (and allow it on the app client); without it the provider returns "
        "no ID token, and Cognito grants the email, phone and profile scopes only with openid"
    )


def redirect_mismatch(redirect_uri: str) -> str:
    """The redirect-mismatch hint, naming the exact URI to register."""
    return (
        f"add the exact redirect URI {redirect_uri} to the redirect URIs registered for this "
        "client at the provider (for Access itself: "
        "https://<team-name>.cloudflareaccess.com/cdn-cgi/access/callback)"
    )


def with_cognito(generic: str, cognito: str, is_cognito: bool) -> str:
    """The generic hint, followed by the Cognito-specific advice when the provider is Cognito."""
    if not is_cognito or not cognito:
        return generic
    return f"{generic.rstrip('.')}. {cognito}"


# Access policies (ACC checks)
ACCESS_NO_GROUPS = (
    "the user is in no Cognito group, so Cognito leaves cognito:groups out of the ID token "
    "and no rule on it can match: add the user to the group in Cognito, or give the policy "
    "another include rule"
)
ACCESS_CLAIM_NOT_CONFIGURED = (
    "add the claim to the claims list of the Cloudflare identity-provider config: Access "
    "puts only the configured claims in oidc_fields, which OIDC Claim rules match"
)
ACCESS_EVERYONE = (
    "narrow the include to the people meant to get in (Emails ending in your domain, an "
    "Access group, or an OIDC Claim rule such as cognito:groups = admins), or add a require "
    "rule; Include Everyone is no restriction (Cloudflare: the Everyone rule matches all users)"
)
ACCESS_UNDETERMINED = (
    "the rule depends on the request (or on data oidc-probe cannot see), so Access decides "
    "when the user connects; the verdict here is neither allow nor deny"
)
ACCESS_UNKNOWN_DATA = (
    "the rule named needs data oidc-probe does not have (an Access group or list not given, "
    "or a comparison no Cloudflare source settles), and its outcome changes the decision; "
    "the verdict here is neither allow nor deny"
)
ACCESS_NO_AMR = (
    "auth_method rules match the amr values of the login (Cloudflare: Access follows RFC 8176; "
    "IdP-based MFA is available for generic OIDC); this ID token has no amr, and Amazon Cognito "
    "user-pool ID tokens carry none (AWS: the ID token's claims list no amr), so the rule "
    "cannot match for a Cognito user; Cloudflare documents independent MFA instead (Access "
    "prompts for the second factor itself, set per organization, application or policy: "
    "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/"
    "mfa-requirements/#independent-mfa)"
)
FAILED_TO_FETCH = (
    "if Access shows 'Failed to fetch user/group information from the identity provider': "
    "the cause Cloudflare documents for that message is fetching the user's groups from the "
    "identity provider (its Okta page: more than 100 groups without an API token, or the "
    "request blocked; https://developers.cloudflare.com/cloudflare-one/integrations/"
    "identity-providers/okta/#troubleshooting); the cause observed here is an ID token "
    "without the email claim, which community reports tie to the same message (not "
    "documented by Cloudflare)"
)
ACCESS_TESTER = (
    "Cloudflare's tester judges the identity of the user's most recent Access login; if the "
    "user's Cognito groups or attributes changed since, log in once through Access and test "
    "again; otherwise the probe and Cloudflare read a rule differently: report it"
)
ACCESS_BYPASS_IDENTITY = (
    "Cloudflare: 'Bypass policies do not support identity-based rule types' (Access policies, "
    "Bypass); move the identity rules to an Allow policy, or keep only IP, country or other "
    "non-identity rules in the Bypass"
)

AUTHORIZE_UNANSWERED = (
    "check auth_url: the host must resolve and serve a certificate this machine trusts "
    "(--ca-bundle PATH for a private CA); Access's users reach the same URL from their browsers"
)
