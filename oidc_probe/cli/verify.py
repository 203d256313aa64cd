"""``oidc-probe verify``: judge ID tokens a user already has, with the IDT and CLM checks.

The JWKS is read once (from ``certs_url``, or ``--jwks FILE`` offline) and its keys
imported once, however many tokens ``--tokens FILE`` holds. Each token gets its own
context and its findings are reported as a section named after its line. The raw
tokens never appear in any output unless ``--show-tokens``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    import httpx2

    from oidc_probe.cli.console import Console
    from oidc_probe.cli.output import OutputOptions
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.context import HttpExchange, RunContext
    from oidc_probe.core.model import Finding
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.plumbing.jose import LoadedKeys
    from oidc_probe.run.runner import ProbeRunner

# Why a check cannot judge a token given on the command line (replaces its SKIP message).
VERIFY_SKIPS = {
    "IDT009": "verify: the nonce of the original login is unknown, so it cannot be compared",
    "IDT010": "verify: no access token was given, so at_hash cannot be compared",
    "CLM004": "verify: userinfo is not called for a token given on the command line",
}


@dataclass(frozen=True)
class Token:
    label: str  # "" for a single token, else "line N"
    raw: str


def read_tokens(args: argparse.Namespace, console: Console) -> list[Token]:
    """The token argument, ``-`` (stdin) or ``--tokens FILE``; never echoed anywhere."""
    if args.token is not None and args.tokens is not None:
        raise UsageError("give either a TOKEN (or '-') or --tokens FILE, not both")
    if args.tokens is not None:
        if args.tokens == "-":
            text = console.read_all()
        else:
            try:
                text = Path(args.tokens).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"--tokens {args.tokens}: cannot read ({exc})") from None
        tokens = [
            Token(f"line {n}", line.strip())
            for n, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if not tokens:
            raise UsageError(f"--tokens {args.tokens}: no tokens (one per line)")
        return tokens
    if args.token is None:
        raise UsageError(
            "verify needs a token: pass it as an argument, '-' to read it from standard "
            "input, or --tokens FILE"
        )
    raw = console.read_line() if args.token == "-" else args.token
    raw = raw.strip()
    if not raw:
        raise UsageError("no token on standard input" if args.token == "-" else "empty token")
    return [Token("", raw)]


def offline_jwks(path: str) -> HttpExchange:
    """A JWKS file presented as the exchange the JWKS checks judge."""
    from oidc_probe.core.context import HttpExchange

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--jwks {path}: cannot read ({exc})") from None
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--jwks {path}: not JSON ({exc})") from None
    except RecursionError:
        raise UsageError(f"--jwks {path}: not JSON (nested too deeply)") from None
    headers = {"content-type": "application/json"}
    return HttpExchange("FILE", path, 200, headers, text[:65536], doc)


def _no_refetch(ctx: RunContext, client: httpx2.Client) -> HttpExchange | None:
    return None


def add_options(verify: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.access_inputs import add_access_options
    from oidc_probe.cli.argtypes import non_negative_int
    from oidc_probe.cli.options import add_config_options, add_network_options
    from oidc_probe.cli.output import add_output_options

    verify.add_argument(
        "token",
        nargs="?",
        metavar="TOKEN|-",
        help="the ID token, or '-' to read it from standard input (safer: not in the shell "
        "history)",
    )
    verify.add_argument(
        "--tokens", metavar="FILE", help="verify many tokens: one per line ('-': stdin)"
    )
    verify.add_argument(
        "--jwks", metavar="FILE", help="verify offline with this JWKS file instead of certs_url"
    )
    add_config_options(verify)
    options = verify.add_argument_group("verification")
    options.add_argument(
        "--leeway", type=non_negative_int, default=60, metavar="SECONDS", help="clock skew"
    )
    add_network_options(options)
    options.add_argument(
        "--expect", action="append", metavar="EXPR", help="claim expectation (as for check)"
    )
    add_output_options(verify)
    add_access_options(verify)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.access_inputs import config_and_access, uses_cloudflare_idp
    from oidc_probe.cli.inputs import network_settings
    from oidc_probe.cli.output import OutputOptions
    from oidc_probe.core.config import derive_issuer
    from oidc_probe.core.expect import parse_expectations
    from oidc_probe.core.settings import RunSettings

    if args.config is None and not args.client_id and not uses_cloudflare_idp(args):
        raise UsageError("verify needs --config FILE (Cloudflare's identity-provider JSON)")
    config, access = config_and_access(args, console)
    options = OutputOptions.from_args(args)
    tokens = read_tokens(args, console)
    if not options.show_tokens:
        console.redactor.add(*(t.raw for t in tokens))
    settings = RunSettings(
        issuer=args.issuer or derive_issuer(config.certs_url),
        issuer_guessed=not args.issuer,
        leeway=args.leeway,
        **network_settings(args),
        show_tokens=options.show_tokens,
        expectations=parse_expectations(args.expect),
        access=access.setup,
        expect_access=access.expect_access,
    )
    return _verify_all(config, settings, tokens, args.jwks, options, console)


def _verify_all(
    config: ProbeConfig,
    settings: RunSettings,
    tokens: Sequence[Token],
    jwks_file: str | None,
    options: OutputOptions,
    console: Console,
) -> int:
    from oidc_probe.checks.catalogue import all_checks, run_checks
    from oidc_probe.cli.output import emit_multi_report, emit_report
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Stage
    from oidc_probe.plumbing.http import make_client
    from oidc_probe.plumbing.jose import load_keys
    from oidc_probe.run.multirun import MultiRun, SharedRefetch, UserRun
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
        run_wide = run_checks(shared, [c for c in catalogue if c.stage is Stage.JWKS])
        judged = {Stage.ID_TOKEN, Stage.CLAIMS}
        if settings.access is not None:
            judged.add(Stage.ACCESS)  # --policy: what Access will do with this token
        token_checks = [c for c in catalogue if c.stage in judged]
        runs = []
        for token in tokens:
            ctx = RunContext(
                config=config,
                settings=settings,
                jwks_fetch=shared.jwks_fetch,
                jwks_refetcher=refetcher,
                stopped={Stage.USERINFO.key: "verify does not call userinfo"},
            )
            _verify_one(ctx, client, token, keys, console)
            findings = [_reword(f) for f in run_checks(ctx, token_checks)]
            runs.append((token, ctx, findings))
    if len(tokens) == 1 and not tokens[0].label:
        _, ctx, findings = runs[0]
        return emit_report(ctx, [*run_wide, *findings], options, console)
    users = tuple(
        UserRun(t.label, ctx, tuple(f.for_user(t.label) for f in findings))
        for t, ctx, findings in runs
    )
    return emit_multi_report(MultiRun(shared, tuple(run_wide), users), options, console)


def _verify_one(
    ctx: RunContext, client: httpx2.Client, token: Token, keys: LoadedKeys, console: Console
) -> None:
    from oidc_probe.plumbing.jose import decode_jwt
    from oidc_probe.stages.verify import verify_signature

    ctx.id_token = decode_jwt(token.raw)
    ctx.signature = verify_signature(ctx, client, ctx.id_token, keys)
    if ctx.signature.valid is not True:
        where = f"{token.label}: " if token.label else ""
        console.warn(
            f"{where}the signature was NOT verified ({ctx.signature.reason}); "
            "the claims are only decoded and prove nothing"
        )


def _reword(finding: Finding) -> Finding:
    from oidc_probe.core.model import Status

    reason = VERIFY_SKIPS.get(finding.check_id)
    if reason is not None and finding.status is Status.SKIP:
        return replace(finding, message=reason)
    return finding
