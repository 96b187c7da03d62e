"""Swagger 2.0 -> the OpenAPI 3.0 shape the checks read, before `$ref`s are resolved, so a
Swagger spec and its OpenAPI successor diff as one API (a migration from 2.0 to 3.0 reports what
changed for clients, not the change of format).

definitions -> components/schemas; body parameters -> requestBody (one media type per
`consumes`); formData parameters -> a requestBody object schema (multipart/form-data when a file
is sent or declared, else application/x-www-form-urlencoded); parameter type/format/items ->
schema, collectionFormat -> style/explode; responses' schema -> content (one per `produces`);
host/basePath/schemes -> servers; securityDefinitions -> securitySchemes; `x-nullable` ->
`nullable`; `type: file` -> binary string; `#/definitions`, `#/parameters` and `#/responses`
refs pointed at their new homes. Keys we do not move are copied as they are.
"""

from __future__ import annotations

from typing import Any

_SCHEMA_KEYS = (
    "type", "format", "items", "default", "maximum", "exclusiveMaximum", "minimum",
    "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
    "uniqueItems", "enum", "multipleOf", "x-nullable",
)  # fmt: skip
_STYLES = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
    "tsv": ("tabDelimited", False),
}
_JSON = ["application/json"]
_FLOWS = {"implicit": "implicit", "password": "password", "application": "clientCredentials",
          "accessCode": "authorizationCode"}  # fmt: skip
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


def is_swagger(doc: Any) -> bool:
    return isinstance(doc, dict) and str(doc.get("swagger", "")).startswith("2")


def convert(doc: dict[str, Any]) -> dict[str, Any]:
    """A Swagger 2.0 document (unresolved) -> an OpenAPI 3.0.3 one."""
    return _Converter(doc).document()


