"""Issue 19 item 5: whatever JSON the servers send, the real run ends in a report that never lies.

Hypothesis generates the discovery document, the JWKS, the token response, the ID
token's header and claims and the userinfo answer (any depth, every code point
including unpaired surrogates, strings up to hundreds of kB, numbers beyond 64 bits
and past a double) and serves them through an ``httpx`` mock transport to the real
``oidc-probe check`` (in process: ``cli.main.main`` with the real pipeline, the real
checks and every renderer). The properties:

- the exit code is 0 or 1 (never 70, never a traceback);
- a report is written in every format (text on stdout, the others as files);
- no secret (client secret, password, the tokens) appears in any output;
- exit 0 (or "result PASS") only when the ID token's signature was verified.
"""

from __future__ import annotations

import base64
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import httpx2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oidc_probe.cli.main import main
from oidc_probe.core.context import AuthorizationRequest, LoginResult, RunContext
from oidc_probe.core.model import Finding
from tests.unit.properties.test_parsers_and_checks import KEY, KID, PUBLIC_JWK, b64url

HOST = "https://idp.prop.test"
ISSUER = f"{HOST}/pool"
CLIENT_ID = "3propclient000000000000000"
SECRET = "prop-client-secret-7f1d2c9a8b"
PASSWORD = "prop-password-4e5f6a7b"
ACCESS_MARK = "PROPACCESSTOKEN"
REFRESH_MARK = "PROPREFRESHTOKEN"
FILE_FORMATS = ("json", "junit", "markdown", "github")

WHOLE_RUN = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Every code point, unpaired surrogates included.
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
big_numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
)
leaves = st.one_of(st.none(), st.booleans(), big_numbers, any_text)
json_values = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)
    ),
    max_leaves=12,
)


def as_json(value: Any) -> str:
    """JSON text, surrogates as escapes (``ensure_ascii``), as a server may write it."""
    return json.dumps(value)


@st.composite
def json_text(draw: st.DrawFn) -> str:
    """A JSON value's text: plain, nested up to 3,000 levels, huge, or a number literal."""
    kind = draw(st.sampled_from(["value", "deep", "long", "literal"]))
    if kind == "deep":
        depth = draw(st.integers(min_value=1, max_value=3000))
        return "[" * depth + as_json(draw(leaves)) + "]" * depth
    if kind == "long":
        size = draw(st.sampled_from([1_000, 70_000, 200_000]))
        return as_json(draw(st.sampled_from(["a", "é", "\ud800", "😀"])) * size)
    if kind == "literal":
        return draw(st.sampled_from(["1e400", "-1e400", "123456789012345678901234567890", "0.0"]))
    return as_json(draw(json_values))


def object_text(members: dict[str, str]) -> str:
    """A JSON object from member name -> value text (the values may be deep or huge)."""
    return "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in members.items()) + "}"


def sign_text(header_text: str, payload_text: str) -> str:
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.hashes import SHA256

    signing_input = f"{b64url(header_text.encode())}.{b64url(payload_text.encode())}"
    private = KEY.private_key
    assert private is not None
    signature = private.sign(signing_input.encode(), PKCS1v15(), SHA256())
    return f"{signing_input}.{b64url(signature)}"


@st.composite
def id_tokens(draw: st.DrawFn, nonce: str) -> str:
    header: dict[str, str] = {"alg": '"RS256"', "kid": json.dumps(KID)}
    calm = draw(st.booleans())  # half the tokens are well formed, so PASS paths are explored
    for name in (
        []
        if calm
        else draw(st.lists(st.sampled_from(["alg", "kid", "typ", "x5c", "extra"]), max_size=2))
    ):
        header[name] = draw(json_text())
    claims = {
        "iss": json.dumps(ISSUER),
        "aud": json.dumps(CLIENT_ID),
        "sub": '"prop-sub"',
        "token_use": '"id"',
        "iat": "1700000000",
        "exp": "4000000000",
        "nonce": json.dumps(nonce),
        "email": '"ana@example.com"',
        "name": '"Ana"',
        "groups": '["admins"]',
        "custom:x": '"x"',
    }
    for name in [] if calm else draw(st.lists(st.sampled_from(list(claims)), max_size=3)):
        claims[name] = draw(json_text())
    token = sign_text(object_text(header), object_text(claims))
    if draw(st.integers(0, 3)):
        return token
    head, payload, signature = token.split(".")
    tampered = draw(st.sampled_from(["payload", "signature"]))
    if tampered == "payload":
        return f"{head}.{b64url(object_text(claims).replace('prop-sub', 'prop-sib').encode())}.{signature}"
    return f"{head}.{payload}.{b64url(b'x' * 256)}"


