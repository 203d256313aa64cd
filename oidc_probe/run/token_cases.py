"""The ``verify`` and ``verify-access`` use cases: judge tokens a user already has.

``verify`` reads the JWKS once (from ``certs_url``, or a JWKS file offline) and imports its
keys once, however many tokens there are; each token gets its own context
(:data:`oidc_probe.run.plans.VERIFY_TOKEN`). ``verify-access`` verifies the application
token Cloudflare Access issued against the team's certs
(:data:`oidc_probe.run.plans.VERIFY_ACCESS`). Raw tokens are registered with the
redactor unless ``show_tokens``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError
from oidc_probe.core.textfile import read_input_text

# A --tokens file may list thousands of tokens; still a regular file with a cap.
TOKENS_FILE_LIMIT = 64 * 1024 * 1024

if TYPE_CHECKING:
    import httpx2

    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.context import HttpExchange, RunContext
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.plumbing.jose import LoadedKeys
    from oidc_probe.run.host import Host
    from oidc_probe.run.requests import VerifyAccessRequest, VerifyRequest
    from oidc_probe.run.results import MultiRun, SingleRun

_TEAM = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


@dataclass(frozen=True)
class Token:
    """One token to verify and where it came from (its line in a tokens file)."""

    label: str  # "" for a single token, else "line N"
    raw: str


def read_tokens(request: VerifyRequest, host: Host) -> list[Token]:
    """The token, ``-`` (stdin) or a tokens file; never echoed anywhere."""
    token, tokens_file = request.token, request.tokens_file
    if token is not None and tokens_file is not None:
        raise UsageError("give either a TOKEN (or '-') or --tokens FILE, not both")
    if tokens_file is not None:
        if tokens_file == "-":
            text = host.read_all()
        else:
            try:
                text = read_input_text(tokens_file, TOKENS_FILE_LIMIT)
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"--tokens {tokens_file}: cannot read ({exc})") from None
        tokens = [
            Token(f"line {n}", line.strip())
            for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if not tokens:
            raise UsageError(f"--tokens {tokens_file}: no tokens (one per line)")
        return tokens
    if token is None:
        raise UsageError(
            "verify needs a token: pass it as an argument, '-' to read it from standard "
            "input, or --tokens FILE"
        )
    raw = host.read_line() if token == "-" else token
    raw = raw.strip()
    if not raw:
        raise UsageError("no token on standard input" if token == "-" else "empty token")
    return [Token("", raw)]


def offline_jwks(path: str, option: str = "--jwks") -> HttpExchange:
    """A JWKS file presented as the exchange the JWKS checks judge."""
    from oidc_probe.core.context import HttpExchange

    try:
        text = read_input_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{option} {path}: cannot read ({exc})") from None
    from oidc_probe.plumbing.normalise import finite_float, normalise

    try:
        doc = json.loads(text, parse_float=finite_float)
    except ValueError as exc:
        raise UsageError(f"{option} {path}: not JSON ({exc})") from None
    except RecursionError:
        raise UsageError(f"{option} {path}: not JSON (nested too deeply)") from None
    headers = {"content-type": "application/json"}
    normalised = normalise(doc, f"the JWKS file {path}")
    return HttpExchange(
        "FILE", path, 200, headers, text[:65536], normalised.value, json_notes=normalised.notes
    )


def _no_refetch(ctx: RunContext, client: httpx2.Client) -> HttpExchange | None:
    return None


def verify(
    request: VerifyRequest, host: Host, *, tokens: Sequence[Token] | None = None
) -> SingleRun | MultiRun:
    """``verify``: one token gives a :class:`SingleRun`, a tokens file a :class:`MultiRun`.

    ``tokens`` given (the Python API) replaces the request's token and tokens file.
    """
    from oidc_probe.core.expect import parse_expectations
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.run.access_inputs import config_and_access

    source = request.config
    if (
        source.path is None
        and source.text is None
        and not source.given("client_id")
        and request.access.cloudflare_idp is None
    ):
        raise UsageError("verify needs --config FILE (Cloudflare's identity-provider JSON)")
    config, access = config_and_access(source, request.access, request.transport, host)
    if tokens is None:
        tokens = read_tokens(request, host)
    if not request.show_tokens:
        host.redactor.add(*(t.raw for t in tokens))
    transport = request.transport
    issuer, guessed = source.expected_issuer(config.certs_url)
    settings = RunSettings(
        issuer=issuer,
        issuer_guessed=guessed,
        leeway=request.leeway,
        timeout=transport.timeout,
        ca_bundle=transport.ca_bundle,
        connect_to=transport.connect_to,
        show_tokens=request.show_tokens,
        expectations=parse_expectations(list(request.expect) or None),
        access=access.setup,
        expect_access=access.expect_access,
    )
    return _verify_all(config, settings, tokens, request.jwks_file, host)


def _verify_all(
    config: ProbeConfig,
    settings: RunSettings,
    tokens: Sequence[Token],
    jwks_file: str | None,
    host: Host,
) -> SingleRun | MultiRun:
    from oidc_probe.checks.catalogue import all_checks, run_checks
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Stage
    from oidc_probe.plumbing.http import make_client
    from oidc_probe.plumbing.jose import load_keys
    from oidc_probe.run.multirun import SharedRefetch
    from oidc_probe.run.plans import VERIFY, VERIFY_TOKEN
    from oidc_probe.run.results import MultiRun, SingleRun, UserRun
    from oidc_probe.stages import jwks as jwks_stage

    shared = RunContext(config=config, settings=settings)
    refetcher = _no_refetch if jwks_file is not None else SharedRefetch()
    with make_client(settings) as client:
        if jwks_file is not None:
            shared.jwks_fetch = offline_jwks(jwks_file)
        else:
            jwks_stage.run(shared, client)
        keys = load_keys(shared.jwks)
        catalogue = all_checks()
        run_wide = run_checks(shared, VERIFY.select(catalogue))
        token_checks = VERIFY_TOKEN.select(catalogue, access=settings.access is not None)
        by_id = {spec.id: spec for spec in token_checks}
        runs = []
        for token in tokens:
            ctx = RunContext(
                config=config,
                settings=settings,
                jwks_fetch=shared.jwks_fetch,
                jwks_refetcher=refetcher,
                stopped={Stage.USERINFO.key: "verify does not call userinfo"},
            )
            _verify_one(ctx, client, token, keys, host)
            findings = [
                VERIFY_TOKEN.reword(f, by_id[f.check_id])
                for f in run_checks(ctx, token_checks, user=token.label)
            ]
            runs.append((token, ctx, findings))
    if len(tokens) == 1 and not tokens[0].label:
        _, ctx, findings = runs[0]
        return SingleRun(ctx, (*run_wide, *findings))
    users = tuple(UserRun(t.label, ctx, tuple(findings)) for t, ctx, findings in runs)
    return MultiRun(shared, tuple(run_wide), users, kind="token")


def _verify_one(
    ctx: RunContext, client: httpx2.Client, token: Token, keys: LoadedKeys, host: Host
) -> None:
    from oidc_probe.plumbing.jose import decode_jwt
    from oidc_probe.stages.verify import verify_signature

    ctx.id_token = decode_jwt(token.raw)
    ctx.signature = verify_signature(ctx, client, ctx.id_token, keys)
    if ctx.signature.valid is not True:
        where = f"{token.label}: " if token.label else ""
        host.warn(
            f"{where}the signature was NOT verified ({ctx.signature.reason}); "
            "the claims are only decoded and prove nothing"
        )


def verify_access(request: VerifyAccessRequest, host: Host) -> SingleRun:
    """``verify-access``: the CFT checks over Access's application token."""
    from oidc_probe.checks.catalogue import all_checks, run_checks
    from oidc_probe.core.config import ProbeConfig, load_config
    from oidc_probe.core.context import AccessJwt, RunContext
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.plumbing.http import fetch, make_client
    from oidc_probe.plumbing.jose import decode_jwt
    from oidc_probe.run.access_inputs import application_aud, checked_ca_bundle
    from oidc_probe.run.plans import VERIFY_ACCESS
    from oidc_probe.run.results import SingleRun
    from oidc_probe.stages.verify import verify_signature

    team = request.team_name.strip().lower()
    if not _TEAM.match(team):
        raise UsageError(f"--team-name {request.team_name!r}: give the team name only, e.g. 'acme'")
    _check_app_options(request)
    team_domain = f"https://{team}.cloudflareaccess.com"
    raw = _read_access_token(request.token, host)
    if not request.show_tokens:
        host.redactor.add(raw)
    claims = request.claims
    if request.config_path is not None:
        config = load_config(request.config_path, {"claims": claims}, host.environ)
        host.redactor.add(config.client_secret)
    else:
        config = ProbeConfig("", "", "", "", claims=claims or ())
    transport = request.transport
    settings = RunSettings(
        issuer=team_domain,
        leeway=request.leeway,
        timeout=transport.timeout,
        ca_bundle=checked_ca_bundle(transport.ca_bundle),
        connect_to=transport.connect_to,
        show_tokens=request.show_tokens,
    )
    ctx = RunContext(config=config, settings=settings, jwks_refetcher=lambda c, cl: None)
    with make_client(settings) as client:
        if request.certs_file is not None:
            certs = offline_jwks(request.certs_file, "--certs")
        else:
            url = request.certs_url or f"{team_domain}/cdn-cgi/access/certs"
            certs = fetch(client, "GET", url)
            if not certs.ok or certs.json_object() is None:
                reason = certs.error or f"HTTP {certs.status}"
                if certs.ok:
                    reason = "not a JSON object"
                raise UsageError(f"cannot read the Access certs: GET {url}: {reason}")
        ctx.jwks_fetch = certs
        token = decode_jwt(raw)
        signature = verify_signature(ctx, client, token)
    auds = request.aud or application_aud(request.access, transport, host)
    ctx.access_jwt = AccessJwt(token, signature, team_domain, auds, certs)
    findings = run_checks(ctx, VERIFY_ACCESS.select(all_checks()))
    return SingleRun(ctx, tuple(findings))


