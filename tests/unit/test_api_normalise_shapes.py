"""normalise on specs in the shapes of oasdiff's false-breaking reports (#169, #154, #549, 3.0 vs
3.1 nullable): equivalent forms end up alike, so the diff reports no ERR; shapes that are not
equivalent (or that oasdiff's own tests expect an id for) are left alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.normalise import merged, normalise, soften
from gitmigrate.openapi.spec import Spec, load_spec


def _spec(tmp_path: Path, name: str, schemas: str, version: str = "3.0.3") -> Spec:
    """A spec whose GET /test returns, and POST /test takes, components/schemas/working."""
    (tmp_path / name).write_text(
        f"openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths:\n  /test:\n"
        "    get:\n      responses:\n        '200':\n          description: OK\n"
        "          content:\n            application/json:\n"
        "              schema: {$ref: '#/components/schemas/working'}\n"
        "    post:\n      requestBody:\n        content:\n          application/json:\n"
        "            schema: {$ref: '#/components/schemas/working'}\n"
        "      responses:\n        '201': {description: created}\n"
        "components:\n  schemas:\n" + schemas
    )
    return load_spec(name, cwd=tmp_path)


def _working(spec: Spec) -> dict[str, Any]:
    schema: dict[str, Any] = spec.doc["components"]["schemas"]["working"]
    return schema


def _errors(base: Spec, revision: Spec) -> list[ApiChange]:
    return [c for c in map(soften, diff_specs(base, revision)) if c.level == "error"]


FLAT = """\
    working:
      type: object
      required: [foo]
      properties:
        foo: {type: string}
        bar: {type: integer}
"""

SPLIT = """\
    working:
      allOf:
        - type: object
          required: [foo]
          properties:
            foo: {type: string}
        - $ref: '#/components/schemas/bar-schema'
    bar-schema:
      type: object
      properties:
        bar: {type: integer}
"""


@pytest.mark.parametrize(("old", "new"), [(FLAT, SPLIT), (SPLIT, FLAT)])
def test_an_equivalent_allof_split_is_collapsed(tmp_path: Path, old: str, new: str) -> None:
    """oasdiff #169 (the openapi-diff #192 example): one schema split into allOf of a part and
    a $ref'd base, the merged result unchanged, either way round."""
    base, revision = _spec(tmp_path, "base.yaml", old), _spec(tmp_path, "rev.yaml", new)
    assert not Comparer().equal(_working(base), _working(revision))
    assert normalise(base, revision) == 1
    assert Comparer().equal(_working(base), _working(revision))
    assert "allOf" not in _working(base) and "allOf" not in _working(revision)
    assert _errors(base, revision) == []


INHERITED_FLAT = """\
    working:
      type: object
      required: ['@type', name]
      properties:
        '@type': {type: string}
        '@baseType': {type: string}
        name: {type: string}
        familyName: {type: string}
        birthDate: {type: string, format: date}
"""

INHERITED = """\
    working:
      allOf:
        - $ref: '#/components/schemas/Product'
        - $ref: '#/components/schemas/ProductExtension'
    Product:
      type: object
      required: ['@type']
      properties:
        '@type': {type: string}
        '@baseType': {type: string}
    ProductExtension:
      type: object
      required: [name]
      properties:
        name: {type: string}
        familyName: {type: string}
        birthDate: {type: string, format: date}
"""


def test_an_inherited_schema_of_two_refs_is_collapsed(tmp_path: Path) -> None:
    """oasdiff #154: InheritedProduct = allOf of two $refs, reported as every property deleted."""
    base = _spec(tmp_path, "base.yaml", INHERITED_FLAT)
    revision = _spec(tmp_path, "rev.yaml", INHERITED)
    assert normalise(base, revision) == 1
    assert Comparer().equal(_working(base), _working(revision))
    assert _working(revision)["required"] == ["@type", "name"]  # the flat side's order
    assert revision.ref_name(_working(revision)) == "#/components/schemas/working"
    assert _errors(base, revision) == []


def test_an_allof_split_that_also_changes_the_schema_is_left_alone(tmp_path: Path) -> None:
    changed = SPLIT.replace("required: [foo]", "required: [foo, extra]").replace(
        "foo: {type: string}", "foo: {type: string}\n            extra: {type: string}"
    )
    base, revision = _spec(tmp_path, "base.yaml", FLAT), _spec(tmp_path, "rev.yaml", changed)
    assert normalise(base, revision) == 0
    assert "allOf" in _working(revision)


def test_two_allof_lists_that_merge_alike_are_left_alone(tmp_path: Path) -> None:
    """oasdiff's request_property_all_of_added pair: a subschema added to an allOf list is
    reported by oasdiff (request-property-all-of-added) even though the merge is the same."""
    parts = """\
    working:
      type: object
      allOf:
        - $ref: '#/components/schemas/Breed1'
        - $ref: '#/components/schemas/Breed2'
    Breed1: {type: object, properties: {name: {type: string}}}
    Breed2: {type: object, properties: {name: {type: string}}}
"""
    more = parts.replace(
        "        - $ref: '#/components/schemas/Breed2'\n",
        "        - $ref: '#/components/schemas/Breed2'\n        - $ref: '#/components/schemas/Breed2'\n",
    )
    base, revision = _spec(tmp_path, "base.yaml", parts), _spec(tmp_path, "rev.yaml", more)
    assert normalise(base, revision) == 0
    assert len(_working(revision)["allOf"]) == 3


