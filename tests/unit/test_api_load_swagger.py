"""Swagger 2.0 read in the OpenAPI 3.0 shape: a 2.0 spec and its 3.0 rewrite load alike."""

from __future__ import annotations

from pathlib import Path

from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.spec import load_spec

SWAGGER = """\
swagger: "2.0"
info: {title: pets, version: "1"}
host: api.example.com
basePath: /v1
schemes: [https]
consumes: [application/json]
produces: [application/json]
parameters:
  Limit: {name: limit, in: query, type: integer, maximum: 100}
  PetBody: {name: pet, in: body, required: true, schema: {$ref: "#/definitions/Pet"}}
paths:
  /pets:
    get:
      parameters:
        - $ref: "#/parameters/Limit"
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: csv}
      responses:
        "200":
          description: OK
          headers:
            X-Rate: {type: integer}
          schema: {type: array, items: {$ref: "#/definitions/Pet"}}
    post:
      parameters:
        - $ref: "#/parameters/PetBody"
      responses:
        "201": {$ref: "#/responses/Created"}
  /pets/{id}/photo:
    put:
      consumes: [multipart/form-data]
      parameters:
        - {name: id, in: path, required: true, type: string}
        - {name: file, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string}
      responses:
        "204": {description: stored}
responses:
  Created:
    description: created
    schema: {$ref: "#/definitions/Pet"}
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      tag: {type: string, x-nullable: true}
securityDefinitions:
  basic: {type: basic}
  oauth: {type: oauth2, flow: accessCode, authorizationUrl: "https://a", tokenUrl: "https://t", scopes: {}}
"""

OPENAPI = """\
openapi: 3.0.3
info: {title: pets, version: "1"}
paths:
  /pets:
    get:
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string, nullable: true}
"""


def test_swagger_is_converted_to_the_openapi_3_shape(tmp_path: Path) -> None:
    (tmp_path / "swagger.yaml").write_text(SWAGGER)
    spec = load_spec("swagger.yaml", cwd=tmp_path)
    doc = spec.doc
    assert spec.version == "2.0"
    assert doc["servers"] == [{"url": "https://api.example.com/v1"}]
    pet = doc["components"]["schemas"]["Pet"]
    assert pet["properties"]["tag"] == {"type": "string", "nullable": True}
    get = doc["paths"]["/pets"]["get"]
    assert get["parameters"][0]["schema"] == {"type": "integer", "maximum": 100}
    tags = get["parameters"][1]
    assert (tags["schema"], tags["style"], tags["explode"]) == (
        {"type": "array", "items": {"type": "string"}},
        "form",
        False,
    )
    ok = get["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["items"] is pet
    assert ok["headers"]["X-Rate"]["schema"] == {"type": "integer"}
    post = doc["paths"]["/pets"]["post"]
    assert post["requestBody"]["required"] is True
    assert post["requestBody"]["content"]["application/json"]["schema"] is pet
    assert post["responses"]["201"]["content"]["application/json"]["schema"] is pet
    assert "parameters" not in post
    photo = doc["paths"]["/pets/{id}/photo"]["put"]
    form = photo["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["file"] == {"type": "string", "format": "binary"}
    assert form["required"] == ["file"]
    assert [p["name"] for p in photo["parameters"]] == ["id"]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["basic"] == {"type": "http", "scheme": "basic"}
    assert schemes["oauth"]["flows"]["authorizationCode"]["tokenUrl"] == "https://t"


def test_a_swagger_spec_and_its_openapi_rewrite_load_alike(tmp_path: Path) -> None:
    (tmp_path / "swagger.yaml").write_text(SWAGGER)
    (tmp_path / "openapi.yaml").write_text(OPENAPI)
    old = load_spec("swagger.yaml", cwd=tmp_path).doc["paths"]["/pets"]["get"]
    new = load_spec("openapi.yaml", cwd=tmp_path).doc["paths"]["/pets"]["get"]
    compare = Comparer()
    assert compare.equal(old["parameters"][0], new["parameters"][0])
    old_ok = old["responses"]["200"]["content"]["application/json"]
    assert compare.equal(old_ok, new["responses"]["200"]["content"]["application/json"])


def test_swagger_parts_are_placed_where_they_are_written(tmp_path: Path) -> None:
    (tmp_path / "swagger.yaml").write_text(SWAGGER)
    spec = load_spec("swagger.yaml", cwd=tmp_path)
    lines = SWAGGER.splitlines()
    pet = spec.doc["components"]["schemas"]["Pet"]
    assert spec.where(pet) == f"swagger.yaml:{lines.index('  Pet:') + 1}:3"
    name = pet["properties"]["name"]
    assert spec.where(name) == f"swagger.yaml:{lines.index('      name: {type: string}') + 1}:7"
    body = spec.doc["paths"]["/pets"]["post"]["requestBody"]  # the global body parameter
    line = next(i for i, text in enumerate(lines) if text.startswith("  PetBody:")) + 1
    assert spec.where(body) == f"swagger.yaml:{line}:3"
    form = spec.doc["paths"]["/pets/{id}/photo"]["put"]["requestBody"]  # formData: the operation
    assert spec.where(form) == f"swagger.yaml:{lines.index('    put:') + 1}:5"
    ok = spec.doc["paths"]["/pets"]["get"]["responses"]["200"]
    schema = ok["content"]["application/json"]["schema"]
    line = next(i for i, text in enumerate(lines) if "schema: {type: array" in text) + 1
    assert spec.where(schema) == f"swagger.yaml:{line}:11"
