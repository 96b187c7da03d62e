"""Media type names: "application/problem+json; q=1" read as type, subtype, suffixes and
parameters, and when one name refines another. Two specs' media types that differ only so
(application/json -> application/problem+json, or a parameter added) are the same content,
renamed, as oasdiff pairs them; anything else is one removed and one added."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MediaName:
    type: str
    subtype: str
    suffixes: tuple[str, ...]
    parameters: dict[str, str] = field(default_factory=dict)


def parse(name: str) -> MediaName | None:
    """None when `name` is not type/subtype[+suffix...][; key=value...]."""
    bare, *params = name.split(";")
    parts = bare.strip().lower().split("/")
    if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
        return None
    subtype, *suffixes = [piece.strip() for piece in parts[1].split("+")]
    if not subtype or not all(suffixes):
        return None
    parameters: dict[str, str] = {}
    for param in params:
        key, _, value = param.partition("=")
        if not key.strip() or not _:
            return None
        parameters[key.strip().lower()] = value.strip().strip('"')
    return MediaName(parts[0].strip(), subtype, tuple(suffixes), parameters)


def contained(old: str, new: str) -> bool:
    """Whether `new` may stand where `old` was expected: the same name, a +suffix refinement
    of a base type (application/json -> application/problem+json), or more suffixes."""
    a, b = parse(old), parse(new)
    if a is None or b is None or a.type != b.type:
        return False
    if not a.suffixes and b.suffixes and b.suffixes[-1] == a.subtype:
        return True
    return a.subtype == b.subtype and b.suffixes[: len(a.suffixes)] == a.suffixes


def equivalent(one: str, other: str) -> bool:
    """One name refines the other, either way."""
    return contained(one, other) or contained(other, one)


def same_parameters(old: str, new: str) -> bool:
    a, b = parse(old), parse(new)
    return a is not None and b is not None and a.parameters == b.parameters
