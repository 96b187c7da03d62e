"""An api step's [options] in step.toml, typed:

command = "guide"                      # guide | adapter | deprecate
base = "main:openapi.yaml"             # guide, adapter: the specs compared (REV:path or a file)
revision = "openapi.yaml"
today = "2026-12-07"                   # the date the sunset checks used
spec = "openapi.yaml"                  # deprecate: the spec file changed
operation = "GET /pets/{id}"           # deprecate: METHOD /path or operationId
property = "owner.name"                # deprecate: a body property of it (optional)
sunset = "2027-06-30"
link = "https://example.com/guide"
outputs = ["docs/api/guide.md"]        # the project files the step wrote
breaking = ["new-required-request-property at POST /pets"]   # its ERR changes, as review shows
manual = ["api-removed-without-deprecation at GET /pets/{id}"]   # adapter: what it cannot map
waive = ["api-removed-without-deprecation at GET /pets/{id}"]   # breaking changes accepted
reason = "no client calls it (access logs, 90 days)"            # why (required with waive)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError

COMMANDS = ("guide", "adapter", "deprecate")
GUIDE, ADAPTER, DEPRECATE = COMMANDS


@dataclass(frozen=True)
class Waiver:
    """`ID at WHERE`: the change with that id at that operation ("GET /pets/{id}") or path."""

    id: str
    where: str

    @classmethod
    def parse(cls, text: str, where: str = "waive") -> Waiver:
        rule, sep, at = text.partition(" at ")
        if not sep or not rule.strip() or not at.strip():
            raise UsageError(
                f"{where}: {text!r} is not `ID at OPERATION`",
                'write e.g. "api-removed-without-deprecation at GET /pets/{id}"',
            )
        return cls(rule.strip(), at.strip())

    def covers(self, change_id: str, operation: str, path: str) -> bool:
        if self.id != change_id:
            return False
        return self.where in (operation, path) or (not operation and self.where in ("*", ""))

    def text(self) -> str:
        return f"{self.id} at {self.where}"


@dataclass(frozen=True)
class ApiOptions:
    command: str
    base: str | None = None
    revision: str | None = None
    today: str | None = None
    spec: str | None = None
    operation: str | None = None
    property: str | None = None
    sunset: str | None = None
    link: str | None = None
    outputs: tuple[str, ...] = ()
    breaking: tuple[str, ...] = ()  # informative: findings.json is what the kind reads
    manual: tuple[str, ...] = ()
    waive: tuple[Waiver, ...] = ()
    reason: str | None = None

    def to_toml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"command": self.command}
        for name in ("base", "revision", "today", "spec", "operation", "property", "sunset",
                     "link"):  # fmt: skip
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        out["outputs"] = list(self.outputs)
        if self.breaking:
            out["breaking"] = list(self.breaking)
        if self.manual:
            out["manual"] = list(self.manual)
        if self.waive:
            out["waive"] = [w.text() for w in self.waive]
            out["reason"] = self.reason
        return out

    def waived(self, change_id: str, operation: str, path: str) -> bool:
        return any(w.covers(change_id, operation, path) for w in self.waive)


def _string(raw: Mapping[str, Any], name: str, where: str) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{where}: {name} must be a string", f'write {name} = "..."')
    return value


def _strings(raw: Any, name: str, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(p for p in raw.split(",") if p)
    if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
        raise UsageError(f"{where}: {name} must be a list of strings", f'write {name} = ["..."]')
    return tuple(raw)


def options_of(raw: Mapping[str, Any], where: str = "[options]") -> ApiOptions:
    """Typed options; what is missing or of the wrong type is a UsageError naming it."""
    command = raw.get("command")
    if command not in COMMANDS:
        raise UsageError(f"{where}: command must be one of {', '.join(COMMANDS)}",
                         'write command = "guide"')  # fmt: skip
    waive_raw = raw.get("waive")
    waive = tuple(Waiver.parse(t, f"{where} waive") for t in (
        [waive_raw] if isinstance(waive_raw, str) else _strings(waive_raw, "waive", where)))  # fmt: skip
    reason = _string(raw, "reason", where)
    if waive and not (reason or "").strip():
        raise UsageError(f"{where}: a waiver needs a reason", 'write reason = "why it is safe"')
    options = ApiOptions(
        command=str(command),
        **{
            n: _string(raw, n, where)
            for n in (
                "base",
                "revision",
                "today",
                "spec",
                "operation",
                "property",
                "sunset",
                "link",
            )
        },  # fmt: skip
        outputs=_strings(raw.get("outputs"), "outputs", where),
        breaking=_strings(raw.get("breaking"), "breaking", where),
        manual=_strings(raw.get("manual"), "manual", where),
        waive=waive,
        reason=reason,
    )
    if options.command == DEPRECATE and not (options.spec and options.operation and options.sunset):
        raise UsageError(f"{where}: a deprecate step needs spec, operation and sunset",
                         'write spec = "openapi.yaml", operation = "GET /pets/{id}", sunset = "2027-06-30"')  # fmt: skip
    if options.command != DEPRECATE and not (options.base and options.revision):
        raise UsageError(f"{where}: a {options.command} step needs base and revision",
                         'write base = "main:openapi.yaml", revision = "openapi.yaml"')  # fmt: skip
    return options
