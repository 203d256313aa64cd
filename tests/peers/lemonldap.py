"""LemonLDAP::NG 2.16 (Debian 12's liblemonldap-ng-portal-perl) as an OpenID provider peer.

Each run gets its own directory: a copy of the packaged demo configuration
(``/var/lib/lemonldap-ng/conf/lmConf-1.json``: the Demo user store, whose users include
``dwho``/``dwho``, with the groups ``timelords`` and ``users``) with the OpenID Connect
issuer turned on, a fresh RSA signing key, one confidential relying party, and session
and cache directories of its own; an ini file naming it (``LLNG_DEFAULTCONFFILE``); and
the portal as a PSGI app served by ``plackup`` on a loopback port. The system
configuration is never touched.

Facts relied on (read in the package's own code, Lemonldap/NG/Portal):
- the issuer is the ``portal`` URL, trailing slash included; the JWKS is at
  ``<portal>oauth2/jwks`` (Issuer/OpenIDConnect.pm, the discovery document);
- exported claims go to the ID token only with ``oidcRPMetaDataOptionsIDTokenForceClaims``
  (otherwise to userinfo only: the classic "email not in the ID token" case);
- the code_verifier is checked only when ``oidcRPMetaDataOptionsRequirePKCE`` is set
  (Issuer/OpenIDConnect.pm, token endpoint);
- ``oidcServiceIgnoreScopeForClaims`` (on in the demo configuration) releases every
  exported claim whatever the scopes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.peers import harness

PACKAGED_CONF = Path("/var/lib/lemonldap-ng/conf/lmConf-1.json")
PACKAGED_INI = Path("/etc/lemonldap-ng/lemonldap-ng.ini")
RP = "access"
CLIENT_ID = "access-probe"
CLIENT_SECRET = "llng-client-secret-0123456789"
USERNAME = PASSWORD = "dwho"  # the Demo user store's user
# The portal says this once it has loaded its configuration; it listens right after.
LOADED = r"Using demonstration mode|Accepting connections"
_PSGI = "use Lemonldap::NG::Portal::Main;\nLemonldap::NG::Portal::Main->run({});\n"
# A correctly configured relying party for Access: confidential, RS256, PKCE required,
# claims in the ID token, no consent page.
CORRECT_RP: dict[str, Any] = {
    "oidcRPMetaDataOptionsClientID": CLIENT_ID,
    "oidcRPMetaDataOptionsClientSecret": CLIENT_SECRET,
    "oidcRPMetaDataOptionsIDTokenSignAlg": "RS256",
    "oidcRPMetaDataOptionsBypassConsent": 1,
    "oidcRPMetaDataOptionsIDTokenForceClaims": 1,
    "oidcRPMetaDataOptionsRequirePKCE": 1,
    "oidcRPMetaDataOptionsPublic": 0,
    "oidcRPMetaDataOptionsRefreshToken": 1,  # as Cognito's app clients do (TOK007)
}
EXPORTED_CLAIMS = {
    "email": "mail",
    "email_verified": "email_verified;bool",
    "name": "cn",
    "groups": "groups;string;always",
}
# The demo users' addresses count as verified (a per-RP macro, Lib/OpenIDConnect.pm).
MACROS = {"email_verified": "1"}


def plackup() -> str:
    """``plackup``, with the portal's Perl modules installed (``make sso-peers``)."""
    executable = shutil.which("plackup")
    if executable is None or not PACKAGED_CONF.is_file():
        raise harness.PeerUnavailable(
            "LemonLDAP::NG is not installed (liblemonldap-ng-portal-perl, libplack-perl, "
            "libimage-magick-perl): run `make sso-peers`"
        )
    probe = subprocess.run(
        ["perl", "-MLemonldap::NG::Portal::Main", "-e", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        first = (probe.stderr.strip().splitlines() or ["(no output)"])[0]
        raise harness.PeerUnavailable(f"the LemonLDAP::NG portal cannot load: {first}")
    return executable


def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def write_site(workdir: Path, port: int, redirect_uri: str, rp: dict[str, Any]) -> Path:
    """The configuration, ini file and PSGI app of one portal; returns the ini file."""
    for sub in ("conf", "sessions/lock", "psessions/lock", "cache"):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
    private, public = _key_pair()
    conf = json.loads(PACKAGED_CONF.read_text())
    conf.update(
        {
            "cfgNum": 1,
            "portal": f"http://127.0.0.1:{port}/",
            "domain": "127.0.0.1",
            "securedCookie": 0,
            "globalStorageOptions": {
                "Directory": str(workdir / "sessions"),
                "LockDirectory": str(workdir / "sessions/lock"),
                "generateModule": "Lemonldap::NG::Common::Apache::Session::Generate::SHA256",
            },
            "persistentStorage": "Apache::Session::File",
            "persistentStorageOptions": {
                "Directory": str(workdir / "psessions"),
                "LockDirectory": str(workdir / "psessions/lock"),
            },
            "localSessionStorageOptions": {
                "cache_depth": 3,
                "cache_root": str(workdir / "cache"),
                "default_expires_in": 600,
                "directory_umask": "007",
                "namespace": "lemonldap-ng-sessions",
            },
            "issuerDBOpenIDConnectActivation": 1,
            "oidcServicePrivateKeySig": private,
            "oidcServicePublicKeySig": public,
            "oidcServiceKeyIdSig": "llng-rs256",
            "oidcRPMetaDataOptions": {
                RP: {
                    **{k: v for k, v in rp.items() if v is not None},  # None: left unset
                    "oidcRPMetaDataOptionsRedirectUris": redirect_uri,
                }
            },
            "oidcRPMetaDataExportedVars": {RP: EXPORTED_CLAIMS},
            "oidcRPMetaDataMacros": {RP: MACROS},
        }
    )
    (workdir / "conf" / "lmConf-1.json").write_text(json.dumps(conf, indent=1))
    ini = PACKAGED_INI.read_text()
    ini = ini.replace("/var/lib/lemonldap-ng/conf", str(workdir / "conf"))
    ini = ini.replace("/var/lib/lemonldap-ng/cache", str(workdir / "cache"))
    path = workdir / "lemonldap-ng.ini"
    path.write_text(ini)
    (workdir / "portal.psgi").write_text(_PSGI)
    return path


def start(workdir: Path, redirect_uri: str, rp: dict[str, Any]) -> tuple[harness.PeerProcess, str]:
    """Write the site and start the portal; returns the process and the issuer (portal URL)."""
    import re

    executable = plackup()
    port = harness.free_port()
    ini = write_site(workdir, port, redirect_uri, rp)
    process, _ = harness.start(
        "LemonLDAP::NG portal",
        [
            executable,
            "-E",
            "deployment",
            "-s",
            "HTTP::Server::PSGI",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "portal.psgi",
        ],
        re.compile(LOADED),
        cwd=workdir,
        env={"LLNG_DEFAULTCONFFILE": str(ini)},
        timeout=60,
    )
    issuer = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(process, issuer + ".well-known/openid-configuration")
    except BaseException:
        process.stop()
        raise
    return process, issuer


def _wait_until_serving(process: harness.PeerProcess, url: str, timeout: float = 30.0) -> None:
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # loopback peer only
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if process.proc.poll() is not None or time.monotonic() > deadline:
            raise harness.PeerUnavailable(
                f"LemonLDAP::NG did not serve {url}: {process.output()[-500:]}"
            )
        time.sleep(0.2)
