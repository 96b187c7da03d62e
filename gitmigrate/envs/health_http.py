"""The HTTP check of an environment's health: GET each URL with httpx; 2xx within the timeout
is healthy. A URL that hangs is cut at the deadline (a timeout finding, never a hung command):
httpx's own timeout bounds each phase (connect, read), and the whole exchange is bounded too,
so a server that trickles bytes cannot stretch it past `timeout` either."""

from __future__ import annotations

import time


def check_url(url: str, timeout: float) -> tuple[bool, str]:
    """(answered 2xx within `timeout` seconds, what happened); redirects are not followed (a
    health URL that redirects is reported with its status, as load balancers see it)."""
    import httpx

    from gitmigrate.envs.health import redact

    shown = redact(url)
    deadline = time.monotonic() + timeout
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            with client.stream("GET", url) as response:
                for _ in response.iter_bytes():
                    if time.monotonic() > deadline:
                        return False, f"{shown} timed out after {timeout:g}s (body still arriving)"
                status = response.status_code
    except httpx.TimeoutException:
        return False, f"{shown} timed out after {timeout:g}s"
    except httpx.HTTPError as exc:
        return False, f"{shown} is unreachable: {type(exc).__name__}: {exc}"
    if 200 <= status < 300:
        return True, f"{shown} answered {status}"
    return False, f"{shown} answered {status}, not 2xx"
