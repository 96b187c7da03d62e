"""The adapter end to end: generated from the Pets fixture's v1 and v2 specs, mounted on the v2
app, it passes the v1 clients' tests; each kind of mapping is needed by some client test; and
the generated package's own tests pass with pytest, and fail on a broken runtime."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gitmigrate.openapi.adapter import AdapterFiles, generate_adapter
from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.spec import load_spec

PETS = Path(__file__).resolve().parents[2] / "fixtures" / "api" / "pets"
PACKAGE = "pets_v1_adapter"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


APP = _load("pets_fixture_app", PETS / "app.py")
CLIENT = _load("pets_fixture_client", PETS / "client.py")
CLIENTS = _load("pets_fixture_v1_clients", PETS / "v1_clients.py")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AdapterFiles]:
    base, revision = load_spec(str(PETS / "v1.yaml")), load_spec(str(PETS / "v2.yaml"))
    out = generate_adapter(
        base,
        revision,
        diff_specs(base, revision),
        guide_url="https://docs.example/pets-v2",
        package=PACKAGE,
    )
    root = tmp_path_factory.mktemp("adapter")
    for name, content in out.files.items():
        (root / PACKAGE / name).parent.mkdir(parents=True, exist_ok=True)
        (root / PACKAGE / name).write_bytes(content)
    return root, out


@pytest.fixture(scope="module")
def adapter(generated: tuple[Path, AdapterFiles]) -> ModuleType:
    root, _ = generated
    sys.path.insert(0, str(root))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))


@pytest.mark.parametrize("name", sorted(CLIENTS.CLIENT_TESTS))
def test_v1_client_through_the_adapter(adapter: ModuleType, name: str) -> None:
    CLIENTS.CLIENT_TESTS[name](CLIENT.Client(adapter.V1Adapter(APP.PetsV2())))


def _failing(app: Any) -> set[str]:
    failed = set()
    for name, test in CLIENTS.CLIENT_TESTS.items():
        try:
            test(CLIENT.Client(app))
        except (AssertionError, KeyError, TypeError, ValueError):
            failed.add(name)
    return failed


def _without(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [_without(v, key) for v in value]
    return value


MAPPING_KINDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "renamed fields": lambda m: _without(m, "rename"),
    "moved fields": lambda m: _without(m, "moves"),
    "restored defaults": lambda m: _without(m, "defaults"),
    "enum values": lambda m: _without(m, "enum"),
    "deprecation headers": lambda m: _without(m, "deprecation"),
    "success status": lambda m: {
        **m,
        "operations": [{k: v for k, v in op.items() if k != "status"} for op in m["operations"]],
    },
    "moved paths": lambda m: {
        **m,
        "operations": [
            {**op, "v2_target": op["v1_path"].replace("{petId}", "{0}")} for op in m["operations"]
        ],
    },
}


@pytest.mark.parametrize("kind", sorted(MAPPING_KINDS))
def test_every_kind_of_mapping_is_needed_by_a_client(adapter: ModuleType, kind: str) -> None:
    broken = MAPPING_KINDS[kind](adapter.mapping.MAPPING)
    assert broken != adapter.mapping.MAPPING
    assert _failing(adapter.runtime.Adapter(APP.PetsV2(), broken))
    assert not _failing(adapter.V1Adapter(APP.PetsV2()))


def test_the_bare_v2_app_fails_the_v1_clients() -> None:
    assert _failing(APP.PetsV2()) == set(CLIENTS.CLIENT_TESTS) - {"unknown_pet_is_404"}


def test_manual_is_only_the_removed_photo_endpoint(generated: tuple[Path, AdapterFiles]) -> None:
    _, out = generated
    assert {c.operation for c in out.manual} <= {"GET /pets/{petId}/photo"}
    assert any("optional query parameter 'sort' added" in line for line in out.mapped)


def _pytest(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{PACKAGE}/tests"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_generated_tests_pass(generated: tuple[Path, AdapterFiles]) -> None:
    root, _ = generated
    result = _pytest(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_generated_tests_catch_a_broken_runtime(
    generated: tuple[Path, AdapterFiles], tmp_path: Path
) -> None:
    root, out = generated
    for name, content in out.files.items():
        (tmp_path / PACKAGE / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / PACKAGE / name).write_bytes(content)
    runtime = tmp_path / PACKAGE / "runtime.py"
    text = runtime.read_text()
    assert "out[renames.get(key, key)]" in text
    runtime.write_text(text.replace("out[renames.get(key, key)]", "out[key]"))
    result = _pytest(tmp_path)
    assert result.returncode == 1 and "failed" in result.stdout, result.stdout
