"""Request parameters added, removed, deprecated and made required."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_api_checks_endpoint_support import diff, ids, spec

OP = """
/pets/{{id}}:
  {path_params}
  get:
    parameters:
    - {{name: id, in: path, required: true, schema: {{type: string}}}}
{params}
    responses: {{'200': {{description: ok}}}}
  post:
    responses: {{'200': {{description: ok}}}}
"""


def op(*params: str, path_params: str = "") -> str:
    listed = "".join(f"    - {p}\n" for p in params).rstrip("\n")
    return spec(OP.format(params=listed, path_params=path_params))


LIMIT = "{name: limit, in: query, schema: {type: integer}}"


def test_new_required_query_parameter_is_an_error(tmp_path: Path) -> None:
    revision = op("{name: limit, in: query, required: true, schema: {type: integer}}")
    changes = diff(tmp_path, op(), revision, "NewRequestNonPathParameterCheck")
    assert [(c.id, c.level, c.details["name"]) for c in changes] == [
        ("new-required-request-parameter", "error", "limit")
    ]


def test_new_optional_query_parameter_is_informational(tmp_path: Path) -> None:
    changes = diff(tmp_path, op(), op(LIMIT), "NewRequestNonPathParameterCheck")
    assert [(c.id, c.level) for c in changes] == [("new-optional-request-parameter", "info")]


def test_new_path_parameter(tmp_path: Path) -> None:
    base = spec("/a:\n  get:\n    responses: {'200': {description: ok}}")
    revision = spec(
        "/a:\n  get:\n    parameters:\n    - {name: v, in: path, required: true}\n"
        "    responses: {'200': {description: ok}}"
    )
    assert ids(diff(tmp_path, base, revision, "NewRequestPathParameterCheck")) == [
        "new-request-path-parameter"
    ]


def test_parameter_added_to_the_path_item_is_reported_for_each_operation(tmp_path: Path) -> None:
    shared = "parameters:\n  - {name: tenant, in: header, required: true, schema: {type: string}}"
    revision = op(path_params=shared)
    changes = diff(tmp_path, op(), revision, "NewRequestNonPathDefaultParameterCheck")
    assert sorted((c.id, c.operation) for c in changes) == [
        ("new-required-request-default-parameter-to-existing-path", "GET /pets/{id}"),
        ("new-required-request-default-parameter-to-existing-path", "POST /pets/{id}"),
    ]
    assert diff(tmp_path, op(), revision, "NewRequestNonPathParameterCheck") == []


def test_removed_parameter_is_a_warning(tmp_path: Path) -> None:
    changes = diff(tmp_path, op(LIMIT), op(), "RequestParameterRemovedCheck")
    assert [(c.id, c.level) for c in changes] == [("request-parameter-removed", "warning")]


def test_deprecated_parameter_removed_before_its_sunset(tmp_path: Path) -> None:
    base = op("{name: limit, in: query, deprecated: true, x-sunset: '2027-01-01'}")
    assert ids(diff(tmp_path, base, op(), "RequestParameterRemovedCheck")) == [
        "request-parameter-removed-before-sunset"
    ]


def test_deprecated_parameter_removed_after_its_sunset(tmp_path: Path) -> None:
    base = op("{name: limit, in: query, deprecated: true, x-sunset: '2026-01-01'}")
    assert diff(tmp_path, base, op(), "RequestParameterRemovedCheck") == []


def test_parameter_deprecated(tmp_path: Path) -> None:
    revision = op("{name: limit, in: query, deprecated: true, schema: {type: integer}}")
    changes = diff(tmp_path, op(LIMIT), revision, "RequestParameterDeprecationCheck")
    assert [(c.id, c.details["name"]) for c in changes] == [
        ("request-parameter-deprecated", "limit")
    ]


def test_parameter_sunset_deleted_while_deprecated(tmp_path: Path) -> None:
    base = op("{name: limit, in: query, deprecated: true, x-sunset: '2027-01-01'}")
    revision = op("{name: limit, in: query, deprecated: true}")
    assert ids(diff(tmp_path, base, revision, "RequestParameterSunsetChangedCheck")) == [
        "request-parameter-sunset-deleted"
    ]


def test_parameter_became_required(tmp_path: Path) -> None:
    revision = op("{name: limit, in: query, required: true, schema: {type: integer}}")
    changes = diff(tmp_path, op(LIMIT), revision, "RequestParameterRequiredValueUpdatedCheck")
    assert [(c.id, c.level) for c in changes] == [("request-parameter-became-required", "error")]


def test_path_parameter_renamed_in_place_is_the_same_parameter(tmp_path: Path) -> None:
    item = (
        "/pets/{{{name}}}:\n  get:\n    parameters:\n"
        "    - {{name: {name}, in: path, required: true, {more}schema: {{type: string}}}}\n"
        "    responses: {{'200': {{description: ok}}}}"
    )
    base = spec(item.format(name="id", more="deprecated: true, x-sunset: '2027-01-01', "))
    revision = spec(item.format(name="petId", more="deprecated: true, "))
    assert diff(tmp_path, base, revision, "NewRequestPathParameterCheck") == []
    assert diff(tmp_path, base, revision, "RequestParameterRemovedCheck") == []
    changes = diff(tmp_path, base, revision, "RequestParameterSunsetChangedCheck")
    assert [(c.id, c.details["name"]) for c in changes] == [
        ("request-parameter-sunset-deleted", "petId")
    ]


def test_style_change_is_an_error_but_spelling_out_the_default_is_not(tmp_path: Path) -> None:
    array = "schema: {type: array, items: {type: string}}"
    check = "RequestParameterSerializationUpdatedCheck"
    base = op("{name: ids, in: query, " + array + "}")
    spelled = op("{name: ids, in: query, style: form, explode: true, " + array + "}")
    piped = op("{name: ids, in: query, style: pipeDelimited, " + array + "}")
    assert diff(tmp_path, base, spelled, check) == []
    changes = diff(tmp_path, base, piped, check)
    assert [(c.id, c.level) for c in changes] == [("request-parameter-style-changed", "error")]


def test_explode_change_of_a_scalar_is_not_reported(tmp_path: Path) -> None:
    check = "RequestParameterSerializationUpdatedCheck"
    revision = op("{name: limit, in: query, explode: false, schema: {type: integer}}")
    assert diff(tmp_path, op(LIMIT), revision, check) == []


def test_parameter_moved_from_the_operation_to_the_path_item_is_no_change(tmp_path: Path) -> None:
    header = "{name: tenant, in: header, required: true, schema: {type: string}}"
    base = op(header)
    revision = op(path_params=f"parameters:\n  - {header}")
    changes = diff(tmp_path, base, revision, "NewRequestNonPathDefaultParameterCheck")
    assert [(c.id, c.operation) for c in changes] == [
        ("new-required-request-default-parameter-to-existing-path", "POST /pets/{id}")
    ]
    assert diff(tmp_path, base, revision, "RequestParameterRemovedCheck") == []


def test_removed_parameter_with_an_unparsable_sunset(tmp_path: Path) -> None:
    base = op("{name: limit, in: query, deprecated: true, x-sunset: someday}")
    changes = diff(tmp_path, base, op(), "RequestParameterRemovedCheck")
    assert [(c.id, c.level) for c in changes] == [("request-parameter-sunset-parse", "error")]


def test_parameter_deprecated_with_a_sunset_too_close_for_the_policy(tmp_path: Path) -> None:
    revision = op("{name: limit, in: query, deprecated: true, x-sunset: '2026-12-17'}")
    check = "RequestParameterDeprecationCheck"
    assert ids(diff(tmp_path, op(LIMIT), revision, check)) == ["request-parameter-deprecated"]
    assert ids(diff(tmp_path, op(LIMIT), revision, check, min_sunset_stable_days=30)) == [
        "request-parameter-sunset-date-too-small"
    ]