@st.composite
def jwks_documents(draw: st.DrawFn) -> str:
    keys = [json.dumps(PUBLIC_JWK)]
    changes = ["none"] * 4 + ["e1", "even-n", "enc-beside", "junk", "wrong-type"]
    change = draw(st.sampled_from(changes))
    if change == "e1":
        keys = [json.dumps({**PUBLIC_JWK, "e": "AQ"})]
    elif change == "even-n":
        n = int.from_bytes(base64.urlsafe_b64decode(PUBLIC_JWK["n"] + "=="), "big") - 1
        keys = [json.dumps({**PUBLIC_JWK, "n": b64url(n.to_bytes(256, "big"))})]
    elif change == "enc-beside":
        keys.append(json.dumps({**PUBLIC_JWK, "kid": "enc", "use": "enc"}))
    elif change == "junk":
        keys.append(draw(json_text()))
    elif change == "wrong-type":
        keys = [draw(json_text())]
    members = {"keys": "[" + ",".join(keys) + "]"}
    for name in draw(st.lists(any_text, max_size=2)):
        members[name] = draw(json_text())
    return object_text(members)


@st.composite
def discovery_documents(draw: st.DrawFn) -> str:
    members = {
        "issuer": json.dumps(ISSUER),
        "authorization_endpoint": json.dumps(f"{HOST}/oauth2/authorize"),
        "token_endpoint": json.dumps(f"{HOST}/oauth2/token"),
        "jwks_uri": json.dumps(f"{ISSUER}/.well-known/jwks.json"),
        "userinfo_endpoint": json.dumps(f"{HOST}/oauth2/userInfo"),
        "response_types_supported": '["code"]',
        "subject_types_supported": '["public"]',
        "id_token_signing_alg_values_supported": '["RS256"]',
    }
    if draw(st.booleans()):
        return object_text(members)
    for name in draw(st.lists(st.sampled_from([*members, "scopes_supported", "x"]), max_size=3)):
        members[name] = draw(json_text())
    return object_text(members)


@st.composite
def token_responses(draw: st.DrawFn, id_token: str) -> str:
    members = {
        "id_token": json.dumps(id_token),
        "access_token": json.dumps(ACCESS_MARK + draw(any_text)),
        "refresh_token": json.dumps(REFRESH_MARK + draw(any_text)),
        "token_type": '"Bearer"',
        "expires_in": "3600",
    }
    for name in draw(
        st.lists(st.sampled_from(["token_type", "expires_in", "scope", "x"]), max_size=2)
    ):
        members[name] = draw(json_text())
    return object_text(members)


class Driver:
    """A login that reaches the callback with a code and the request's state."""

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        params = {"code": "prop-code", "state": request.state}
        return LoginResult(callback_url=request.redirect_uri, callback_params=params)


@st.composite
def servers(draw: st.DrawFn) -> dict[str, str]:
    """The answers that do not depend on the authorization request."""
    return {
        "discovery": draw(discovery_documents()),
        "jwks": draw(jwks_documents()),
        "userinfo": object_text(
            {
                "sub": '"prop-sub"',
                "email": draw(st.one_of(st.just('"ana@example.com"'), json_text())),
            }
        ),
    }


