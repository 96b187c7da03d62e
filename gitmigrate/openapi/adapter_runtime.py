"""The v1 adapter's runtime: an ASGI middleware that serves v1 requests on a v2 app.

`git migrate api adapter` copies this file unchanged into the generated package (next to a
generated `mapping.py`), so it must use the standard library only and know no spec: everything
it does is read from the mapping (see `gitmigrate/openapi/adapter.py` for its shape).

A request is a v1 request when its path starts with the v1 prefix (the path of the v1 spec's
server URL when v2's differs, else `/v1`; removed before the request reaches the v2 app) or when
it carries an `API-Version` or `Accept-Version` header naming the v1 version (`1`, `v1` or the
v1 spec's `info.version`). Every other request goes to the v2 app unchanged, except that
responses of deprecated operations get the `Deprecation`, `Sunset` and `Link` headers for v1
and v2 clients alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

VERSION_HEADERS = (b"api-version", b"accept-version")
_LENGTH_HEADERS = (b"content-length", b"transfer-encoding")  # both restated for a rewritten body
_PARAM = re.compile(r"\{[^}/]+\}")


def template_regex(template: str) -> re.Pattern[str]:
    """A path template (`/pets/{id}`) as a regex whose groups are its parameters, in order."""
    parts = _PARAM.split(template)
    return re.compile("^" + "([^/]+)".join(re.escape(part) for part in parts) + "/?$")


def fill_template(target: str, values: list[str]) -> str:
    """A v2 target (`/animals/{0}`) with `{i}` replaced by the i-th v1 path parameter."""
    return re.sub(
        r"\{(\d+)\}",
        lambda m: values[int(m.group(1))] if int(m.group(1)) < len(values) else "",
        target,
    )


def is_json(content_type: str) -> bool:
    """Whether a Content-Type names JSON (`application/json`, `application/problem+json`, ...)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _get(body: Any, pointer: list[str]) -> tuple[bool, Any]:
    for key in pointer:
        if not isinstance(body, dict) or key not in body:
            return False, None
        body = body[key]
    return True, body


def _pop(body: Any, pointer: list[str]) -> tuple[bool, Any]:
    """Takes the value at `pointer` out, and the objects it leaves empty on the way."""
    found, parent = _get(body, pointer[:-1])
    if not found or not isinstance(parent, dict) or pointer[-1] not in parent:
        return False, None
    value = parent.pop(pointer[-1])
    for depth in range(len(pointer) - 1, 0, -1):
        _, holder = _get(body, pointer[: depth - 1])
        if holder[pointer[depth - 1]] != {}:
            break
        del holder[pointer[depth - 1]]
    return True, value


def _put(body: Any, pointer: list[str], value: Any) -> None:
    for key in pointer[:-1]:
        if not isinstance(body, dict):
            return
        body = body.setdefault(key, {})
    if isinstance(body, dict):
        body.setdefault(pointer[-1], value)


def transform(value: Any, node: dict[str, Any] | None) -> Any:
    """`value` reshaped by a mapping node: enum values, then renamed, dropped and defaulted keys."""
    if not node:
        return value
    if "moves" in node:
        moved = [(dst, _pop(value, src)) for src, dst in node["moves"]]
        value = transform(value, {k: v for k, v in node.items() if k != "moves"})
        for dst, (found, item) in moved:
            if found:
                _put(value, dst, item)
        return value
    for before, after in node.get("enum", ()):
        if type(value) is type(before) and value == before:
            return after
    if isinstance(value, list) and "items" in node:
        return [transform(item, node["items"]) for item in value]
    if not isinstance(value, dict):
        return value
    children = node.get("properties", {})
    renames = node.get("rename", {})
    drop = set(node.get("drop", ()))
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in drop:
            continue
        out[renames.get(key, key)] = transform(item, children.get(key))
    for key, default in node.get("defaults", {}).items():
        out.setdefault(key, json.loads(json.dumps(default)))
    return out


