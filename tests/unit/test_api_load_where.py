"""Spec.where: file:line:col of a part of the document, found on demand without the slow
structured-file layer, for JSON (pretty or compact) and YAML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate.openapi import load_parse
from gitmigrate.openapi.load_where import JsonLocator
from gitmigrate.openapi.spec import load_spec

DOC = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/a/{id}": {
            "get": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "responses": {"200": {"$ref": "#/components/responses/Ok"}},
            }
        }
    },
    "components": {"responses": {"Ok": {"description": 'ok \\ "quoted" {not a brace}'}}},
}
STRING = '"schema":{"type":"string"}'


def _line_col(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_pretty_json_positions(tmp_path: Path) -> None:
    text = json.dumps(DOC, indent=2)
    (tmp_path / "api.json").write_text(text)
    spec = load_spec("api.json", cwd=tmp_path)
    get = spec.doc["paths"]["/a/{id}"]["get"]
    line, col = _line_col(text, '"get": {')  # a member is placed at its key
    assert spec.where(get) == f"api.json:{line}:{col}"
    param = get["parameters"][0]
    brace = text.rindex("{", 0, text.index('"name": "id"'))
    line, col = text.count("\n", 0, brace) + 1, brace - text.rfind("\n", 0, brace)
    assert spec.where(param) == f"api.json:{line}:{col}"
    ok = get["responses"]["200"]  # reached through a $ref: placed where the target is written
    line, col = _line_col(text, '"Ok": {')
    assert spec.where(ok) == f"api.json:{line}:{col}"


def test_compact_json_positions_are_columns_of_line_one(tmp_path: Path) -> None:
    text = json.dumps(DOC, separators=(",", ":"))
    (tmp_path / "api.json").write_text(text)
    spec = load_spec("api.json", cwd=tmp_path)
    schema = spec.doc["paths"]["/a/{id}"]["get"]["parameters"][0]["schema"]
    assert spec.where(schema) == f"api.json:1:{text.index(STRING) + 1}"  # its key


@pytest.mark.parametrize("fast", [True, False])
def test_yaml_positions(tmp_path: Path, fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not fast:  # PyYAML's C loader, which notes marks, instead of yaml_rs
        monkeypatch.setattr(load_parse, "_yaml_rs", lambda: None)
    text = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200':\n          description: OK\n"
    )
    (tmp_path / "api.yaml").write_text(text)
    spec = load_spec("api.yaml", cwd=tmp_path)
    get = spec.doc["paths"]["/a"]["get"]
    assert spec.where(get) == "api.yaml:5:5"
    assert spec.where(get["responses"]["200"]) == "api.yaml:7:9"
    assert spec.where({"not": "in the spec"}) == ""


def test_json_locator_falls_back_to_the_nearest_written_ancestor() -> None:
    text = '{"a": {"b": [10, {"c": 1}]}}'
    locator = JsonLocator(text)
    assert locator.locate(("a", "b", 1)) == (1, 18)  # an item: its value
    assert locator.locate(("a", "b", 1, "c")) == (1, 19)  # a member: its key
    assert locator.locate(("a", "missing", "x")) == (1, 2)  # the nearest written ancestor: "a"
    assert locator.locate(("a", "b", 5)) == (1, 8)


SHAPES = """\
%YAML 1.2
---
openapi: 3.0.3   # a comment
info: {title: t, version: '1'}

paths:
  # a comment line at the key indent
  "/a/{id}":
    get:
      description: |
        not: a key
        - not an item
      parameters:
        - name: id
          in: path
          schema:
            type: string
        - &limit
          name: limit
          in: query
          schema: {type: integer}
        -
          name: deep
          in: header
      responses:
        '200':
          description: >-
            folded
          content:
            application/json:
              schema:
                type: array
                items:
                  type: object
                  properties:
                    'it''s': {type: string}
                    plain key: {type: string}
        "404": {description: nf}
components:
  schemas:
    A:
      allOf:
      - type: object
      - properties:
          x:
            type: string
"""


def _dict_pointers(node: object, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found: list[tuple[str | int, ...]] = []
    if isinstance(node, dict):
        found.append(at)
        for key, value in node.items():
            found += _dict_pointers(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _dict_pointers(value, (*at, index))
    return found


def test_positions_match_the_structured_file_layer() -> None:
    """Both readers place every mapping of a spec with awkward shapes where the structured-file
    layer (slow, exact) does: YAML by indentation, and JSON written from the same data."""
    from gitmigrate.files.document import loads
    from gitmigrate.openapi.load_where import YamlTextLocator

    exact = loads(SHAPES, "yaml", "s.yaml")
    pointers = _dict_pointers(exact.data)
    assert len(pointers) > 20
    by_text = YamlTextLocator(SHAPES)
    for at in pointers:
        node = exact.nodes[at]
        assert by_text.locate(at) == (node.line, node.column), at
    text = json.dumps(exact.data, indent=1)
    exact_json, by_json = loads(text, "json", "s.json"), JsonLocator(text)
    for at in pointers:
        node = exact_json.nodes[at]
        assert by_json.locate(at) == (node.line, node.column), at
