"""The files layer stays in small modules with one job, each named in the package docstring
(the map a reader starts from)."""

from __future__ import annotations

from pathlib import Path

import pytest

import gitmigrate.files

PACKAGE = Path(gitmigrate.files.__file__).parent
MODULES = sorted(p for p in PACKAGE.glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_is_small(module: Path) -> None:
    lines = module.read_text(encoding="utf-8").count("\n")
    assert lines <= 420, f"{module.name} has {lines} lines: split it (the style limit is ~400)"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_is_in_the_package_docstring(module: Path) -> None:
    listed = [
        line.split()[0]
        for line in (gitmigrate.files.__doc__ or "").splitlines()
        if line.startswith("    ")
    ]
    assert module.name in listed