def transform_query(query: bytes, spec: dict[str, Any]) -> bytes:
    """A v1 query string as v2 expects it: parameters renamed, enum values mapped, defaults added."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    renames = spec.get("rename", {})
    enums = spec.get("enum", {})
    out: list[tuple[str, str]] = []
    for name, value in pairs:
        if name in spec.get("drop", ()):
            continue
        value = dict(enums.get(name, ())).get(value, value)
        out.append((renames.get(name, name), value))
    present = {name for name, _ in out}
    out += [
        (name, value) for name, value in spec.get("defaults", {}).items() if name not in present
    ]
    return urlencode(out, quote_via=quote).encode("latin-1")


class _Route:
    """One mapped v1 operation, matched on the v1 path template."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.regex = template_regex(spec["v1_path"])

    def match(self, method: str, path: str) -> list[str] | None:
        if method != self.spec["method"] and (method, self.spec["method"]) != ("HEAD", "GET"):
            return None
        found = self.regex.match(path)
        return list(found.groups()) if found else None


class Adapter:
    """ASGI middleware: v1 requests are rewritten for the v2 app, its responses back for v1."""

    def __init__(
        self,
        app: ASGIApp,
        mapping: dict[str, Any],
        *,
        prefix: str | None = "/v1",
        v1_base: str = "",
        v2_base: str = "",
    ) -> None:
        """`prefix` marks v1 requests by path (None: by header only); `v1_base` and `v2_base`
        are the path parts of each spec's server URL: removed from a v1 path, put before a v2 one.
        """
        self.app = app
        self.mapping = mapping
        self.prefix = (prefix or "").rstrip("/")
        self.v1_base = v1_base.rstrip("/")
        self.v2_base = v2_base.rstrip("/")
        self.routes = [_Route(op) for op in mapping.get("operations", ())]
        self.v2_deprecations = [
            (dep["method"], template_regex(dep["path"]), dep["headers"])
            for dep in mapping.get("v2_deprecations", ())
        ]
        self.versions = {str(v).lower() for v in mapping.get("v1_versions", ("1", "v1"))}

    def is_v1(self, scope: Scope) -> tuple[bool, str]:
        """Whether the request is a v1 request, and its path as the v1 spec writes it (v1 prefix
        and v1 server path removed; a v2 request's without the v2 server path)."""
        path: str = scope.get("path", "")
        if self.prefix and _under(path, self.prefix):
            return True, _strip(_strip(path, self.prefix), self.v1_base)
        for name, value in scope.get("headers", ()):
            if (
                name.lower() in VERSION_HEADERS
                and value.decode("latin-1").strip().lower() in self.versions
            ):
                return True, _strip(path, self.v1_base)
        return False, _strip(path, self.v2_base)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        v1, path = self.is_v1(scope)
        method = str(scope.get("method", "GET")).upper()
        if not v1:
            await self.app(scope, receive, _with_headers(send, self._v2_headers(method, path)))
            return
        for route in self.routes:
            values = route.match(method, path)
            if values is not None:
                await self._serve(route.spec, values, scope, receive, send)
                return
        target = self.v2_base + quote(path, safe="/:@!$&'()*+,;=~")
        await self.app(_moved(scope, target, method), receive, send)

    def _v2_headers(self, method: str, path: str) -> dict[str, str]:
        for dep_method, regex, headers in self.v2_deprecations:
            if dep_method == method and regex.match(path):
                return dict(headers)
        return {}

    async def _serve(
        self, op: dict[str, Any], values: list[str], scope: Scope, receive: Receive, send: Send
    ) -> None:
        target = fill_template(op["v2_target"], [quote(unquote(v)) for v in values])
        inner = _moved(scope, self.v2_base + target, op["v2_method"])
        if op.get("query"):
            inner["query_string"] = transform_query(scope.get("query_string", b""), op["query"])
        headers = _request_headers(list(scope.get("headers", ())), op.get("headers", {}))
        if op.get("request"):
            receive, headers = await _rewrite_request(receive, headers, op["request"])
        inner["headers"] = headers
        out = _with_headers(send, op.get("deprecation", {}), op.get("status", {}))
        head = scope.get("method") == "HEAD"
        if head:
            inner["method"] = "HEAD"
        if op.get("responses") and not head:  # a HEAD answer has no body to reshape
            out = _rewrite_response(out, op["responses"])
        await self.app(inner, receive, out)


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _strip(path: str, prefix: str) -> str:
    return (path[len(prefix) :] or "/") if prefix and _under(path, prefix) else path


