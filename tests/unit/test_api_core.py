"""The api kind's core on real spec files: $refs resolved in place (relative files, cycles,
chains), REV:path from git, positions for messages, and the schema walks' property paths."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.schemadiff import (
    added_properties,
    deleted_properties,
    modified_properties,
    schema_diff,
)
from gitmigrate.openapi.spec import load_spec

SPEC = """\
openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  /pets/{id}:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
        owner: {$ref: "schemas/owner.yaml#/Owner"}
        parent: {$ref: "#/components/schemas/Pet"}
"""
OWNER = "Owner:\n  type: object\n  x-since: 2024-01-01\n  properties:\n    email: {type: string}\n"


def write(root: Path, spec: str = SPEC, owner: str = OWNER) -> Path:
    (root / "schemas").mkdir(parents=True, exist_ok=True)
    (root / "openapi.yaml").write_text(spec)
    (root / "schemas" / "owner.yaml").write_text(owner)
    return root


def test_refs_resolve_in_place_with_cycles_and_relative_files(tmp_path: Path) -> None:
    spec = load_spec("openapi.yaml", cwd=write(tmp_path))
    pet = spec.doc["components"]["schemas"]["Pet"]
    response = spec.doc["paths"]["/pets/{id}"]["get"]["responses"]["200"]
    assert response["content"]["application/json"]["schema"] is pet
    assert pet["properties"]["parent"] is pet  # a cycle is a cyclic object
    assert pet["properties"]["owner"]["properties"]["email"] == {"type": "string"}
    assert pet["properties"]["owner"]["x-since"] == "2024-01-01"  # dates stay text
    assert spec.ref_name(pet) == "#/components/schemas/Pet"
    assert spec.where(pet["properties"]["owner"]) == "schemas/owner.yaml:1:1"
    assert spec.where(pet) == "openapi.yaml:14:5"


def test_bad_refs_and_documents_are_one_line_errors(tmp_path: Path) -> None:
    write(tmp_path, SPEC.replace("schemas/owner.yaml#/Owner", "schemas/owner.yaml#/Nobody"))
    with pytest.raises(UsageError, match=r"owner.yaml#/Nobody' does not resolve"):
        load_spec("openapi.yaml", cwd=tmp_path)
    chain = (
        SPEC + "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n"
    )
    write(tmp_path, chain)
    with pytest.raises(UsageError, match="circular \\$ref"):
        load_spec("openapi.yaml", cwd=tmp_path)
    write(tmp_path, SPEC.replace("schemas/owner.yaml#/Owner", "https://example.com/o.yaml"))
    with pytest.raises(UsageError, match="remote \\$ref .* refused"):
        load_spec("openapi.yaml", cwd=tmp_path)
    (tmp_path / "x.yaml").write_text("a: [1, 2\n")
    with pytest.raises(UsageError, match=r"x.yaml:\d+:\d+"):
        load_spec("x.yaml", cwd=tmp_path)
    (tmp_path / "y.yaml").write_text("a: 1\n")
    with pytest.raises(UsageError, match="not an OpenAPI document"):
        load_spec("y.yaml", cwd=tmp_path)


def test_rev_path_reads_the_spec_and_its_refs_from_git(tmp_path: Path) -> None:
    write(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], cwd=tmp_path, check=True)
    (tmp_path / "schemas" / "owner.yaml").write_text(OWNER.replace("email", "mail"))
    old = load_spec("HEAD:openapi.yaml", cwd=tmp_path)
    new = load_spec("openapi.yaml", cwd=tmp_path)
    owner_old = old.doc["components"]["schemas"]["Pet"]["properties"]["owner"]
    owner_new = new.doc["components"]["schemas"]["Pet"]["properties"]["owner"]
    assert "email" in owner_old["properties"] and "mail" in owner_new["properties"]


def test_walks_give_oasdiff_property_paths_and_stop_at_cycles(tmp_path: Path) -> None:
    old = load_spec("openapi.yaml", cwd=write(tmp_path))
    write(tmp_path, SPEC.replace("name: {type: string}", "name: {type: integer}\n        tag: {type: string}"),
          OWNER.replace("email", "mail"))  # fmt: skip
    new = load_spec("openapi.yaml", cwd=tmp_path)
    comparer = Comparer(old.ref_name, new.ref_name)
    diff = schema_diff(
        old.doc["components"]["schemas"]["Pet"], new.doc["components"]["schemas"]["Pet"], comparer
    )
    assert diff is not None
    modified = sorted(v.full_name for v in modified_properties(diff))
    assert modified == ["name", "owner"]  # parent is Pet itself: a pair already on the walk
    assert diff.properties.modified["name"].value("type") == ("string", "integer")
    assert sorted(v.full_name for v in added_properties(diff)) == ["owner/mail", "tag"]
    assert sorted(v.full_name for v in deleted_properties(diff)) == ["owner/email"]
    assert schema_diff(old.doc["components"], old.doc["components"]) is None
