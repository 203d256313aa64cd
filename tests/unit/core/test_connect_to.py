"""``--connect-to`` rules: curl's HOST1:PORT1:HOST2:PORT2 form and which connections they steer."""

from __future__ import annotations

import pytest

from oidc_probe.core.connect_to import ConnectRule, connect_target


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        (
            "idp.example.com:443:127.0.0.1:9443",
            ConnectRule("idp.example.com", 443, "127.0.0.1", 9443),
        ),
        (
            "IdP.Example.com.:443:127.0.0.1:9443",
            ConnectRule("idp.example.com", 443, "127.0.0.1", 9443),
        ),
        ("::127.0.0.1:9443", ConnectRule("", None, "127.0.0.1", 9443)),
        ("idp.example.com:443::9443", ConnectRule("idp.example.com", 443, "", 9443)),
        ("idp.example.com:443:[::1]:", ConnectRule("idp.example.com", 443, "::1", None)),
        ("[2001:db8::1]:443:[::1]:8443", ConnectRule("2001:db8::1", 443, "::1", 8443)),
    ],
)
def test_rules_parse_as_curl_writes_them(text: str, rule: ConnectRule) -> None:
    assert ConnectRule.parse(text) == rule


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("idp.example.com:127.0.0.1:9443", "is not HOST1:PORT1:HOST2:PORT2"),
        ("idp.example.com:443:::1:8443", "is not HOST1:PORT1:HOST2:PORT2"),
        ("idp.example.com:https:127.0.0.1:9443", "is not HOST1:PORT1:HOST2:PORT2"),
        ("idp.example.com:443:127.0.0.1:70000", "70000 is not a port number"),
        ("idp.example.com:0:127.0.0.1:1", "0 is not a port number"),
        ("idp.example.com:443::", "names no HOST2 or PORT2"),
    ],
)
def test_malformed_rules_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        ConnectRule.parse(text)


def test_a_rule_matches_its_host_and_port_only() -> None:
    rule = ConnectRule.parse("idp.example.com:443:127.0.0.1:9443")
    assert rule.target("IDP.example.com", 443) == ("127.0.0.1", 9443)
    assert rule.target("idp.example.com", 80) is None
    assert rule.target("other.example.com", 443) is None


def test_empty_fields_match_any_and_keep_the_original() -> None:
    assert ConnectRule.parse(":443:127.0.0.1:").target("a.example", 443) == ("127.0.0.1", 443)
    assert ConnectRule.parse("a.example:::9443").target("a.example", 80) == ("a.example", 9443)


def test_the_first_matching_rule_wins() -> None:
    rules = [
        ConnectRule.parse("a.example:443:127.0.0.1:1111"),
        ConnectRule.parse("::127.0.0.1:2222"),
    ]
    assert connect_target(rules, "a.example", 443) == ("127.0.0.1", 1111)
    assert connect_target(rules, "b.example", 443) == ("127.0.0.1", 2222)
    assert connect_target([], "b.example", 443) is None


def test_a_rule_prints_back_in_its_own_form() -> None:
    for text in ("idp.example.com:443:127.0.0.1:9443", "[2001:db8::1]:443:[::1]:", "::h:1"):
        assert str(ConnectRule.parse(text)) == text


def test_hosts_are_compared_as_httpcore_names_them() -> None:
    assert ConnectRule.parse("[2001:0db8::0001]:443::1").target("2001:db8::1", 443) == (
        "2001:db8::1",
        1,
    )
    rule = ConnectRule.parse("bücher.example:443:127.0.0.1:1")
    assert rule.host == "xn--bcher-kva.example"
    assert rule.target("xn--bcher-kva.example", 443) == ("127.0.0.1", 1)


@pytest.mark.parametrize("text", ["[]:443:127.0.0.1:1", "a b:443:127.0.0.1:1", ":443:[]:1"])
def test_empty_brackets_and_spaces_are_not_hosts(text: str) -> None:
    with pytest.raises(ValueError, match="is not HOST1:PORT1:HOST2:PORT2"):
        ConnectRule.parse(text)


def test_a_lone_dot_is_not_a_host_that_matches_every_host() -> None:
    with pytest.raises(ValueError, match="is not a host name"):
        ConnectRule.parse(".:443:127.0.0.1:1")
