"""Glewlwyd 2.7 (Debian 12's glewlwyd package) as an OpenID provider peer.

Each run gets its own directory: an SQLite database made from the package's init script
(``/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz``; its administrator is
``admin``/``password``), a copy of the web app (the package's ``config.json`` link points
at a directory, so the app is copied with the file in its place), and a config from the
packaged one (its port, ``bind_address`` 127.0.0.1, ``external_url``, plain-http cookies).
Once it serves, its admin REST API adds the OpenID Connect plugin (the defaults the
package's admin app uses, ``glewlwyd_oidc_defaults.json``, with an RS256 key, the issuer
``<base>/api/oidc``, name, email and a ``groups`` claim in the ID token), the scopes
``email`` and ``profile``, a user with an email and groups, and a confidential client.

Facts relied on: the login page needs JavaScript (``--login headless-browser``); after
the password it shows a grant page (each scope ticked, then "Grant access") and a
"Continue" page before redirecting; the issuer has a path.
"""

from __future__ import annotations

import gzip
import http.cookiejar
import json
import re
import shutil
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from joserfc.jwk import RSAKey

from tests.peers import harness

INIT_SQL = Path("/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz")
PACKAGED_CONF = Path("/etc/glewlwyd/glewlwyd.conf")
WEBAPP = Path("/usr/share/glewlwyd/webapp")
WEBAPP_CONFIG = Path("/etc/glewlwyd/config-2.7.json/config.json")
DEFAULTS = Path(__file__).with_name("glewlwyd_oidc_defaults.json")
CLIENT_ID = "access-probe"
CLIENT_SECRET = "glw-client-secret-0123456789"
USERNAME = "alice"
PASSWORD = "alice-password-123"
READY = re.compile(r"Glewlwyd started on port")


def executable() -> str:
    found = shutil.which("glewlwyd")
    missing = [p for p in (INIT_SQL, PACKAGED_CONF, WEBAPP, WEBAPP_CONFIG) if not p.exists()]
    if found is None or missing:
        raise harness.PeerUnavailable(
            "Glewlwyd is not installed (glewlwyd, glewlwyd-common, libjs-bootstrap4): run "
            "`make sso-peers`"
        )
    return found


def write_site(workdir: Path, port: int) -> Path:
    """Database, web app and config of one instance; returns the config file."""
    database = workdir / "glewlwyd.db"
    with sqlite3.connect(database) as db:
        db.executescript(gzip.decompress(INIT_SQL.read_bytes()).decode())
    webapp = workdir / "webapp"
    shutil.copytree(WEBAPP, webapp, symlinks=False, ignore=shutil.ignore_patterns("config.json"))
    shutil.copyfile(WEBAPP_CONFIG, webapp / "config.json")
    base = f"http://127.0.0.1:{port}"
    conf = PACKAGED_CONF.read_text()
    for pattern, value in (
        (r"^port=.*$", f"port={port}"),
        (r"^external_url=.*$", f'external_url="{base}"'),
        (r"^cookie_secure=.*$", "cookie_secure=0"),
        (r"^cookie_domain=.*$", 'cookie_domain="127.0.0.1"'),
        (r"^static_files_path=.*$", f'static_files_path="{webapp}/"'),
        (r"^log_mode=.*$", 'log_mode="console"'),
    ):
        conf = re.sub(pattern, value, conf, count=1, flags=re.MULTILINE)
    conf = conf.replace("/var/cache/glewlwyd/glewlwyd.db", str(database))
    conf += '\nbind_address="127.0.0.1"\n'
    path = workdir / "glewlwyd.conf"
    path.write_text(conf)
    return path


class _Admin:
    """The admin REST API, signed in as the fresh database's administrator."""

    def __init__(self, base: str) -> None:
        self.api = base + "/api"
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.call("POST", "/auth/", {"username": "admin", "password": "password"})

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.api + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(request, timeout=10) as response:  # loopback peer only
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode()[:300]
            raise harness.PeerUnavailable(
                f"Glewlwyd admin API {method} {path}: HTTP {exc.code} {detail}"
            ) from None
        return json.loads(text) if text else None


