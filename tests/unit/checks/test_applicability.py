"""Checks that do not apply to --login initiate-auth skip with the reason, before running."""

from __future__ import annotations

from oidc_probe.checks.catalogue import all_checks
from oidc_probe.checks.registry import run_check
from oidc_probe.core.model import Status
from oidc_probe.core.settings import LoginMode, RunSettings
from tests.factories import ISSUER, make_context

# What --login initiate-auth does not exercise: the authorization request and callback,
# the token endpoint, the nonce and at_hash it binds, and userinfo.
INITIATE_AUTH_CANNOT_JUDGE = {
    "AUT001",
    "AUT003",
    "AUT004",
    "TOK001",
    "TOK002",
    "TOK003",
    "IDT009",
    "IDT010",
    "CLM004",
    "USR001",
    "USR002",
}


def test_initiate_auth_skips_exactly_the_declared_checks_with_the_reason() -> None:
    ctx = make_context(settings=RunSettings(issuer=ISSUER, login=LoginMode.INITIATE_AUTH))
    mode = LoginMode.INITIATE_AUTH
    declared = {spec.id: spec.not_for[mode] for spec in all_checks() if mode in spec.not_for}
    assert set(declared) == INITIATE_AUTH_CANNOT_JUDGE
    for spec in all_checks():
        findings = run_check(spec, ctx)
        said = any(f.message.endswith("(--login initiate-auth)") for f in findings)
        if spec.id in declared:
            assert [f.status for f in findings] == [Status.SKIP]
            assert findings[0].message == f"{declared[spec.id]} (--login initiate-auth)"
        else:
            assert not said, spec.id


def test_the_form_login_skips_nothing_for_applicability() -> None:
    ctx = make_context()
    for spec in all_checks():
        assert not any(f.message.endswith("(--login form)") for f in run_check(spec, ctx))