class _Converter:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.params: dict[str, Any] = _dict(doc.get("parameters"))
        self.consumes = _list(doc.get("consumes")) or _JSON
        self.produces = _list(doc.get("produces")) or _JSON

    def document(self) -> dict[str, Any]:
        doc = self.doc
        out: dict[str, Any] = {"openapi": "3.0.3"}
        for key, value in doc.items():
            if key not in ("swagger", "host", "basePath", "schemes", "consumes", "produces",
                           "definitions", "parameters", "responses", "securityDefinitions",
                           "paths"):  # fmt: skip
                out[key] = value
        servers = self._servers()
        if servers:
            out["servers"] = servers
        out["paths"] = {
            path: self._path_item(item) if isinstance(item, dict) else item
            for path, item in _dict(doc.get("paths")).items()
        }
        components = self._components()
        if components:
            out["components"] = components
        return _fix_refs(out)

    def _servers(self) -> list[dict[str, Any]]:
        host = self.doc.get("host")
        base = str(self.doc.get("basePath") or "")
        if not host and not base:
            return []
        if not host:
            return [{"url": base}]
        schemes = _list(self.doc.get("schemes")) or ["https"]
        return [{"url": f"{scheme}://{host}{base}"} for scheme in schemes]

    def _components(self) -> dict[str, Any]:
        components: dict[str, Any] = {}
        schemas = _dict(self.doc.get("definitions"))
        if schemas:
            components["schemas"] = {name: _schema(s) for name, s in schemas.items()}
        parameters = {
            n: _parameter(p)
            for n, p in self.params.items()
            if _where(p) not in ("body", "formData")
        }
        if parameters:
            components["parameters"] = parameters
        bodies = {
            n: self._body([p], self.consumes) for n, p in self.params.items() if _where(p) == "body"
        }
        if bodies:
            components["requestBodies"] = bodies
        responses = _dict(self.doc.get("responses"))
        if responses:
            components["responses"] = {
                n: self._response(r, self.produces) for n, r in responses.items()
            }
        security = _dict(self.doc.get("securityDefinitions"))
        if security:
            components["securitySchemes"] = {n: _security(s) for n, s in security.items()}
        return components

    def _path_item(self, item: dict[str, Any]) -> dict[str, Any]:
        shared = _list(item.get("parameters"))
        out: dict[str, Any] = {}
        for key, value in item.items():
            if key in _METHODS and isinstance(value, dict):
                out[key] = self._operation(value, shared)
            elif key == "parameters":
                kept = [
                    self._parameter_ref(p)
                    for p in shared
                    if self._kind(p) not in ("body", "formData")
                ]
                if kept:
                    out[key] = kept
            else:
                out[key] = value
        return out

    def _operation(self, op: dict[str, Any], shared: list[Any]) -> dict[str, Any]:
        consumes = _list(op.get("consumes")) or self.consumes
        produces = _list(op.get("produces")) or self.produces
        own = _list(op.get("parameters"))
        names = {(self._kind(p), _dict(self._target(p)).get("name")) for p in own}
        merged = [
            p for p in shared if (self._kind(p), _dict(self._target(p)).get("name")) not in names
        ]
        merged += own
        out: dict[str, Any] = {}
        for key, value in op.items():
            if key in ("consumes", "produces", "schemes"):
                continue
            if key == "parameters":
                kept = [
                    self._parameter_ref(p) for p in own if self._kind(p) not in ("body", "formData")
                ]
                if kept:
                    out[key] = kept
            elif key == "responses":
                out[key] = {code: self._response(r, produces) for code, r in _dict(value).items()}
            else:
                out[key] = value
        body = [p for p in merged if self._kind(p) == "body"]
        form = [p for p in merged if self._kind(p) == "formData"]
        if body and isinstance(body[0], dict) and "$ref" in body[0]:
            out["requestBody"] = {"$ref": _moved(str(body[0]["$ref"]), body=True)}
        elif body or form:
            out["requestBody"] = self._body(body, consumes) if body else self._form(form, consumes)
        return out

    def _kind(self, param: Any) -> str:
        return _where(self._target(param))

    def _target(self, param: Any) -> Any:
        """A parameter, or the global parameter its local `$ref` names."""
        if isinstance(param, dict) and isinstance(param.get("$ref"), str):
            ref = param["$ref"]
            if ref.startswith("#/parameters/"):
                return self.params.get(_unescape(ref.removeprefix("#/parameters/")), param)
        return param

    def _parameter_ref(self, param: Any) -> Any:
        return param if isinstance(param, dict) and "$ref" in param else _parameter(param)

    def _body(self, params: list[Any], consumes: list[str]) -> dict[str, Any]:
        param = _dict(self._target(params[0]))
        body: dict[str, Any] = {
            "content": {mt: {"schema": _schema(param.get("schema", {}))} for mt in consumes}
        }
        if param.get("description"):
            body["description"] = param["description"]
        if param.get("required"):
            body["required"] = True
        body.update({k: v for k, v in param.items() if k.startswith("x-")})
        return body

    def _form(self, params: list[Any], consumes: list[str]) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        files = False
        for raw in params:
            param = _dict(self._target(raw))
            name = str(param.get("name", ""))
            schema = _parameter_schema(param)
            if param.get("description"):
                schema["description"] = param["description"]
            files = files or param.get("type") == "file"
            properties[name] = schema
            if param.get("required"):
                required.append(name)
        schema_: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema_["required"] = required
        forms = [
            mt
            for mt in consumes
            if mt in ("multipart/form-data", "application/x-www-form-urlencoded")
        ]
        if not forms:
            forms = ["multipart/form-data" if files else "application/x-www-form-urlencoded"]
        body: dict[str, Any] = {"content": {mt: {"schema": schema_} for mt in forms}}
        if required:
            body["required"] = True
        return body

    def _response(self, response: Any, produces: list[str]) -> Any:
        if not isinstance(response, dict) or "$ref" in response:
            return response
        out: dict[str, Any] = {}
        for key, value in response.items():
            if key == "schema":
                examples = _dict(response.get("examples"))
                out["content"] = {
                    mt: {
                        "schema": _schema(value),
                        **({"example": examples[mt]} if mt in examples else {}),
                    }
                    for mt in produces
                }
            elif key == "headers":
                out["headers"] = {name: _header(h) for name, h in _dict(value).items()}
            elif key != "examples":
                out[key] = value
        out.setdefault("description", "")
        return out


