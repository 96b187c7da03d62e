"""The adapter over oasdiff's spec pairs (../shared/conformance/oasdiff): real specs of every
shape. For each pair that loads, in both directions, the adapter is generated without a crash
and every case of its own tests passes, run in process (one pytest run per pair would be slow)."""

from __future__ import annotations

import csv
import importlib
import sys
from pathlib import Path

import pytest

from gitmigrate.errors import GitMigrateError
from gitmigrate.openapi.adapter import generate_adapter
from gitmigrate.openapi.spec import Spec, load_spec
from tests.conformance.cases import conformance_dir

OAS_DIR = conformance_dir() / "oasdiff"


def _pairs() -> list[tuple[str, str]]:
    table = OAS_DIR / "pairs.tsv"
    if not table.is_file():
        return []
    with table.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return sorted(
        {pair for r in rows for pair in ((r["base"], r["revision"]), (r["revision"], r["base"]))}
    )


def _load(name: str) -> Spec | None:
    try:
        return load_spec(str(OAS_DIR / "data" / name))
    except GitMigrateError:
        return None  # specs the loader refuses (remote refs, broken on purpose) are its own tests


@pytest.mark.skipif(
    not _pairs(), reason="oasdiff's pairs are not here (set GITMIGRATE_CONFORMANCE_DIR)"
)
def test_generated_adapters_pass_their_own_cases(tmp_path: Path) -> None:
    ran, mapped = 0, 0
    sys.path.insert(0, str(tmp_path))
    try:
        for n, (base_name, revision_name) in enumerate(_pairs()):
            base, revision = _load(base_name), _load(revision_name)
            if base is None or revision is None:
                continue
            out = generate_adapter(base, revision, [])
            mapped += bool(out.mapped)
            if out.files["tests/cases.py"].endswith(b"= []\n"):
                continue  # nothing to map, nothing to test: importing it would only cost time
            package = f"oasdiff_adapter_{n}"
            for name, content in out.files.items():
                (tmp_path / package / name).parent.mkdir(parents=True, exist_ok=True)
                (tmp_path / package / name).write_bytes(content)
            tests = importlib.import_module(f"{package}.tests.test_adapter")
            for case in tests.CASES:
                try:
                    tests.test_mapping(case)
                except AssertionError as exc:
                    raise AssertionError(f"{base_name} -> {revision_name}: {case['name']}") from exc
            tests.test_v2_requests_pass_unchanged()
            ran += len(tests.CASES)
    finally:
        sys.path.remove(str(tmp_path))
    assert ran >= 100 and mapped >= 30, (ran, mapped)  # 107 cases, 33 adapters mapping something
