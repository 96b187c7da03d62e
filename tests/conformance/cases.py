"""Load the peers' schema-diff cases and decide which ones the local servers can run.

Two sources, formats described in `../shared/conformance/README.md`:

- sqldef: `sqldef/{postgres,mysql,sqlite}/*.yml`, case name -> {current, desired, up, down, flags}
- migra: `migra/<case>/{a,b,additions,expected,expected2}.sql`, PostgreSQL only

Nothing here touches a database: `skip_reason(case, server)` decides from a `ServerInfo` (version,
flavor, available extensions, roles), which the runner reads from the live server.
"""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = REPO_ROOT.parent / "shared" / "conformance"
DIALECTS = ("postgresql", "mysql", "sqlite")
SOURCES = ("sqldef", "migra")
SQLDEF_DIRS = {"postgresql": "postgres", "mysql": "mysql", "sqlite": "sqlite"}

# keys of a sqldef case that hold SQL; every other key is a flag
_SQL_KEYS = ("current", "desired", "up", "down")

# sqldef's psqldef tests run `user: psqldef_user` cases with schema foo first on the search_path
_SQLDEF_USER_SCHEMA = "foo"

# migra cases run with special options in migra's own tests (README "Special cases")
MIGRA_NEVER_RUN = {"generated_added": "migra's own tests never run this case"}
MIGRA_ONLY_SCHEMA = {"singleschema": "goodschema"}
MIGRA_EXCLUDE_SCHEMA = {"excludeschema": "excludedschema"}
MIGRA_EXTENSION_VERSIONS = {"extversions"}

# role names that are keywords or always exist, never created for a case
_BUILTIN_ROLES = {"public", "current_user", "session_user", "current_role", "postgres"}


@dataclass(frozen=True)
class Case:
    """One (current, desired) pair and what it needs from the server."""

    source: str  # "sqldef" | "migra"
    dialect: str  # "postgresql" | "mysql" | "sqlite"
    name: str
    file: str  # the yml file (sqldef) or the case folder (migra), relative to the source dir
    current_sql: str
    desired_sql: str
    additions_sql: str = ""  # migra: run on the current database after current_sql
    expected_up: str | None = None  # the peer's own up text: a reference, never asserted
    expected_down: str | None = None
    flags: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    # how to run it
    setup_sql: str = ""  # run on every fresh database before the case's SQL
    search_path: str | None = None  # PostgreSQL search_path for loading and working
    work_search_path: str | None = None  # PostgreSQL search_path for reflect/diff/apply only
    compare_extension_versions: bool = False
    # requirements
    extensions: tuple[tuple[str, str | None], ...] = ()  # (name, version or None)
    roles: tuple[str, ...] = ()
    static_skip: str | None = None  # a reason that holds on every server (offline, error...)

    @property
    def id(self) -> str:
        return f"{self.source}/{self.dialect}/{self.name}"

    @property
    def origin(self) -> str:
        """Where the case comes from, for messages: `sqldef/postgres/tests_tables.yml:Name`."""
        if self.source == "sqldef":
            return f"sqldef/{SQLDEF_DIRS[self.dialect]}/{self.file}:{self.name}"
        return f"migra/{self.file}"

    @property
    def expects_changes(self) -> bool:
        """The peer says current -> desired changes something (a non-empty expected up)."""
        return bool(self.expected_up and _strip_sql_comments(self.expected_up).strip())


@dataclass(frozen=True)
class ServerInfo:
    """What a live server offers, as far as case filters care."""

    dialect: str
    version: tuple[int, ...]
    flavor: str  # "postgresql" | "mariadb" | "mysql" | "tidb" | "sqlite"
    version_text: str = ""
    extensions: frozenset[tuple[str, str]] = frozenset()  # (name, installable version)
    roles: frozenset[str] = frozenset()

    def has_extension(self, name: str, version: str | None = None) -> bool:
        return any(n == name and (version is None or v == version) for n, v in self.extensions)


def conformance_dir() -> Path:
    return Path(os.environ.get("GITMIGRATE_CONFORMANCE_DIR") or DEFAULT_DIR)


