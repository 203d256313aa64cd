"""Machine endpoints: discovery and JWKS (cognito-idp host), token and userInfo (pool domain)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import replace
from typing import Any
from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from oidc_probe.fake_cognito import keys as jose
from oidc_probe.fake_cognito.emulator import CODE_LIFETIME, AccessGrant, Emulator, read_form
from oidc_probe.fake_cognito.faults import Fault
from oidc_probe.fake_cognito.pool import AppClient
from oidc_probe.fake_cognito.tokens import Grant, unreadable_in_scope, userinfo_claims

NO_STORE = {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate", "Pragma": "no-cache"}
# AWS, "The token issuer endpoint" (https://docs.aws.amazon.com/cognito/latest/developerguide/
# token-endpoint.html): grant_type is authorization_code, refresh_token or client_credentials;
# "unsupported_grant_type" answers any other value, and "unauthorized_client" a grant the app
# client is not allowed to use. The emulator does not issue client_credentials tokens.
_NOT_EMULATED_GRANTS = frozenset({"client_credentials"})
# The sub of nobody in the pool, for the faults that name another user.
OTHER_SUB = "00000000-0000-4000-8000-000000000000"


class TokenError(Exception):
    def __init__(self, error: str, description: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.description = description

    def response(self) -> Response:
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return JSONResponse(body, status_code=400, headers=NO_STORE)


class MachineEndpoints:
    def __init__(self, emulator: Emulator) -> None:
        self.emu = emulator

    async def discovery(self, request: Request) -> Response:
        served = self.emu.base_url(request)
        if (
            request.path_params["pool_id"] != self.emu.pool.pool_id
            or Fault.DISCOVERY_404 in self.emu.faults
            or not self.emu.pool.serves_issuer(served)
        ):
            return _not_found()
        base = self.emu.pool.domain(served)
        issuer = self.emu.pool.issuer(served)
        doc: dict[str, Any] = {
            "authorization_endpoint": f"{base}/oauth2/authorize",
            "id_token_signing_alg_values_supported": ["RS256"],
            "issuer": issuer,
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "response_types_supported": ["code", "token"],
            "scopes_supported": ["openid", "email", "phone", "profile"],
            "subject_types_supported": ["public"],
            "token_endpoint": f"{base}/oauth2/token",
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "userinfo_endpoint": f"{base}/oauth2/userInfo",
        }
        faults = self.emu.faults
        if Fault.DISCOVERY_ISSUER_MISMATCH in faults:
            doc["issuer"] = f"{base}/us-east-1_Other0Iss"
        if Fault.DISCOVERY_ENDPOINT_MISMATCH in faults:
            doc["authorization_endpoint"] = f"{base}/oauth2/v2/authorize"
            doc["token_endpoint"] = f"{base}/oauth2/v2/token"
        if Fault.DISCOVERY_MISSING_FIELDS in faults:
            del doc["response_types_supported"]
            del doc["subject_types_supported"]
        _apply_metadata_faults(doc, faults)
        return JSONResponse(doc)

    async def jwks(self, request: Request) -> Response:
        if request.path_params[
            "pool_id"
        ] != self.emu.pool.pool_id or not self.emu.pool.serves_issuer(self.emu.base_url(request)):
            return _not_found()
        faults = self.emu.faults
        self.emu.state.jwks_fetches += 1
        if Fault.JWKS_500 in faults:
            return PlainTextResponse("Internal Server Error", status_code=500)
        if Fault.JWKS_HTML in faults:
            return HTMLResponse("<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>")
        if Fault.JWKS_EMPTY in faults:
            return JSONResponse({"keys": []})
        signing = [self.emu.keys.id_key, self.emu.keys.access_key]
        if Fault.NO_KID_SINGLE_KEY in faults:
            signing = [self.emu.keys.id_key]
        if self.emu.rotated_key is not None and self.emu.state.jwks_fetches > 1:
            signing.append(self.emu.rotated_key)
        if Fault.PRIVATE_KEY_IN_JWKS in faults:
            keys: list[dict[str, str]] = [k.private_jwk() for k in signing]
        else:
            keys = [k.public_jwk() for k in signing]
        if Fault.SYMMETRIC_KEY_IN_JWKS in faults:
            secret = hashlib.sha256(self.emu.keys.id_key.public_pem()).digest()
            keys.append(
                {"kty": "oct", "kid": "symmetric-1", "alg": "HS256", "k": jose.b64url(secret)}
            )
        if Fault.ENC_KEY_IN_JWKS in faults:  # as Keycloak publishes by default
            enc = {**self.emu.keys.access_key.public_jwk(), "kid": "enc-1", "use": "enc"}
            keys.append({**enc, "alg": "RSA-OAEP"})
            keys.append({"kty": "AKP", "kid": "pq-1", "alg": "ML-DSA-65", "pub": "AAAA"})
        if Fault.JWKS_MALFORMED_KEY in faults:
            keys.append({"kty": "RSA", "kid": "malformed-1", "alg": "RS256", "use": "sig"})
        id_kid = self.emu.keys.id_key.kid
        if faults & _SIGNING_KEY_FAULTS:
            keys = [_bent_signing_key(faults, k) if k.get("kid") == id_kid else k for k in keys]
        if Fault.DUPLICATE_KID in faults:  # another RSA key first, under the signing key's kid
            keys.insert(0, {**self.emu.keys.access_key.public_jwk(), "kid": id_kid})
        return JSONResponse({"keys": keys})

    async def token(self, request: Request) -> Response:
        faults = self.emu.faults
        if Fault.TOKEN_500 in faults:
            return PlainTextResponse("Internal Server Error", status_code=500)
        if Fault.TOKEN_HTML in faults:
            return HTMLResponse(
                "<!DOCTYPE html><html><body><h1>Service Unavailable</h1></body></html>"
            )
        try:
            body = await self._exchange(request)
        except TokenError as exc:
            return exc.response()
        headers = {} if Fault.TOKEN_CACHEABLE in faults else NO_STORE
        if faults & _TOKEN_BODY_FAULTS:
            return _odd_token_body(faults, body, headers)
        return JSONResponse(body, headers=headers)

    async def userinfo(self, request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        issued = (
            self.emu.state.access_tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        )
        if issued is None or issued.expires_at <= self.emu.now():
            return JSONResponse(
                {
                    "error": "invalid_token",
                    "error_description": "Access token is expired or invalid",
                },
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if "openid" not in issued.grant.scopes:
            return JSONResponse(
                {
                    "error": "invalid_token",
                    "error_description": "Access token lacks the openid scope",
                },
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="insufficient_scope"'},
            )
        if Fault.USERINFO_500 in self.emu.faults:
            return PlainTextResponse("Internal Server Error", status_code=500)
        claims = userinfo_claims(issued.grant)
        if Fault.USERINFO_SUB_MISMATCH in self.emu.faults:
            claims["sub"] = OTHER_SUB
        if Fault.CLAIMS_ONLY_IN_USERINFO in self.emu.faults and issued.grant.user.groups:
            claims["cognito:groups"] = list(issued.grant.user.groups)
        return JSONResponse(claims)

    async def _exchange(self, request: Request) -> dict[str, Any]:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise TokenError(
                "invalid_request", "Content-Type must be application/x-www-form-urlencoded"
            )
        form = await read_form(request)
        grant_type = form.get("grant_type")
        if not grant_type:
            raise TokenError("invalid_request", "grant_type is required")
        client = self._authenticate(request, form)
        if Fault.TOKEN_INVALID_CLIENT in self.emu.faults:
            raise TokenError("invalid_client")
        if grant_type == "refresh_token":
            return self._refresh(request, client, form)
        if grant_type != "authorization_code":
            if grant_type in _NOT_EMULATED_GRANTS:
                raise TokenError("unauthorized_client")
            raise TokenError("unsupported_grant_type")
        if "code" not in client.allowed_flows:
            raise TokenError("unauthorized_client")
        code = form.get("code")
        if not code:
            raise TokenError("invalid_request", "code is required")
        issued = self.emu.state.codes.get(code)
        if issued is None or issued.grant.client.client_id != client.client_id:
            raise TokenError("invalid_grant")
        if Fault.CODE_REUSABLE not in self.emu.faults:
            del self.emu.state.codes[code]
        now = self.emu.now()
        if now - issued.issued_at > CODE_LIFETIME:
            raise TokenError("invalid_grant")
        grant = issued.grant
        if form.get("redirect_uri") != grant.redirect_uri:
            raise TokenError("unauthorized_client", "invalid_redirect")
        if grant.code_challenge is not None and Fault.PKCE_NOT_ENFORCED not in self.emu.faults:
            verifier = form.get("code_verifier")
            if not verifier:
                raise TokenError("invalid_request", "code_verifier is required")
            computed = jose.b64url(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
            if not hmac.compare_digest(computed, grant.code_challenge):
                raise TokenError("invalid_grant")
        if unreadable_in_scope(client, grant.scopes):
            raise TokenError("invalid_grant")
        return self._issue(request, grant, now, refresh=True)

    def _refresh(self, request: Request, client: AppClient, form: dict[str, str]) -> dict[str, Any]:
        """grant_type=refresh_token: new ID and access tokens for the grant behind the token.

        AWS token endpoint page: the answer holds id_token, access_token, token_type and
        expires_in and no new refresh_token (unless refresh token rotation is on, which the
        emulator does not model). UNCERTAIN: whether Cognito echoes the original nonce in a
        refreshed ID token (OpenID Connect Core 12.2 says it should not); the emulator
        leaves nonce out. An unknown token, or one issued to another client, is invalid_grant.
        """
        token = form.get("refresh_token")
        if not token:
            raise TokenError("invalid_request", "refresh_token is required")
        grant = self.emu.state.refresh_tokens.get(token)
        if grant is None or grant.client.client_id != client.client_id:
            raise TokenError("invalid_grant", "Invalid Refresh Token")
        if Fault.REFRESH_REFUSED in self.emu.faults:
            raise TokenError("invalid_grant", "Refresh Token has been revoked")
        if Fault.REFRESH_NEW_SUB in self.emu.faults:
            grant = replace(grant, user=replace(grant.user, sub=OTHER_SUB))
        return self._issue(request, replace(grant, nonce=None), self.emu.now(), refresh=False)

    def _issue(
        self, request: Request, grant: Grant, now: float, *, refresh: bool
    ) -> dict[str, Any]:
        tokens = self.emu.minter.mint(grant, self.emu.issuer(request), now)
        self.emu.state.access_tokens[tokens.access_token] = AccessGrant(
            grant=grant, expires_at=now + tokens.expires_in
        )
        body: dict[str, Any] = {
            "id_token": tokens.id_token,
            "access_token": tokens.access_token,
            "expires_in": tokens.expires_in,
            "token_type": "Bearer",
        }
        if refresh:
            body["refresh_token"] = tokens.refresh_token
            self.emu.state.refresh_tokens[tokens.refresh_token] = grant
            if Fault.LONE_SURROGATE_REFRESH_TOKEN in self.emu.faults:
                body["refresh_token"] += "\ud800"  # sent as the escape \ud800 (json.dumps)
        # No ID token without the openid scope (see scopes.py for the source).
        if Fault.TOKEN_NO_ID_TOKEN in self.emu.faults or "openid" not in grant.scopes:
            del body["id_token"]
        if Fault.TOKEN_TYPE_MAC in self.emu.faults:
            body["token_type"] = "mac"
        if Fault.TOKEN_TYPE_LOWERCASE in self.emu.faults:
            body["token_type"] = "bearer"
        if Fault.ID_TOKEN_NOT_STRING in self.emu.faults:
            body["id_token"] = {"jwt": tokens.id_token}
        return body

    def _authenticate(self, request: Request, form: dict[str, str]) -> AppClient:
        """client_secret_basic (RFC 6749 2.3.1, also unencoded) or client_secret_post."""
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise TokenError("invalid_client") from None
            raw_id, sep, raw_secret = decoded.partition(":")
            if not sep:
                raise TokenError("invalid_client")
            candidates_id: tuple[str, ...] = (raw_id, unquote_plus(raw_id))
            candidates_secret: tuple[str, ...] = (raw_secret, unquote_plus(raw_secret))
            if form.get("client_id") not in (None, *candidates_id):
                raise TokenError("invalid_client")
        else:
            candidates_id = (form.get("client_id", ""),)
            candidates_secret = (form.get("client_secret", ""),)
        client = next(
            (c for c in (self.emu.pool.client(i) for i in candidates_id) if c is not None), None
        )
        if client is None:
            raise TokenError("invalid_client")
        if client.client_secret is None:
            # A public client that sends a secret. UNCERTAIN: the AWS token endpoint page
            # documents invalid_client for "the client ... is not authorized" and for a
            # client secret that does not match, not this case; reports show Cognito
            # refusing it with invalid_client, which the emulator does.
            if any(candidates_secret):
                raise TokenError("invalid_client")
            return client
        expected = client.client_secret.encode("utf-8")
        if not any(hmac.compare_digest(expected, s.encode("utf-8")) for s in candidates_secret):
            raise TokenError("invalid_client")
        return client


def _apply_metadata_faults(doc: dict[str, Any], faults: frozenset[Fault]) -> None:
    if Fault.DISCOVERY_SCOPES_LIMITED in faults:
        doc["scopes_supported"] = ["openid"]
    if Fault.DISCOVERY_NO_BASIC_AUTH in faults:
        doc["token_endpoint_auth_methods_supported"] = ["client_secret_post"]
    if Fault.DISCOVERY_HS256_ONLY in faults:
        doc["id_token_signing_alg_values_supported"] = ["HS256"]
    if Fault.DISCOVERY_PKCE_PLAIN_ONLY in faults:
        doc["code_challenge_methods_supported"] = ["plain"]
    if Fault.DISCOVERY_PKCE_S256 in faults:
        doc["code_challenge_methods_supported"] = ["S256"]


def _not_found() -> Response:
    return JSONResponse({"message": "User pool does not exist."}, status_code=404)


_TOKEN_BODY_FAULTS = frozenset(
    {
        Fault.TOKEN_DUPLICATE_KEYS,
        Fault.TOKEN_BOM,
        Fault.TOKEN_PADDED_JSON,
        Fault.LONE_SURROGATE_REFRESH_TOKEN,
    }
)


def _odd_token_body(
    faults: frozenset[Fault], body: dict[str, Any], headers: dict[str, str]
) -> Response:
    """A token response whose JSON text is bent: a repeated id_token, a BOM, padding."""
    text = json.dumps(body)
    if Fault.TOKEN_DUPLICATE_KEYS in faults:
        text = '{"id_token": "' + secrets.token_urlsafe(32) + '", ' + text[1:]
    if Fault.TOKEN_PADDED_JSON in faults:
        text = f"\n   {text}  \n"
    data = text.encode("utf-8")
    if Fault.TOKEN_BOM in faults:
        data = b"\xef\xbb\xbf" + data
    return Response(data, media_type="application/json", headers=headers)


_SIGNING_KEY_FAULTS = frozenset(
    {
        Fault.SIGNING_KEY_USE_ENC,
        Fault.SIGNING_KEY_ALG_MISMATCH,
        Fault.SIGNING_KEY_OPS_ENCRYPT,
        Fault.EC_KEY_FOR_RS_TOKEN,
        Fault.SIGNING_KEY_RSA_E_1,
        Fault.SIGNING_KEY_RSA_E_EVEN,
        Fault.SIGNING_KEY_RSA_N_EVEN,
        Fault.SIGNING_KEY_RSA_OVERSIZED,
        Fault.SIGNING_KEY_EC_OFF_CURVE,
        Fault.SIGNING_KEY_UNKNOWN_KTY,
        Fault.SIGNING_KEY_EC_UNKNOWN_CURVE,
    }
)
_UNUSABLE_RSA = {
    Fault.SIGNING_KEY_RSA_E_1: "e1",
    Fault.SIGNING_KEY_RSA_E_EVEN: "e-even",
    Fault.SIGNING_KEY_RSA_N_EVEN: "n-even",
    Fault.SIGNING_KEY_RSA_OVERSIZED: "oversized",
}
# RFC 7517 appendix A.1's public P-256 key: a valid EC key that signed nothing here.
_EC_PUBLIC_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
    "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
    "use": "sig",
}


def _bent_signing_key(faults: frozenset[Fault], jwk: dict[str, str]) -> dict[str, Any]:
    """The ID-token signing key's JWK as the signing-key faults publish it."""
    bent: dict[str, Any] = dict(jwk)
    if Fault.SIGNING_KEY_USE_ENC in faults:
        bent["use"] = "enc"
    if Fault.SIGNING_KEY_ALG_MISMATCH in faults:
        bent["alg"] = "RS512"
    if Fault.SIGNING_KEY_OPS_ENCRYPT in faults:
        bent.pop("use", None)
        bent["key_ops"] = ["encrypt"]
    if Fault.EC_KEY_FOR_RS_TOKEN in faults:
        bent = {**_EC_PUBLIC_JWK, "kid": jwk["kid"]}
    for fault, how in _UNUSABLE_RSA.items():
        if fault in faults:
            bent = jose.unusable_rsa_jwk(bent, how)
    if Fault.SIGNING_KEY_EC_OFF_CURVE in faults:
        bent = jose.ec_jwk_off_curve(jwk["kid"])
    if Fault.SIGNING_KEY_EC_UNKNOWN_CURVE in faults:
        bent = {**jose.ec_jwk(jwk["kid"]), "crv": "P-192"}
    if Fault.SIGNING_KEY_UNKNOWN_KTY in faults:
        bent["kty"] = "RSA-X"
    return bent
