from __future__ import annotations

import json
from urllib.parse import quote, quote_plus

from hypothesis import given
from hypothesis import strategies as st

from oidc_probe.core.model import Status
from oidc_probe.plumbing.redact import REDACTED, Redactor
from oidc_probe.report import Format, Report, render
from tests.factories import make_context
from tests.unit.report.builders import (
    ACCESS_TOKEN,
    CLIENT_SECRET,
    CODE,
    ID_TOKEN,
    PASSWORD,
    REFRESH_TOKEN,
    VERIFIER,
    finding,
    full_context,
)

ALL_SECRETS = (CLIENT_SECRET, PASSWORD, CODE, VERIFIER, ID_TOKEN, ACCESS_TOKEN, REFRESH_TOKEN)


def test_every_occurrence_is_replaced() -> None:
    redactor = Redactor(["hunter22"])
    assert redactor.redact("a hunter22 b hunter22") == f"a {REDACTED} b {REDACTED}"


def test_encoded_forms_are_replaced() -> None:
    redactor = Redactor(['p&ss w"rd/1'])
    assert redactor.redact("x?password=p%26ss%20w%22rd%2F1") == f"x?password={REDACTED}"
    assert redactor.redact("x?password=p%26ss+w%22rd%2F1") == f"x?password={REDACTED}"
    assert redactor.redact(json.dumps({"p": 'p&ss w"rd/1'})) == f'{{"p": "{REDACTED}"}}'


def test_longest_secret_wins_when_one_contains_another() -> None:
    redactor = Redactor(["abcd", "abcdefgh"])
    assert redactor.redact("abcdefgh") == REDACTED


def test_short_and_empty_values_are_ignored() -> None:
    redactor = Redactor(["abc", "", None])
    assert len(redactor) == 0
    assert redactor.redact("abc abc") == "abc abc"


def test_add_extends_the_set() -> None:
    redactor = Redactor()
    assert redactor.redact("later-secret") == "later-secret"
    redactor.add("later-secret")
    assert redactor.redact("later-secret") == REDACTED


def test_redact_data_walks_keys_and_nested_values() -> None:
    redactor = Redactor(["topsecret"])
    data = {"topsecret": ["x topsecret", {"k": "topsecret"}], "n": 3, "b": True}
    assert redactor.redact_data(data) == {
        REDACTED: [f"x {REDACTED}", {"k": REDACTED}],
        "n": 3,
        "b": True,
    }


def test_repr_does_not_show_secrets() -> None:
    assert "topsecret" not in repr(Redactor(["topsecret"]))


def test_for_context_covers_every_secret_of_the_run() -> None:
    redactor = Redactor.for_context(full_context())
    text = " ".join(ALL_SECRETS)
    assert redactor.redact(text) == " ".join([REDACTED] * len(ALL_SECRETS))


def test_for_context_with_show_tokens_keeps_tokens_but_not_secret_or_password() -> None:
    redactor = Redactor.for_context(full_context(), show_tokens=True)
    assert redactor.redact(f"{CLIENT_SECRET} {PASSWORD}") == f"{REDACTED} {REDACTED}"
    assert redactor.redact(ID_TOKEN) == ID_TOKEN
    assert redactor.redact(CODE) == CODE


def _leaky_report(show_tokens: bool = False) -> Report:
    findings = [
        finding(
            status=Status.FAIL,
            message=f"the server echoed {CLIENT_SECRET}",
            hint=f"password was {PASSWORD}",
            subject=CODE,
            evidence={"actual": {"body": f"id_token={ID_TOKEN}"}},
        )
    ]
    return Report.from_run(full_context(), findings, show_tokens=show_tokens)


def test_a_secret_in_a_finding_comes_out_redacted_in_every_format() -> None:
    ctx = full_context()
    report = _leaky_report().redacted(Redactor.for_context(ctx))
    for fmt in Format:
        out = render(report, fmt, color=False)
        for secret in ALL_SECRETS:
            assert secret not in out, (fmt, secret)
        # Markdown escapes the brackets (inert text): \[redacted\] renders as [redacted].
        shown = REDACTED.replace("[", "\\[").replace("]", "\\]") if fmt == "markdown" else REDACTED
        assert shown in out