# ---------------------------------------------------------------- loading


def load_all(base: Path | None = None) -> list[Case]:
    base = base or conformance_dir()
    cases: list[Case] = []
    for dialect in DIALECTS:
        cases.extend(load_sqldef(dialect, base))
    cases.extend(load_migra(base))
    return cases


@cache
def _load_all_cached(base: Path) -> tuple[Case, ...]:
    return tuple(load_all(base))


def cached_cases(base: Path | None = None) -> tuple[Case, ...]:
    """All cases, parsed once per process (test modules and conftest share them)."""
    return _load_all_cached(base or conformance_dir())


def load_sqldef(dialect: str, base: Path | None = None) -> list[Case]:
    folder = (base or conformance_dir()) / "sqldef" / SQLDEF_DIRS[dialect]
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a mapping of case names, got {type(data).__name__}")
        for name, body in data.items():
            name = str(name)
            if name in seen:
                raise ValueError(f"{path}: case {name} also defined in {seen[name]}")
            seen[name] = path.name
            cases.append(_sqldef_case(dialect, path.name, name, body or {}))
    return cases


def _sqldef_case(dialect: str, file: str, name: str, body: Mapping[str, Any]) -> Case:
    current = _text(body.get("current"))
    desired = _text(body.get("desired"))
    flags = {k: v for k, v in body.items() if k not in _SQL_KEYS}
    setup_sql, search_path = "", None
    if dialect == "postgresql" and flags.get("user"):
        setup_sql = f"CREATE SCHEMA IF NOT EXISTS {_SQLDEF_USER_SCHEMA};"
        search_path = f"{_SQLDEF_USER_SCHEMA}, public"
    static_skip = None
    if flags.get("offline"):
        static_skip = "offline case: sqldef never runs it against a database"
    elif "error" in flags:
        static_skip = f"error case: sqldef expects the error {flags['error']!r}, no migration"
    extensions = _extensions(current, desired)
    if dialect == "postgresql":
        for rule in (flags.get("manage") or {}).get("extension") or []:
            target = str(rule.get("target", ""))
            if re.fullmatch(r"[\w-]+", target):
                extensions.add((target, None))
    roles: set[str] = set()
    if dialect == "postgresql":
        roles |= {str(r) for r in flags.get("managed_roles") or []}
        roles |= _roles_in(current + "\n" + desired)
        for rule in (flags.get("manage") or {}).get("privilege") or []:
            target = str(rule.get("target", ""))
            if re.fullmatch(r"[\w.@-]+", target):
                roles.add(target)
    return Case(
        source="sqldef",
        dialect=dialect,
        name=name,
        file=file,
        current_sql=current,
        desired_sql=desired,
        expected_up=_opt_text(body.get("up")),
        expected_down=_opt_text(body.get("down")),
        flags=flags,
        setup_sql=setup_sql,
        search_path=search_path,
        extensions=tuple(sorted(extensions, key=lambda e: (e[0], e[1] or ""))),
        roles=tuple(sorted(roles - _BUILTIN_ROLES)),
        static_skip=static_skip,
    )


def load_migra(base: Path | None = None) -> list[Case]:
    folder = (base or conformance_dir()) / "migra"
    cases: list[Case] = []
    for case_dir in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
        name = case_dir.name

        def read(file: str, case_dir: Path = case_dir) -> str:
            path = case_dir / file
            return path.read_text(encoding="utf-8") if path.exists() else ""

        current, desired, additions = read("a.sql"), read("b.sql"), read("additions.sql")
        expected = read("expected2.sql") if additions.strip() else read("expected.sql")
        flags: dict[str, Any] = {}
        work_search_path = None
        if name in MIGRA_ONLY_SCHEMA:
            flags["schema"] = MIGRA_ONLY_SCHEMA[name]
            work_search_path = MIGRA_ONLY_SCHEMA[name]
        if name in MIGRA_EXCLUDE_SCHEMA:
            flags["exclude_schema"] = MIGRA_EXCLUDE_SCHEMA[name]
        if additions.strip():
            flags["additions"] = True
        cases.append(
            Case(
                source="migra",
                dialect="postgresql",
                name=name,
                file=name,
                current_sql=current,
                desired_sql=desired,
                additions_sql=additions,
                expected_up=expected,
                flags=flags,
                work_search_path=work_search_path,
                compare_extension_versions=name in MIGRA_EXTENSION_VERSIONS,
                extensions=tuple(
                    sorted(
                        _extensions(current, desired, additions), key=lambda e: (e[0], e[1] or "")
                    )
                ),
                roles=tuple(sorted(_roles_in(current + desired + additions) - _BUILTIN_ROLES)),
                static_skip=MIGRA_NEVER_RUN.get(name),
            )
        )
    return cases


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _opt_text(value: Any) -> str | None:
    return None if value is None else str(value)


