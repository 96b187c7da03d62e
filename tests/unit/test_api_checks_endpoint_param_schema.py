"""Request parameter schemas: types, formats, lists of types, nullability, enums, defaults,
patterns and bounds, of the parameter and of an object parameter's properties."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_api_checks_endpoint_support import diff, ids, spec

OP = """
/pets:
  get:
    parameters:
    - name: q
      in: query
      {extra}
      schema: {schema}
    responses: {{'200': {{description: ok}}}}
"""


def param(schema: str, extra: str = "", version: str = "3.0.3") -> str:
    return spec(OP.format(schema=schema, extra=extra), version=version)


def found(tmp_path: Path, before: str, after: str, check: str, **kw: str) -> list[str]:
    version = kw.pop("version", "3.0.3")
    base, revision = param(before, version=version), param(after, version=version)
    return ids(diff(tmp_path, base, revision, check, **kw))


def test_type_changed_to_string_is_generalized(tmp_path: Path) -> None:
    assert found(
        tmp_path, "{type: integer}", "{type: string}", "RequestParameterTypeChangedCheck"
    ) == ["request-parameter-type-generalized"]


def test_type_changed_from_string_is_breaking(tmp_path: Path) -> None:
    assert found(
        tmp_path, "{type: string}", "{type: integer}", "RequestParameterTypeChangedCheck"
    ) == ["request-parameter-type-changed"]


def test_wider_format_is_generalized(tmp_path: Path) -> None:
    before, after = "{type: integer, format: int32}", "{type: integer, format: int64}"
    assert found(tmp_path, before, after, "RequestParameterTypeChangedCheck") == [
        "request-parameter-type-generalized"
    ]


def test_scalar_to_array_of_it_is_generalized_for_form_explode(tmp_path: Path) -> None:
    after = "{type: array, items: {type: string}}"
    assert found(tmp_path, "{type: string}", after, "RequestParameterTypeChangedCheck") == [
        "request-parameter-type-generalized"
    ]
    constrained = "{type: array, items: {type: string, pattern: '^a'}}"
    assert found(tmp_path, "{type: string}", constrained, "RequestParameterTypeChangedCheck") == [
        "request-parameter-type-changed"
    ]


def test_object_property_number_to_string_is_a_warning(tmp_path: Path) -> None:
    before = "{type: object, properties: {id: {type: number}}}"
    after = "{type: object, properties: {id: {type: string}}}"
    changes = diff(tmp_path, param(before), param(after), "RequestParameterTypeChangedCheck")
    assert [(c.id, c.level, c.details["property"]) for c in changes] == [
        ("request-parameter-property-type-changed", "warning", "id")
    ]


def test_single_type_to_one_of_scalars_is_widened_not_a_type_change(tmp_path: Path) -> None:
    after = "{oneOf: [{type: string}, {type: integer}]}"
    assert found(tmp_path, "{type: string}", after, "RequestParameterListOfTypesChangedCheck") == [
        "request-parameter-list-of-types-widened"
    ]
    assert found(tmp_path, "{type: string}", after, "RequestParameterTypeChangedCheck") == []
    assert found(tmp_path, after, "{type: string}", "RequestParameterListOfTypesChangedCheck") == [
        "request-parameter-list-of-types-narrowed"
    ]


def test_nullable_in_both_openapi_forms(tmp_path: Path) -> None:
    check = "RequestParameterBecameNullableCheck"
    assert found(tmp_path, "{type: string}", "{type: string, nullable: true}", check) == [
        "request-parameter-became-nullable"
    ]
    assert found(
        tmp_path, "{type: [string, 'null']}", "{type: string}", check, version="3.1.0"
    ) == ["request-parameter-became-not-nullable"]


def test_enum_value_removed_is_an_error_and_added_is_not(tmp_path: Path) -> None:
    changes = diff(
        tmp_path,
        param("{type: string, enum: [a, b]}"),
        param("{type: string, enum: [a, c]}"),
        "RequestParameterEnumValueUpdatedCheck",
    )
    assert sorted((c.id, c.level, c.details["value"]) for c in changes) == [
        ("request-parameter-enum-value-added", "info", "c"),
        ("request-parameter-enum-value-removed", "error", "b"),
    ]


def test_enum_dropped_altogether_removes_no_value(tmp_path: Path) -> None:
    check = "RequestParameterEnumValueUpdatedCheck"
    assert found(tmp_path, "{type: string, enum: [a, b]}", "{type: string}", check) == []


def test_property_enum_value_removed(tmp_path: Path) -> None:
    before = "{type: object, properties: {kind: {type: string, enum: [a, b]}}}"
    after = "{type: object, properties: {kind: {type: string, enum: [a]}}}"
    assert found(tmp_path, before, after, "RequestParameterEnumValueUpdatedCheck") == [
        "request-parameter-property-enum-value-removed"
    ]


def test_parameter_became_enum(tmp_path: Path) -> None:
    check = "RequestParameterBecameEnumCheck"
    assert found(tmp_path, "{type: string}", "{type: string, enum: [a]}", check) == [
        "request-parameter-became-enum"
    ]


def test_x_extensible_enum_value_removed(tmp_path: Path) -> None:
    check = "RequestParameterXExtensibleEnumValueRemovedCheck"
    before, after = (
        "{type: string, x-extensible-enum: [a, b]}",
        "{type: string, x-extensible-enum: [a]}",
    )
    assert found(tmp_path, before, after, check) == [
        "request-parameter-x-extensible-enum-value-removed"
    ]


def test_default_value_added_changed_removed(tmp_path: Path) -> None:
    check = "RequestParameterDefaultValueChangedCheck"
    assert found(tmp_path, "{type: integer}", "{type: integer, default: 1}", check) == [
        "request-parameter-default-value-added"
    ]
    assert found(tmp_path, "{type: integer, default: 1}", "{type: integer, default: 2}", check) == [
        "request-parameter-default-value-changed"
    ]
    assert found(tmp_path, "{type: integer, default: 1}", "{type: integer}", check) == [
        "request-parameter-default-value-removed"
    ]


def test_pattern_added_changed_and_generalized(tmp_path: Path) -> None:
    check = "RequestParameterPatternAddedOrChangedCheck"
    assert found(tmp_path, "{type: string}", "{type: string, pattern: '^a'}", check) == [
        "request-parameter-pattern-added"
    ]
    assert found(
        tmp_path, "{type: string, pattern: '^a'}", "{type: string, pattern: '^b'}", check
    ) == ["request-parameter-pattern-changed"]
    assert found(
        tmp_path, "{type: string, pattern: '^a'}", "{type: string, pattern: '.*'}", check
    ) == ["request-parameter-pattern-generalized"]


def test_maximum_decreased_is_an_error(tmp_path: Path) -> None:
    changes = diff(
        tmp_path,
        param("{type: integer, maximum: 10}"),
        param("{type: integer, maximum: 5}"),
        "RequestParameterMaxUpdatedCheck",
    )
    assert [(c.id, c.level) for c in changes] == [("request-parameter-max-decreased", "error")]


def test_minimum_set_is_a_warning(tmp_path: Path) -> None:
    changes = diff(
        tmp_path,
        param("{type: integer}"),
        param("{type: integer, minimum: 1}"),
        "RequestParameterMinSetCheck",
    )
    assert [(c.id, c.level) for c in changes] == [("request-parameter-min-set", "warning")]


def test_boolean_exclusive_maximum_of_openapi_30_is_not_a_bound(tmp_path: Path) -> None:
    before = "{type: integer, maximum: 10}"
    after = "{type: integer, maximum: 10, exclusiveMaximum: true}"
    assert found(tmp_path, before, after, "RequestParameterMaxSetCheck") == []


def test_lengths_and_item_counts(tmp_path: Path) -> None:
    assert found(
        tmp_path,
        "{type: string, minLength: 1}",
        "{type: string, minLength: 3}",
        "RequestParameterMinLengthUpdatedCheck",
    ) == ["request-parameter-min-length-increased"]
    assert found(
        tmp_path,
        "{type: string}",
        "{type: string, maxLength: 3}",
        "RequestParameterMaxLengthSetCheck",
    ) == ["request-parameter-max-length-set"]
    assert found(
        tmp_path,
        "{type: array, items: {type: string}, maxItems: 5}",
        "{type: array, items: {type: string}, maxItems: 3}",
        "RequestParameterMaxItemsUpdatedCheck",
    ) == ["request-parameter-max-items-decreased"]
    assert found(
        tmp_path,
        "{type: array, items: {type: string}}",
        "{type: array, items: {type: string}, minItems: 1}",
        "RequestParameterMinItemsSetCheck",
    ) == ["request-parameter-min-items-set"]


def test_schema_wrapped_in_a_one_of_with_null_became_nullable(tmp_path: Path) -> None:
    wrapped = "{oneOf: [{type: 'null'}, {type: string, enum: [a, b]}]}"
    before, after = "{type: string, enum: [a, b]}", wrapped
    base, revision = param(before, version="3.1.0"), param(after, version="3.1.0")
    assert ids(diff(tmp_path, base, revision, "RequestParameterBecameNullableCheck")) == [
        "request-parameter-became-nullable"
    ]
    assert diff(tmp_path, base, revision, "RequestParameterTypeChangedCheck") == []
