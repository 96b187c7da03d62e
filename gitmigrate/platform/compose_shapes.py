"""The shapes Compose values must have (a mapping, a list, text): a value of the wrong shape
is a usage error at its file:line:col, before any conversion reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.errors import UsageError

_MAP_OR_LIST = (
    "environment",
    "labels",
    "depends_on",
    "extra_hosts",
    "sysctls",
    "annotations",
    "networks",
)
_LIST = ("ports", "expose", "volumes", "cap_add", "cap_drop", "group_add", "secrets", "configs",
         "profiles", "devices", "dns_search", "external_links", "links", "volumes_from")  # fmt: skip
_MAP = ("healthcheck", "deploy", "logging", "ulimits", "blkio_config", "develop")
_TEXT_OR_LIST = ("command", "entrypoint", "env_file", "tmpfs", "dns")
_TEXT_OR_MAP = ("build", "extends")
_TOP_MAP = ("services", "volumes", "networks", "configs", "secrets")

Where = Mapping[tuple[str | int, ...], str]


def check_shapes(data: Mapping[str, Any], where: Where, name: str) -> None:
    for key in _TOP_MAP:
        _want(data.get(key), (dict,), "a mapping", (key,), where, name)
    for service, body in (data.get("services") or {}).items():
        path: tuple[str | int, ...] = ("services", service)
        _want(body, (dict,), "a mapping of service keys", path, where, name)
        for key, value in (body or {}).items():
            kinds: tuple[type, ...] = ()
            if key in _MAP_OR_LIST:
                kinds, what = (dict, list), "a mapping or a list"
            elif key in _LIST:
                kinds, what = (list,), "a list"
            elif key in _MAP:
                kinds, what = (dict,), "a mapping"
            elif key in _TEXT_OR_LIST:
                kinds, what = (str, list), "text or a list"
            elif key in _TEXT_OR_MAP:
                kinds, what = (str, dict), "text or a mapping"
            if kinds:
                _want(value, kinds, what, (*path, key), where, name)


def _want(
    value: Any,
    kinds: tuple[type, ...],
    what: str,
    path: tuple[str | int, ...],
    where: Where,
    name: str,
) -> None:
    if value is None or isinstance(value, kinds):
        return
    at = where.get(path, name)
    dotted = ".".join(str(p) for p in path)
    raise UsageError(
        f"{at}: {dotted} must be {what}, not {value!r}",
        "see the Compose specification for its form",
    )