_EXTENSION = re.compile(
    r"\bCREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?(\"[^\"]+\"|[\w-]+)"
    r"(?:\s+WITH)?(?:\s+SCHEMA\s+\S+)?(?:\s+VERSION\s+'?([\w.]+)'?)?",
    re.IGNORECASE,
)
_GRANTEES = re.compile(
    r"(?:\bGRANT\s[^;]*?\bTO|\bOWNER\s+TO|\bCREATE\s+POLICY\s[^;]*?\bTO|\bREVOKE\s[^;]*?\bFROM)"
    r"\s+((?:\"[^\"]+\"|[\w.@-]+)(?:\s*,\s*(?:\"[^\"]+\"|[\w.@-]+))*)",
    re.IGNORECASE,
)


def _extensions(*sql: str) -> set[tuple[str, str | None]]:
    found: set[tuple[str, str | None]] = set()
    for text in sql:
        for name, version in _EXTENSION.findall(_strip_sql_comments(text)):
            found.add((name.strip('"').lower(), version or None))
    return found


def _roles_in(sql: str) -> set[str]:
    roles: set[str] = set()
    for group in _GRANTEES.findall(_strip_sql_comments(sql)):
        for part in group.split(","):
            part = part.strip()
            role = part[1:-1] if part.startswith('"') else part.lower()
            if role.lower() not in _BUILTIN_ROLES and role.lower() not in ("with", "all"):
                roles.add(role)
    return roles


def _strip_sql_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


# ---------------------------------------------------------------- filtering


def parse_version(text: str) -> tuple[int, ...]:
    """`10.11.19-MariaDB-0+deb12u1` -> (10, 11, 19); `15.20 (Debian ...)` -> (15, 20)."""
    match = re.match(r"\s*(\d+(?:\.\d+)*)", str(text))
    if not match:
        raise ValueError(f"not a version: {text!r}")
    return tuple(int(p) for p in match.group(1).split("."))


def skip_reason(case: Case, server: ServerInfo) -> str | None:
    """Why `server` cannot run `case`, or None when it can."""
    if case.static_skip:
        return case.static_skip
    if case.dialect != server.dialect:
        return f"case is for {case.dialect}, server is {server.dialect}"
    flags = case.flags
    min_version, max_version = flags.get("min_version"), flags.get("max_version")
    if min_version is not None and server.version < parse_version(str(min_version)):
        return f"needs server version >= {min_version} (have {_dotted(server.version)})"
    if max_version is not None:
        limit = parse_version(str(max_version))
        if server.version[: len(limit)] > limit:
            return f"needs server version <= {max_version} (have {_dotted(server.version)})"
    flavor = flags.get("flavor")
    if flavor:
        reason = _flavor_skip(str(flavor), server)
        if reason:
            return reason
    for name, version in case.extensions:
        if not server.has_extension(name, version):
            wanted = f"{name} {version}" if version else name
            return f"needs extension {wanted}, not available on this server"
    missing = [r for r in case.roles if r not in server.roles]
    if missing:
        return f"needs role(s) {', '.join(missing)} on the server"
    return None


