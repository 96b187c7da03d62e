"""A PgBouncer in transaction pooling mode in front of the PostgreSQL test server, started on a
free port for one test and stopped after it: the pooler that strands session advisory locks."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ini(host: str, port: int, user: str, listen: int, pool_size: int) -> str:
    return (
        "[databases]\n"
        f"* = host={host} port={port} user={user}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {listen}\n"
        "unix_socket_dir =\n"
        "auth_type = any\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {pool_size}\n"
        "max_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
    )


@contextmanager
def pgbouncer(server_url: str, tmp_path: Path, *, pool_size: int = 3) -> Iterator[str]:
    """Yield `server_url` rewritten to go through a fresh PgBouncer (transaction pooling)."""
    if not os.path.exists(PGBOUNCER):
        message = "pgbouncer is not installed (apt-get install pgbouncer)"
        if os.environ.get("GITMIGRATE_REQUIRE_SERVERS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    url = make_url(server_url)
    listen = free_port()
    tmp_path.mkdir(parents=True, exist_ok=True)
    ini = tmp_path / f"pgbouncer-{listen}.ini"
    host = url.host or "127.0.0.1"
    ini.write_text(_ini(host, url.port or 5432, url.username or "postgres", listen, pool_size))
    log = (tmp_path / f"pgbouncer-{listen}.log").open("w")
    # PgBouncer refuses to run as root; -u drops to an unprivileged user after reading the ini
    argv = [PGBOUNCER, *(["-u", "nobody"] if os.geteuid() == 0 else []), str(ini)]
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_listening(listen, proc, tmp_path / f"pgbouncer-{listen}.log")
        yield url.set(host="127.0.0.1", port=listen).render_as_string(hide_password=False)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"pgbouncer exited with {proc.returncode}: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"pgbouncer did not listen on port {port}: {log.read_text()}")
