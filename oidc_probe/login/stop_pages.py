"""Pages that stop a login after the password, named, with what to do.

A forced password change (Cognito's NEW_PASSWORD_REQUIRED), a disabled or unconfirmed
user, a multi-factor (TOTP, SMS, email code) prompt, a consent page the driver could
not approve, an account-selection page: the form and headless-browser drivers ask
:func:`classify` what the page in front of them is, so AUT002 names it instead of
"the sign-in form came back".

The words matched are the ones such pages show in English: Cognito's classic hosted
UI and managed login (their exact wording is an assumption, modelled on AWS's
documentation of the user states and challenges) and the common phrasing of other
providers. A page in another language is not recognised and keeps the generic message.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_ATTRS = re.compile(r"""\b(?:name|id|autocomplete)\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_TEXT_LIMIT = 200_000


@dataclass(frozen=True)
class StopPage:
    """What the page is (``name``, a short noun phrase) and what the user should do."""

    kind: str
    name: str
    hint: str


_PAGES: tuple[tuple[StopPage, tuple[str, ...], tuple[str, ...]], ...] = (
    # (page, words in the visible text, words in field names/ids/autocomplete)
    (
        StopPage(
            "user-disabled",
            "a page saying the user is disabled",
            "enable the test user at the provider (Cognito: Enable user access on the user's "
            "page, or AdminEnableUser), or test with another user",
        ),
        (
            "user is disabled",
            "account is disabled",
            "account has been disabled",
            "account is locked",
            "account has been locked",
            "user is locked",
        ),
        (),
    ),
    (
        StopPage(
            "user-unconfirmed",
            "an account-confirmation page (the user is not confirmed)",
            "confirm the test user at the provider (Cognito: Confirm account on the user's "
            "page, or AdminConfirmSignUp), or verify its email there, then rerun",
        ),
        (
            "user is not confirmed",
            "confirm your account",
            "confirm account",
            "verify your email",
            "account is not verified",
            "confirmation code",
        ),
        ("confirmation_code", "confirmationcode"),
    ),
    (
        StopPage(
            "new-password-required",
            "a forced password change (Cognito: NEW_PASSWORD_REQUIRED)",
            "sign in once in a browser and set a permanent password, or set one at the "
            "provider (Cognito: the user is in FORCE_CHANGE_PASSWORD; 'aws cognito-idp "
            "admin-set-user-password --permanent'), then give the probe the new password",
        ),
        (
            "change password",
            "change your password",
            "new password",
            "password has expired",
            "password expired",
            "set a new password",
            "reset your password",
        ),
        (
            "newpassword",
            "new_password",
            "new-password",
            "confirmpassword",
            "password_confirm",
            "confirm_password",
        ),
    ),
    (
        StopPage(
            "mfa",
            "a multi-factor authentication prompt (a TOTP, SMS or email code)",
            "the form login cannot answer multi-factor prompts: test with a user without MFA "
            "(Cognito: MFA optional for the pool and none set up for the user), or use "
            "--login browser and enter the code yourself",
        ),
        (
            "multi-factor",
            "multi factor",
            "two-factor",
            "two factor",
            "2-step",
            "authenticator app",
            "verification code",
            "authentication code",
            "one-time code",
            "one-time password",
            "security code",
            "mfa",
        ),
        ("totp", "mfa", "otp", "one-time-code", "software_token", "authcode", "verificationcode"),
    ),
    (
        StopPage(
            "consent",
            "a consent page the login could not approve",
            "approve the client once for this user in a browser (or turn consent off for this "
            "client at the provider), then rerun; users signing in through Access may meet "
            "the same page",
        ),
        (
            "wants to access",
            "would like to access",
            "requests access",
            "is requesting access",
            "authorize access",
            "grant access",
            "consent",
            "allow access",
            "permissions requested",
            "requested permissions",
        ),
        ("consent",),
    ),
    (
        StopPage(
            "account-selection",
            "an account-selection page",
            "the provider asks which signed-in account to use: run with a fresh session "
            "(a new browser profile for --login browser), or sign the other accounts out",
        ),
        (
            "choose an account",
            "select an account",
            "pick an account",
            "use another account",
            "choose account",
            "select account",
            "which account",
        ),
        ("account_select", "select_account", "accountpicker"),
    ),
)


def visible_text(page_html: str) -> str:
    """The page's text as a person reads it: no scripts, styles or tags, spaces collapsed."""
    text = _SCRIPT.sub(" ", page_html[:_TEXT_LIMIT])
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def classify(page_html: str) -> StopPage | None:
    """The login-stopping page ``page_html`` is, or ``None`` when it is none of them.

    Call it only after the password was sent: a sign-in page also mentions passwords.
    """
    text = visible_text(page_html).lower()
    fields = " ".join(m.lower() for m in _ATTRS.findall(page_html[:_TEXT_LIMIT]))
    for page, words, field_words in _PAGES:
        if any(w in text for w in words) or any(w in fields for w in field_words):
            return page
    return None


def describe(page: StopPage, url: str, shown: str = "") -> str:
    """``login stopped at <page> (<url>)[: <what it shows>]``."""
    return f"login stopped at {page.name} ({url}){shown}"
