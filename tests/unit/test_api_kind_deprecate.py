"""`api deprecate`'s edit: only the added keys differ from the original bytes (comments, quoting,
flow style kept), in YAML and JSON; operations by METHOD /path (any parameter names) or by
operationId; properties followed through $refs; bad input refused with a hint."""

from __future__ import annotations

import difflib
import json

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.openapi.deprecate import LINK_KEY, SUNSET_KEY, Target, deprecate_text
from tests.unit.test_api_kind_support import V1


def _added_only(before: str, after: str) -> list[str]:
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "a line of the original changed"
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_an_operation_by_path_keeps_every_other_byte() -> None:
    text = "# the pets API\n" + V1.read_text()
    made = deprecate_text(text, "openapi.yaml", Target("GET /pets/{id}"), "2027-06-30",
                          link="https://example.com/guide")  # fmt: skip
    added = _added_only(text, made.text)
    assert [a.strip() for a in added] == [
        "deprecated: true", "x-sunset: '2027-06-30'", "x-deprecation-link: https://example.com/guide",
    ]  # fmt: skip
    assert made.operation == "GET /pets/{petId}" and made.where[:2] == ("paths", "/pets/{petId}")
    assert made.text.startswith("# the pets API\n")


def test_an_operation_by_id_and_a_second_run_changes_only_the_date() -> None:
    once = deprecate_text(V1.read_text(), "openapi.yaml", Target("createPet"), "2027-01-01").text
    again = deprecate_text(once, "openapi.yaml", Target("createPet"), "2028-01-01").text
    changed = [d for d in difflib.ndiff(once.splitlines(), again.splitlines()) if d[0] in "+-"]
    assert [" ".join(c.split()) for c in changed] == [
        "- x-sunset: '2027-01-01'", "+ x-sunset: '2028-01-01'",
    ]  # fmt: skip


def test_a_property_is_marked_where_its_schema_is_written() -> None:
    made = deprecate_text(V1.read_text(), "openapi.yaml", Target("getPet", "tag"), "2027-06-30")
    assert made.where == ("components", "schemas", "Pet", "properties", "tag")
    assert made.shared
    assert (
        "tag: {type: string, example: dog, deprecated: true, x-sunset: '2027-06-30'}" in made.text
    )


def test_json_specs_are_edited_in_place() -> None:
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
           "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}}}}  # fmt: skip
    text = json.dumps(doc, indent=2) + "\n"
    made = deprecate_text(text, "api.json", Target("a"), "2027-06-30", link="https://x")
    body = json.loads(made.text)["paths"]["/a"]["get"]
    assert (
        body["deprecated"] is True
        and body[SUNSET_KEY] == "2027-06-30"
        and body[LINK_KEY] == "https://x"
    )

    def commas_aside(t: str) -> str:  # a JSON key added after a value gives it a comma
        return "\n".join(line.rstrip(",") for line in t.splitlines())

    assert len(_added_only(commas_aside(text), commas_aside(made.text))) == 3


@pytest.mark.parametrize(
    ("target", "sunset", "message"),
    [
        (Target("GET /nope"), "2027-06-30", "has no operation 'GET /nope'"),
        (Target("nosuchId"), "2027-06-30", "has no operation 'nosuchId'"),
        (Target("getPet", "owner.name"), "2027-06-30", "has no body property 'owner.name'"),
        (Target("getPet"), "30/06/2027", "is not a date"),
    ],
)
def test_bad_targets_are_refused(target: Target, sunset: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        deprecate_text(V1.read_text(), "openapi.yaml", target, sunset)
