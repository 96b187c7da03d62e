"""How a v1 body maps onto a v2 body: renamed, moved, dropped and defaulted fields, enum values.

`body_node` walks a v1 schema and its v2 counterpart together and returns the mapping node the
adapter runtime applies (`adapter_runtime.transform`), for one direction: `request` turns a v1
body into a v2 one, `response` a v2 body back into a v1 one. What it maps is recorded in a
`Findings` as English lines and as claims: the change ids (with the names they are about) that
the mapping answers, so the caller can list every other breaking change as manual work.

A field is renamed when the v2 property says `x-renamed-from: old`, or when an object loses one
property and gains one of equal schema (annotations aside) and no other pairing is possible; it
is moved when `x-renamed-from` is a JSON pointer (`/owner_name`), read from the object where the
new field's branch starts (the object that gained `owner` when `owner.name` says `/owner_name`). Enum
values map through `x-enum-map` on the v2 schema (`{v1: v2}`) or by position when both lists
have the same length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Direction = Literal["request", "response"]

#: keys that say nothing about the shape of the data, ignored when comparing schemas
ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "deprecated",
        "externalDocs",
        "$comment",
        "x-renamed-from",
        "x-enum-map",
        "x-sunset",
        "default",
    }
)

RENAME_IDS = {
    "request": frozenset(
        {
            "request-property-removed",
            "new-required-request-property",
            "new-optional-request-property",
            "new-required-request-property-with-default",
        }
    ),
    "response": frozenset(
        {
            "response-required-property-removed",
            "response-optional-property-removed",
            "response-required-property-added",
            "response-optional-property-added",
        }
    ),
}
DROP_IDS = frozenset({"request-property-removed"})
FILL_IDS = frozenset(
    {
        "new-required-request-property",
        "new-required-request-property-with-default",
        "request-property-became-required",
        "request-property-became-required-with-default",
    }
)
RESTORE_IDS = frozenset(
    {"response-required-property-removed", "response-optional-property-removed"}
)
ENUM_IDS = {
    "request": frozenset(
        {
            "request-property-enum-value-removed",
            "request-body-enum-value-removed",
            "request-property-enum-value-added",
            "request-body-enum-value-added",
        }
    ),
    "response": frozenset(
        {
            "response-property-enum-value-added",
            "response-property-enum-value-removed",
            "response-body-enum-value-added",
            "response-mediatype-enum-value-removed",
        }
    ),
}


@dataclass(frozen=True)
class Claim:
    """Change ids a mapping answers, about these names (property, parameter or enum value)."""

    ids: frozenset[str]
    names: frozenset[str]


@dataclass
class Findings:
    """What a walk mapped: English lines and the claims behind them."""

    mapped: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def add(self, line: str, ids: frozenset[str], *names: str) -> None:
        self.mapped.append(line)
        self.claims.append(Claim(ids, frozenset(n for n in names if n)))


def same_schema(a: Any, b: Any, seen: set[tuple[int, int]] | None = None) -> bool:
    """Deep equality of two resolved schemas, annotations aside, safe on cyclic schemas."""
    if isinstance(a, dict) and isinstance(b, dict):
        seen = set() if seen is None else seen
        if (id(a), id(b)) in seen or a is b:
            return True
        seen.add((id(a), id(b)))
        keys = {k for k in a if k not in ANNOTATIONS} | {k for k in b if k not in ANNOTATIONS}
        return all(k in a and k in b and same_schema(a[k], b[k], seen) for k in keys)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_schema(x, y, seen) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def object_view(schema: dict[str, Any]) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """An object schema's properties and required names, `allOf` parts merged in."""
    props: dict[str, dict[str, Any]] = {}
    required: set[str] = set()
    stack, seen = [schema], set()
    while stack:
        part = stack.pop(0)
        if not isinstance(part, dict) or id(part) in seen:
            continue
        seen.add(id(part))
        for name, sub in (part.get("properties") or {}).items():
            if isinstance(sub, dict):
                props.setdefault(name, sub)
        required |= {r for r in part.get("required") or () if isinstance(r, str)}
        stack += [p for p in part.get("allOf") or () if isinstance(p, dict)]
    return props, required


def v1_value(schema: dict[str, Any]) -> tuple[bool, Any]:
    """The value a v1 client expects for a field v2 no longer sends: default, example, const."""
    for key in ("default", "example", "const"):
        if key in schema:
            return True, schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return True, examples[0]
    types = schema.get("type")
    if schema.get("nullable") is True or (isinstance(types, list) and "null" in types):
        return True, None
    return False, None


