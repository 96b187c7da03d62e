"""Endpoint deprecation, sunset and stability changes, with the deprecation periods of
`min_sunset_*_days` and the run's stability level."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_api_checks_endpoint_support import diff, ids, spec

GET = """
/pets:
  get:
    {extra}
    responses: {{'200': {{description: ok}}}}
"""


def endpoint(extra: str = "") -> str:
    return spec(GET.format(extra=extra))


def test_deprecation_without_sunset_is_informational(tmp_path: Path) -> None:
    changes = diff(tmp_path, endpoint(), endpoint("deprecated: true"), "APIDeprecationCheck")
    assert [(c.id, c.level) for c in changes] == [("endpoint-deprecated", "info")]


def test_deprecation_with_sunset_names_the_date(tmp_path: Path) -> None:
    revision = endpoint("deprecated: true\n    x-sunset: '2027-06-01'")
    changes = diff(tmp_path, endpoint(), revision, "APIDeprecationCheck")
    assert ids(changes) == ["endpoint-deprecated-with-sunset"]
    assert changes[0].details["sunset"] == "2027-06-01"


def test_deprecation_policy_requires_a_sunset_date(tmp_path: Path) -> None:
    changes = diff(
        tmp_path,
        endpoint(),
        endpoint("deprecated: true"),
        "APIDeprecationCheck",
        min_sunset_stable_days=30,
    )
    assert ids(changes) == ["api-deprecated-sunset-missing"]


def test_sunset_closer_than_the_policy_is_an_error(tmp_path: Path) -> None:
    revision = endpoint("deprecated: true\n    x-sunset: '2026-12-20'")
    changes = diff(tmp_path, endpoint(), revision, "APIDeprecationCheck", min_sunset_stable_days=30)
    assert ids(changes) == ["api-sunset-date-too-small"]


def test_beta_endpoint_uses_the_beta_period(tmp_path: Path) -> None:
    revision = endpoint("deprecated: true\n    x-stability-level: beta\n    x-sunset: '2026-12-20'")
    base = endpoint("x-stability-level: beta")
    options = {"min_sunset_stable_days": 30, "min_sunset_beta_days": 5}
    assert ids(diff(tmp_path, base, revision, "APIDeprecationCheck", **options)) == [
        "endpoint-deprecated-with-sunset"
    ]


def test_undeprecated_endpoint_is_reactivated(tmp_path: Path) -> None:
    assert ids(diff(tmp_path, endpoint("deprecated: true"), endpoint(), "APIDeprecationCheck")) == [
        "endpoint-reactivated"
    ]


def test_sunset_deleted_from_a_deprecated_endpoint(tmp_path: Path) -> None:
    base = endpoint("deprecated: true\n    x-sunset: '2027-01-01'")
    changes = diff(tmp_path, base, endpoint("deprecated: true"), "APISunsetChangedCheck")
    assert [(c.id, c.level) for c in changes] == [("sunset-deleted", "error")]


def test_sunset_moved_earlier_below_the_policy(tmp_path: Path) -> None:
    base = endpoint("deprecated: true\n    x-sunset: '2027-06-01'")
    revision = endpoint("deprecated: true\n    x-sunset: '2026-12-10'")
    assert ids(diff(tmp_path, base, revision, "APISunsetChangedCheck")) == []
    changes = diff(tmp_path, base, revision, "APISunsetChangedCheck", min_sunset_stable_days=30)
    assert ids(changes) == ["api-sunset-date-changed-too-small"]


def test_stable_endpoint_becoming_draft_is_reported_by_default(tmp_path: Path) -> None:
    changes = diff(
        tmp_path, endpoint(), endpoint("x-stability-level: draft"), "APIStabilityLevelCheck"
    )
    assert [(c.id, c.level) for c in changes] == [("api-stability-decreased", "error")]


def test_draft_endpoint_becoming_stable_needs_drafts_checked(tmp_path: Path) -> None:
    base, revision = endpoint("x-stability-level: draft"), endpoint()
    assert ids(diff(tmp_path, base, revision, "APIStabilityLevelCheck")) == []
    assert ids(
        diff(tmp_path, base, revision, "APIStabilityLevelCheck", stability_level="draft")
    ) == ["api-stability-increased"]


def test_unknown_stability_level_is_an_error_of_the_deprecation_check(tmp_path: Path) -> None:
    base, revision = endpoint(), endpoint("deprecated: true\n    x-stability-level: gamma")
    changes = diff(tmp_path, base, revision, "APIDeprecationCheck")
    assert [(c.id, c.level) for c in changes] == [("api-invalid-stability-level", "error")]
    assert diff(tmp_path, base, revision, "APIStabilityLevelCheck") == []
    every = diff(tmp_path, base, revision)  # the stability check leaves the id to this one
    assert ids(every).count("api-invalid-stability-level") == 1


def test_changes_of_an_endpoint_below_the_stability_level_are_not_checked(tmp_path: Path) -> None:
    base = endpoint("x-stability-level: alpha")
    revision = endpoint("x-stability-level: alpha\n    deprecated: true")
    assert diff(tmp_path, base, revision, "APIDeprecationCheck") == []


def test_sunset_changed_to_an_unparsable_value(tmp_path: Path) -> None:
    base = endpoint("deprecated: true\n    x-sunset: '2027-06-01'")
    revision = endpoint("deprecated: true\n    x-sunset: next spring")
    changes = diff(tmp_path, base, revision, "APISunsetChangedCheck")
    assert [(c.id, c.level) for c in changes] == [("api-path-sunset-parse", "error")]


def test_removed_endpoint_with_an_unknown_stability_level(tmp_path: Path) -> None:
    base = spec(GET.format(extra="x-stability-level: ga") + "/other:\n  get:\n    responses: {}")
    revision = spec("/other:\n  get:\n    responses: {}")
    assert ids(diff(tmp_path, base, revision, "APIDeprecationCheck")) == [
        "api-invalid-stability-level"
    ]
    assert diff(tmp_path, base, revision, "APIRemovedCheck") == []
