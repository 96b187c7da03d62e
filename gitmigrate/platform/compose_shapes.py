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
            _items(key, value, (*path, key), where, name)
        deploy = (body or {}).get("deploy") or {}
        for sub, inner in _DEPLOY.items():
            _want(deploy.get(sub), (dict,), "a mapping", (*path, "deploy", sub), where, name)
            for leaf in inner:
                value = (deploy.get(sub) or {}).get(leaf)
                _want(
                    value,
                    (dict, list),
                    "a mapping or a list",
                    (*path, "deploy", sub, leaf),
                    where,
                    name,
                )


# deploy's sub-mappings and, inside them, what must be a mapping (resources) or a list (placement)
_DEPLOY = {"resources": ("limits", "reservations"), "placement": ("constraints", "preferences"),
           "restart_policy": ()}  # fmt: skip
_ITEM_KINDS: dict[str, tuple[tuple[type, ...], str]] = {
    "ports": ((str, int, dict), "text, a number or a mapping"),
    "volumes": ((str, dict), "text or a mapping"),
    "secrets": ((str, dict), "text or a mapping"),
    "configs": ((str, dict), "text or a mapping"),
    "env_file": ((str, dict), "text or a mapping with path"),
    "expose": ((str, int), "text or a number"),
}


def _items(key: str, value: Any, path: tuple[str | int, ...], where: Where, name: str) -> None:
    """The items of a list-valued key, and the entries of depends_on."""
    if key == "depends_on":
        items = value.items() if isinstance(value, dict) else enumerate(value or [])
        for index, item in items:
            shape: tuple[type, ...] = (dict,) if isinstance(value, dict) else (str,)
            label = "a mapping (condition: ...)" if isinstance(value, dict) else "a service name"
            _want(item, shape, label, (*path, index), where, name)
        return
    if key not in _ITEM_KINDS or not isinstance(value, list):
        return
    kinds, what = _ITEM_KINDS[key]
    for index, item in enumerate(value):
        _want(item, kinds, what, (*path, index), where, name)
        if key == "env_file" and isinstance(item, dict) and "path" not in item:
            raise UsageError(
                f"{where.get((*path, index), name)}: an env_file entry needs path", "add path: FILE"
            )


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
