"""Endpoints added and removed: a removal is breaking unless the endpoint was deprecated and
its sunset date is past; draft and alpha endpoints are outside the default stability level."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_api_checks_endpoint_support import diff, ids, spec

TWO = """
/pets:
  get:
    {extra}
    responses: {{'200': {{description: ok}}}}
  post:
    responses: {{'201': {{description: ok}}}}
/other:
  get:
    responses: {{'200': {{description: ok}}}}
"""
POST_ONLY = """
/pets:
  post:
    responses: {'201': {description: ok}}
/other:
  get:
    responses: {'200': {description: ok}}
"""
OTHER_ONLY = """
/other:
  get:
    responses: {'200': {description: ok}}
"""


def removed(tmp_path: Path, extra: str, revision: str = POST_ONLY, **options: object) -> list[str]:
    base = spec(TWO.format(extra=extra))
    return ids(diff(tmp_path, base, spec(revision), "APIRemovedCheck", **options))


def test_operation_removed_without_deprecation_is_an_error(tmp_path: Path) -> None:
    changes = diff(tmp_path, spec(TWO.format(extra="")), spec(POST_ONLY), "APIRemovedCheck")
    assert [(c.id, c.level, c.operation) for c in changes] == [
        ("api-removed-without-deprecation", "error", "GET /pets")
    ]
    assert changes[0].source.endswith("base.yaml:7:5")


def test_deprecated_operation_without_sunset_is_removed_with_deprecation(tmp_path: Path) -> None:
    assert removed(tmp_path, "deprecated: true") == ["api-removed-with-deprecation"]


def test_removal_before_the_sunset_date_is_an_error(tmp_path: Path) -> None:
    assert removed(tmp_path, "deprecated: true\n    x-sunset: '2027-01-01'") == [
        "api-removed-before-sunset"
    ]


def test_removal_after_the_sunset_date_is_not_reported(tmp_path: Path) -> None:
    assert removed(tmp_path, "deprecated: true\n    x-sunset: '2026-12-06'") == []


def test_sunset_as_rfc3339_timestamp_is_a_date(tmp_path: Path) -> None:
    extra = "deprecated: true\n    x-sunset: '2026-12-08T10:00:00Z'"
    assert removed(tmp_path, extra) == ["api-removed-before-sunset"]


def test_unparsable_sunset_is_reported(tmp_path: Path) -> None:
    assert removed(tmp_path, "deprecated: true\n    x-sunset: soon") == ["api-path-sunset-parse"]


def test_whole_path_removed_uses_the_path_ids(tmp_path: Path) -> None:
    assert removed(tmp_path, "", OTHER_ONLY) == [
        "api-path-removed-without-deprecation",
        "api-path-removed-without-deprecation",
    ]


def test_draft_operation_of_a_removed_path_is_not_reported(tmp_path: Path) -> None:
    assert removed(tmp_path, "x-stability-level: draft", OTHER_ONLY) == [
        "api-path-removed-without-deprecation"
    ]


def test_alpha_operation_removed_is_below_the_default_stability_level(tmp_path: Path) -> None:
    assert removed(tmp_path, "x-stability-level: alpha") == []
    assert removed(tmp_path, "x-stability-level: alpha", stability_level="alpha") == [
        "api-removed-without-deprecation"
    ]


def test_new_operation_and_new_path_are_added_endpoints(tmp_path: Path) -> None:
    changes = diff(tmp_path, spec(OTHER_ONLY), spec(TWO.format(extra="")), "APIAddedCheck")
    assert sorted(c.operation for c in changes) == ["GET /pets", "POST /pets"]
    assert {c.id for c in changes} == {"endpoint-added"}


def test_renamed_path_parameter_is_the_same_endpoint(tmp_path: Path) -> None:
    base = spec("/pets/{id}:\n  get:\n    responses: {'200': {description: ok}}")
    revision = spec("/pets/{petId}:\n  get:\n    responses: {'200': {description: ok}}")
    assert diff(tmp_path, base, revision, "APIRemovedCheck") == []
    assert diff(tmp_path, base, revision, "APIAddedCheck") == []
