"""Response statuses, webhooks, operation ids, tags and removed component schemas."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_api_checks_endpoint_support import diff, ids, spec

OP = """
/pets:
  get:
    {extra}
    responses:
{responses}
"""


def op(responses: tuple[str, ...] = ("200",), extra: str = "") -> str:
    body = "".join(f"      '{s}': {{description: ok}}\n" for s in responses)
    return spec(OP.format(extra=extra, responses=body.rstrip("\n")))


def test_success_status_removed_is_an_error(tmp_path: Path) -> None:
    changes = diff(tmp_path, op(("200", "201")), op(("200",)), "ResponseSuccessStatusUpdatedCheck")
    assert [(c.id, c.level, c.details["status"]) for c in changes] == [
        ("response-success-status-removed", "error", "201")
    ]


def test_non_success_statuses_are_informational(tmp_path: Path) -> None:
    base, revision = op(("200", "404")), op(("200", "409"))
    changes = diff(tmp_path, base, revision, "ResponseNonSuccessStatusUpdatedCheck")
    assert sorted((c.id, c.level) for c in changes) == [
        ("response-non-success-status-added", "info"),
        ("response-non-success-status-removed", "info"),
    ]
    assert diff(tmp_path, base, revision, "ResponseSuccessStatusUpdatedCheck") == []


def test_default_and_range_statuses_are_not_numbers(tmp_path: Path) -> None:
    base, revision = op(("200", "default", "4XX")), op(("200",))
    assert diff(tmp_path, base, revision, "ResponseNonSuccessStatusUpdatedCheck") == []


def test_operation_id_added_and_replaced(tmp_path: Path) -> None:
    name = "APIOperationIdUpdatedCheck"
    assert ids(diff(tmp_path, op(), op(extra="operationId: listPets"), name)) == [
        "api-operation-id-added"
    ]
    replaced = diff(tmp_path, op(extra="operationId: a"), op(extra="operationId: b"), name)
    assert [(c.id, c.details["before"], c.details["after"]) for c in replaced] == [
        ("api-operation-id-removed", "a", "b")
    ]


def test_tags_added_and_removed(tmp_path: Path) -> None:
    changes = diff(
        tmp_path, op(extra="tags: [a, b]"), op(extra="tags: [b, c]"), "APITagUpdatedCheck"
    )
    assert sorted((c.id, c.details["tag"]) for c in changes) == [
        ("api-tag-added", "c"),
        ("api-tag-removed", "a"),
    ]


def test_webhooks_added_and_removed(tmp_path: Path) -> None:
    hook = "  {name}:\n    post:\n      responses: {{'200': {{description: ok}}}}\n"
    base = spec("{}", rest="webhooks:\n" + hook.format(name="created"), version="3.1.0")
    revision = spec("{}", rest="webhooks:\n" + hook.format(name="updated"), version="3.1.0")
    changes = diff(tmp_path, base, revision, "WebhookUpdatedCheck")
    assert sorted((c.id, c.level, c.details["webhook"]) for c in changes) == [
        ("webhook-added", "info", "updated"),
        ("webhook-removed", "error", "created"),
    ]


def test_component_schema_removed(tmp_path: Path) -> None:
    schemas = "components:\n  schemas:\n    Pet: {type: object}\n"
    changes = diff(
        tmp_path,
        op() + schemas + "    Old: {type: string}\n",
        op() + schemas,
        "APIComponentsSchemaRemovedCheck",
    )
    assert [(c.id, c.details["schema"]) for c in changes] == [("api-schema-removed", "Old")]
