"""The values of one drift report between two environments (`env diff A B`): one section per
thing that can drift, each saying whether it was compared and what differs. Frozen, so the
API can hand them out; `to_json()` is what `--json` prints.

Secret values never enter these values: a secret config key carries `secret=True` and no
values, and the secrets section holds names only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

A_ONLY = "a"
B_ONLY = "b"


@dataclass(frozen=True)
class TableDrift:
    """One table's differences; `only_in` is "a" or "b" when one side lacks the table."""

    table: str
    only_in: str | None = None
    changes: tuple[str, ...] = ()  # "column email: type VARCHAR(100) != VARCHAR(200)", ...

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "only_in": self.only_in, "changes": list(self.changes)}


@dataclass(frozen=True)
class SchemaSection:
    compared: bool
    note: str | None = None  # why it was not compared, or what was left out
    dialects: tuple[str, str] = ("", "")
    tables: tuple[TableDrift, ...] = ()
    other: tuple[str, ...] = ()  # views, enums, sequences, extensions

    @property
    def drifted(self) -> bool:
        return bool(self.tables or self.other)

    def lines(self, names: tuple[str, str]) -> list[str]:
        """Every difference as one line ("table x only in prod", "table x: column ...")."""
        out = []
        for table in self.tables:
            if table.only_in:
                side = names[0] if table.only_in == A_ONLY else names[1]
                out.append(f"table {table.table} only in {side}")
            out += [f"table {table.table}: {change}" for change in table.changes]
        return out + list(self.other)

    def to_json(self) -> dict[str, Any]:
        return {"compared": self.compared, "note": self.note,
                "dialects": {"a": self.dialects[0], "b": self.dialects[1]},
                "tables": [t.to_json() for t in self.tables], "other": list(self.other),
                "drifted": self.drifted}  # fmt: skip


@dataclass(frozen=True)
class ChecksumDrift:
    step: str
    a: str
    b: str


@dataclass(frozen=True)
class StepsSection:
    compared: bool
    note: str | None = None
    only_a: tuple[str, ...] = ()  # applied on A, not on B
    only_b: tuple[str, ...] = ()
    checksums: tuple[ChecksumDrift, ...] = ()  # applied on both with different files
    not_in_tree: tuple[str, ...] = ()  # of only_a/only_b: steps HEAD's tree does not have

    @property
    def drifted(self) -> bool:
        return bool(self.only_a or self.only_b or self.checksums)

    def to_json(self) -> dict[str, Any]:
        return {"compared": self.compared, "note": self.note, "only_a": list(self.only_a),
                "only_b": list(self.only_b),
                "checksums": [{"step": c.step, "a": c.a, "b": c.b} for c in self.checksums],
                "not_in_tree": list(self.not_in_tree), "drifted": self.drifted}  # fmt: skip


@dataclass(frozen=True)
class KeyDrift:
    """A config key path whose merged value differs; `what`: only_a | only_b | changed.
    A secret key keeps no values (`a`/`b` are None)."""

    key: str
    path: tuple[str | int, ...]
    what: str
    a: Any = None
    b: Any = None
    secret: bool = False

    def to_json(self) -> dict[str, Any]:
        values = {} if self.secret else {"a": self.a, "b": self.b}
        return {"key": self.key, "what": self.what, "secret": self.secret, **values}


@dataclass(frozen=True)
class ConfigSection:
    compared: bool
    note: str | None = None
    files: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    keys: tuple[KeyDrift, ...] = ()

    @property
    def drifted(self) -> bool:
        return bool(self.keys)

    def to_json(self) -> dict[str, Any]:
        return {"compared": self.compared, "note": self.note,
                "files": {"a": list(self.files[0]), "b": list(self.files[1])},
                "keys": [k.to_json() for k in self.keys], "drifted": self.drifted}  # fmt: skip


@dataclass(frozen=True)
class SecretName:
    """One secret name: whether each environment declares it (needs) and holds it (has)."""

    name: str
    a_needs: bool
    a_has: bool
    b_needs: bool
    b_has: bool

    @property
    def drifted(self) -> bool:
        return (self.a_needs, self.a_has) != (self.b_needs, self.b_has)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "a": {"needs": self.a_needs, "has": self.a_has},
                "b": {"needs": self.b_needs, "has": self.b_has},
                "drifted": self.drifted}  # fmt: skip


@dataclass(frozen=True)
class SecretsSection:
    names: tuple[SecretName, ...] = ()
    how: str = ""  # how "has" was decided

    @property
    def drifted(self) -> bool:
        return any(n.drifted for n in self.names)

    def to_json(self) -> dict[str, Any]:
        return {"names": [n.to_json() for n in self.names], "how": self.how,
                "drifted": self.drifted}  # fmt: skip


@dataclass(frozen=True)
class Probe:
    """What one health URL said: the version it reports (None: none reported), or the
    problem reaching it (a timeout, a refused connection, a non-2xx status)."""

    url: str  # credentials removed
    version: str | None = None
    error: str | None = None
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "version": self.version, "error": self.error,
                "seconds": round(self.seconds, 3)}  # fmt: skip


@dataclass(frozen=True)
class ServiceVersion:
    """One service (a health URL's path) in both environments."""

    service: str
    a: Probe | None
    b: Probe | None

    @property
    def drifted(self) -> bool:
        """Both report a version and they differ (an unknown version is a finding, not drift)."""
        left = self.a.version if self.a else None
        right = self.b.version if self.b else None
        return left is not None and right is not None and left != right

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "a": self.a.to_json() if self.a else None,
                "b": self.b.to_json() if self.b else None,
                "drifted": self.drifted}  # fmt: skip


@dataclass(frozen=True)
class VersionsSection:
    services: tuple[ServiceVersion, ...] = ()

    @property
    def drifted(self) -> bool:
        return any(s.drifted for s in self.services)

    @property
    def findings(self) -> list[str]:
        """Health URLs that could not be read, one line each."""
        return [
            f"{probe.url}: {probe.error}"
            for s in self.services
            for probe in (s.a, s.b)
            if probe is not None and probe.error
        ]

    def to_json(self) -> dict[str, Any]:
        return {"services": [s.to_json() for s in self.services], "drifted": self.drifted}


@dataclass(frozen=True)
class EnvDiff:
    """The drift report of environment `a` against `b`."""

    a: str
    b: str
    schema: SchemaSection
    steps: StepsSection
    config: ConfigSection
    secrets: SecretsSection
    versions: VersionsSection
    findings: tuple[str, ...] = field(default=())  # what could not be compared (timeouts ...)

    @property
    def drifted(self) -> bool:
        sections = (self.schema, self.steps, self.config, self.secrets, self.versions)
        return any(s.drifted for s in sections)

    @property
    def clean(self) -> bool:
        """No drift and nothing left unknown: what exit code 0 means."""
        return not self.drifted and not self.findings

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "drifted": self.drifted, "clean": self.clean,
                "schema": self.schema.to_json(), "steps": self.steps.to_json(),
                "config": self.config.to_json(), "secrets": self.secrets.to_json(),
                "versions": self.versions.to_json(),
                "findings": list(self.findings)}  # fmt: skip