def provision(
    base: str, redirect_uri: str, *, id_token_claims: bool = True, confidential: bool = True
) -> None:
    """The OpenID Connect plugin, scopes, user and client, through the admin API.

    ``confidential=False``: a public client, without a secret (OIDC.md, "Native Apps
    Guidelines": "A client can be specified as public (i.e. not confidential), without
    secret or public key"), authenticating with ``none`` at the token endpoint.
    """
    admin = _Admin(base)
    module = admin.call("GET", "/mod/user/")[0]
    module["parameters"]["data-format"]["groups"] = {
        "multiple": True,
        "read": True,
        "write": True,
        "profile-read": True,
        "profile-write": False,
    }
    admin.call("PUT", "/mod/user/database", module)
    admin.call("PUT", "/mod/user/database/reset")
    key = RSAKey.generate_key(
        2048, parameters={"kid": "glw-rs256", "alg": "RS256", "use": "sig"}, private=True
    )
    where = "mandatory" if id_token_claims else "no"
    parameters = json.loads(DEFAULTS.read_text())
    parameters.update(
        {
            "iss": base + "/api/oidc",
            "jwks-private": json.dumps({"keys": [key.as_dict(private=True)]}),
            "default-kid": "glw-rs256",
            "allowed-scope": ["openid", "email", "profile"],
            "email-claim": where,
            "name-claim": where,
            "claims": [
                {
                    "name": "groups",
                    "user-property": "groups",
                    "type": "string",
                    "mandatory": id_token_claims,
                    "on-demand": False,
                    "scope": [],
                }
            ],
            "pkce-allowed": True,
        }
    )
    admin.call(
        "POST",
        "/mod/plugin/",
        {
            "module": "oidc",
            "name": "oidc",
            "display_name": "OpenID Connect",
            "enabled": True,
            "parameters": parameters,
        },
    )
    for scope in ("email", "profile"):
        admin.call(
            "POST",
            "/scope/",
            {"name": scope, "display_name": scope, "description": scope,
             "password_required": False, "scheme": {}},
        )  # fmt: skip
    scopes = ["openid", "email", "profile"]
    admin.call(
        "POST",
        "/user/",
        {"username": USERNAME, "password": PASSWORD, "name": "Alice Peer",
         "email": "alice@example.com", "scope": scopes, "enabled": True,
         "groups": ["admins", "staff"]},
    )  # fmt: skip
    client: dict[str, Any] = {
        "client_id": CLIENT_ID, "name": "Cloudflare Access", "confidential": True,
        "password": CLIENT_SECRET, "redirect_uri": [redirect_uri],
        "authorization_type": ["code", "refresh_token"], "scope": scopes, "enabled": True,
        "token_endpoint_auth_method": ["client_secret_basic", "client_secret_post"],
    }  # fmt: skip
    if not confidential:
        del client["password"]
        client.update({"confidential": False, "token_endpoint_auth_method": ["none"]})
    admin.call("POST", "/client/", client)


def start(
    workdir: Path, redirect_uri: str, *, id_token_claims: bool = True, confidential: bool = True
) -> tuple[harness.PeerProcess, str]:
    """Write the site, start Glewlwyd, provision it; returns the process and the issuer."""
    binary = executable()
    port = harness.free_port()
    conf = write_site(workdir, port)
    process, _ = harness.start(
        "Glewlwyd", [binary, f"--config-file={conf}"], READY, cwd=workdir, timeout=60
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_api(base)
        provision(base, redirect_uri, id_token_claims=id_token_claims, confidential=confidential)
    except BaseException:
        process.stop()
        raise
    return process, base + "/api/oidc"


def _wait_for_api(base: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(base + "/config.json", timeout=5):  # loopback peer
                return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise harness.PeerUnavailable(f"Glewlwyd did not serve {base}") from None
            time.sleep(0.2)