def _moved(scope: Scope, path: str, method: str) -> Scope:
    inner = dict(scope)
    raw = path if path.startswith("/") else "/" + path
    inner["raw_path"] = raw.encode("latin-1", "replace")
    inner["path"] = unquote(raw)
    inner["method"] = method
    return inner


def _request_headers(
    headers: list[tuple[bytes, bytes]], spec: dict[str, Any]
) -> list[tuple[bytes, bytes]]:
    renames = {k.lower(): v.lower() for k, v in spec.get("rename", {}).items()}
    enums = {k.lower(): dict(v) for k, v in spec.get("enum", {}).items()}
    drop = {k.lower() for k in spec.get("drop", ())}
    out: list[tuple[bytes, bytes]] = []
    for raw_name, raw_value in headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name in drop:
            continue
        value = enums.get(name, {}).get(value, value)
        out.append((renames.get(name, name).encode("latin-1"), value.encode("latin-1")))
    present = {k for k, _ in out}
    for name, value in spec.get("defaults", {}).items():
        if name.lower().encode("latin-1") not in present:
            out.append((name.lower().encode("latin-1"), str(value).encode("latin-1")))
    return out


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in headers if k.lower() == name), "")


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    chunks: list[bytes] = []
    others: list[Message] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            others.append(message)
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), others


async def _rewrite_request(
    receive: Receive, headers: list[tuple[bytes, bytes]], node: dict[str, Any]
) -> tuple[Receive, list[tuple[bytes, bytes]]]:
    """Reads the v1 body and, when it is JSON, replays it reshaped for v2."""
    body, others = await _read_body(receive)
    if is_json(_header(headers, b"content-type")) and body:
        try:
            body = json.dumps(transform(json.loads(body), node)).encode()
        except ValueError:
            pass  # not JSON after all: v2 answers it as it would any bad body
        headers = [(k, v) for k, v in headers if k.lower() not in _LENGTH_HEADERS]
        headers.append((b"content-length", str(len(body)).encode()))
    queue: list[Message] = [{"type": "http.request", "body": body, "more_body": False}, *others]

    async def replay() -> Message:
        return queue.pop(0) if queue else await receive()

    return replay, headers


def _with_headers(
    send: Send, extra: dict[str, str], statuses: dict[str, int] | None = None
) -> Send:
    """`send` adding headers the app did not set itself to the response start, and giving
    the v1 status for a v2 one (`{"201": 200}`)."""
    if not extra and not statuses:
        return send

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            status = (statuses or {}).get(str(message.get("status")))
            if status is not None:
                message = {**message, "status": status}
            headers = list(message.get("headers", ()))
            present = {k.lower() for k, _ in headers}
            headers += [
                (k.lower().encode(), v.encode())
                for k, v in extra.items()
                if k.lower().encode() not in present
            ]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


def _response_node(responses: dict[str, Any], status: int) -> dict[str, Any] | None:
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            node: dict[str, Any] = responses[key]
            return node
    return None


def _rewrite_response(send: Send, responses: dict[str, Any]) -> Send:
    """`send` buffering a JSON response whose status has a mapping, to reshape it for v1."""
    state: dict[str, Any] = {"start": None, "chunks": []}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            node = _response_node(responses, int(message["status"]))
            if node and is_json(_header(headers, b"content-type")):
                state.update(start=message, node=node)
                return
        elif message["type"] == "http.response.body" and state["start"] is not None:
            state["chunks"].append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(state["chunks"])
            try:
                body = (
                    json.dumps(transform(json.loads(body), state["node"])).encode()
                    if body
                    else body
                )
            except ValueError:
                pass  # not JSON after all: the v1 client gets it as v2 sent it
            start = state["start"]
            headers = [
                (k, v) for k, v in start.get("headers", ()) if k.lower() not in _LENGTH_HEADERS
            ]
            headers.append((b"content-length", str(len(body)).encode()))
            state["start"] = None
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await send(message)

    return wrapped
