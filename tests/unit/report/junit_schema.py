"""A strict check of JUnit XML against the schema Jenkins publishes (junit-10.xsd), by hand.

No XSD library is a dependency, so the schema's rules that matter to readers
(Jenkins, GitLab) are encoded here: allowed elements, their order and
cardinality, allowed and required attributes, attribute types, and totals that
add up.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SUITES_ATTRS = {"name", "time", "tests", "failures", "disabled", "errors", "skipped"}
SUITE_ATTRS = {
    "name",
    "tests",
    "failures",
    "errors",
    "time",
    "disabled",
    "skipped",
    "timestamp",
    "hostname",
    "id",
    "package",
    "file",
    "log",
    "url",
    "version",
}
CASE_ATTRS = {
    "name",
    "assertions",
    "time",
    "classname",
    "status",
    "file",
    "line",
    "log",
    "group",
    "url",
}
RESULT_ATTRS = {"message", "type"}
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
INTEGER = re.compile(r"^\d+$")


class SchemaError(AssertionError):
    pass


def _attrs(el: ET.Element, allowed: set[str], required: set[str]) -> None:
    extra = set(el.attrib) - allowed
    if extra:
        raise SchemaError(f"<{el.tag}> has attributes outside the schema: {sorted(extra)}")
    missing = required - set(el.attrib)
    if missing:
        raise SchemaError(f"<{el.tag}> lacks required attributes {sorted(missing)}")
    for key in ("tests", "failures", "errors", "skipped", "disabled", "assertions"):
        if key in el.attrib and not INTEGER.match(el.attrib[key]):
            raise SchemaError(f"<{el.tag} {key}={el.attrib[key]!r}> is not an integer")
    if "time" in el.attrib and not DECIMAL.match(el.attrib["time"]):
        raise SchemaError(f"<{el.tag} time={el.attrib['time']!r}> is not a decimal")


def _order(el: ET.Element, sequence: list[tuple[str, int, int | None]]) -> None:
    """Children must follow ``sequence`` of (tag, min, max) in order."""
    children = list(el)
    index = 0
    for tag, low, high in sequence:
        count = 0
        while index < len(children) and children[index].tag == tag:
            count += 1
            index += 1
        if count < low or (high is not None and count > high):
            raise SchemaError(f"<{el.tag}> has {count} <{tag}> (allowed {low}..{high})")
    if index != len(children):
        raise SchemaError(f"<{el.tag}> has <{children[index].tag}> out of place")


def validate(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    if root.tag != "testsuites":
        raise SchemaError(f"root is <{root.tag}>, not <testsuites>")
    _attrs(root, SUITES_ATTRS, set())
    _order(root, [("testsuite", 0, None)])
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in root:
        _attrs(suite, SUITE_ATTRS, {"name", "tests"})
        _order(
            suite,
            [
                ("properties", 0, 1),
                ("testcase", 0, None),
                ("system-out", 0, 1),
                ("system-err", 0, 1),
            ],
        )
        for props in suite.findall("properties"):
            _order(props, [("property", 1, None)])
            for prop in props:
                _attrs(prop, {"name", "value"}, {"name", "value"})
        cases = suite.findall("testcase")
        failures = skipped = 0
        for case in cases:
            _attrs(case, CASE_ATTRS, {"name"})
            _order(
                case,
                [
                    ("skipped", 0, 1),
                    ("error", 0, None),
                    ("failure", 0, None),
                    ("system-out", 0, None),
                    ("system-err", 0, None),
                ],
            )
            for result in case:
                if result.tag in ("skipped", "error", "failure"):
                    _attrs(result, RESULT_ATTRS, set())
            failures += len(case.findall("failure"))
            skipped += len(case.findall("skipped"))
        if int(suite.get("tests", "-1")) != len(cases):
            raise SchemaError(
                f"suite {suite.get('name')}: tests={suite.get('tests')} but {len(cases)} cases"
            )
        if int(suite.get("failures", "0")) != failures or int(suite.get("skipped", "0")) != skipped:
            raise SchemaError(f"suite {suite.get('name')}: failure/skipped counts do not add up")
        totals["tests"] += len(cases)
        totals["failures"] += failures
        totals["skipped"] += skipped
    for key, value in totals.items():
        if key in root.attrib and int(root.attrib[key]) != value:
            raise SchemaError(
                f"<testsuites {key}={root.attrib[key]}> but the suites add up to {value}"
            )
    return root
