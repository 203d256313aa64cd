"""The floor of one full probe: the same HTTP requests with httpx2, one RS256 verify, nothing else.

Usage: ``python floor_probe.py CONFIG.json USERNAME`` with the password in
``OIDC_PROBE_PASSWORD``. It sends what ``oidc-probe check --login form`` sends
(discovery, JWKS, authorize, login page, login form, token, userinfo), verifies
the ID token's signature with the JWKS key named by its ``kid``, and exits 0 when
the signature holds. No checks, no report: what no relying party can do without.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import sys
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_INPUT = re.compile(r"<input\b[^>]*>")
_ATTR = re.compile(r"\b(name|value)=\"([^\"]*)\"")
_ACTION = re.compile(r"<form[^>]*\baction=\"([^\"]+)\"")


def b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def main(config_path: str, username: str) -> int:
    with open(config_path, encoding="utf-8") as fh:
        doc = json.load(fh)
    config = doc.get("config", doc)
    issuer = config["certs_url"].removesuffix("/.well-known/jwks.json")
    redirect_uri = "http://localhost:8765/callback"
    with httpx2.Client(timeout=10.0) as client:
        discovery = client.get(f"{issuer}/.well-known/openid-configuration").json()
        jwks = client.get(config["certs_url"]).json()
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        params = {
            "response_type": "code",
            "client_id": config["client_id"],
            "redirect_uri": redirect_uri,
            "scope": " ".join(config["scopes"]),
            "state": state,
            "nonce": nonce,
        }
        redirect = client.get(config["auth_url"], params=params)
        login_url = urljoin(config["auth_url"], redirect.headers["location"])
        page = client.get(login_url).text
        form = {}
        for tag in _INPUT.findall(page.split("</form>")[0]):
            attrs = dict(_ATTR.findall(tag))
            if "name" in attrs:
                form[attrs["name"]] = attrs.get("value", "")
        form.update(username=username, password=os.environ["OIDC_PROBE_PASSWORD"])
        action = urljoin(login_url, _ACTION.search(page).group(1).replace("&amp;", "&"))  # type: ignore[union-attr]
        callback = client.post(action, data=form).headers["location"]
        code = parse_qs(urlsplit(callback).query)["code"][0]
        tokens = client.post(
            config["token_url"],
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            auth=(config["client_id"], config["client_secret"]),
        ).json()
        client.get(
            discovery["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        ).json()
    header_b64, payload_b64, signature_b64 = tokens["id_token"].split(".")
    kid = json.loads(b64url(header_b64))["kid"]
    jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
    numbers = rsa.RSAPublicNumbers(
        int.from_bytes(b64url(jwk["e"]), "big"), int.from_bytes(b64url(jwk["n"]), "big")
    )
    numbers.public_key().verify(
        b64url(signature_b64),
        f"{header_b64}.{payload_b64}".encode(),
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
