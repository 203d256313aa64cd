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
