"""What ``oidc-probe --help`` lists: commands, exit codes, texts. Imports nothing.

The argparse parser (:mod:`oidc_probe.cli.main`) is built from this table, and
:func:`top_level_help` renders the top-level help from it without importing
argparse, so ``oidc-probe --help`` starts as fast as ``--version``.
"""

from __future__ import annotations

DESCRIPTION = (
    "Run Cloudflare Access's OpenID Connect login against an identity provider "
    "(Amazon Cognito or any OIDC provider) and say exactly what is wrong."
)
PROG = "oidc-probe"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130

EXIT_CODES = f"""\
exit codes:
  {EXIT_OK:<4} no check failed
  {EXIT_FAILED:<4} at least one check failed
  {EXIT_USAGE:<4} usage or configuration error
  {EXIT_INTERNAL:<4} internal error (rerun with --debug for the traceback)
  {EXIT_INTERRUPTED:<4} interrupted
"""

CHECK_EPILOG = f"""\
environment:
  OIDC_PROBE_CLIENT_SECRET  the client secret, when the config file leaves it out
  OIDC_PROBE_PASSWORD       the password for --login form (or the name given to --password-env)
  OIDC_PROBE_USERNAME       the username, when --username is not given
  CLOUDFLARE_API_TOKEN      the Cloudflare API token for --cloudflare-app and --cloudflare-idp
  GITHUB_STEP_SUMMARY       --format github appends the Markdown report to this file
  NO_COLOR                  set to disable colour
  BROWSER                   the browser --login browser opens (as Python's webbrowser module)
  AWS_PROFILE, AWS_REGION   AWS credentials and region for --aws (as the AWS CLI reads them)
  (every variable: docs/environment.md)

The client secret and the password are never accepted as plain arguments.

{EXIT_CODES}"""


# name -> (help, description, epilog). cli.build_parser adds a command's options only when
# that command runs; top_level_help renders `oidc-probe --help` without argparse.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": (
        "run the login flow against a provider and check everything Access needs",
        "Run the authorization-code flow as Cloudflare Access runs it, verify the "
        "ID token and check the claims Access needs.",
        CHECK_EPILOG,
    ),
    "discover": (
        "the checks that need no login (config, discovery, JWKS)",
        "Check the config, the discovery document and the signing keys, without "
        "logging in: no username or password needed. Same as 'check --discovery-only'.",
        EXIT_CODES,
    ),
    "verify": (
        "verify an ID token you already have (IDT and CLM checks)",
        "Verify ID tokens you already have (from an app log, say) with the checks "
        "Access applies: signature with the keys at certs_url (or --jwks FILE offline), "
        "iss, aud, exp, iat, and the claims Access reads. Checks that need the original "
        "login (nonce, at_hash, userinfo) are skipped with the reason. Without a usable key "
        "the token is only decoded and the report says that nothing was verified.",
        EXIT_CODES,
    ),
    "audit": (
        "check the user pool's configuration through the AWS API (no login)",
        "Read the user pool, app client, domain, groups and (with --username) users through "
        "the AWS API, read-only, and check what Access needs, with the config checks. No "
        "login, no password; AWS credentials from boto3's chain. Needs pip install "
        "'oidc-probe[aws]'.",
        EXIT_CODES,
    ),
    "verify-access": (
        "verify an Access application token (CF_Authorization / Cf-Access-Jwt-Assertion)",
        "Verify the application token Cloudflare Access issued (the CF_Authorization cookie "
        "or the Cf-Access-Jwt-Assertion header) with the CFT checks: signature with the team's "
        "certs (matched by kid), iss the team domain, aud the application's AUD tag, "
        "exp/iat/nbf, type app, and the custom claim compared with the configured claims.",
        EXIT_CODES,
    ),
    "cloudflare-config": (
        "write Cloudflare's identity-provider JSON for a Cognito user pool",
        "Fetch the user pool's discovery document and write the JSON body for "
        "Cloudflare's identity-provider API (type oidc), with auth_url, token_url and "
        "certs_url taken from it. The client secret comes from OIDC_PROBE_CLIENT_SECRET and "
        "is written only to --output FILE (mode 0600), or to stdout with --show-secret.",
        EXIT_CODES,
    ),
    "demo": (
        "run the full check against the built-in Cognito emulator",
        "Start the built-in Cognito emulator on a loopback port and run the full "
        "check against it with the form login and the demo user.",
        EXIT_CODES,
    ),
    "fake-cognito": (
        "serve the Cognito emulator in the foreground",
        "Serve the Cognito emulator (hosted UI, OAuth 2 and OIDC endpoints) until interrupted.",
        "",
    ),
    "exporter": (
        "serve probes to Prometheus (blackbox_exporter style /probe?module=NAME)",
        "Serve GET /probe?module=NAME, which logs in with the module's settings, runs every "
        "check and answers Prometheus metrics (probe_success, check statuses, certificate "
        "and key expiry, key IDs, the Access decision), and GET /metrics, the exporter's own. "
        "Modules come from a TOML file; passwords and client secrets from environment "
        "variables or files it names. Needs pip install 'oidc-probe[exporter]'.",
        EXIT_CODES,
    ),
    "checks": (
        "list the check catalogue",
        "List every check: ID, slug, stage and what it checks.",
        "",
    ),
    "explain": (
        "show the documentation page of one check",
        "Show what a check checks, why it matters for Access, how to fix it, and its references.",
        "",
    ),
}


_OPTIONS = (
    ("-h, --help", "show this help message and exit"),
    ("--version", "show program's version number and exit"),
    ("--debug", "show tracebacks of internal errors"),
)


def top_level_help() -> str:
    """``oidc-probe --help``, in argparse's layout."""
    from textwrap import fill

    width = max(len(name) for name in COMMANDS) + 4
    lines = [
        f"usage: {PROG} [-h] [--version] [--debug] COMMAND ...",
        "",
        fill(DESCRIPTION, 79),
        "",
        "commands:",
    ]
    lines += [f"  {name:<{width}}{summary}" for name, (summary, _, _) in COMMANDS.items()]
    lines += ["", "options:"]
    lines += [f"  {flag:<{width}}{text}" for flag, text in _OPTIONS]
    lines += ["", f"Run '{PROG} COMMAND --help' for the options of a command.", "", EXIT_CODES]
    return "\n".join(lines)


# The module under oidc_probe.cli that holds each subcommand's options and its run().
COMMANDS_MODULES = {
    "check": "check",
    "discover": "discover",
    "verify": "verify",
    "audit": "audit",
    "verify-access": "verify_access",
    "cloudflare-config": "cloudflare_config",
    "demo": "demo",
    "fake-cognito": "fake_cognito",
    "exporter": "exporter",
    "checks": "checks",
    "explain": "explain",
}
