"""How two subschema lists pair (gitmigrate.openapi.subschemas), on specs loaded from disk so
`$ref` entries carry their names as they do in a real diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.spec import Spec, load_spec
from gitmigrate.openapi.subschemas import SubschemasDiff, prefix_items_diff, subschemas_diff


def _load(path: Path, entries: list[Any], components: dict[str, Any]) -> Spec:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": dict(components, Subject={"oneOf": entries})},
    }
    path.write_text(json.dumps(doc))
    return load_spec(str(path))


def _pair(
    tmp_path: Path,
    before: list[Any],
    after: list[Any],
    components: dict[str, Any] | None = None,
    *,
    positional: bool = False,
) -> SubschemasDiff | None:
    base = _load(tmp_path / "a.json", before, components or {})
    revision = _load(tmp_path / "b.json", after, components or {})
    comparer = Comparer(base.ref_name, revision.ref_name)
    match = prefix_items_diff if positional else subschemas_diff
    return match(
        base.doc["components"]["schemas"]["Subject"]["oneOf"],
        revision.doc["components"]["schemas"]["Subject"]["oneOf"],
        comparer,
    )


def _labels(diff: SubschemasDiff) -> tuple[list[str], list[str], list[str]]:
    return (
        [s.label for s in diff.added],
        [s.label for s in diff.deleted],
        [m.label for m in diff.modified],
    )


def test_reordered_equal_entries_are_no_change(tmp_path: Path) -> None:
    assert (
        _pair(
            tmp_path,
            [{"type": "string"}, {"type": "integer"}],
            [{"type": "integer"}, {"type": "string"}],
        )
        is None
    )


def test_refs_pair_by_name_and_unpaired_refs_come_and_go(tmp_path: Path) -> None:
    comps = {"A": {"type": "string"}, "B": {"type": "integer"}, "C": {"type": "boolean"}}
    changed = dict(comps, A={"type": "string", "maxLength": 2})
    base = _load(
        tmp_path / "a.json",
        [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
        comps,
    )
    revision = _load(
        tmp_path / "b.json",
        [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/C"}],
        changed,
    )
    found = subschemas_diff(
        base.doc["components"]["schemas"]["Subject"]["oneOf"],
        revision.doc["components"]["schemas"]["Subject"]["oneOf"],
        Comparer(base.ref_name, revision.ref_name),
    )
    assert found is not None
    assert _labels(found) == (
        ["#/components/schemas/C"],
        ["#/components/schemas/B"],
        ["#/components/schemas/A"],
    )
    assert found.modified[0].diff.value("maxLength") == (None, 2)


def test_inline_entries_pair_by_title_then_a_lone_untitled_pair(tmp_path: Path) -> None:
    before = [{"title": "Cat", "type": "object"}, {"type": "string"}, {"type": "number"}]
    after = [
        {"title": "Cat", "type": "object", "required": ["x"]},
        {"type": "string", "format": "x"},
        {"type": "number"},
    ]
    found = _pair(tmp_path, before, after)
    assert found is not None
    assert _labels(found) == ([], [], ["subschema #1: Cat", "subschema #2"])


def test_two_untitled_changes_are_two_added_and_two_deleted(tmp_path: Path) -> None:
    found = _pair(
        tmp_path,
        [{"type": "string"}, {"type": "number"}],
        [{"type": "string", "format": "x"}, {"type": "number", "minimum": 1}],
    )
    assert found is not None
    assert _labels(found) == (
        ["subschema #1", "subschema #2"],
        ["subschema #1", "subschema #2"],
        [],
    )


def test_prefix_items_are_positional(tmp_path: Path) -> None:
    found = _pair(
        tmp_path,
        [{"type": "string"}, {"type": "integer"}],
        [{"type": "integer"}, {"type": "string"}, {"title": "Flag"}],
        positional=True,
    )
    assert found is not None
    assert _labels(found) == (["subschema #3: Flag"], [], ["subschema #1", "subschema #2"])


def test_entry_moved_between_ref_and_inline_is_a_refactor_not_a_change(tmp_path: Path) -> None:
    comps = {"Role": {"type": "string", "enum": ["user", "admin"], "title": "Role"}}
    inline = {"type": "string", "enum": ["user", "admin"]}
    ref = {"$ref": "#/components/schemas/Role"}
    assert _pair(tmp_path, [inline, {"type": "null"}], [ref, {"type": "null"}], comps) is None
    assert _pair(tmp_path, [ref, {"type": "null"}], [inline, {"type": "null"}], comps) is None
    narrowed = {"type": "string", "enum": ["user"]}
    found = _pair(tmp_path, [ref, {"type": "null"}], [narrowed, {"type": "null"}], comps)
    assert found is not None
    assert _labels(found) == (["subschema #1"], ["#/components/schemas/Role"], [])


def test_validation_equivalence_ignores_annotations_and_survives_cycles() -> None:
    from gitmigrate.openapi.equivalence import annotation_only, validation_equivalent

    def tree(kind: str, note: str) -> dict[str, Any]:
        node: dict[str, Any] = {"type": "object", "description": note}
        node["properties"] = {"value": {"type": kind}, "children": {"type": "array", "items": node}}
        return node

    assert validation_equivalent(tree("string", "a"), tree("string", "b"))
    assert not validation_equivalent(tree("string", "a"), tree("integer", "a"))
    assert validation_equivalent(
        {"anyOf": [{"type": "a"}, {"type": "b"}]},
        {"anyOf": [{"type": "b"}, {"type": "a", "title": "A"}]},
    )
    assert annotation_only({"title": "x", "nullable": False, "minLength": 0})
    assert not annotation_only({"title": "x", "deprecated": True})
    assert not annotation_only({"x-internal": True})
