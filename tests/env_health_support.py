"""Helpers for the env tests: a real local HTTP server (200, 500 and a handler that hangs) in a
thread, and a project whose .gitmigrate.toml has environments."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.fixtures_git import git

SCHEMA = '{"type": "object", "required": ["port"], "properties": {"port": {"type": "integer"}}}\n'


class _Handler(BaseHTTPRequestHandler):
    hang = 3.0  # seconds the /hang handler sleeps: past every timeout the tests give

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/hang":
            time.sleep(self.hang)
        code = {"/ok": 200, "/fail": 500, "/hang": 200}.get(self.path, 404)
        body = b"fine\n"
        try:
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up at its timeout: what the test wanted

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
        return


@contextmanager
def http_server() -> Iterator[str]:
    """The base URL of a server answering /ok 200, /fail 500 and /hang after 3 s."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def add_environments(repo: Path, text: str, files: dict[str, str] | None = None) -> None:
    """Append `text` to .gitmigrate.toml, write `files`, and commit them all."""
    config = repo / ".gitmigrate.toml"
    config.write_text(config.read_text() + "\n" + text)
    for name, content in (files or {}).items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(content)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "environments")
