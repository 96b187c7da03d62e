"""The service-versions section against real HTTP servers on localhost: a version from a JSON
body and from a header, paired by path across hosts; a URL that hangs is a finding after the
timeout (not an exception), and a refused connection too."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from gitmigrate import api
from tests.fixtures_git import git


class _Handler(BaseHTTPRequestHandler):
    version_json: str | None = None
    version_header: str | None = None

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.startswith("/slow"):
            time.sleep(3)
        body = b"ok"
        self.send_response(200)
        if self.version_json is not None:
            body = json.dumps({"status": "ok", "version": self.version_json}).encode()
            self.send_header("Content-Type", "application/json")
        if self.version_header is not None:
            self.send_header("X-Version", self.version_header)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the client gave up (the timeout test)
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(**attrs: str) -> Iterator[str]:
    handler = type("Handler", (_Handler,), attrs)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def json_server() -> Iterator[str]:
    yield from _serve(version_json="1.4.2")


@pytest.fixture
def header_server() -> Iterator[str]:
    yield from _serve(version_header="1.4.1")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environments(repo: Path, a: list[str], b: list[str]) -> None:
    (repo / ".gitmigrate.toml").write_text(
        '[migrate]\ndefault_target = "dev"\ndialect = "sqlite"\n\n'
        '[targets.dev]\nurl = "sqlite:///.gitmigrate/dev.db"\n\n'
        f"[environments.staging]\nhealth = {json.dumps(a)}\n\n"
        f"[environments.prod]\nhealth = {json.dumps(b)}\n"
    )
    git(repo, "commit", "-qam", "environments")


def test_versions_paired_by_path(git_repo: Path, json_server: str, header_server: str) -> None:
    _environments(git_repo, [f"{json_server}/healthz"], [f"{header_server}/healthz?token=s3cr3t"])

    report = api.env_diff(git_repo, a="staging", b="prod", timeout=2)

    (service,) = report.versions.services
    assert service.service == "/healthz"
    assert (service.a and service.a.version, service.b and service.b.version) == ("1.4.2", "1.4.1")
    assert service.drifted and report.drifted and report.findings == ()
    assert not report.schema.compared and not report.steps.compared  # no targets: not read
    assert "s3cr3t" not in json.dumps(report.to_json())


def test_a_hanging_or_dead_url_is_a_finding(git_repo: Path, json_server: str) -> None:
    dead = f"http://127.0.0.1:{_free_port()}/healthz"
    _environments(git_repo, [f"{json_server}/healthz", f"{json_server}/slow"], [dead])

    report = api.env_diff(git_repo, a="staging", b="prod", timeout=0.5)

    assert not report.versions.drifted  # an unknown version is not drift ...
    assert not report.clean  # ... but the report is not clean: exit 3
    assert sorted(report.findings) == sorted(
        [f"{json_server}/slow: timed out after 0.5 s", f"{dead}: unreachable (ConnectError)"]
    )