def _parameter(param: Any) -> Any:
    if not isinstance(param, dict):
        return param
    out = {k: v for k, v in param.items() if k not in _SCHEMA_KEYS and k != "collectionFormat"}
    out["schema"] = _parameter_schema(param)
    style = _STYLES.get(str(param.get("collectionFormat", "")))
    if style and param.get("type") == "array":
        name, explode = style
        if param.get("in") in ("path", "header") and name == "form":
            name = "simple"
        out["style"], out["explode"] = name, explode
    return out


def _parameter_schema(param: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = _schema({k: v for k, v in param.items() if k in _SCHEMA_KEYS})
    return schema


def _header(header: Any) -> Any:
    if not isinstance(header, dict) or "$ref" in header:
        return header
    out = {k: v for k, v in header.items() if k not in _SCHEMA_KEYS and k != "collectionFormat"}
    out["schema"] = _parameter_schema(header)
    return out


def _schema(schema: Any) -> Any:
    """2.0 schema keywords -> 3.0 (x-nullable, file, discriminator, items' collectionFormat)."""
    if isinstance(schema, list):
        return [_schema(item) for item in schema]
    if not isinstance(schema, dict) or "$ref" in schema:
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "x-nullable":
            out["nullable"] = value
        elif key == "type" and value == "file":
            out["type"], out["format"] = "string", "binary"
        elif key == "discriminator" and isinstance(value, str):
            out[key] = {"propertyName": value}
        elif key == "collectionFormat":
            continue
        elif key in ("properties", "patternProperties", "definitions") and isinstance(value, dict):
            out[key] = {name: _schema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = _schema(value)
        else:
            out[key] = value
    return out


def _security(scheme: Any) -> Any:
    if not isinstance(scheme, dict):
        return scheme
    kind = scheme.get("type")
    extras = {k: v for k, v in scheme.items() if k == "description" or k.startswith("x-")}
    if kind == "basic":
        return {"type": "http", "scheme": "basic", **extras}
    if kind == "oauth2":
        flow: dict[str, Any] = {"scopes": scheme.get("scopes", {})}
        for key in ("authorizationUrl", "tokenUrl"):
            if key in scheme:
                flow[key] = scheme[key]
        name = _FLOWS.get(str(scheme.get("flow")), str(scheme.get("flow")))
        return {"type": "oauth2", "flows": {name: flow}, **extras}
    return scheme


def _fix_refs(node: dict[str, Any]) -> dict[str, Any]:
    """Point every local 2.0 `$ref` at its 3.0 home (in place; returns `node`)."""
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                item["$ref"] = _moved(ref)
            stack.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, dict | list))
    return node


def _moved(ref: str, body: bool = False) -> str:
    for old, new in (("#/definitions/", "#/components/schemas/"),
                     ("#/responses/", "#/components/responses/"),
                     ("#/parameters/", "#/components/requestBodies/" if body else "#/components/parameters/")):  # fmt: skip
        if ref.startswith(old):
            return new + ref.removeprefix(old)
    return ref


def _where(param: Any) -> str:
    return str(param.get("in", "")) if isinstance(param, dict) else ""


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


_HOMES = {"schemas": "definitions", "parameters": "parameters", "requestBodies": "parameters",
          "responses": "responses", "securitySchemes": "securityDefinitions"}  # fmt: skip


def written_pointer(at: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A pointer into the converted document -> the nearest place in the 2.0 text it came from
    (so a change in a Swagger spec is placed where the user wrote it)."""
    if len(at) >= 3 and at[0] == "components" and at[1] in _HOMES:
        rest = at[3:]
        if at[1] in ("responses", "requestBodies"):
            rest = _written_body(rest)
        return (_HOMES[str(at[1])], at[2], *rest)
    if len(at) >= 3 and at[0] == "paths":
        head, rest = at[:3], at[3:]
        if rest[:1] in (("requestBody",), ("parameters",)):
            return head  # body and formData parameters moved; parameter indexes shifted
        if rest[:1] == ("responses",) and len(rest) >= 2:
            return (*head, "responses", rest[1], *_written_body(rest[2:]))
        return at
    return at


def _written_body(rest: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """("content", media type, "schema", ...) -> ("schema", ...); headers' schema -> header."""
    if rest[:1] == ("content",) and rest[2:3] == ("schema",):
        return rest[2:]
    if rest[:1] == ("headers",) and len(rest) >= 2:
        return rest[:2]
    return rest[:0]