def enum_pairs(v1: dict[str, Any], v2: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(v1 value, v2 value) pairs: `x-enum-map` on v2, else renamed values of the same position."""
    explicit = v2.get("x-enum-map")
    if isinstance(explicit, dict) and explicit:
        return [(k, v) for k, v in explicit.items() if k != v]
    e1, e2 = v1.get("enum"), v2.get("enum")
    if not (isinstance(e1, list) and isinstance(e2, list)) or len(e1) != len(e2):
        return []
    return [(a, b) for a, b in zip(e1, e2, strict=True) if a != b and a not in e2 and b not in e1]


def _renames(
    p1: dict[str, dict[str, Any]], p2: dict[str, dict[str, Any]]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """v1 name -> v2 name for renamed properties, and v2 name -> v1 root pointer for moved ones."""
    renames: dict[str, str] = {}
    moves: dict[str, list[str]] = {}
    for new, sub in p2.items():
        old = sub.get("x-renamed-from")
        if isinstance(old, str) and old.startswith("/"):
            moves[new] = _pointer(old)
        elif isinstance(old, str) and old in p1 and old not in p2:
            renames[old] = new
    deleted = [n for n in p1 if n not in p2 and n not in renames]
    added = [n for n in p2 if n not in p1 and n not in renames.values() and n not in moves]
    for name in added:
        for below, source in _nested_moves(p2[name], set()):
            moves["/".join([name, *below])] = source
    for old in deleted:
        matches = [new for new in added if same_schema(p1[old], p2[new])]
        if len(matches) == 1 and [o for o in deleted if same_schema(p1[o], p2[matches[0]])] == [
            old
        ]:
            renames[old] = matches[0]
    return renames, moves


def _pointer(text: str) -> list[str]:
    return [part.replace("~1", "/").replace("~0", "~") for part in text[1:].split("/")]


def _nested_moves(schema: dict[str, Any], seen: set[int]) -> list[tuple[list[str], list[str]]]:
    """(path below a new v2 property, v1 pointer) of the fields moved into it from elsewhere;
    the pointer is read from the object that gained the new property."""
    if id(schema) in seen:
        return []
    seen.add(id(schema))
    found: list[tuple[list[str], list[str]]] = []
    for name, sub in object_view(schema)[0].items():
        source = sub.get("x-renamed-from")
        if isinstance(source, str) and source.startswith("/"):
            found.append(([name], _pointer(source)))
        found += [([name, *below], src) for below, src in _nested_moves(sub, seen)]
    return found


@dataclass
class _Walk:
    direction: Direction
    where: str  # "POST /pets request" for the English lines
    findings: Findings
    seen: set[tuple[int, int]] = field(default_factory=set)


def body_node(
    v1: dict[str, Any] | None,
    v2: dict[str, Any] | None,
    direction: Direction,
    where: str,
    findings: Findings,
) -> dict[str, Any] | None:
    """The runtime node mapping a body of schema `v1` to `v2` (request) or back (response)."""
    if not isinstance(v1, dict) or not isinstance(v2, dict):
        return None
    walk = _Walk(direction, where, findings)
    return _node(v1, v2, [], [], walk)


def _label(pointer: list[str], name: str) -> str:
    return "/".join([*(p for p in pointer if p != "[]"), name])


def _node(
    v1: dict[str, Any], v2: dict[str, Any], p1: list[str], p2: list[str], walk: _Walk
) -> dict[str, Any] | None:
    if (id(v1), id(v2)) in walk.seen:
        return None  # a cycle: the mapping of this level is already being built above
    walk.seen.add((id(v1), id(v2)))
    node: dict[str, Any] = {}
    pairs = enum_pairs(v1, v2)
    if pairs:
        node["enum"] = [[a, b] if walk.direction == "request" else [b, a] for a, b in pairs]
        shown = ", ".join(f"{a!r} -> {b!r}" for a, b in pairs)
        walk.findings.add(
            f"{walk.where}: enum value {shown} at '{'/'.join(p1) or 'body'}'",
            ENUM_IDS[walk.direction],
            *(str(v) for pair in pairs for v in pair),
            *(p1[-1:]),
        )
    if isinstance(v1.get("items"), dict) and isinstance(v2.get("items"), dict):
        items = _node(v1["items"], v2["items"], [*p1, "[]"], [*p2, "[]"], walk)
        if items:
            node["items"] = items
    props1, req1 = object_view(v1)
    props2, req2 = object_view(v2)
    if props1 or props2:
        node.update(_object(props1, props2, req1, req2, p1, p2, walk))
    walk.seen.discard((id(v1), id(v2)))
    return node or None


def _object(
    props1: dict[str, dict[str, Any]],
    props2: dict[str, dict[str, Any]],
    req1: set[str],
    req2: set[str],
    p1: list[str],
    p2: list[str],
    walk: _Walk,
) -> dict[str, Any]:
    renames, moves = _renames(props1, props2)
    request = walk.direction == "request"
    node: dict[str, Any] = {}
    children: dict[str, Any] = {}
    for old, new in renames.items():
        child = _node(props1[old], props2[new], [*p1, old], [*p2, new], walk)
        if child:
            children[old if request else new] = child
        walk.findings.add(
            f"{walk.where}: field '{_label(p1, old)}' is '{_label(p2, new)}' in v2",
            RENAME_IDS[walk.direction],
            old,
            new,
            _label(p1, old),
            _label(p2, new),
        )
    if renames:
        node["rename"] = dict(renames) if request else {new: old for old, new in renames.items()}
    for new, source in moves.items():
        target = new.split("/")
        node.setdefault("moves", []).append([source, target] if request else [target, source])
        walk.findings.add(
            f"{walk.where}: field '{_label(p1, '/'.join(source))}' moved to '{_label(p2, new)}' in v2",
            RENAME_IDS[walk.direction],
            source[-1],
            new.split("/")[0],
            _label(p2, new),
        )
    moved_sources = {tuple(src) for src in moves.values()}
    for name in props1.keys() & props2.keys():
        child = _node(props1[name], props2[name], [*p1, name], [*p2, name], walk)
        if child:
            children[name] = child
    if children:
        node["properties"] = children
    gone = [n for n in props1 if n not in props2 and n not in renames and (n,) not in moved_sources]
    if request:
        node.update(_request_gaps(props2, req1, req2, renames, moves, gone, p1, p2, walk))
    else:
        node.update(_response_gaps(props1, req1, gone, p1, walk))
    return node


def _request_gaps(
    props2: dict[str, dict[str, Any]],
    req1: set[str],
    req2: set[str],
    renames: dict[str, str],
    moves: dict[str, list[str]],
    gone: list[str],
    p1: list[str],
    p2: list[str],
    walk: _Walk,
) -> dict[str, Any]:
    """v1 fields v2 removed are dropped; fields v2 now requires are filled with their v2 default."""
    node: dict[str, Any] = {}
    if gone:
        node["drop"] = sorted(gone)
        for name in sorted(gone):
            walk.findings.add(
                f"{walk.where}: v1 field '{_label(p1, name)}' is dropped (v2 removed it)",
                DROP_IDS,
                name,
                _label(p1, name),
            )
    defaults: dict[str, Any] = {}
    for name in sorted(req2 - req1 - set(renames.values()) - {m.split("/")[0] for m in moves}):
        sub = props2.get(name, {})
        if "default" in sub:
            defaults[name] = sub["default"]
            walk.findings.add(
                f"{walk.where}: v2 requires '{_label(p2, name)}': v1 requests get its default {sub['default']!r}",
                FILL_IDS,
                name,
                _label(p2, name),
            )
    if defaults:
        node["defaults"] = defaults
    return node


def _response_gaps(
    props1: dict[str, dict[str, Any]], req1: set[str], gone: list[str], p1: list[str], walk: _Walk
) -> dict[str, Any]:
    """v1 fields v2 no longer sends come back with their v1 default or example."""
    defaults: dict[str, Any] = {}
    for name in sorted(gone):
        found, value = v1_value(props1[name])
        label = _label(p1, name)
        if found:
            defaults[name] = value
            walk.findings.add(
                f"{walk.where}: v2 removed '{label}': v1 responses get it back as {value!r}",
                RESTORE_IDS,
                name,
                label,
            )
        elif name not in req1:
            walk.findings.add(
                f"{walk.where}: v2 removed optional '{label}': v1 responses omit it",
                RESTORE_IDS,
                name,
                label,
            )
    return {"defaults": defaults} if defaults else {}
