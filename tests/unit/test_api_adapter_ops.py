"""Operation pairing and parameter mappings of the api adapter."""

from __future__ import annotations

from typing import Any

from gitmigrate.openapi.adapter_ops import map_operation, pair_operations, target_template
from gitmigrate.openapi.adapter_runtime import transform_query


def doc(paths: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}


def op(
    op_id: str | None = None, params: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {"responses": {"204": {"description": "ok"}}, **extra}
    if op_id:
        out["operationId"] = op_id
    if params:
        out["parameters"] = params
    return out


def query(name: str, schema: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, **extra}


def paired(v1: dict[str, Any], v2: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {f"{p.v1.method} {p.v1.path}": (p.v2.method, p.v2.path) for p in pair_operations(v1, v2)}


def test_same_template_pairs_whatever_the_parameter_names() -> None:
    assert paired(doc({"/a/{id}": {"get": op()}}), doc({"/a/{aid}": {"get": op()}})) == {
        "GET /a/{id}": ("GET", "/a/{aid}")
    }


def test_moved_by_extension_or_operation_id() -> None:
    v1 = doc(
        {"/pets": {"get": op()}, "/pets/{id}": {"get": op("getPet")}, "/gone": {"get": op("gone")}}
    )
    v2 = doc(
        {
            "/animals": {"x-moved-from": "/pets", "get": op()},
            "/animals/{aid}": {"get": op("getPet")},
        }
    )
    assert paired(v1, v2) == {
        "GET /pets": ("GET", "/animals"),
        "GET /pets/{id}": ("GET", "/animals/{aid}"),
    }


def test_operation_id_of_an_operation_v1_still_has_is_no_move() -> None:
    v1 = doc({"/a": {"get": op("x")}, "/b": {"get": op("y")}})
    v2 = doc({"/b": {"get": op("x")}})
    assert paired(v1, v2) == {"GET /b": ("GET", "/b")}


def test_different_parameter_count_is_not_paired() -> None:
    v1 = doc({"/a/{id}": {"get": op("x")}})
    v2 = doc({"/b/{org}/{id}": {"get": op("x")}})
    assert paired(v1, v2) == {}


def test_target_template_by_name_else_position() -> None:
    assert target_template("/o/{org}/p/{id}", "/p/{id}/of/{org}") == "/p/{1}/of/{0}"
    assert target_template("/o/{a}/p/{b}", "/x/{c}/{d}") == "/x/{0}/{1}"


def mapped(v1_op: dict[str, Any], v2_op: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    pairs = pair_operations(doc({"/a": {"get": v1_op}}), doc({"/a": {"get": v2_op}}))
    map_operation(pairs[0])
    return pairs[0].spec, pairs[0].findings.mapped


def test_query_rename_drop_default_and_enum() -> None:
    v1 = op(
        params=[
            query("q"),
            query("old_flag", {"type": "boolean"}),
            query("legacy", {"type": "integer"}),
            query("kind", {"enum": ["a", "b"]}),
        ]
    )
    v2 = op(
        params=[
            query("search", {"type": "string"}, **{"x-renamed-from": "q"}),
            query("new_flag", {"type": "boolean"}),
            query("kind", {"enum": ["a", "bee"]}),
            query("page", {"type": "integer", "default": 1}, required=True),
            query("sort", {"type": "string"}),
        ]
    )
    spec, lines = mapped(v1, v2)
    entry = spec["query"]
    assert entry["rename"] == {"q": "search", "old_flag": "new_flag"}
    assert entry["drop"] == ["legacy"] and entry["defaults"] == {"page": "1"}
    assert entry["enum"] == {"kind": [["b", "bee"]]}
    assert any("optional query parameter 'sort'" in line for line in lines)
    out = transform_query(b"q=hello%20you&kind=b&legacy=3&old_flag=true", entry)
    assert out == b"search=hello%20you&kind=bee&new_flag=true&page=1"


def test_unchanged_operation_maps_nothing() -> None:
    spec, lines = mapped(op(params=[query("q")]), op(params=[query("q")]))
    assert set(spec) == {"method", "v1_path", "v2_method", "v2_path", "v2_target"} and lines == []


def test_one_success_status_each_side_is_mapped() -> None:
    body = {
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"a": {"type": "string"}}}
            }
        }
    }
    renamed = {"type": "object", "properties": {"b": {"type": "string", "x-renamed-from": "a"}}}
    v1 = {"responses": {"200": {"description": "ok", **body}, "404": {"description": "no"}}}
    v2 = {
        "responses": {
            "201": {"description": "ok", "content": {"application/json": {"schema": renamed}}}
        }
    }
    spec, lines = mapped(v1, v2)
    assert spec["status"] == {"201": 200} and "v2 answers 201 where v1 answered 200" in lines[0]
    assert spec["responses"] == {"201": {"rename": {"b": "a"}}}
    # two success statuses on one side: which maps to which is a guess, so nothing is mapped
    v1["responses"]["202"] = {"description": "accepted"}
    assert "status" not in mapped(v1, v2)[0]
