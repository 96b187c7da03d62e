"""The `api diff` renderers: every format says the same changes, the level words are
ERR/WARN/INFO, --fail-on decides what blocks, and each output parses as its format says."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.openapi.model import ApiChange, level_named
from gitmigrate.openapi.report import DiffReport, render

CHANGES = (
    ApiChange("api-removed-without-deprecation", "error", "endpoint deleted without deprecation",
              "APIRemovedCheck", "GET /pets/{id}", "/pets/{id}", "GET", "openapi.yaml:12:5"),
    ApiChange("request-parameter-removed", "warning", "deleted the 'query' request parameter 'q'",
              "RequestParameterRemovedCheck", "GET /pets", "/pets", "GET", "",
              {"in": "query", "name": "q"}),
    ApiChange("endpoint-added", "info", "endpoint added", "NewEndpointCheck", "POST /pets",
              "/pets", "POST"),
)  # fmt: skip


def report(fail_on: str = "ERR", changes: tuple[ApiChange, ...] = CHANGES) -> DiffReport:
    return DiffReport("v1.yaml", "v2.yaml", changes, level_named(fail_on))


def test_fail_on_picks_the_blocking_changes() -> None:
    assert [c.id for c in report("ERR").blocking] == ["api-removed-without-deprecation"]
    assert len(report("WARN").blocking) == 2
    assert len(report("info").blocking) == 3
    assert report("ERR", CHANGES[1:]).blocking == ()
    with pytest.raises(UsageError, match="unknown level"):
        level_named("FATAL")


def test_text_lists_each_change_with_its_level_word_and_source() -> None:
    text = render(report(), "text")
    assert "ERR  api-removed-without-deprecation  GET /pets/{id}  (openapi.yaml:12:5)" in text
    assert "WARN request-parameter-removed  GET /pets" in text
    assert "INFO endpoint-added  POST /pets" in text
    assert "1 breaking (ERR), 1 potentially breaking (WARN), 1 other (INFO)" in text
    assert "1 change(s) at or above ERR" in text
    assert "at or above" not in render(report("ERR", CHANGES[1:]), "text")


def test_markdown_has_one_table_per_level_and_escapes_pipes() -> None:
    odd = ApiChange("x-id", "error", "a | b", "C", "GET /a|b", "/a|b", "GET")
    text = render(report(changes=(*CHANGES, odd)), "markdown")
    assert "### Breaking (ERR)" in text and "### Potentially breaking (WARN)" in text
    assert "| `GET /pets/{id}` | `api-removed-without-deprecation` |" in text
    assert "a \\| b" in text and "`GET /a\\|b`" in text


def test_json_round_trips_the_changes() -> None:
    body = json.loads(render(report(), "json"))
    assert body["blocked"] is True and body["fail_on"] == "ERR"
    assert body["counts"] == {"ERR": 1, "WARN": 1, "INFO": 1}
    assert [c["id"] for c in body["changes"]] == [c.id for c in CHANGES]
    assert body["changes"][1]["details"] == {"in": "query", "name": "q"}


def test_junit_fails_the_operations_with_blocking_changes() -> None:
    root = ET.fromstring(render(report("WARN"), "junit"))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "2"
    failed = {c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None}
    assert failed == {"GET /pets/{id}", "GET /pets"}
    empty = ET.fromstring(render(report(changes=()), "junit")).find("testsuite")
    assert empty is not None and empty.get("failures") == "0"


def test_sarif_names_rules_levels_and_locations() -> None:
    log = json.loads(render(report(), "sarif"))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == sorted(c.id for c in CHANGES)
    levels = [r["level"] for r in run["results"]]
    assert levels == ["error", "warning", "note"]
    first = run["results"][0]["locations"][0]
    assert first["physicalLocation"]["artifactLocation"]["uri"] == "openapi.yaml"
    assert first["physicalLocation"]["region"] == {"startLine": 12, "startColumn": 5}
    assert first["logicalLocations"][0]["name"] == "GET /pets/{id}"
    # no source: the revision's file
    second = run["results"][1]["locations"][0]["physicalLocation"]
    assert second["artifactLocation"]["uri"] == "v2.yaml" and "region" not in second


def test_an_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown format"):
        render(report(), "html")
