"""A TCP proxy that can cut its connections like a network partition, for the lock-holder tests.

`cut()` closes every connection's server side (the server sees its client vanish and drops its
session locks) while the client side stays open and silent: the client notices nothing, like a
process behind a partition. New connections made during the cut hang the same way. `revive()`
then closes those stale client sockets (the client's next read fails) and forwards new
connections again.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field


@dataclass
class _Pair:
    client: socket.socket
    server: socket.socket | None
    frozen: bool = False


@dataclass
class TcpProxy:
    target_host: str
    target_port: int
    _listener: socket.socket = field(init=False)
    _pairs: list[_Pair] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _cut: bool = False
    _closed: bool = False

    def __post_init__(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self._listener.getsockname()[1])

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            for pair in self._pairs:
                pair.frozen = True
                _close(pair.server)

    def revive(self) -> None:
        with self._lock:
            self._cut = False
            stale = [p for p in self._pairs if p.frozen]
            self._pairs = [p for p in self._pairs if not p.frozen]
        for pair in stale:
            _close(pair.client)

    def close(self) -> None:
        self._closed = True
        _close(self._listener)
        with self._lock:
            for pair in self._pairs:
                _close(pair.client)
                _close(pair.server)
            self._pairs.clear()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._cut:
                    self._pairs.append(_Pair(client, None, frozen=True))
                    continue
            try:
                server = socket.create_connection((self.target_host, self.target_port))
            except OSError:
                _close(client)
                continue
            pair = _Pair(client, server)
            with self._lock:
                self._pairs.append(pair)
            threading.Thread(target=self._pump, args=(pair, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(pair, False), daemon=True).start()

    def _pump(self, pair: _Pair, upstream: bool) -> None:
        """Copy one direction until either side closes; a frozen pair copies nothing."""
        src, dst = (pair.client, pair.server) if upstream else (pair.server, pair.client)
        assert src is not None and dst is not None
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                data = b""
            if not data or pair.frozen:
                break
            try:
                dst.sendall(data)
            except OSError:
                break
        if not pair.frozen:  # an ordinary close: pass it on
            _close(pair.client)
            _close(pair.server)


def _close(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
