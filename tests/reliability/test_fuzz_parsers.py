"""Fuzzing the parsers of the files users and hooks feed git-migrate: step.toml (and
migration.toml), the JSON of step notes and run-event notes, git's pre-push stdin, and
`.gitmigrate.toml`. Whatever the bytes, the reader either accepts them or raises a
GitMigrateError whose message names the file -- never another exception (a traceback).

Inputs are both random text and well-formed TOML/JSON with the right keys holding values of the
wrong shape (the likelier mistake). CI: 150 examples per parser; GITMIGRATE_RELIABILITY_FULL=1:
2,000. Step and notes parsing runs on in-memory blobs (the function `load_migrations` hands
each step directory to); the config is read from a real file in a real repository.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmigrate.core.catalog import LoadProblem, _check_step, _read_step, _toml
from gitmigrate.core.config import CONFIG_FILE, load_config
from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.notes import RUN_NOTES_REF, _parse_json_note
from gitmigrate.errors import CorruptMetadataError, GitMigrateError
from tests.fixtures_git import make_repo

FULL = os.environ.get("GITMIGRATE_RELIABILITY_FULL") == "1"
FUZZ = settings(
    max_examples=2000 if FULL else 150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=not FULL,  # CI replays the same examples; a full run explores
)
COMMIT = "0123456789abcdef0123456789abcdef01234567"

# -- TOML with the right keys and wrong values ---------------------------------------------------

scalars = st.one_of(
    st.text(max_size=20),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_document(doc: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in doc.items())


def documents(keys: list[str]) -> st.SearchStrategy[str]:
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys)).map(toml_document)


STEP_KEYS = ["kind", "summary", "options", "irreversible", "allow", "transaction", "verify"]
texts = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    documents(STEP_KEYS),
    st.builds(
        lambda kind, rest: f'kind = {json.dumps(kind)}\nsummary = "s"\n{rest}',
        st.sampled_from(["sql", "data", "config", ""]),
        documents(["options", "irreversible", "allow"]),
    ),
)


def _accepts_or_explains(call: Any, *where: str) -> None:
    try:
        call()
    except GitMigrateError as exc:
        message = str(exc)
        assert message.strip() and "Traceback" not in message
        assert any(w in message for w in where), message


# -- step.toml and migration.toml ----------------------------------------------------------------


@FUZZ
@given(step_toml=texts, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_step_toml_never_leaks_an_exception(step_toml: str, encoding: str) -> None:
    content = {
        "step.toml": step_toml.encode(encoding, errors="surrogatepass"),
        "up.sql": b"SELECT 1;",
        "down.sql": b"",
    }

    def parse() -> None:
        read = _read_step("migrations/fuzz/001-x", content, {})
        if isinstance(read, LoadProblem):  # what load_migrations raises for it
            raise CorruptMetadataError(read.message, read.fix)
        _check_step(read.step, read.step.path)
        for step in (read.step,):  # what every command reads from a parsed step
            assert isinstance(step.kind, str) and isinstance(step.summary, str)
            assert isinstance(step.options, dict)
            assert all(isinstance(rule, str) for rule in step.options.get("allow", []))
            assert step.irreversible is None or isinstance(step.irreversible, str)
            _ = step.checksum, step.id

    _accepts_or_explains(parse, "step.toml", "fuzz/001")


@FUZZ
@given(
    header=st.one_of(st.text(max_size=200), documents(["name", "description", "created", "base"]))
)
def test_migration_toml_never_leaks_an_exception(header: str) -> None:
    where = "migrations/fuzz/migration.toml"

    def parse() -> None:
        parsed = _toml(header.encode("utf-8", errors="surrogatepass"), where)
        if isinstance(parsed, LoadProblem):  # what load_migrations raises for it
            raise CorruptMetadataError(parsed.message, parsed.fix)

    _accepts_or_explains(parse, "migration.toml")


# -- notes JSON ----------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
note_bytes = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", errors="surrogatepass")),
    json_values.map(lambda v: json.dumps(v).encode()),
    json_values.map(lambda v: json.dumps(v).encode()[:-1]),  # truncated mid-document
)


@FUZZ
@given(raw=note_bytes, ref=st.sampled_from(["refs/notes/migrate", RUN_NOTES_REF]))
def test_notes_json_never_leaks_an_exception(raw: bytes, ref: str) -> None:
    def parse() -> None:
        doc = _parse_json_note(raw, COMMIT, ref)
        assert isinstance(doc, dict)

    _accepts_or_explains(parse, COMMIT[:12])


# -- pre-push stdin ------------------------------------------------------------------------------

sha = st.sampled_from(["0" * 40, "a" * 40, "b" * 64, "A" * 40, "xyz", ""])
push_lines = st.lists(
    st.one_of(
        st.builds(lambda *f: " ".join(f), st.text(max_size=12), sha, st.text(max_size=12), sha),
        st.text(max_size=60),
    ),
    max_size=4,
).map("\n".join)


@FUZZ
@given(stdin=push_lines)
def test_pre_push_stdin_never_leaks_an_exception(stdin: str) -> None:
    protocol = pytest.importorskip("gitmigrate.hooks.protocol")
    _accepts_or_explains(lambda: protocol.parse_updates(stdin), "pre-push input")


# -- .gitmigrate.toml ----------------------------------------------------------------------------

CONFIG_KEYS = ["migrate", "targets", "default_target", "dialect", "lock_timeout"]
config_texts = st.one_of(
    st.text(max_size=200),
    documents(CONFIG_KEYS),
    st.builds(
        lambda section, targets: f"[migrate]\n{section}\n[targets]\n{targets}",
        documents(["default_target", "dialect", "branch_prefix", "lock_timeout", "lock_retries"]),
        documents(["db", "prod"]),
    ),
    st.builds(
        lambda target: f"[targets.db]\n{target}",
        documents(["url", "dialect", "lock_timeout"]),
    ),
)


@pytest.fixture(scope="module")
def config_repo(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    return GitRepo(make_repo(tmp_path_factory.mktemp("fuzz") / "repo"))


@FUZZ
@given(text=config_texts, bom=st.booleans())
def test_config_never_leaks_an_exception(config_repo: GitRepo, text: str, bom: bool) -> None:
    path = Path(config_repo.root) / CONFIG_FILE
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"))

    def parse() -> None:
        config = load_config(config_repo)
        for target in config.targets.values():
            assert isinstance(target.url_template, str)

    _accepts_or_explains(parse, CONFIG_FILE)
