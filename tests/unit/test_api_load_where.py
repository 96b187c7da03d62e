"""Spec.where: file:line:col of a part of the document, found on demand without the slow
structured-file layer, for JSON (pretty or compact) and YAML."""

from __future__ import annotations

import json
from pathlib import Path

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
GET, OK, STRING = '"get": ', '"Ok": ', '{"type":"string"}'


def _line_col(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_pretty_json_positions(tmp_path: Path) -> None:
    text = json.dumps(DOC, indent=2)
    (tmp_path / "api.json").write_text(text)
    spec = load_spec("api.json", cwd=tmp_path)
    get = spec.doc["paths"]["/a/{id}"]["get"]
    line, col = _line_col(text, '"get": {')
    assert spec.where(get) == f"api.json:{line}:{col + len(GET)}"
    param = get["parameters"][0]
    brace = text.rindex("{", 0, text.index('"name": "id"'))
    line, col = text.count("\n", 0, brace) + 1, brace - text.rfind("\n", 0, brace)
    assert spec.where(param) == f"api.json:{line}:{col}"
    ok = get["responses"]["200"]  # reached through a $ref: placed where the target is written
    line, col = _line_col(text, '"Ok": {')
    assert spec.where(ok) == f"api.json:{line}:{col + len(OK)}"


def test_compact_json_positions_are_columns_of_line_one(tmp_path: Path) -> None:
    text = json.dumps(DOC, separators=(",", ":"))
    (tmp_path / "api.json").write_text(text)
    spec = load_spec("api.json", cwd=tmp_path)
    schema = spec.doc["paths"]["/a/{id}"]["get"]["parameters"][0]["schema"]
    assert spec.where(schema) == f"api.json:1:{text.index(STRING) + 1}"


def test_yaml_positions(tmp_path: Path) -> None:
    text = (
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n"
        "      responses:\n        '200':\n          description: OK\n"
    )
    (tmp_path / "api.yaml").write_text(text)
    spec = load_spec("api.yaml", cwd=tmp_path)
    get = spec.doc["paths"]["/a"]["get"]
    assert spec.where(get) == "api.yaml:6:7"
    assert spec.where(get["responses"]["200"]) == "api.yaml:8:11"
    assert spec.where({"not": "in the spec"}) == ""


def test_json_locator_falls_back_to_the_nearest_written_ancestor() -> None:
    text = '{"a": {"b": [10, {"c": 1}]}}'
    locator = JsonLocator(text)
    assert locator.locate(("a", "b", 1)) == (1, 18)
    assert locator.locate(("a", "missing", "x")) == (1, 7)
    assert locator.locate(("a", "b", 5)) == (1, 13)