def _flavor_skip(flavor: str, server: ServerInfo) -> str | None:
    negate = flavor.startswith("!")
    wanted = flavor.lstrip("!").lower()
    if server.dialect == "postgresql":
        if wanted == "pgvector":
            ok = server.has_extension("vector")
            if ok == negate:
                return "needs the pgvector extension" if not negate else "not for pgvector"
            return None
        return f"unknown postgres flavor {flavor!r}"
    matches = server.flavor == wanted
    if matches == negate:
        return f"flavor {flavor}: not for a {server.flavor} server"
    return None


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(p) for p in version)


# ---------------------------------------------------------------- sampling

SAMPLE_ENV = "GITMIGRATE_CONFORMANCE"
# sample mode: about 1 case in SAMPLE_DIVISOR per yml file, at least SAMPLE_MIN_PER_FILE
SAMPLE_DIVISOR = 2
SAMPLE_MIN_PER_FILE = 2


def sample_mode() -> str:
    """`full` (default) runs every case; GITMIGRATE_CONFORMANCE=sample the fixed subset, for slow
    machines (the full set took 3.7 minutes on the 2-core CI box, the subset about half)."""
    return "sample" if os.environ.get(SAMPLE_ENV, "").strip().lower() == "sample" else "full"


def select(cases: Iterable[Case], mode: str | None = None) -> list[Case]:
    """The cases to run: all of them in `full` mode, else a fixed subset covering every file.

    The subset is chosen by a hash of the case id, so it does not change from run to run and
    does not depend on the order of the files; each file keeps at least SAMPLE_MIN_PER_FILE.
    """
    cases = list(cases)
    if (mode or sample_mode()) == "full" or SAMPLE_DIVISOR <= 1:
        return cases
    by_file: dict[tuple[str, str, str], list[Case]] = {}
    for case in cases:
        by_file.setdefault((case.source, case.dialect, case.file), []).append(case)
    chosen: set[str] = set()
    for group in by_file.values():
        ranked = sorted(group, key=lambda c: zlib.crc32(c.id.encode()))
        keep = max(SAMPLE_MIN_PER_FILE, -(-len(group) // SAMPLE_DIVISOR))
        chosen.update(c.id for c in ranked[:keep])
    return [c for c in cases if c.id in chosen]


# ---------------------------------------------------------------- expected failures

EXPECTED_FAILURES = Path(__file__).with_name("expected_failures.tsv")
EXPECTED_COLUMNS = ("source", "dialect", "case", "reason_kind", "reason")
REASON_KINDS = ("feature-not-supported", "dialect-limit", "bug")


@dataclass(frozen=True)
class ExpectedFailure:
    source: str
    dialect: str
    case: str
    reason_kind: str
    reason: str

    @property
    def id(self) -> str:
        return f"{self.source}/{self.dialect}/{self.case}"


def load_expected_failures(path: Path | None = None) -> dict[str, ExpectedFailure]:
    """expected_failures.tsv by case id; a malformed row is an error, not silently ignored."""
    path = path or EXPECTED_FAILURES
    rows: dict[str, ExpectedFailure] = {}
    if not path.exists():
        return rows
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if tuple(cells) == EXPECTED_COLUMNS:
            continue
        if len(cells) != len(EXPECTED_COLUMNS):
            raise ValueError(f"{path}:{number}: want {len(EXPECTED_COLUMNS)} tab-separated cells")
        row = ExpectedFailure(*cells)
        if row.reason_kind not in REASON_KINDS:
            raise ValueError(
                f"{path}:{number}: reason_kind {row.reason_kind!r} not in {REASON_KINDS}"
            )
        if row.id in rows:
            raise ValueError(f"{path}:{number}: {row.id} listed twice")
        rows[row.id] = row
    return rows


def write_expected_failures(rows: Iterable[ExpectedFailure], path: Path | None = None) -> None:
    path = path or EXPECTED_FAILURES
    ordered = sorted(rows, key=lambda r: (r.source, r.dialect, r.case))
    lines = ["\t".join(EXPECTED_COLUMNS)]
    for r in ordered:
        reason = " ".join(r.reason.split())  # one line, no tabs
        lines.append("\t".join((r.source, r.dialect, r.case, r.reason_kind, reason)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
