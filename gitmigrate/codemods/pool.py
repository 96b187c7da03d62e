"""The runner's two phases over a list of files, in this process or in worker processes.

Workers get each recipe by its reference (a name or a .py path) and load it once; a recipe
object that no reference names is pickled instead. The files go in ordered chunks and come
back in the same order, so the result never depends on the number of workers.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Union

from gitmigrate.codemods.files import SourceFile
from gitmigrate.codemods.recipe import CodeParseError, FileContext, Finding, Recipe
from gitmigrate.codemods.syntax import parse_problem

Ref = Union[str, Recipe]  # noqa: UP007 - a runtime alias: Recipe is a Protocol
Collected = tuple[dict[str, Mapping[str, Any]], dict[str, str]]  # (facts, path -> why skipped)
Transformed = tuple[str, str, list[Finding], str | None]  # (path, new text, findings, why)
CHUNKS_PER_WORKER = 4


@dataclass(frozen=True)
class Settings:
    options: dict[str, Any] = field(default_factory=dict)
    enabled: frozenset[str] | None = None


_RECIPES: list[Recipe] = []  # the worker's recipes, loaded by its initializer


def _load(refs: Sequence[Ref]) -> list[Recipe]:
    from gitmigrate.codemods.registry import load_recipe

    return [load_recipe(ref)[0] if isinstance(ref, str) else ref for ref in refs]


def _init(refs: Sequence[Ref]) -> None:
    _RECIPES[:] = _load(refs)


_NATIVE_AT = re.compile(r"(?:parser error: )?error at (\d+):(\d+): ")


def unparsable(path: str, exc: CodeParseError, text: str = "") -> str:
    """`does not parse: PATH:LINE:COL: why`. For Python, CPython's own parser says where and
    why when it rejects the file too (LibCST's native parser reports column 0, or the next
    token); else the position in the recipe's message ("error at 1:20: ...") wins."""
    problem = parse_problem(path, text) if path.endswith((".py", ".pyi")) and text else None
    if problem is not None:
        return f"does not parse: {problem}"
    message = exc.message.removeprefix("does not parse: ").removeprefix("does not parse")
    line, column = exc.line, exc.column
    found = _NATIVE_AT.match(message)
    if found:
        line, column = int(found.group(1)), int(found.group(2))
        message = message[found.end() :]
    return f"does not parse: {path}:{line}:{column}: {message}".rstrip(": ")


def _collect(recipe: Recipe, files: Sequence[SourceFile]) -> Collected:
    facts: dict[str, Mapping[str, Any]] = {}
    failed: dict[str, str] = {}
    for file in files:
        try:
            facts[file.path] = dict(recipe.collect(file.path, file.module, file.text))
        except CodeParseError as exc:
            failed[file.path] = unparsable(file.path, exc, file.text)
        except Exception as exc:  # noqa: BLE001 - a recipe's bug skips the file, named
            failed[file.path] = f"recipe {recipe.name} failed on it: {type(exc).__name__}: {exc}"
    return facts, failed


def _transform(
    recipe: Recipe, files: Sequence[SourceFile], index: Mapping[str, Any], settings: Settings
) -> list[Transformed]:
    out: list[Transformed] = []
    for file in files:
        ctx = FileContext(
            file.path, file.module, file.package, index, settings.options, settings.enabled
        )
        try:
            out.append((file.path, recipe.transform(file.text, ctx), ctx.findings, None))
        except CodeParseError as exc:
            out.append((file.path, file.text, [], unparsable(file.path, exc, file.text)))
        except Exception as exc:  # noqa: BLE001 - a recipe's bug skips the file, named
            why = f"recipe {recipe.name} failed on it: {type(exc).__name__}: {exc}"
            out.append((file.path, file.text, [], why))
    return out


def _collect_in_worker(number: int, files: Sequence[SourceFile]) -> Collected:
    return _collect(_RECIPES[number], files)


def _transform_in_worker(
    number: int, files: Sequence[SourceFile], index: Mapping[str, Any], settings: Settings
) -> list[Transformed]:
    return _transform(_RECIPES[number], files, index, settings)


def _chunks(files: Sequence[SourceFile], count: int) -> list[Sequence[SourceFile]]:
    size = max(1, -(-len(files) // count))
    return [files[i : i + size] for i in range(0, len(files), size)]


class Workers:
    """`with Workers(refs, jobs, parallel) as run:` then `run.collect` / `run.transform` of
    recipe number N of `refs`."""

    def __init__(self, refs: Sequence[Ref], jobs: int, parallel: bool) -> None:
        self.refs, self.jobs = list(refs), jobs
        self.parallel = parallel and jobs > 1
        self.local: list[Recipe] = []
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        self.local = _load(self.refs)
        if self.parallel:
            self.executor = concurrent.futures.ProcessPoolExecutor(
                self.jobs, initializer=_init, initargs=(self.refs,)
            )
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)

    def collect(self, number: int, files: Sequence[SourceFile]) -> Collected:
        if self.executor is None:
            return _collect(self.local[number], files)
        facts: dict[str, Mapping[str, Any]] = {}
        failed: dict[str, str] = {}
        chunks = _chunks(files, self.jobs * CHUNKS_PER_WORKER)
        for got, bad in self.executor.map(_collect_in_worker, [number] * len(chunks), chunks):
            facts.update(got)
            failed.update(bad)
        return facts, failed

    def transform(
        self,
        number: int,
        files: Sequence[SourceFile],
        index: Mapping[str, Any],
        settings: Settings,
    ) -> Iterator[Transformed]:
        if self.executor is None:
            yield from _transform(self.local[number], files, index, settings)
            return
        chunks = _chunks(files, self.jobs * CHUNKS_PER_WORKER)
        count = len(chunks)
        results = self.executor.map(
            _transform_in_worker, [number] * count, chunks, [index] * count, [settings] * count
        )
        for chunk in results:
            yield from chunk
