"""$refs on real files: relative files, cycles through schemas, ref chains that never reach a
value, remote refs (refused unless allowed), and positions of what refs lead to."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.openapi.spec import load_spec

HEAD = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"


def _op(schema_ref: str) -> str:
    return (
        "paths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: OK\n"
        "          content:\n            application/json:\n"
        f"              schema: {{$ref: '{schema_ref}'}}\n"
    )


def test_relative_file_refs_are_resolved_and_placed(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "pet.yaml").write_text(
        "Pet:\n  type: object\n  properties:\n    owner: {$ref: 'owner.yaml#/Owner'}\n"
    )
    (tmp_path / "schemas" / "owner.yaml").write_text("Owner:\n  type: string\n")
    (tmp_path / "api.yaml").write_text(HEAD + _op("schemas/pet.yaml#/Pet"))
    spec = load_spec("api.yaml", cwd=tmp_path)
    schema = spec.doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert schema["properties"]["owner"] == {"type": "string"}
    assert spec.where(schema) == "schemas/pet.yaml:1:1"
    assert spec.where(schema["properties"]["owner"]) == "schemas/owner.yaml:1:1"


def test_a_recursive_schema_becomes_a_cyclic_object(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        HEAD + _op("#/components/schemas/Node") + "components:\n  schemas:\n    Node:\n"
        "      type: object\n      properties:\n"
        "        next: {$ref: '#/components/schemas/Node'}\n"
    )
    spec = load_spec("api.yaml", cwd=tmp_path)
    node = spec.doc["components"]["schemas"]["Node"]
    assert node["properties"]["next"] is node
    assert spec.ref_name(node) == "#/components/schemas/Node"


def test_a_ref_chain_that_never_reaches_a_schema_is_refused(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        HEAD + _op("#/components/schemas/A") + "components:\n  schemas:\n"
        "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n"
    )
    with pytest.raises(UsageError, match="circular \\$ref .* never reaches a value"):
        load_spec("api.yaml", cwd=tmp_path)


def test_an_unresolved_ref_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        HEAD + _op("#/components/schemas/Gone") + "components:\n  schemas: {}\n"
    )
    with pytest.raises(UsageError, match="'Gone' is missing"):
        load_spec("api.yaml", cwd=tmp_path)


def test_a_remote_ref_is_refused_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(HEAD + _op("https://example.invalid/pet.yaml#/Pet"))
    with pytest.raises(UsageError) as caught:
        load_spec("api.yaml", cwd=tmp_path)
    assert "api.yaml: remote $ref https://example.invalid/pet.yaml refused" in str(caught.value)
    assert "--allow-remote" in str(caught.value)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    body = json.dumps({"Pet": {"type": "object", "properties": {"id": {"type": "integer"}}}})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server hook
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_an_allowed_remote_ref_is_fetched_or_clearly_refused(tmp_path: Path, server: str) -> None:
    (tmp_path / "api.yaml").write_text(HEAD + _op(f"{server}/pet.json#/Pet"))
    try:
        import httpx  # noqa: F401
    except ImportError:
        with pytest.raises(UsageError, match="httpx is not installed"):
            load_spec("api.yaml", cwd=tmp_path, allow_remote=True)
        return
    spec = load_spec("api.yaml", cwd=tmp_path, allow_remote=True)
    schema = spec.doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert schema["properties"]["id"] == {"type": "integer"}


def test_siblings_beside_a_ref_apply_over_the_target(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n" + _op("#/components/schemas/P")
        + "components:\n  schemas:\n    P: {type: string}\n"
        "    Q: {$ref: '#/components/schemas/P', description: a Q}\n"
    )  # fmt: skip
    spec = load_spec("api.yaml", cwd=tmp_path)
    assert spec.doc["components"]["schemas"]["Q"] == {"type": "string", "description": "a Q"}


def test_a_ref_through_a_numeric_yaml_key_resolves(tmp_path: Path) -> None:
    """`200:` is an int to YAML; a ref naming it as text still finds it (JSON's view)."""
    (tmp_path / "api.yaml").write_text(
        HEAD + "paths:\n  /x:\n    get:\n      responses:\n"
        "        200: {$ref: '#/components/responses/200'}\n"
        "components:\n  responses:\n    200: {description: ok}\n"
    )
    spec = load_spec("api.yaml", cwd=tmp_path)
    responses = spec.doc["paths"]["/x"]["get"]["responses"]
    assert responses == {"200": {"description": "ok"}}
    assert spec.where(responses["200"]) == "api.yaml:10:5"
