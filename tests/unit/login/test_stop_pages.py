"""login/stop_pages.py: the pages that stop a login after the password, named."""

from __future__ import annotations

import pytest

from oidc_probe.fake_cognito import pages
from oidc_probe.login.stop_pages import classify, visible_text


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        (pages.new_password_page("/login"), "new-password-required"),
        (pages.confirm_account_page("/login"), "user-unconfirmed"),
        (pages.mfa_page("/login"), "mfa"),
        (pages.consent_page("/login", pages.CONSENT_REQUIRED), "consent"),
        (pages.account_selection_page([("demo", "/x")]), "account-selection"),
        (pages.login_page("/login", "c", "demo", pages.USER_DISABLED), "user-disabled"),
        ("<form><input name='otp_code'></form>", "mfa"),
        (
            "<h1>Your password has expired</h1><input type=password name=pw>",
            "new-password-required",
        ),
    ],
)
def test_each_page_is_named(page: str, kind: str) -> None:
    found = classify(page)
    assert found is not None
    assert found.kind == kind
    assert found.hint


@pytest.mark.parametrize(
    "page",
    [
        pages.login_page("/login", "c", "demo", pages.INCORRECT_CREDENTIALS),
        pages.login_page("/login", "c"),
        "<html><body><p>Something went wrong</p></body></html>",
        "<script>var s = 'consent mfa new password';</script><p>Loading</p>",
    ],
)
def test_other_pages_are_not_named(page: str) -> None:
    assert classify(page) is None


def test_visible_text_drops_scripts_styles_and_tags() -> None:
    html = "<style>p{}</style><p>Change &amp; <b>go</b></p><script>x()</script>"
    assert visible_text(html) == "Change & go"
