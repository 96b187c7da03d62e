"""Before diffing, make equivalent ways of writing the same contract look alike, so the checks
do not report what oasdiff's users report as false breaking changes:

- an allOf refactor (oasdiff #169, #154): a schema written flat on one side and, on the other,
  as `allOf` of a `$ref`'d base plus extra properties whose merge is the same schema. Only a
  flat <-> allOf pair is collapsed: two allOf lists that merge alike stay as they are, since
  oasdiff reports a subschema added to an allOf list (its own tests expect
  `request-property-all-of-added` there);
- the nullable forms: 3.0 `{type: x, nullable: true}` beside 3.1 `{type: [x, "null"]}`, and
  `type: [x]` beside `type: x`, are written the same way (the 3.0 form, which every nullable
  check reads); so is 3.1 `anyOf: [S, {type: "null"}]` beside 3.0 `S` + `nullable: true` when
  that makes them the same schema;
- a new required request property with a default (oasdiff #549): the client may omit it when
  the server applies the default, so `soften` reports it as WARN, not ERR (oasdiff's own level
  has gone back and forth: info, then warning in its #1109, then error in #1110; issue 15 asks
  for no ERR, and WARN keeps it in `--fail-on WARN`).

The pairing mirrors the diff's (paths by template, operations by method, parameters by
(in, name), media types, statuses, components by name, properties by name), so only schemas the
diff would compare are touched. Rewrites are in place and keep each object's identity (ref
names and source positions stay right); a cyclic schema pair is visited once.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.operations import METHODS, template
from gitmigrate.openapi.spec import Spec

# Keys that describe a schema without constraining values: when an allOf is merged, the outer
# schema's value wins, and two subschemas may not disagree on them either.
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMAS = ("items", "additionalProperties", "not", "contains", "propertyNames")
_SOFTENED = frozenset({"new-required-request-property-with-default",
                       "request-property-became-required-with-default"})  # fmt: skip


def normalise(base: Spec, revision: Spec) -> int:
    """Rewrite equivalent forms alike in both specs (in place); how many schemas changed."""
    pairs = _Pairs(Comparer(base.ref_name, revision.ref_name))
    pairs.document(base.doc, revision.doc)
    return pairs.rewritten


def soften(change: ApiChange) -> ApiChange:
    """A required request property that has a default: WARN instead of ERR (#549)."""
    if change.id in _SOFTENED and change.level == "error":
        return dataclasses.replace(change, level="warning")
    return change


class _Pairs:
    def __init__(self, comparer: Comparer) -> None:
        self.comparer = comparer
        self.rewritten = 0
        self._seen: set[tuple[int, int]] = set()

    def document(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        for key in ("paths", "webhooks"):
            self.paths(_dict(a.get(key)), _dict(b.get(key)))
        ca, cb = _dict(a.get("components")), _dict(b.get("components"))
        for pair in _common(ca.get("schemas"), cb.get("schemas")):
            self.schema(*pair)
        for pair in _common(ca.get("parameters"), cb.get("parameters")):
            self.parameter(*pair)
        for pair in _common(ca.get("headers"), cb.get("headers")):
            self.parameter(*pair)
        for pair in _common(ca.get("requestBodies"), cb.get("requestBodies")):
            self.content(*pair)
        for pair in _common(ca.get("responses"), cb.get("responses")):
            self.response(*pair)

    def paths(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        by_template = {template(str(path)): item for path, item in a.items()}
        for path, item_b in b.items():
            item_a = by_template.get(template(str(path)))
            if not isinstance(item_a, dict) or not isinstance(item_b, dict):
                continue
            self.parameters(item_a.get("parameters"), item_b.get("parameters"))
            for method in METHODS:
                op_a, op_b = item_a.get(method), item_b.get(method)
                if isinstance(op_a, dict) and isinstance(op_b, dict):
                    self.parameters(op_a.get("parameters"), op_b.get("parameters"))
                    self.content(_dict(op_a.get("requestBody")), _dict(op_b.get("requestBody")))
                    for pair in _common(op_a.get("responses"), op_b.get("responses")):
                        self.response(*pair)
                    for pair in _common(op_a.get("callbacks"), op_b.get("callbacks")):
                        self.paths(*pair)

    def parameters(self, a: Any, b: Any) -> None:
        def keyed(items: Any) -> dict[tuple[str, str], Any]:
            found = {}
            for item in items if isinstance(items, list) else ():
                if isinstance(item, dict):
                    found[(str(item.get("in")), str(item.get("name")))] = item
            return found

        for pair in _common(keyed(a), keyed(b)):
            self.parameter(*pair)

    def parameter(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        self.pair(a.get("schema"), b.get("schema"))
        self.content(a, b)

    def content(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        for ma, mb in _common(a.get("content"), b.get("content")):
            self.pair(ma.get("schema"), mb.get("schema"))

    def response(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        self.content(a, b)
        for pair in _common(a.get("headers"), b.get("headers")):
            self.parameter(*pair)

    def pair(self, a: Any, b: Any) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            self.schema(a, b)

    def schema(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        key = (id(a), id(b))
        if key in self._seen or a is b:
            return
        self._seen.add(key)
        self._nullable(a, b)
        if ("anyOf" in a) != ("anyOf" in b):
            self._any_of_null(a, b)
        if ("allOf" in a) != ("allOf" in b):
            self._all_of(a, b)
        for pair in _common(a.get("properties"), b.get("properties")):
            self.schema(*pair)
        for word in _SUBSCHEMAS:
            self.pair(a.get(word), b.get(word))
        for word in _SUBSCHEMA_LISTS:
            la, lb = a.get(word), b.get(word)
            if isinstance(la, list) and isinstance(lb, list) and len(la) == len(lb):
                for sa, sb in zip(la, lb, strict=True):
                    self.pair(sa, sb)

    def _nullable(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        """3.1 `type: [x, "null"]` beside 3.0 `type: x, nullable: true` -> the 3.0 form."""
        for one, other in ((a, b), (b, a)):
            types = one.get("type")
            if not isinstance(types, list) or not isinstance(other.get("type"), str):
                continue
            rest = [t for t in types if t != "null"]
            if len(rest) != 1 or rest[0] != other["type"]:
                continue
            if "null" in types and other.get("nullable") is True:
                one["type"], one["nullable"] = rest[0], True
                self.rewritten += 1
            elif "null" not in types:
                one["type"] = rest[0]
                self.rewritten += 1

    def _any_of_null(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        """3.1 `anyOf: [S, {type: "null"}]` (what Pydantic writes for Optional) beside 3.0
        `S` with `nullable: true`: the anyOf side is written in the 3.0 form when the two
        are then the same schema."""
        for one, other in ((a, b), (b, a)):
            if other.get("nullable") is not True:
                continue
            flat = _null_branch_merged(one)
            if flat is not None and self.comparer.equal(flat, other):
                one.clear()
                one.update(flat)
                self.rewritten += 1
                return

    def _all_of(self, a: dict[str, Any], b: dict[str, Any]) -> None:
        """One side flat, the other an allOf that merges to the same schema: write both flat."""
        flat_a, flat_b = merged(a), merged(b)
        if flat_a is None or flat_b is None:
            return
        if not self.comparer.equal(_sorted_required(flat_a), _sorted_required(flat_b)):
            return
        side, flat, other = (a, flat_a, b) if "allOf" in a else (b, flat_b, a)
        if isinstance(other.get("required"), list):  # the same names, in the flat side's order
            flat["required"] = list(other["required"])
        side.clear()
        side.update(flat)
        self.rewritten += 1


def merged(schema: dict[str, Any], depth: int = 0) -> dict[str, Any] | None:
    """`schema` with its allOf merged in, or None where merging could change its meaning
    (two parts constrain one keyword differently, or a part is not a plain schema)."""
    if "allOf" not in schema:
        return dict(schema)
    parts = schema["allOf"]
    if not isinstance(parts, list) or depth > 16:
        return None
    out = {key: value for key, value in schema.items() if key != "allOf"}
    properties: dict[str, Any] = dict(_dict(out.get("properties")))
    required: list[Any] = list(out.get("required") or [])
    for part in parts:
        flat = merged(part, depth + 1) if isinstance(part, dict) else None
        if flat is None:
            return None
        for key, value in flat.items():
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    if name in properties and not Comparer().equal(properties[name], prop):
                        return None
                    properties.setdefault(name, prop)
            elif key == "required" and isinstance(value, list):
                required += [name for name in value if name not in required]
            elif key in out and key in schema:
                if not _annotation(key) and not Comparer().equal(out[key], value):
                    return None
            elif key in out and not Comparer().equal(out[key], value):
                return None
            else:
                out[key] = value
    if properties:
        out["properties"] = properties
    if required:
        out["required"] = required
    return out


def _null_branch_merged(schema: dict[str, Any]) -> dict[str, Any] | None:
    """`{anyOf: [S, {type: "null"}], ...}` -> `{...S, ..., nullable: true}`; else None."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list) or len(branches) != 2:
        return None
    nulls = [b for b in branches if b == {"type": "null"}]
    rest = [b for b in branches if b != {"type": "null"}]
    if len(nulls) != 1 or len(rest) != 1 or not isinstance(rest[0], dict):
        return None
    outer = {key: value for key, value in schema.items() if key != "anyOf"}
    if any(key in outer and not _annotation(key) for key in rest[0]):
        return None
    return {**rest[0], **outer, "nullable": True}


def _annotation(key: str) -> bool:
    return key in ("description", "title", "example", "examples", "externalDocs", "$comment")


def _sorted_required(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy to compare: the order of `required` carries no meaning."""
    if not isinstance(schema.get("required"), list):
        return schema
    return {**schema, "required": sorted({str(name) for name in schema["required"]})}


def _common(a: Any, b: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(a's, b's) for each key of two mappings where both values are dicts."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return []
    return [
        (a[key], value)
        for key, value in b.items()
        if isinstance(value, dict) and isinstance(a.get(key), dict)
    ]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
