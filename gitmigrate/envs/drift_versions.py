"""The service-versions section of a drift report: each health URL of both environments is
asked (httpx GET, one timeout per URL) which version it runs: a top-level `version` in a JSON
body, else a version header. URLs are paired by path (`/healthz` of staging with `/healthz`
of prod), so two environments on different hosts compare service by service.

A timeout, a refused connection or a non-2xx answer is a finding of the report, never an
exception: one dead endpoint does not hide the rest of the drift.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from gitmigrate.envs.drift_model import Probe, ServiceVersion, VersionsSection
from gitmigrate.envs.health import redact

VERSION_HEADERS = ("x-version", "x-app-version", "x-service-version", "version")


def compare_versions(a: Sequence[str], b: Sequence[str], timeout: float) -> VersionsSection:
    """Probe every URL of both environments (concurrently) and pair them by service."""
    urls = [*a, *b]
    if not urls:
        return VersionsSection()
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as pool:
        probes = list(pool.map(lambda url: probe(url, timeout), urls))
    left, right = _by_service(a, probes[: len(a)]), _by_service(b, probes[len(a) :])
    services = sorted(set(left) | set(right))
    return VersionsSection(tuple(ServiceVersion(s, left.get(s), right.get(s)) for s in services))


def _by_service(urls: Sequence[str], probes: Sequence[Probe]) -> dict[str, Probe]:
    out: dict[str, Probe] = {}
    for url, found in zip(urls, probes, strict=True):
        name = urlsplit(url).path or "/"
        key, n = name, 2
        while key in out:  # two URLs of one path (two hosts): keep both, numbered
            key, n = f"{name} #{n}", n + 1
        out[key] = found
    return out


def probe(url: str, timeout: float) -> Probe:
    """GET `url`: the version it reports, or the problem reaching it."""
    import httpx

    shown = redact(url)
    start = time.perf_counter()
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
    except httpx.TimeoutException:
        return Probe(shown, None, f"timed out after {timeout:g} s", time.perf_counter() - start)
    except httpx.HTTPError as exc:
        detail = type(exc).__name__
        return Probe(shown, None, f"unreachable ({detail})", time.perf_counter() - start)
    seconds = time.perf_counter() - start
    version = _version(response)
    if not response.is_success:
        return Probe(shown, version, f"HTTP {response.status_code}", seconds)
    return Probe(shown, version, None, seconds)


def _version(response: object) -> str | None:
    import httpx

    assert isinstance(response, httpx.Response)
    if "json" in response.headers.get("content-type", "") or response.text.startswith("{"):
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("version"), str | int | float):
            return str(body["version"])
    for header in VERSION_HEADERS:
        if response.headers.get(header):
            return str(response.headers[header]).strip()
    return None
