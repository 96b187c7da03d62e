"""Example values generated from resolved schemas, for the migration guide's before/after
requests and responses: what the spec's author wrote first (`example`, the first of
`examples`, `default`, `const`, the first `enum` value), else a value of the schema's type
shaped by its format and bounds. `$ref`s are resolved in place by the loader, so a recursive
schema is a cyclic object: a schema met again on the way down is left out, as is anything
deeper than MAX_DEPTH.

    example_of({"type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer", "minimum": 1},
                               "born": {"type": "string", "format": "date"}}})
    -> {"id": 1, "born": "2024-01-31"}
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 8
MISSING = object()  # a schema with no example to give (a cycle, a `not`, too deep)

_FORMATS: dict[str, Any] = {
    "date": "2024-01-31",
    "date-time": "2024-01-31T12:00:00Z",
    "time": "12:00:00",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "uri-reference": "/resource",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "U3dhZ2dlcg==",
    "binary": "<binary>",
    "password": "********",
    "duration": "P1D",
    "int32": 1,
    "int64": 1,
    "float": 1.5,
    "double": 1.5,
}


def example_of(schema: Any, direction: str = "") -> Any:
    """An example value for `schema` (None when it gives none: a cycle, `not`, an empty
    schema). `direction` "request" leaves out readOnly properties, "response" writeOnly ones."""
    skip = {"request": "readOnly", "response": "writeOnly"}.get(direction, "")
    value = _example(schema, [], 0, skip)
    return None if value is MISSING else value


def _stated(schema: dict[str, Any]) -> Any:
    if "example" in schema:
        return schema["example"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    for key in ("default", "const"):
        if key in schema:
            return schema[key]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        return next((v for v in enum if v is not None), enum[0])
    return MISSING


def _example(schema: Any, stack: list[int], depth: int, skip: str = "") -> Any:
    if not isinstance(schema, dict) or depth > MAX_DEPTH or id(schema) in stack:
        return MISSING
    stated = _stated(schema)
    if stated is not MISSING:
        return stated
    stack.append(id(schema))
    try:
        return _by_shape(schema, stack, depth, skip)
    finally:
        stack.pop()


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):  # 3.1: ["string", "null"]
        kind = next((k for k in kind if k != "null"), None)
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def _by_shape(schema: dict[str, Any], stack: list[int], depth: int, skip: str) -> Any:
    parts = schema.get("allOf")
    if isinstance(parts, list) and parts:
        return _all_of(schema, parts, stack, depth, skip)
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list):
            for option in options:
                value = _example(option, stack, depth + 1, skip)
                if value is not MISSING:
                    return value
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, stack, depth, skip)
    if kind == "array":
        item = _example(schema.get("items"), stack, depth + 1, skip)
        return [] if item is MISSING else [item] * max(1, int(schema.get("minItems") or 1))
    if kind == "string":
        return _string(schema)
    if kind in ("integer", "number"):
        return _number(schema, kind)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return MISSING


def _all_of(
    schema: dict[str, Any], parts: list[Any], stack: list[int], depth: int, skip: str
) -> Any:
    merged: dict[str, Any] = {}
    other: Any = MISSING
    for part in [*parts, {k: v for k, v in schema.items() if k != "allOf"}]:
        value = _example(part, stack, depth + 1, skip)
        if isinstance(value, dict):
            merged.update(value)
        elif value is not MISSING:
            other = value
    return merged if merged or other is MISSING else other


def _object(schema: dict[str, Any], stack: list[int], depth: int, skip: str) -> Any:
    out: dict[str, Any] = {}
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            if skip and isinstance(sub, dict) and sub.get(skip) is True:
                continue
            value = _example(sub, stack, depth + 1, skip)
            if value is not MISSING:
                out[str(name)] = value
    return out


def _string(schema: dict[str, Any]) -> str:
    shaped = _FORMATS.get(str(schema.get("format", "")))
    text = shaped if isinstance(shaped, str) else "string"
    low = int(schema.get("minLength") or 0)
    high = schema.get("maxLength")
    if len(text) < low:
        text += "x" * (low - len(text))
    if isinstance(high, int) and len(text) > high:
        text = text[: max(high, low)]
    return text


def _number(schema: dict[str, Any], kind: str) -> int | float:
    shaped = _FORMATS.get(str(schema.get("format", "")))
    value: float = shaped if isinstance(shaped, int | float) else (1 if kind == "integer" else 1.5)
    low, high = schema.get("minimum"), schema.get("maximum")
    if isinstance(low, int | float) and value < low:
        value = low + (1 if schema.get("exclusiveMinimum") is True else 0)
    if isinstance(schema.get("exclusiveMinimum"), int | float):  # 3.1
        value = max(value, schema["exclusiveMinimum"] + 1)
    if isinstance(high, int | float) and value > high:
        value = high
    return int(value) if kind == "integer" else value
