"""Which package `platform split` analyses and its modules: PACKAGE as a directory (absolute or
relative to the root), a dotted name under the root or under `src/`, or, when none is given, the
one package at the root (a directory holding `__init__.py`) or under `src/`."""

from __future__ import annotations

from pathlib import Path

from gitmigrate.errors import UsageError

# directories at the root that hold packages nobody would split into services
_NOT_THE_APPLICATION = frozenset({"tests", "test", "testing", "docs", "doc", "examples", "bench",
                                  "benchmarks", "scripts", "tools", "build", "dist"})  # fmt: skip


def find_package(root: Path, package: str | None) -> Path:
    """The package directory to analyse; a UsageError naming what to pass when there is none."""
    if package is None:
        return _default_package(root)
    given = Path(package)
    candidates = [given] if given.is_absolute() else [root / given, root / "src" / given]
    if not given.is_absolute() and "/" not in package and "." in package:
        dotted = Path(*package.split("."))
        candidates += [root / dotted, root / "src" / dotted]
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.rglob("*.py")):
            return candidate.resolve()
    raise UsageError(
        f"no Python package {package!r} under {root}",
        "name a directory holding the package's .py files (e.g. `git migrate platform split"
        " src/shop`), or its dotted name",
    )


def _default_package(root: Path) -> Path:
    found = [d for d in _packages_in(root) if d.name not in _NOT_THE_APPLICATION]
    if not found and (root / "src").is_dir():
        found = list(_packages_in(root / "src"))
    if len(found) == 1:
        return found[0].resolve()
    if not found:
        raise UsageError(
            f"no Python package at {root} (a directory with __init__.py, or one under src/)",
            "name the package: `git migrate platform split PACKAGE`",
        )
    names = ", ".join(d.name for d in found)
    raise UsageError(
        f"several packages at {root}: {names}",
        f"name the one to analyse: `git migrate platform split {found[0].name}`",
    )


def _packages_in(directory: Path) -> list[Path]:
    return sorted(
        d for d in directory.iterdir()
        if d.is_dir() and d.name.isidentifier() and (d / "__init__.py").is_file()
    )  # fmt: skip


def package_name(directory: Path) -> str:
    """The dotted name the package is imported by: its parents count while they are packages."""
    parts = [directory.name]
    parent = directory.parent
    while (parent / "__init__.py").is_file() and parent.name.isidentifier():
        parts.insert(0, parent.name)
        parent = parent.parent
    return ".".join(parts)


def package_modules(directory: Path, name: str) -> dict[str, Path]:
    """Every importable module of the package by dotted name (`pkg.sub` for `pkg/sub/__init__.py`),
    in sorted order; directories whose names cannot be imported (and caches) are left out."""
    modules: dict[str, Path] = {}
    for path in sorted(directory.rglob("*.py")):
        relative = path.relative_to(directory).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        if not all(part.isidentifier() for part in parts):
            continue
        modules[".".join([name, *parts])] = path
    return dict(sorted(modules.items()))