def run_once(bodies: dict[str, str], token_draw: Any) -> tuple[int, str, str, list[str], Any]:
    """One in-process ``check`` against the generated answers."""
    seen: dict[str, Any] = {}

    def handle(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        key = next(
            (
                k
                for k in ("openid-configuration", "jwks.json", "token", "userInfo")
                if path.endswith(k)
            ),
            "",
        )
        body = {
            "openid-configuration": bodies["discovery"],
            "jwks.json": bodies["jwks"],
            "token": seen.get("token", "{}"),
            "userInfo": bodies["userinfo"],
        }.get(key)
        if body is None:
            return httpx2.Response(404)
        data = body.encode("utf-8", "surrogatepass")
        return httpx2.Response(200, content=data, headers={"content-type": "application/json"})

    def probe(config: Any, run_settings: Any, *, login: bool) -> tuple[RunContext, list[Finding]]:
        from oidc_probe.checks.catalogue import run_checks
        from oidc_probe.run import pipeline

        class TokenDriver(Driver):
            def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
                seen["token"] = token_draw(request.nonce)
                return super().login(client, request)

        ctx = pipeline.run_probe(
            config, run_settings, driver=TokenDriver(), transport=httpx2.MockTransport(handle)
        )
        seen["ctx"] = ctx
        return ctx, run_checks(ctx)

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        config = out / "idp.json"
        config.write_text(
            json.dumps(
                {
                    "type": "oidc",
                    "name": "prop",
                    "config": {
                        "client_id": CLIENT_ID,
                        "auth_url": f"{HOST}/oauth2/authorize",
                        "token_url": f"{HOST}/oauth2/token",
                        "certs_url": f"{ISSUER}/.well-known/jwks.json",
                        "scopes": ["openid", "email", "profile"],
                        "claims": ["name", "groups", "custom:x"],
                    },
                }
            )
        )
        files = [f"--output={fmt}={out / ('report.' + fmt)}" for fmt in FILE_FORMATS]
        stdout, stderr = io.StringIO(), io.StringIO()
        code = main(
            ["check", "--config", str(config), "--username", "prop", "--format", "text", *files],
            stdout=stdout,
            stderr=stderr,
            environ={"OIDC_PROBE_CLIENT_SECRET": SECRET, "OIDC_PROBE_PASSWORD": PASSWORD},
            probe=probe,
        )
        written = [
            (out / f"report.{fmt}").read_text(encoding="utf-8")
            for fmt in FILE_FORMATS
            if (out / f"report.{fmt}").exists()
        ]
    return code, stdout.getvalue(), stderr.getvalue(), written, seen.get("ctx")


@WHOLE_RUN
@given(data=st.data(), bodies=servers())
def test_every_answer_yields_an_honest_report_in_every_format(
    data: st.DataObject, bodies: dict[str, str]
) -> None:
    drawn: dict[str, str] = {}

    def token_for(nonce: str) -> str:
        raw = data.draw(id_tokens(nonce))
        drawn["id_token"] = raw
        return data.draw(token_responses(raw))

    code, stdout, stderr, written, ctx = run_once(bodies, token_for)
    assert code in (0, 1), stderr
    assert "Traceback" not in stderr
    assert "internal error" not in stdout, stdout[:2000]
    assert len(written) == len(FILE_FORMATS), stderr
    outputs = [stdout, stderr, *written]
    raw = drawn.get("id_token", "")
    for text in outputs:
        for secret in (SECRET, PASSWORD, ACCESS_MARK, REFRESH_MARK):
            assert secret not in text, secret
        if raw:
            assert raw not in text
            assert raw.split(".")[2] not in text  # not even the signature
    verified = ctx is not None and ctx.signature is not None and ctx.signature.valid is True
    if code == 0 or "result PASS" in stderr:
        assert verified, ctx.signature if ctx is not None else None


VERIFY_RUN = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@VERIFY_RUN
@given(data=st.data(), jwks=jwks_documents(), count=st.integers(min_value=1, max_value=3))
def test_verify_batches_never_pass_an_unverified_token(
    data: st.DataObject, jwks: str, count: int
) -> None:
    """``verify --tokens FILE --jwks FILE`` in process: exit 0 only if every token verified."""
    tokens = [data.draw(id_tokens("n")) for _ in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        (out / "jwks.json").write_bytes(jwks.encode("utf-8", "surrogatepass"))
        (out / "tokens.txt").write_text("\n".join(tokens) + "\n")
        config = out / "idp.json"
        config.write_text(
            json.dumps(
                {
                    "type": "oidc",
                    "name": "prop",
                    "config": {
                        "client_id": CLIENT_ID,
                        "auth_url": f"{HOST}/oauth2/authorize",
                        "token_url": f"{HOST}/oauth2/token",
                        "certs_url": f"{ISSUER}/.well-known/jwks.json",
                    },
                }
            )
        )
        stdout, stderr = io.StringIO(), io.StringIO()
        args = ["verify", "--tokens", str(out / "tokens.txt"), "--config", str(config)]
        code = main(
            [*args, "--jwks", str(out / "jwks.json"), "--format", "json"],
            stdout=stdout,
            stderr=stderr,
            environ={},
        )
    assert code in (0, 1, 2), stderr.getvalue()  # 2: a --jwks file that is not JSON
    assert "Traceback" not in stderr.getvalue()
    for raw in tokens:
        assert raw not in stdout.getvalue() + stderr.getvalue()
    if code == 2:
        return
    report = json.loads(stdout.getvalue())
    verdicts = [c["status"] for c in report["checks"] if c["id"] == "IDT004"]
    assert len(verdicts) == count
    if code == 0:
        assert set(verdicts) <= {"pass", "warn"}, verdicts
        assert "NOT verified" not in stderr.getvalue()
