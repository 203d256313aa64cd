"""HTML of the classic hosted UI: the sign-in page (form twice: desktop and mobile) and errors."""

from __future__ import annotations

from html import escape

INCORRECT_CREDENTIALS = "Incorrect username or password."

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: Arial, sans-serif; background: #fafafa; }}
.modal-content {{ max-width: 360px; margin: 40px auto; padding: 24px; background: #fff;
  border: 1px solid #ddd; border-radius: 4px; }}
.errorMessage-customizable {{ color: #b00; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""

_FORM = """<div class="modal-content background-customizable {variant}">
<div class="modal-body">
<div><span class="textDescription-customizable">Sign in with your username and password</span></div>
{error}<form name="cognitoSignInForm" action="{action}" method="post" class="cognito-asf">
<input type="hidden" name="_csrf" value="{csrf}">
<label class="label-customizable">Username</label>
<div><input id="signInFormUsername" name="username" type="text"
 class="form-control inputField-customizable" placeholder="Username"
 autocapitalize="none" required value="{username}"></div>
<label class="label-customizable">Password</label>
<div><input id="signInFormPassword" name="password" type="password"
 class="form-control inputField-customizable" placeholder="Password" required></div>
<input type="hidden" name="cognitoAsfData" id="cognitoAsfData" value="">
<input name="signInSubmitButton" type="Submit" value="Sign in"
 class="btn btn-primary submitButton-customizable" aria-label="submit">
</form>
</div>
</div>
"""


def login_page(action: str, csrf: str, username: str = "", error: str | None = None) -> str:
    """The sign-in page; ``action`` is ``/login?<authorize parameters>``."""
    error_html = (
        f'<p id="loginErrorMessage" class="errorMessage-customizable">{escape(error)}</p>\n'
        if error
        else ""
    )
    forms = "".join(
        _FORM.format(
            variant=variant,
            action=escape(action),
            csrf=escape(csrf),
            username=escape(username),
            error=error_html,
        )
        for variant in ("modal-content-mobile visible-md visible-lg", "visible-sm visible-xs")
    )
    return _PAGE.format(title="Signin", body=forms)


def error_page(error: str, description: str | None = None) -> str:
    detail = f"<p>{escape(description)}</p>\n" if description else ""
    body = (
        '<div class="modal-content">\n<h1>An error was encountered with the requested page.</h1>\n'
        f'<p id="errorMessage" class="errorMessage-customizable">{escape(error)}</p>\n'
        f"{detail}</div>"
    )
    return _PAGE.format(title="Error", body=body)


def signed_out_page() -> str:
    return _PAGE.format(
        title="Signed out", body='<div class="modal-content"><p>You are signed out.</p></div>'
    )


# Pages that stop a login after a correct password (issue 19). The wording is modelled
# on the classic hosted UI and on common providers; AWS does not publish the exact HTML.
USER_DISABLED = "User is disabled."
CONSENT_REQUIRED = "You must agree to the requested permissions to continue."


def _stop_form(action: str, title: str, intro: str, fields: str, button: str) -> str:
    body = (
        '<div class="modal-content background-customizable">\n'
        f"<h1>{escape(title)}</h1>\n<p>{escape(intro)}</p>\n"
        f'<form action="{escape(action)}" method="post">\n{fields}'
        f'<input name="submitButton" type="Submit" value="{escape(button)}">\n</form>\n</div>'
    )
    return _PAGE.format(title=escape(title), body=body)


def new_password_page(action: str) -> str:
    """The forced password change (NEW_PASSWORD_REQUIRED, user in FORCE_CHANGE_PASSWORD)."""
    fields = (
        '<label>New Password</label><input name="newPassword" type="password" required>\n'
        "<label>Enter New Password Again</label>"
        '<input name="confirmPassword" type="password" required>\n'
    )
    return _stop_form(action, "Change Password", "Please enter a new password.", fields, "Send")


def confirm_account_page(action: str) -> str:
    """An unconfirmed user: the code sent at sign-up is asked for."""
    fields = (
        "<label>Verification Code</label>"
        '<input name="confirmation_code" type="text" autocomplete="one-time-code" required>\n'
    )
    return _stop_form(
        action,
        "Confirm Account",
        "We have sent a code by email. Enter it below to confirm your account.",
        fields,
        "Confirm Account",
    )


def mfa_page(action: str) -> str:
    """A TOTP prompt (software token MFA)."""
    fields = '<label>Code</label><input name="totpCode" type="text" required>\n'
    return _stop_form(
        action,
        "Multi-factor authentication",
        "Enter the code from your authenticator app.",
        fields,
        "Sign in",
    )


def consent_page(action: str, error: str | None = None) -> str:
    """A consent page whose approval needs a box ticked (a form login leaves it unticked)."""
    shown = f'<p class="errorMessage-customizable">{escape(error)}</p>\n' if error else ""
    fields = (
        f'{shown}<input type="hidden" name="consent_step" value="1">\n'
        '<label><input type="checkbox" name="consent" value="on" required> '
        "I agree</label>\n"
    )
    return _stop_form(
        action,
        "Authorize application",
        "demo wants to access your email address and profile.",
        fields,
        "Allow",
    )


def account_selection_page(accounts: list[tuple[str, str]]) -> str:
    """Choose an account: one link per signed-in account, no form."""
    links = "".join(
        f'<li><a href="{escape(href)}">{escape(label)}</a></li>\n' for label, href in accounts
    )
    body = (
        '<div class="modal-content">\n<h1>Choose an account</h1>\n'
        f"<ul>\n{links}</ul>\n<p>Use another account</p>\n</div>"
    )
    return _PAGE.format(title="Choose an account", body=body)
