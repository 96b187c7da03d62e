"""The request and response of one operation as examples for the guide: the request line with
path and query parameters filled in, the request body, and the body of the success response,
each from the spec's own examples where it has them (examples.py otherwise).

Paths are matched with parameter names ignored (`/pets/{id}` and `/pets/{petId}` are one path),
as the diff pairs them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gitmigrate.openapi.examples import MISSING, example_of
from gitmigrate.openapi.operations import template


@dataclass(frozen=True)
class Exchange:
    """One operation as an example exchange; None parts are absent from the spec."""

    request_line: str
    request_body: Any = MISSING
    status: str | None = None
    response_body: Any = MISSING

    def request_text(self) -> str:
        if self.request_body is MISSING:
            return self.request_line
        return f"{self.request_line}\nContent-Type: application/json\n\n{_json(self.request_body)}"

    def response_text(self) -> str | None:
        if self.status is None:
            return None
        if self.response_body is MISSING:
            return f"HTTP {self.status}"
        return f"HTTP {self.status}\nContent-Type: application/json\n\n{_json(self.response_body)}"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def find_operation(doc: dict[str, Any], method: str, path: str) -> tuple[str, dict[str, Any], dict[str, Any]] | None:  # fmt: skip
    """(the path as the spec writes it, its path item, the operation) or None."""
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        return None
    wanted = template(path)
    for written, item in paths.items():
        if isinstance(item, dict) and template(str(written)) == wanted:
            operation = item.get(method.lower())
            if isinstance(operation, dict):
                return str(written), item, operation
    return None


def exchange(doc: dict[str, Any], method: str, path: str) -> Exchange | None:
    found = find_operation(doc, method, path)
    if found is None:
        return None
    written, item, operation = found
    line = f"{method.upper()} {_request_path(written, item, operation)}"
    body = MISSING
    request = operation.get("requestBody")
    if isinstance(request, dict):
        body = _media_example(request.get("content"), "request")
    status, response = _success(operation.get("responses"))
    answer = MISSING
    if isinstance(response, dict):
        answer = _media_example(response.get("content"), "response")
    return Exchange(line, body, status, answer)


def _parameters(item: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for source in (item.get("parameters"), operation.get("parameters")):
        for param in source if isinstance(source, list) else ():
            if isinstance(param, dict) and "name" in param:
                merged[(str(param.get("in")), str(param["name"]))] = param
    return list(merged.values())


def _param_example(param: dict[str, Any]) -> str:
    value = param["example"] if "example" in param else example_of(param.get("schema"))
    if value is None:
        value = "value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _request_path(written: str, item: dict[str, Any], operation: dict[str, Any]) -> str:
    params = _parameters(item, operation)
    path = written
    for p in params:
        if p.get("in") == "path":
            path = path.replace("{" + str(p["name"]) + "}", _param_example(p))
    query = [f"{p['name']}={_param_example(p)}" for p in params
             if p.get("in") == "query" and p.get("required")]  # fmt: skip
    return path + ("?" + "&".join(query) if query else "")


def _success(responses: Any) -> tuple[str | None, Any]:
    if not isinstance(responses, dict) or not responses:
        return None, None
    codes = sorted(str(c) for c in responses)
    chosen = next((c for c in codes if c.startswith("2")), None) or (
        "default" if "default" in responses else codes[0]
    )
    key = chosen if chosen in responses else int(chosen) if chosen.isdigit() else chosen
    return chosen, responses.get(key)


def _media_example(content: Any, direction: str) -> Any:
    if not isinstance(content, dict) or not content:
        return MISSING
    media = next((m for t, m in content.items() if "json" in str(t)), None)
    media = media if media is not None else next(iter(content.values()))
    if not isinstance(media, dict):
        return MISSING
    if "example" in media:
        return media["example"]
    examples = media.get("examples")
    if isinstance(examples, dict) and examples:
        first = next(iter(examples.values()))
        if isinstance(first, dict) and "value" in first:
            return first["value"]
    value = example_of(media.get("schema"), direction)
    return MISSING if value is None and media.get("schema") is None else value
