"""generate_adapter: what it maps, what it leaves manual, the headers and files it produces."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import sys
from pathlib import Path
from typing import Any

from gitmigrate.openapi.adapter import AdapterFiles, covered, generate_adapter, server_path
from gitmigrate.openapi.adapter_ops import map_operation, pair_operations
from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.spec import Spec, load_spec

ALLOWED = sys.stdlib_module_names | {"pytest"}
PETS = Path(__file__).resolve().parents[2] / "fixtures" / "api" / "pets"


def change(id: str, level: str, op: str, text: str = "", **details: Any) -> ApiChange:
    method, _, path = op.partition(" ")
    return ApiChange(
        id=id,
        level=level,
        text=text,
        check="",
        operation=op,
        path=path,
        method=method,  # type: ignore[arg-type]
        details=details,
    )


def pets(**kw: Any) -> AdapterFiles:
    base, revision = load_spec(str(PETS / "v1.yaml")), load_spec(str(PETS / "v2.yaml"))
    changes = [
        change("api-path-removed-without-deprecation", "error", f"{m} {p}")
        for m, p in (
            ("GET", "/pets"),
            ("POST", "/pets"),
            ("GET", "/pets/{petId}"),
            ("DELETE", "/pets/{petId}"),
            ("GET", "/pets/{petId}/photo"),
        )
    ]
    changes.append(change("api-security-removed", "error", "", "security scheme `key` removed"))
    changes.append(change("endpoint-added", "info", "GET /animals"))
    return generate_adapter(base, revision, changes, **kw)


def test_only_what_it_cannot_map_is_manual() -> None:
    out = pets(today=dt.date(2026, 12, 7))
    assert sorted((c.id, c.operation) for c in out.manual) == [
        ("api-path-removed-without-deprecation", "GET /pets/{petId}/photo"),
        ("api-security-removed", ""),
    ]
    assert "GET /pets/{petId} is served by GET /animals/{animalId}" in out.mapped
    assert any("'status': v1 responses get it back as 'available'" in line for line in out.mapped)
    readme = out.files["README.md"].decode()
    assert "GET /pets/{petId}/photo" in readme.split("## What it cannot map")[1]


def test_deprecation_headers_follow_the_rfcs() -> None:
    out = pets(
        guide_url="https://docs.example/guide",
        deprecations={"DELETE /animals/{animalId}": dt.date(2026, 1, 2)},
    )
    namespace: dict[str, Any] = {}
    exec(out.files["mapping.py"].decode(), namespace)
    delete = next(op for op in namespace["MAPPING"]["operations"] if op["method"] == "DELETE")
    assert delete["deprecation"] == {
        "Deprecation": f"@{int(dt.datetime(2026, 1, 2, tzinfo=dt.UTC).timestamp())}",
        "Sunset": "Wed, 30 Jun 2027 00:00:00 GMT",
        "Link": '<https://docs.example/guide>; rel="deprecation"; type="text/html"',
    }
    assert [d["path"] for d in namespace["MAPPING"]["v2_deprecations"]] == ["/animals/{animalId}"]


def test_the_operations_own_deprecation_link_wins_over_the_guide() -> None:
    base, revision = load_spec(str(PETS / "v1.yaml")), load_spec(str(PETS / "v2.yaml"))
    delete = revision.doc["paths"]["/animals/{animalId}"]["delete"]
    delete["x-deprecation-link"] = "https://docs.example/delete-sunset"  # as `api deprecate --link`
    out = generate_adapter(base, revision, [], guide_url="https://docs.example/guide")
    assert b"<https://docs.example/delete-sunset>; rel=" in out.files["mapping.py"]
    assert b"docs.example/guide" not in out.files["mapping.py"]


def test_deprecation_date_defaults_to_today() -> None:
    out = pets(today=dt.date(2026, 12, 7))
    assert b"'Deprecation': '@1796601600'" in out.files["mapping.py"]
    assert b"Link" not in out.files["mapping.py"]


def test_files_are_a_standalone_package() -> None:
    out = pets(package="pets_v1")
    assert b"from pets_v1 import V1Adapter" in out.files["README.md"]
    assert set(out.files) == {
        "__init__.py",
        "runtime.py",
        "mapping.py",
        "README.md",
        "tests/__init__.py",
        "tests/cases.py",
        "tests/test_adapter.py",
    }
    for name, content in out.files.items():
        if name.endswith(".py"):  # runs without git-migrate installed: the standard library only
            for node in ast.walk(ast.parse(content, name)):
                if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                    names = (
                        [a.name for a in node.names]
                        if isinstance(node, ast.Import)
                        else [node.module or ""]
                    )
                    assert all(n.split(".")[0] in ALLOWED for n in names), (name, names)


def test_change_matching_needs_the_operation_id_and_name() -> None:
    v1 = {
        "paths": {
            "/a": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"name": {"type": "string"}},
                                }
                            }
                        }
                    },
                    "responses": {},
                }
            }
        }
    }
    v2 = {
        "paths": {
            "/a": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"title": {"type": "string"}},
                                }
                            }
                        }
                    },
                    "responses": {},
                }
            }
        }
    }
    pairs = pair_operations(v1, v2)
    map_operation(pairs[0])
    assert covered(
        change(
            "request-property-removed",
            "warning",
            "POST /a",
            "property `name` was removed",
            property="name",
        ),
        pairs,
    )
    assert covered(
        change(
            "new-optional-request-property",
            "info",
            "POST /a",
            "optional property `title` was added",
        ),
        pairs,
    )
    assert not covered(
        change(
            "request-property-removed",
            "warning",
            "POST /a",
            "property `other` was removed",
            property="other",
        ),
        pairs,
    )
    assert not covered(
        change("request-property-removed", "warning", "POST /b", property="name"), pairs
    )
    assert not covered(
        change("request-property-type-changed", "error", "POST /a", property="name"), pairs
    )


def test_changes_inside_moved_operations_are_found() -> None:
    v1 = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/old": {
                "get": {
                    "operationId": "op",
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    v2 = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "2"},
        "paths": {
            "/new": {
                "get": {
                    "operationId": "op",
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    base, revision = Spec("v1.yaml", v1, "3.0"), Spec("v2.yaml", v2, "3.0")
    from gitmigrate.openapi.checks import all_checks

    out = generate_adapter(base, revision, [])
    if "RequestParameterTypeChangedCheck" in all_checks():  # the parameter checks have landed
        assert [(c.id, c.operation) for c in out.manual] == [
            ("request-parameter-type-changed", "GET /old")
        ]
    assert "GET /old is served by GET /new" in out.mapped
    assert all(c in out.changes for c in out.manual)


def test_server_paths_give_the_prefix_and_bases(tmp_path: Path) -> None:
    def spec(version: str, server: dict[str, Any], path: str) -> Spec:
        doc = {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": version},
            "servers": [server],
            "paths": {
                path: {"get": {"operationId": "get", "responses": {"204": {"description": "x"}}}}
            },
        }
        return Spec(f"{version}.yaml", doc, "3.0")

    assert (
        server_path(
            {
                "servers": [
                    {"url": "https://h/{base}/", "variables": {"base": {"default": "api/v1"}}}
                ]
            }
        )
        == "/api/v1"
    )
    assert server_path({}) == server_path({"servers": [{"url": "https://h"}]}) == ""
    base = spec("1.0", {"url": "https://h/api/v1"}, "/things")
    revision = spec("2.0", {"url": "https://h/api/v2"}, "/items")
    out = generate_adapter(base, revision, [], package="server_bases")
    namespace: dict[str, Any] = {}
    exec(out.files["mapping.py"].decode(), namespace)
    mapping = namespace["MAPPING"]
    assert (mapping["v1_prefix"], mapping["v1_base"], mapping["v2_base"]) == (
        "/api/v1",
        "/api/v1",
        "/api/v2",
    )
    for name, content in out.files.items():
        (tmp_path / "server_bases" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "server_bases" / name).write_bytes(content)
    sys.path.insert(0, str(tmp_path))
    try:
        tests = importlib.import_module("server_bases.tests.test_adapter")
    finally:
        sys.path.remove(str(tmp_path))
    assert [c["expect_request"]["path"] for c in tests.CASES] == ["/api/v2/items", "/api/v2/items"]
    for case in tests.CASES:
        tests.test_mapping(case)


def test_yaml_dates_reach_the_mapping_as_json_strings() -> None:
    def spec(props: dict[str, Any]) -> Spec:
        response = {
            "description": "x",
            "content": {"application/json": {"schema": {"type": "object", "properties": props}}},
        }
        doc = {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": response}}}},
        }
        return Spec("s.yaml", doc, "3.0")

    born = {"type": "string", "format": "date", "example": dt.date(2024, 1, 2)}
    out = generate_adapter(
        spec({"id": {"type": "integer"}, "born": born}), spec({"id": {"type": "integer"}}), []
    )
    namespace: dict[str, Any] = {}
    exec(out.files["mapping.py"].decode(), namespace)  # a date object would not even import
    assert namespace["MAPPING"]["operations"][0]["responses"]["200"]["defaults"] == {
        "born": "2024-01-02"
    }
