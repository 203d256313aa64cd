"""Reference prefixes used by checks -> URLs.

A reference is ``PREFIX-rest``: ``RFC6749-2.3.1``, ``OIDCC-3.1.3.7``,
``CF-generic-oidc``, ``COGNITO-token-endpoint``. RFC and OpenID references name
a section; CF and COGNITO references name a page from the tables below.
"""

from __future__ import annotations

_SPECS = {
    "OIDCC": "https://openid.net/specs/openid-connect-core-1_0.html",
    "OIDCD": "https://openid.net/specs/openid-connect-discovery-1_0.html",
}
_RFCS = (
    "RFC6749",
    "RFC6750",
    "RFC7636",
    "RFC7517",
    "RFC7518",
    "RFC7519",
    "RFC8725",
    "RFC9207",
    "RFC7515",
    "RFC7797",
    "RFC9068",
    "RFC8259",
    "RFC8176",
)
CF_PAGES = {
    "generic-oidc": "https://developers.cloudflare.com/cloudflare-one/integrations/identity-providers/generic-oidc/",
    "cognito": "https://developers.cloudflare.com/cloudflare-one/integrations/identity-providers/awscognito-oidc/",
    "idp-api": "https://developers.cloudflare.com/api/resources/zero_trust/subresources/identity_providers/",
    "access-jwt": "https://developers.cloudflare.com/cloudflare-one/access-controls/applications/http-apps/authorization-cookie/application-token/",
    "policies": "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/",
    "mfa": "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/mfa-requirements/",
    "policy-tester": "https://developers.cloudflare.com/cloudflare-one/access-controls/policies/policy-management/#test-your-policies",
    "validating-jwt": "https://developers.cloudflare.com/cloudflare-one/access-controls/applications/http-apps/authorization-cookie/validating-json/",
    "custom-trimming": "https://github.com/cloudflare/cloudflare-docs/pull/31700",
    "api-access-apps": "https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/applications/",
    "api-access-groups": "https://developers.cloudflare.com/api/resources/zero_trust/subresources/access/subresources/groups/",
}
_AWS = "https://docs.aws.amazon.com/cognito/latest/developerguide/"
COGNITO_PAGES = {
    "authorize-endpoint": _AWS + "authorization-endpoint.html",
    "token-endpoint": _AWS + "token-endpoint.html",
    "userinfo-endpoint": _AWS + "userinfo-endpoint.html",
    "id-token": _AWS + "amazon-cognito-user-pools-using-the-id-token.html",
    "access-token": _AWS + "amazon-cognito-user-pools-using-the-access-token.html",
    "verify-jwt": _AWS + "amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html",
    "app-client": _AWS + "user-pool-settings-client-apps.html",
    "attributes": _AWS + "user-pool-settings-attributes.html",
    "groups": _AWS + "cognito-user-pools-user-groups.html",
    "endpoints": _AWS + "federation-endpoints.html",
    "scopes": _AWS + "cognito-user-pools-define-resource-servers.html",
    "error-endpoint": _AWS + "error-endpoint.html",
    "hosted-ui": _AWS + "cognito-user-pools-app-integration.html",
    "user-pools": _AWS + "cognito-user-pools.html",
    "iam": _AWS + "security-iam.html",
    "pre-token": _AWS + "user-pool-lambda-pre-token-generation.html",
    "users": _AWS + "how-to-manage-user-accounts.html",
    "issuer-configuration": "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/"
    "APIReference/API_IssuerConfigurationType.html",
}


class UnknownReference(ValueError):
    pass


def ref_url(ref: str) -> str:
    """The URL of a reference; raises :class:`UnknownReference` for an unknown one."""
    prefix, _, rest = ref.partition("-")
    if prefix in _SPECS:
        return _SPECS[prefix]
    if prefix in _RFCS:
        number = prefix[3:]
        anchor = f"#section-{rest}" if rest else ""
        return f"https://www.rfc-editor.org/rfc/rfc{number}{anchor}"
    if prefix == "CF" and rest in CF_PAGES:
        return CF_PAGES[rest]
    if prefix == "COGNITO" and rest in COGNITO_PAGES:
        return COGNITO_PAGES[rest]
    raise UnknownReference(ref)
