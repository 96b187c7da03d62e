"""Running a recipe over a tree: the pre-pass (every file's facts), then the transform of every
file with all the facts at hand, in worker processes when there are enough files.

    run = run_recipe(repo_root, "pydantic2", ["app/"], jobs=4)
    run.changed      # path -> new text, only files whose text changes
    run.findings     # every rewrite and flag, sorted by (path, line, column)
    run.skipped      # (path, why): does not parse (file:line:col), binary, not UTF-8

A composite recipe runs its parts in order, each over the whole tree, each seeing the text the
earlier parts left. A file that does not parse (at any part) is skipped whole: none of its
changes is kept, so nothing is ever half-written. The output does not depend on `jobs`.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.codemods import pool
from gitmigrate.codemods.files import SourceFile, listed, module_of, read_source
from gitmigrate.codemods.recipe import Finding, Recipe
from gitmigrate.codemods.registry import is_file_ref, load_recipe, parts_of

PARALLEL_MINIMUM = 32  # fewer files than this run in-process: starting workers costs more


@dataclass(frozen=True)
class CodeRun:
    recipe: str
    changed: dict[str, str]
    findings: tuple[Finding, ...]
    skipped: tuple[tuple[str, str], ...]
    scanned: int
    warnings: tuple[str, ...] = ()  # for the caller to show (a file recipe shadowing one)

    def applied(self) -> Counter[str]:
        """Rewrites per rule."""
        return Counter(f.rule for f in self.findings if f.fixable)

    def flagged(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.fixable)


def run_recipe(
    root: Path,
    recipe: Recipe | str,
    paths: Sequence[str] = (),
    *,
    jobs: int | None = None,
    options: Mapping[str, Any] | None = None,
    enabled: frozenset[str] | None = None,
) -> CodeRun:
    """Run `recipe` (an object, a name or a path to a .py file) over the files under `paths`."""
    warnings: list[str] = []
    if isinstance(recipe, str):
        loaded, warnings = load_recipe(recipe, root)
        top: pool.Ref = str((root / recipe).resolve()) if is_file_ref(recipe) else recipe
    else:
        loaded, top = recipe, recipe
    parts: list[tuple[pool.Ref, Recipe]] = (
        [(ref, part) for ref, part in parts_of(loaded)] if loaded.parts else [(top, loaded)]
    )
    suffixes = tuple(sorted({s for _, part in parts for s in part.suffixes}))
    files = listed(root, paths, suffixes)
    skipped: dict[str, str] = {}
    texts: dict[str, str] = {}
    for path in files:
        text, why = read_source(root, path)
        if text is None:
            skipped[path] = str(why)
        else:
            texts[path] = text
    original = dict(texts)
    findings: dict[str, list[Finding]] = {}
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    settings = pool.Settings(dict(options or {}), enabled)
    with pool.Workers([ref for ref, _ in parts], workers, len(texts) >= PARALLEL_MINIMUM) as run:
        for number, (_, part) in enumerate(parts):
            sources = [_source(p, t, part.language) for p, t in sorted(texts.items())]
            sources = [s for s in sources if s.path.endswith(part.suffixes)]
            index, failed = run.collect(number, sources)
            for path, why in failed.items():
                _skip(path, why, texts, findings, skipped)
            sources = [s for s in sources if s.path not in failed]
            for path, new, found, why in run.transform(number, sources, index, settings):
                if why is not None:
                    _skip(path, why, texts, findings, skipped)
                    continue
                texts[path] = new
                findings.setdefault(path, []).extend(found)
    changed = {p: t for p, t in sorted(texts.items()) if t != original.get(p)}
    every = sorted(
        (f for found in findings.values() for f in found),
        key=lambda f: (f.path, f.line, f.column, f.rule, f.message),
    )
    return CodeRun(
        recipe=loaded.name,
        changed=changed,
        findings=tuple(every),
        skipped=tuple(sorted(skipped.items())),
        scanned=len(files),
        warnings=tuple(warnings),
    )


def _source(path: str, text: str, language: str) -> SourceFile:
    module, package = module_of(path) if language == "python" else ("", "")
    return SourceFile(path, module, package, text)


def _skip(
    path: str,
    why: str,
    texts: dict[str, str],
    findings: dict[str, list[Finding]],
    skipped: dict[str, str],
) -> None:
    """Drop a file whole: its text, every part's findings for it."""
    texts.pop(path, None)
    findings.pop(path, None)
    skipped.setdefault(path, why)
