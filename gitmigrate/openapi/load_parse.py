"""Spec text -> plain data, fast: `json` for JSON, PyYAML's C loader for YAML. The structured-file
layer (gitmigrate.files) is slow but names file:line:col precisely, so it is used only to word
the error when the fast parser refuses the text.

yaml_rs (a Rust YAML 1.2 parser, about 25 times faster than the C loader) is used when it is
installed; otherwise PyYAML's C loader. YAML is read the way JSON tools read it (oasdiff goes through YAML 1.2): `2025-01-01` stays the
string oasdiff compares sunset dates with (YAML 1.1 would make it a date), only true/false are
booleans (`yes`, `on` stay strings), and mapping keys are strings (`200:` is "200").

Positions are not kept here: they are found in the text when a message needs one (load_where).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import FileFormatError, UsageError

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


@dataclass
class Parsed:
    data: Any
    format: str  # "json" | "yaml"
    text_keys: bool = False  # keys may be ints (yaml_rs): the resolver turns them into text


def looks_like_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith(("{", "["))


def parse_text(text: str, name: str) -> Parsed:
    """JSON or YAML text (told apart by content, not by the file name) -> plain data."""
    body = text.lstrip("\ufeff")
    if looks_like_json(body):
        try:
            return Parsed(json.loads(body), "json")
        except ValueError:
            if name.lower().endswith(".json"):
                _refuse(text, "json", name)
    return _yaml(text, name)


def _yaml(text: str, name: str) -> Parsed:
    fast = _yaml_rs()
    if fast is not None:
        try:
            return Parsed(fast.loads(text, parse_datetime=False), "yaml", text_keys=True)
        except fast.YAMLDecodeError as exc:
            _refuse(text, "yaml", name, exc)
    try:
        import yaml
    except ImportError:  # no PyYAML: the structured-file layer reads it, slowly
        from gitmigrate.files.document import loads

        return Parsed(loads(text, "yaml", name).data, "yaml")
    loader = _loader_class()(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        _refuse(text, "yaml", name, exc)
    finally:
        loader.dispose()
    return Parsed(data, "yaml")


def _refuse(text: str, format: str, name: str, exc: Exception | None = None) -> Any:
    """Raise the structured-file layer's file:line:col error for text the fast parser refused."""
    from gitmigrate.files.document import loads

    loads(text, format, name)  # raises FileFormatError at the position
    # the two parsers disagree (a duplicate key, say): keep the fast one's word and position
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise FileFormatError(name, mark.line + 1, mark.column + 1, f"invalid YAML: {problem}")
    said = str(exc or "").strip().splitlines()
    place = re.search(r"line (\d+), column (\d+)", said[0]) if said else None
    if place:
        detail = said[-1].strip()
        raise FileFormatError(name, int(place[1]), int(place[2]), f"invalid YAML: {detail}")
    detail = said[0] if said else f"not valid {format.upper()}"
    raise UsageError(f"{name}: invalid {format.upper()}: {detail}", "fix the file and run again")


def _yaml_rs() -> Any:
    """yaml_rs (Rust), about 25 times faster than PyYAML's C loader, when it is installed."""
    try:
        import yaml_rs  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return yaml_rs


_LOADER: Any = None


def _loader_class() -> Any:
    """A C-loader subclass (pure-Python SafeLoader without libyaml) with the rules above."""
    global _LOADER
    if _LOADER is not None:
        return _LOADER
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    resolvers = {
        first: [(tag, regexp) for tag, regexp in items if not tag.endswith((":timestamp", ":bool"))]
        for first, items in base.yaml_implicit_resolvers.items()
    }
    for first in "tTfF":
        resolvers.setdefault(first, []).insert(0, ("tag:yaml.org,2002:bool", _BOOL))
    constructors = dict(base.yaml_constructors)
    constructors["tag:yaml.org,2002:map"] = _construct_map
    constructors["tag:yaml.org,2002:bool"] = _construct_bool
    constructors["tag:yaml.org,2002:timestamp"] = _construct_text
    _LOADER = type(
        "SpecLoader",
        (base,),
        {"yaml_implicit_resolvers": resolvers, "yaml_constructors": constructors},
    )
    return _LOADER


def _construct_map(loader: Any, node: Any) -> Any:
    data: dict[str, Any] = {}
    yield data
    value = loader.construct_mapping(node)
    for key in value:
        if type(key) is not str:
            value = {_key_text(k): v for k, v in value.items()}
            break
    data.update(value)


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _construct_bool(loader: Any, node: Any) -> bool:
    return str(node.value).lower() == "true"


def _construct_text(loader: Any, node: Any) -> str:
    return str(node.value)
