"""A sign-in page that renders its form with JavaScript only (``--login-page js``).

Like Cognito's managed login, the HTML holds no form: a script builds it from a
JSON block. A client that does not run JavaScript (the form login) finds no form
and must report that the page needs JavaScript; a real browser signs in as usual.
The form it builds posts the same fields as the classic page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

from oidc_probe.fake_cognito.pages import login_page

Renderer = Callable[[str, str, str, "str | None"], str]


class LoginPage(StrEnum):
    """Which sign-in page the emulator serves."""

    CLASSIC = "classic"
    JS = "js"


_BODY = """<div class="modal-content" id="signin-root">
<noscript><p>This sign-in page needs JavaScript.</p></noscript>
</div>
<script type="application/json" id="signin-data">{data}</script>
<script>
(function () {{
  var data = JSON.parse(document.getElementById("signin-data").textContent);
  var root = document.getElementById("signin-root");
  function el(tag, attrs, text) {{
    var node = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) {{ node.setAttribute(k, attrs[k]); }});
    if (text) {{ node.textContent = text; }}
    return node;
  }}
  root.appendChild(el("p", {{}}, "Sign in with your username and password"));
  if (data.error) {{
    root.appendChild(el("p", {{id: "loginErrorMessage", role: "alert",
      "class": "errorMessage-customizable"}}, data.error));
  }}
  var form = el("form", {{name: "cognitoSignInForm", method: "post", action: data.action}});
  form.appendChild(el("input", {{type: "hidden", name: "_csrf", value: data.csrf}}));
  form.appendChild(el("label", {{"for": "signInFormUsername"}}, "Username"));
  form.appendChild(el("input", {{id: "signInFormUsername", name: "username", type: "text",
    value: data.username, autocomplete: "username", required: ""}}));
  form.appendChild(el("label", {{"for": "signInFormPassword"}}, "Password"));
  form.appendChild(el("input", {{id: "signInFormPassword", name: "password", type: "password",
    autocomplete: "current-password", required: ""}}));
  form.appendChild(el("input", {{type: "hidden", name: "cognitoAsfData", value: ""}}));
  form.appendChild(el("button", {{type: "submit", name: "signInSubmitButton",
    value: "Sign in"}}, "Sign in"));
  root.appendChild(form);
}})();
</script>"""


def js_login_page(action: str, csrf: str, username: str = "", error: str | None = None) -> str:
    """The JavaScript-only sign-in page; same parameters as :func:`pages.login_page`."""
    data = json.dumps({"action": action, "csrf": csrf, "username": username, "error": error or ""})
    # Inside <script>, "<" must not start "</script>" or "<!--".
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    shell = login_page(action, csrf)
    head = shell.split("<body>", 1)[0]
    return f"{head}<body>\n{_BODY.format(data=data)}\n</body>\n</html>\n"


def page_renderer(kind: LoginPage | str) -> Renderer:
    """The sign-in page function for ``kind`` (``classic`` or ``js``)."""
    return js_login_page if LoginPage(kind) is LoginPage.JS else login_page