def _check_app_options(request: VerifyAccessRequest) -> None:
    """``--cloudflare-app`` is the only use ``verify-access`` has for the API options, and
    it only finds the AUD tag: an option that would be ignored is a usage line."""
    access = request.access
    if access.cloudflare_app is None:
        for value, option in (
            (access.cloudflare_zone, "--cloudflare-zone"),
            (access.cloudflare_account, "--cloudflare-account"),
        ):
            if value is not None:
                raise UsageError(
                    f"{option} is used only with --cloudflare-app (to read the application's "
                    "AUD tag); give --cloudflare-app, or drop it"
                )
    elif request.aud:
        raise UsageError(
            "--aud and --cloudflare-app exclude each other: --cloudflare-app reads the AUD "
            "tag that --aud gives; give one of them"
        )


def _read_access_token(token: str | None, host: Host) -> str:
    if token is None:
        raise UsageError("verify-access needs a token: pass it as an argument or '-' for stdin")
    raw = host.read_line() if token == "-" else token
    raw = raw.strip()
    for prefix in ("CF_Authorization=", "Cf-Access-Jwt-Assertion:"):
        if raw.lower().startswith(prefix.lower()):
            raw = raw[len(prefix) :].strip()  # pasted with its cookie or header name
    if not raw:
        raise UsageError("no token on standard input" if token == "-" else "empty token")
    return raw
