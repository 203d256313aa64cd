"""``oidc-probe fake-cognito``: serve the emulator in the foreground until Ctrl-C."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from oidc_probe.core.errors import UsageError
from oidc_probe.fake_cognito.faults import list_faults, parse_faults
from oidc_probe.fake_cognito.pool import Pool, load_pool


def run_fake_cognito(
    *,
    host: str,
    port: int,
    pool_path: str | None,
    faults: Sequence[str],
    out: TextIO,
    login_page: str = "classic",
    request_log: str | None = None,
    write_config: str | None = None,
    latency_ms: float = 0.0,
    jitter_ms: float = 0.0,
    tls: tuple[str | None, str | None] | None = None,
) -> int:
    """Serve until Ctrl-C, then return 0. A bad pool, fault, host or port raises UsageError.

    ``request_log`` names a file that gets ``METHOD PATH`` of every request (see request_file).
    ``write_config`` names a file that gets Cloudflare's identity-provider JSON for the
    pool's first app client, pointing at this emulator (mode 0600: it holds the secret).
    ``latency_ms`` and ``jitter_ms`` delay every response (see ``latency``).
    ``tls`` is ``(certificate, key)`` (PEM files) to serve HTTPS.
    """
    from oidc_probe.fake_cognito.app import create_app
    from oidc_probe.fake_cognito.request_file import RequestLogFile, open_request_log
    from oidc_probe.fake_cognito.server import base_url_of, bind_loopback, make_server

    pool = load_pool(pool_path)
    active = parse_faults(faults)
    certfile, keyfile = checked_tls(tls) if tls is not None else (None, None)
    log_file = open_request_log(request_log) if request_log is not None else None
    sock = bind_loopback(host, port)
    try:
        app = create_app(
            pool,
            faults=sorted(active),
            login_page=login_page,
            latency=latency_ms / 1000,
            jitter=jitter_ms / 1000,
            hosts=(),
        )
        served = app if log_file is None else RequestLogFile(app, log_file)
        base_url = base_url_of(sock, "https" if certfile else "http")
        if write_config is not None:
            _write_config(write_config, pool.probe_config(base_url), out)
        describe(pool, base_url, [f.value for f in sorted(active)], out)
        if latency_ms or jitter_ms:
            jittered = f" + up to {jitter_ms:g} ms of jitter" if jitter_ms else ""
            out.write(f"latency: {latency_ms:g} ms{jittered} before every response\n")
        if login_page != "classic":
            out.write(f"sign-in page: {login_page} (the form is rendered with JavaScript)\n")
        out.flush()
        make_server(served, ssl_certfile=certfile, ssl_keyfile=keyfile).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn shuts down cleanly on Ctrl-C, then re-raises the signal
    finally:
        sock.close()
        if log_file is not None:
            log_file.close()
    return 0


def checked_tls(tls: tuple[str | None, str | None]) -> tuple[str, str]:
    """The certificate and key files, loaded once here so a bad pair is one line, not a crash."""
    import ssl

    certfile, keyfile = tls
    if not certfile or not keyfile:
        raise UsageError("--tls-cert and --tls-key go together: give both PEM files")
    for option, path in (("--tls-cert", certfile), ("--tls-key", keyfile)):
        if not os.path.isfile(path):
            raise UsageError(f"{option} {path}: file not found")
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        cause = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
        raise UsageError(
            f"--tls-cert/--tls-key: not a usable PEM certificate and key ({cause})"
        ) from None
    return certfile, keyfile


def describe(pool: Pool, base_url: str, faults: Sequence[str], out: TextIO) -> None:
    """The URLs to point a client at, the app clients and the users (never secrets)."""
    issuer = pool.issuer(base_url)
    lines = [
        f"Fake Cognito pool {pool.pool_id} serving at {base_url}  (Ctrl-C to stop)",
        f"  issuer     {issuer}",
        f"  discovery  {issuer}/.well-known/openid-configuration",
        f"  auth_url   {pool.domain(base_url)}/oauth2/authorize",
        f"  token_url  {pool.domain(base_url)}/oauth2/token",
        f"  certs_url  {issuer}/.well-known/jwks.json",
        f"  userinfo   {pool.domain(base_url)}/oauth2/userInfo",
        "app clients (client secret: see the pool file):",
    ]
    for client in pool.clients:
        secret = "with secret" if client.client_secret else "no secret"
        scopes = " ".join(client.allowed_scopes)
        callbacks = ", ".join(client.callback_urls) or "(none)"
        trigger = client.pre_token_generation
        lambda_note = f", pre token generation {trigger.version}" if trigger else ""
        lines.append(
            f"  {client.client_id}  {client.name}, {secret}, scopes {scopes}, "
            f"callbacks {callbacks}{lambda_note}"
        )
    lines.append("users (password: see the pool file):")
    for user in pool.users:
        groups = ", ".join(user.groups) if user.groups else "no group"
        lines.append(f"  {user.username}  ({groups})")
    lines.append(f"pool file: {pool.source}")
    if faults:
        lines.append(f"faults: {', '.join(faults)}")
    out.write("\n".join(lines) + "\n")


def format_fault_list() -> str:
    """The text of ``--list-faults``: one fault a line, name then description."""
    entries = list_faults()
    width = max(len(name) for name, _ in entries)
    return "\n".join(f"{name.ljust(width)}  {text}" for name, text in entries) + "\n"


def _write_config(path: str, body: dict[str, object], out: TextIO) -> None:
    import json
    import os

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        os.fchmod(fd, 0o600)  # the mode of os.open applies only to a new file
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(body, indent=2) + "\n")
    except OSError as exc:
        raise UsageError(f"cannot write --write-config {path}: {exc.strerror}") from None
    out.write(f"Cloudflare config for this emulator written to {path}\n")