def test_with_show_tokens_the_tokens_section_survives_but_secrets_do_not() -> None:
    ctx = full_context()
    report = _leaky_report(True).redacted(Redactor.for_context(ctx, show_tokens=True))
    data = json.loads(render(report, Format.JSON))
    assert data["tokens"]["id_token"] == ID_TOKEN
    out = json.dumps(data)
    assert CLIENT_SECRET not in out
    assert PASSWORD not in out


def test_json_redaction_keeps_fixed_vocabulary_and_syntax() -> None:
    """A password equal to a status word does not corrupt the status fields."""
    report = Report.from_run(full_context(), [finding(status=Status.PASS, message="pass ok")])
    out = render(report.redacted(Redactor(["pass"])), Format.JSON)
    data = json.loads(out)
    assert data["checks"][0]["status"] == "pass"
    assert data["checks"][0]["message"] == f"{REDACTED} ok"
    assert data["counts"]["pass"] == 1


def test_the_client_secret_read_from_aws_is_redacted_even_with_show_tokens() -> None:
    from oidc_probe.core.pool import PoolAudit

    ctx = make_context()
    ctx.pool_audit = PoolAudit(
        "eu-west-1_AbCdEf123",
        "eu-west-1",
        "client",
        client={"ClientSecret": "secret-from-describe-user-pool-client"},
    )
    for show_tokens in (False, True):
        redactor = Redactor.for_context(ctx, show_tokens=show_tokens)
        assert redactor("x secret-from-describe-user-pool-client y") == f"x {REDACTED} y"


def test_base64_forms_of_a_secret_alone_and_inside_a_basic_pair_are_redacted() -> None:
    import base64
    from urllib.parse import quote_plus

    secret, password, cf_token = "cl1ent/secret+value=", "Pa55 word!x", "cf-api-token-0123456789"
    redactor = Redactor([secret, password, cf_token])
    for value in (password, cf_token, secret):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            whole = encode(value.encode()).decode()
            for shown in (whole, whole.rstrip("=")):
                assert redactor.redact(f"x {shown} y") == "x [redacted] y"
    for client_id in ("a", "ab", "abc", "5example0client0id"):
        for pair in (f"{client_id}:{secret}", f"{quote_plus(client_id)}:{quote_plus(secret)}"):
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                line = f"Authorization: Basic {encode(pair.encode()).decode()}\r\n"
                out = redactor.redact(line)
                assert "[redacted]" in out
                # What is left decodes to no more than the id and the separator.
                left = out.split("Basic ", 1)[1].split("[redacted]")[0]
                assert len(left) <= len(base64.b64encode(f"{client_id}:".encode()))


def test_a_secret_given_again_adds_nothing() -> None:
    redactor = Redactor(["hunter22", 'p&ss w"rd/1'])
    known = len(redactor)
    redactor.add("hunter22", 'p&ss w"rd/1', "hunter22")
    assert len(redactor) == known
    assert redactor.redact("hunter22 p%26ss+w%22rd%2F1") == f"{REDACTED} {REDACTED}"


# Mostly URL-unreserved characters (whose encoded forms are the secret itself), with a few
# that every encoding changes; and any text.
_SECRETS = st.text(st.sampled_from("aZ09_.~-" + '/+ %&"\\é\n'), min_size=4, max_size=24) | st.text(
    st.characters(codec="utf-8"), min_size=4, max_size=24
)


@given(_SECRETS)
def test_every_encoded_form_of_any_secret_is_redacted(secret: str) -> None:
    redactor = Redactor([secret])
    for form in (secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1]):
        shown = redactor.redact(f"<{form}>")
        assert form not in shown
        assert REDACTED in shown
