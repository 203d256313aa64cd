"""Checks that do not apply to --login initiate-auth skip with the reason, before running."""

from __future__ import annotations

from oidc_probe.checks.applicability import NOT_APPLICABLE
from oidc_probe.checks.catalogue import all_checks
from oidc_probe.checks.registry import run_check
from oidc_probe.core.model import Status
from oidc_probe.core.settings import LoginMode, RunSettings
from tests.factories import ISSUER, make_context


def test_every_listed_check_exists() -> None:
    known = {spec.id for spec in all_checks()}
    for listed in NOT_APPLICABLE.values():
        assert set(listed) <= known


def test_initiate_auth_skips_exactly_the_listed_checks_with_the_reason() -> None:
    ctx = make_context(settings=RunSettings(issuer=ISSUER, login=LoginMode.INITIATE_AUTH))
    mode = LoginMode.INITIATE_AUTH
    declared = {spec.id: spec.not_for[mode] for spec in all_checks() if mode in spec.not_for}
    listed = {**NOT_APPLICABLE[mode], **declared}
    assert {"USR001", "USR002"} <= set(declared)  # declared on the check
    for spec in all_checks():
        findings = run_check(spec, ctx)
        if spec.id in listed:
            assert [f.status for f in findings] == [Status.SKIP]
            assert findings[0].message.endswith("(--login initiate-auth)")
            assert listed[spec.id] in findings[0].message


def test_the_form_login_skips_nothing_for_applicability() -> None:
    ctx = make_context()
    for spec in all_checks():
        assert not any(f.message.endswith("(--login form)") for f in run_check(spec, ctx))
