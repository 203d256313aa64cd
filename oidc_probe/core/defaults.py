"""Defaults shared by the argument parser, the requests and the run settings; imports nothing.

Each default is written here once: the parser shows it in ``--help``, the request types
of :mod:`oidc_probe.run.requests` and :class:`oidc_probe.core.settings.RunSettings` use it.
"""

from __future__ import annotations

DEFAULT_REDIRECT_URI = "http://localhost:8765/callback"
# Token endpoint client authentication, as Access does it (client_secret_basic).
DEFAULT_CLIENT_AUTH = "basic"
# The claim Access reads the user's email from (Cloudflare's ``email_claim_name``).
DEFAULT_EMAIL_CLAIM = "email"
# Clock skew allowed when judging iat, exp and auth_time (seconds).
DEFAULT_LEEWAY = 60
# Limit for each whole request, body included (seconds).
DEFAULT_TIMEOUT = 10.0
DEFAULT_PASSWORD_ENV = "OIDC_PROBE_PASSWORD"
# Users logged in at the same time with --users.
DEFAULT_CONCURRENCY = 4
# How long an interactive login may take (seconds).
DEFAULT_LOGIN_TIMEOUT = 300.0
DEFAULT_CLOUDFLARE_API = "https://api.cloudflare.com/client/v4"
# Where ``oidc-probe exporter`` serves /probe and /metrics (loopback; port 0: any).
DEFAULT_EXPORTER_LISTEN = "127.0.0.1:9230"
# The exporter's probe deadline when neither the scrape nor the module names one (seconds),
# and how many probes it runs at once, all modules together.
DEFAULT_EXPORTER_TIMEOUT = 30.0
DEFAULT_EXPORTER_MAX_CONCURRENT = 4
