"""Small translations shared by the Kubernetes builders: names, durations, sizes, ports."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError

_DURATION = re.compile(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}
_PORT = re.compile(
    r"^(?:(?P<ip>\[[^\]]*\]|\d+\.\d+\.\d+\.\d+):)?(?:(?P<pub>\d*(?:-\d+)?):)?(?P<tgt>\d+(?:-\d+)?)(?:/(?P<proto>\w+))?$"
)


def k8s_name(name: str) -> str:
    """A DNS-1123 name from a Compose name: lower case, `_` and dots become `-`."""
    text = re.sub(r"[^a-z0-9-]", "-", name.lower()).strip("-")
    return text[:63].strip("-") or "unnamed"


def whole(value: Any, what: str) -> int:
    """A Compose or label value that must be a whole number; anything else is a usage error."""
    try:
        return int(str(value).strip())
    except ValueError:
        raise UsageError(
            f"{what}: {value!r} is not a whole number", f"write {what} as a number"
        ) from None


def suffixed(base: str, suffix: str) -> str:
    """`base-suffix` cut to the 63 characters of a DNS label, the suffix kept whole."""
    return f"{base[: 62 - len(suffix)].rstrip('-')}-{suffix}"


def seconds(value: Any) -> int | None:
    """A Compose duration (`1m30s`, `10s`, or a number of seconds) in whole seconds."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    total = 0.0
    for number, unit in _DURATION.findall(str(value)):
        total += float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}[unit]
    return max(int(total), 1) if total else 0


def quantity(value: Any) -> str:
    """A Compose byte size (`512m`, `1gb`, `10000`) as a Kubernetes quantity."""
    match = _SIZE.match(str(value))
    if match is None:
        return str(value)
    count = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    for suffix, size in (("Gi", 1024**3), ("Mi", 1024**2), ("Ki", 1024)):
        if count and count % size == 0:
            return f"{count // size}{suffix}"
    return str(count)


def words(value: Any) -> list[str]:
    """A Compose command: a list as is, a string split as a shell would."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError as exc:
        raise UsageError(
            f"command {value!r}: {exc}", "close the quote, or write the command as a list"
        ) from None


@dataclass(frozen=True)
class Port:
    target: int
    published: int | None
    protocol: str  # TCP | UDP | SCTP
    host: bool = False  # long syntax `mode: host`: bound on the node (hostPort)


def ports(value: Any, where: str) -> list[Port]:
    """Every port of a Compose `ports` entry (ranges expanded, short and long syntax)."""
    if isinstance(value, dict):
        if "target" not in value:
            raise UsageError(f"{where}: a long-syntax port needs target", "add target: PORT")
        target = whole(value["target"], f"{where}: ports target")
        published = value.get("published")
        proto = str(value.get("protocol") or "tcp").upper()
        if published is not None and "-" in str(published):
            start = int(str(published).split("-")[0])
            return [Port(target, start, proto)]
        number = (
            whole(published, f"{where}: ports published") if published not in (None, "") else None
        )
        return [Port(target, number, proto, value.get("mode") == "host")]
    match = _PORT.match(str(value).strip())
    if match is None:
        empty = " (empty: is a variable it names unset?)" if not str(value).strip() else ""
        raise UsageError(
            f"{where}: {value!r} is not a Compose port{empty}", "write [HOST:]CONTAINER[/PROTO]"
        )
    proto = (match.group("proto") or "tcp").upper()
    targets = _range(match.group("tgt"))
    pub = match.group("pub")
    published = _range(pub) if pub else [None] * len(targets)
    if len(published) != len(targets):
        raise UsageError(
            f"{where}: port ranges {value!r} differ in length", "make both ranges equal"
        )
    return [Port(t, p, proto) for t, p in zip(targets, published, strict=True)]


def _range(text: str) -> list[Any]:
    if "-" in text:
        start, end = (int(x) for x in text.split("-", 1))
        return list(range(start, end + 1))
    return [int(text)]