def test_allof_parts_that_disagree_do_not_merge() -> None:
    schema = {"allOf": [{"properties": {"a": {"type": "string"}}},
                        {"properties": {"a": {"type": "integer"}}}]}  # fmt: skip
    assert merged(schema) is None
    assert merged({"allOf": [{"type": "object"}, {"type": "string"}]}) is None
    outer = {"description": "outer", "allOf": [{"description": "part", "type": "object"}]}
    assert merged(outer) == {"description": "outer", "type": "object"}


NULLABLE_30 = """\
    working:
      type: object
      properties:
        nick: {type: string, nullable: true}
        age: {type: integer}
"""

NULLABLE_31 = """\
    working:
      type: object
      properties:
        nick: {type: [string, 'null']}
        age: {type: [integer]}
"""


def test_30_and_31_nullable_forms_are_written_alike(tmp_path: Path) -> None:
    base = _spec(tmp_path, "base.yaml", NULLABLE_30)
    revision = _spec(tmp_path, "rev.yaml", NULLABLE_31, version="3.1.0")
    assert normalise(base, revision) == 2
    assert _working(revision)["properties"]["nick"] == {"type": "string", "nullable": True}
    assert _working(revision)["properties"]["age"] == {"type": "integer"}
    assert Comparer().equal(_working(base), _working(revision))
    assert _errors(base, revision) == []


def test_a_property_that_became_nullable_is_still_a_change(tmp_path: Path) -> None:
    base = _spec(tmp_path, "base.yaml", NULLABLE_30.replace(", nullable: true", ""))
    revision = _spec(tmp_path, "rev.yaml", NULLABLE_31, version="3.1.0")
    normalise(base, revision)
    assert _working(revision)["properties"]["nick"] == {"type": ["string", "null"]}


def test_a_new_required_request_property_with_a_default_is_not_an_error() -> None:
    """oasdiff #549: the client may leave it out when the server applies the default."""
    for id in ("new-required-request-property-with-default",
               "request-property-became-required-with-default"):  # fmt: skip
        change = ApiChange(id=id, level="error", text="t", check="RequestPropertyUpdatedCheck")
        assert soften(change).level == "warning"
    plain = ApiChange(id="new-required-request-property", level="error", text="t", check="c")
    assert soften(plain) is plain


def test_the_549_shape_gives_no_error(tmp_path: Path) -> None:
    order = "    working:\n      type: object\n      properties:\n        itemId: {type: string}\n"
    with_default = order.replace(
        "      properties:\n",
        "      required: [quantity]\n      properties:\n        quantity: {type: integer, default: 1}\n",
    )
    base, revision = _spec(tmp_path, "base.yaml", order), _spec(tmp_path, "rev.yaml", with_default)
    normalise(base, revision)
    assert _errors(base, revision) == []


def test_parameters_and_headers_are_normalised_and_a_second_pass_changes_nothing(
    tmp_path: Path,
) -> None:
    def spec(name: str, version: str, schema: str) -> Spec:
        (tmp_path / name).write_text(
            f"openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths:\n  /p/{{id}}:\n"
            f"    get:\n      parameters:\n        - {{name: q, in: query, schema: {schema}}}\n"
            "      responses:\n        '200':\n          description: OK\n"
            f"          headers:\n            X-Next: {{schema: {schema}}}\n"
        )
        return load_spec(name, cwd=tmp_path)

    base = spec("base.yaml", "3.0.3", "{type: string, nullable: true}")
    revision = spec("rev.yaml", "3.1.0", "{type: [string, 'null']}")
    assert normalise(base, revision) == 2
    get = revision.doc["paths"]["/p/{id}"]["get"]
    assert get["parameters"][0]["schema"] == {"type": "string", "nullable": True}
    header = get["responses"]["200"]["headers"]["X-Next"]["schema"]
    assert header == {"type": "string", "nullable": True}
    assert normalise(base, revision) == 0


def test_an_optional_written_as_anyof_null_matches_nullable(tmp_path: Path) -> None:
    """Pydantic's 3.1 `anyOf: [S, {type: 'null'}]` for Optional, beside the 3.0 nullable S."""
    old = "    working:\n      type: object\n      properties:\n" + (
        "        role: {$ref: '#/components/schemas/Role', nullable: true}\n"
        "    Role: {type: string, enum: [user, admin]}\n"
    )
    new = "    working:\n      type: object\n      properties:\n" + (
        "        role:\n          anyOf:\n            - $ref: '#/components/schemas/Role'\n"
        "            - type: 'null'\n    Role: {type: string, enum: [user, admin]}\n"
    )
    base = _spec(tmp_path, "base.yaml", old)
    revision = _spec(tmp_path, "rev.yaml", new, version="3.1.0")
    assert normalise(base, revision) == 1
    role = _working(revision)["properties"]["role"]
    assert role == {"type": "string", "enum": ["user", "admin"], "nullable": True}
    assert _errors(base, revision) == []
    other = new.replace("[user, admin]", "[user]")  # not the same schema: left alone
    base, revision = _spec(tmp_path, "base.yaml", old), _spec(tmp_path, "rev.yaml", other)
    assert normalise(base, revision) == 0
