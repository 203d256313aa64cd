"""Errors a user can cause or meet; the CLI prints each as one line and exits with its code."""

from __future__ import annotations


class ProbeError(Exception):
    """Base of the errors shown to the user as one clear line."""

    exit_code = 70


class UsageError(ProbeError):
    """Bad command line, bad config file, missing credentials: exit 2."""

    exit_code = 2


class ConfigError(UsageError):
    """The Cloudflare identity-provider JSON cannot be used as given."""
