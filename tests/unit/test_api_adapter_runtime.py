"""The adapter runtime as ASGI middleware: recognising v1, rewriting requests and responses."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from gitmigrate.openapi.adapter_runtime import Adapter, fill_template, is_json, template_regex

MAPPING: dict[str, Any] = {
    "v1_versions": ["1", "v1"],
    "operations": [
        {
            "method": "POST",
            "v1_path": "/pets/{id}/notes",
            "v2_method": "PUT",
            "v2_path": "/animals/{aid}/notes",
            "v2_target": "/animals/{0}/notes",
            "headers": {"rename": {"X-Old": "X-New"}, "defaults": {"X-Tenant": "main"}},
            "request": {"rename": {"text": "body"}},
            "responses": {"2XX": {"rename": {"body": "text"}, "defaults": {"read": False}}},
            "deprecation": {"Deprecation": "@1", "Sunset": "Thu, 01 Jan 1970 00:00:00 GMT"},
        },
    ],
    "v2_deprecations": [
        {"method": "PUT", "path": "/animals/{aid}/notes", "headers": {"Deprecation": "@1"}}
    ],
}


class Recorder:
    """A v2 app recording what reached it and answering a fixed response."""

    def __init__(
        self,
        body: bytes = b'{"body": "hi", "id": 1}',
        content_type: bytes = b"application/json",
        chunks: int = 1,
    ) -> None:
        self.body, self.content_type, self.chunks = body, content_type, chunks
        self.scope: dict[str, Any] = {}
        self.received = b""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scope = dict(scope)
        if scope["type"] != "http":
            return
        while True:
            message = await receive()
            self.received += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [
            (b"content-type", self.content_type),
            (b"content-length", str(len(self.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 201, "headers": headers})
        size = len(self.body) // self.chunks + 1
        parts = [self.body[i : i + size] for i in range(0, len(self.body), size)] or [b""]
        for n, part in enumerate(parts):
            await send(
                {"type": "http.response.body", "body": part, "more_body": n < len(parts) - 1}
            )


def call(
    app: Any,
    method: str,
    path: str,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    query: bytes = b"",
) -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []
    incoming = [
        {"type": "http.request", "body": body[:3], "more_body": True},
        {"type": "http.request", "body": body[3:], "more_body": False},
    ]

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(b"content-type", b"application/json"), *(headers or [])],
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


def test_template_helpers() -> None:
    assert template_regex("/a/{x}/b").match("/a/1/b/") and not template_regex("/a/{x}").match(
        "/a/1/2"
    )
    assert fill_template("/b/{1}/{0}", ["x", "y"]) == "/b/y/x"
    assert is_json("application/problem+json; charset=utf-8") and not is_json("text/plain")


def test_v1_request_is_rewritten_and_its_response_reshaped() -> None:
    v2 = Recorder(chunks=3)
    status, headers, body = call(
        Adapter(v2, MAPPING), "POST", "/v1/pets/7/notes", b'{"text": "hi"}', [(b"x-old", b"1")]
    )
    assert (v2.scope["method"], v2.scope["path"], v2.scope["raw_path"]) == (
        "PUT",
        "/animals/7/notes",
        b"/animals/7/notes",
    )
    assert json.loads(v2.received) == {"body": "hi"}
    sent_headers = dict(v2.scope["headers"])
    assert sent_headers[b"x-new"] == b"1" and sent_headers[b"x-tenant"] == b"main"
    assert sent_headers[b"content-length"] == str(len(v2.received)).encode()
    assert status == 201 and json.loads(body) == {"text": "hi", "id": 1, "read": False}
    assert headers[b"content-length"] == str(len(body)).encode()
    assert (
        headers[b"deprecation"] == b"@1" and headers[b"sunset"] == b"Thu, 01 Jan 1970 00:00:00 GMT"
    )


def test_version_header_marks_a_v1_request_without_prefix() -> None:
    v2 = Recorder()
    call(
        Adapter(v2, MAPPING),
        "POST",
        "/pets/7/notes",
        b'{"text": "x"}',
        [(b"accept-version", b"V1")],
    )
    assert v2.scope["path"] == "/animals/7/notes" and json.loads(v2.received) == {"body": "x"}


def test_v2_requests_pass_unchanged_but_get_deprecation_headers() -> None:
    v2 = Recorder()
    status, headers, body = call(Adapter(v2, MAPPING), "PUT", "/animals/7/notes", b'{"text": "x"}')
    assert v2.scope["path"] == "/animals/7/notes" and json.loads(v2.received) == {"text": "x"}
    assert json.loads(body) == {"body": "hi", "id": 1} and headers[b"deprecation"] == b"@1"


def test_unmapped_v1_path_loses_only_its_prefix() -> None:
    v2 = Recorder()
    call(Adapter(v2, MAPPING), "GET", "/v1/other/a b", query=b"x=1")
    assert (v2.scope["path"], v2.scope["raw_path"], v2.scope["query_string"]) == (
        "/other/a b",
        b"/other/a%20b",
        b"x=1",
    )


def test_prefix_can_be_switched_off() -> None:
    v2 = Recorder()
    call(Adapter(v2, MAPPING, prefix=None), "POST", "/v1/pets/7/notes", b"{}")
    assert v2.scope["path"] == "/v1/pets/7/notes"


def test_non_json_bodies_and_other_scopes_pass_through() -> None:
    v2 = Recorder(body=b"plain", content_type=b"text/plain")
    status, _, body = call(
        Adapter(v2, MAPPING),
        "POST",
        "/v1/pets/7/notes",
        b"not json",
        [(b"content-type", b"text/plain")],
    )
    assert v2.received == b"not json" and body == b"plain"
    lifespan = Recorder()
    asyncio.run(Adapter(lifespan, MAPPING)({"type": "lifespan"}, _never, _never))
    assert lifespan.scope == {"type": "lifespan"}


def test_invalid_json_from_v1_reaches_v2_as_sent() -> None:
    v2 = Recorder()
    call(Adapter(v2, MAPPING), "POST", "/v1/pets/7/notes", b'{"text": ')
    assert v2.received == b'{"text": '


async def _never(*_args: Any) -> Any:
    raise AssertionError("not called")


def test_head_follows_the_get_route_without_reshaping() -> None:
    mapping = {
        "operations": [
            {
                "method": "GET",
                "v1_path": "/a",
                "v2_method": "GET",
                "v2_path": "/b",
                "v2_target": "/b",
                "responses": {"200": {"rename": {"body": "text"}}},
            }
        ]
    }
    v2 = Recorder(body=b"")
    status, headers, body = call(Adapter(v2, mapping), "HEAD", "/v1/a")
    assert (v2.scope["method"], v2.scope["path"]) == ("HEAD", "/b")
    assert body == b"" and headers[b"content-length"] == b"0"


def test_rewritten_request_drops_transfer_encoding() -> None:
    v2 = Recorder()
    call(
        Adapter(v2, MAPPING),
        "POST",
        "/v1/pets/7/notes",
        b'{"text": "x"}',
        [(b"transfer-encoding", b"chunked")],
    )
    sent = dict(v2.scope["headers"])
    assert b"transfer-encoding" not in sent
    assert sent[b"content-length"] == str(len(v2.received)).encode() == b"13"
