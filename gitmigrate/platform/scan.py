"""`platform scan`: the inventory of the platform a tree depends on. Walks the tree (what git
lists in a work tree, so ignored files stay out; never VCS, virtualenv, dependency or cache
directories), hands each file to the scanner of its kind
(Terraform, Compose, Kubernetes manifests, Dockerfiles, Python) and collects what they find.
A file that does not parse is a Problem and the walk goes on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

from gitmigrate.errors import UsageError
from gitmigrate.platform.scan_model import Inventory, Item, Problem, sort_items

# directories never scanned: tools' state, dependencies, caches (they are not the project's)
SKIPPED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".venv", "venv", ".tox", ".nox", "node_modules", ".terraform",
    "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "site-packages", ".eggs",
})  # fmt: skip
MAX_BYTES = 2_000_000  # larger files are generated or data, not configuration

Scanner = Callable[[str, str], tuple[list[Item], list[Problem]]]


def scanner_for(name: str, text: str | None = None) -> Scanner | None:
    """The scanner for a file name (and, for YAML, its text); None = not a platform file."""
    from gitmigrate.platform.scan_docker import is_dockerfile_name, scan_dockerfile
    from gitmigrate.platform.scan_yaml import (
        is_compose_name,
        looks_like_manifest,
        scan_compose,
        scan_manifests,
    )

    if name.endswith(".tf.json"):
        from gitmigrate.platform.scan_terraform_json import scan_terraform_json

        return scan_terraform_json
    if name.endswith(".tf"):
        from gitmigrate.platform.scan_terraform import scan_terraform

        return scan_terraform
    if is_dockerfile_name(name):
        return scan_dockerfile
    if name.endswith((".yml", ".yaml")):
        if is_compose_name(name):
            return scan_compose
        if text is not None and looks_like_manifest(text):
            return scan_manifests
        return None
    if name.endswith(".py") and text is not None:
        from gitmigrate.platform.scan_python import mentions_sdk, scan_python

        return scan_python if mentions_sdk(text) else None
    return None


def _wanted(name: str) -> bool:
    from gitmigrate.platform.scan_docker import is_dockerfile_name

    return name.endswith((".tf", ".tf.json", ".yml", ".yaml", ".py")) or is_dockerfile_name(name)


def scan_platform(root: Path) -> Inventory:
    """Every platform file under `root` (a directory, or one file) scanned; paths in the
    result are relative to `root` (to its directory for a file)."""
    root = Path(root)
    if not root.exists():
        raise UsageError(f"{root} does not exist", "give a directory or file to scan")
    base = root if root.is_dir() else root.parent
    paths = [root] if root.is_file() else list(_walk(root))
    items: list[Item] = []
    problems: list[Problem] = []
    files: list[str] = []
    for path in paths:
        shown = path.relative_to(base).as_posix()
        if not _wanted(path.name):
            continue
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                message = f"not read: {size} bytes, over the {MAX_BYTES}-byte limit (generated?)"
                problems.append(Problem(shown, 1, 1, message))
                continue
            raw = path.read_bytes()
        except OSError as exc:
            problems.append(Problem(shown, 1, 1, f"cannot read: {exc.strerror or exc}"))
            continue
        if b"\0" in raw[:8192]:
            continue
        text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
        scanner = scanner_for(path.name, text)
        if scanner is None:
            continue
        found, wrong = scanner(text, shown)
        files.append(shown)
        items.extend(found)
        problems.extend(wrong)
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return Inventory(str(root), sort_items(items), tuple(problems), tuple(files))


def _walk(root: Path) -> list[Path]:
    """The files under `root`: in a git work tree those git lists (tracked, and untracked but
    not ignored: build output stays out), else every file; never under SKIPPED_DIRS."""
    from gitmigrate.codemods.files import listed

    return [
        root / rel
        for rel in listed(root, [], ("",))
        if not SKIPPED_DIRS.intersection(PurePosixPath(rel).parts[:-1])
    ]
