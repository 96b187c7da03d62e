"""The module dependency graph of a package, read with LibCST: every `import` and `from ...
import` (relative ones included, in functions and TYPE_CHECKING blocks too) resolved to modules
of the package, and every call whose callee LibCST's FullyQualifiedNameProvider resolves to a
name defined in another module of the package, with the calling function and file:line.

A file that does not parse is reported with its file:line:col and the analysis goes on: the
module stays in the graph (others may import it) without edges of its own."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.platform.split_model import CallSite, Edge, SourceProblem

PARALLEL_FROM = 60  # fewer modules than this: worker start-up would cost more than it saves


@dataclass
class ModuleFacts:
    """What one module uses of the others: imported names per module, and call sites."""

    names: dict[str, int] = field(default_factory=dict)
    calls: list[CallSite] = field(default_factory=list)
    problem: SourceProblem | None = None


@dataclass(frozen=True)
class ModuleGraph:
    modules: tuple[str, ...]
    edges: tuple[Edge, ...]
    calls: tuple[CallSite, ...]
    problems: tuple[SourceProblem, ...]


def longest_module(dotted: str, modules: frozenset[str]) -> str | None:
    """The longest prefix of `dotted` (whole parts) that is a module of the package."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def absolute_base(module: str, is_package: bool, level: int, name: str | None) -> str | None:
    """`from ..x import` seen in `module` as an absolute dotted name (None past the top)."""
    if level == 0:
        return name
    package = module.split(".") if is_package else module.split(".")[:-1]
    if level - 1 > len(package) - 1:
        return None
    base = package[: len(package) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _dotted(node: Any) -> str:
    import libcst

    if isinstance(node, libcst.Name):
        return str(node.value)
    if isinstance(node, libcst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _Collector:
    """Built lazily so that importing this module does not import LibCST."""

    @staticmethod
    def visitor(module: str, is_package: bool, rel: str, modules: frozenset[str]) -> Any:
        import libcst
        from libcst.metadata import FullyQualifiedNameProvider, PositionProvider

        class Visitor(libcst.CSTVisitor):
            METADATA_DEPENDENCIES = (FullyQualifiedNameProvider, PositionProvider)

            def __init__(self) -> None:
                super().__init__()
                self.facts = ModuleFacts()
                self.scope: list[str] = []

            def _use(self, target: str | None, count: int = 1) -> None:
                if target is not None and target != module:
                    self.facts.names[target] = self.facts.names.get(target, 0) + count

            def visit_Import(self, node: libcst.Import) -> None:
                for alias in node.names:
                    self._use(longest_module(_dotted(alias.name), modules))

            def visit_ImportFrom(self, node: libcst.ImportFrom) -> None:
                level = len(node.relative)
                name = _dotted(node.module) if node.module is not None else None
                base = absolute_base(module, is_package, level, name)
                if base is None:
                    return
                if isinstance(node.names, libcst.ImportStar):
                    self._use(longest_module(base, modules))
                    return
                for alias in node.names:
                    child = f"{base}.{_dotted(alias.name)}"
                    self._use(child if child in modules else longest_module(base, modules))

            def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
                self.scope.append(node.name.value)

            def leave_FunctionDef(self, original_node: libcst.FunctionDef) -> None:
                self.scope.pop()

            def visit_ClassDef(self, node: libcst.ClassDef) -> None:
                self.scope.append(node.name.value)

            def leave_ClassDef(self, original_node: libcst.ClassDef) -> None:
                self.scope.pop()

            def visit_Call(self, node: libcst.Call) -> None:
                names = self.get_metadata(FullyQualifiedNameProvider, node.func, set())
                for qualified in sorted(q.name for q in names):
                    callee = longest_module(qualified, modules)
                    if callee is None or callee == module or qualified == callee:
                        continue
                    line = self.get_metadata(PositionProvider, node).start.line
                    self.facts.calls.append(CallSite(
                        module, ".".join(self.scope) or "<module>", rel, line,
                        callee, qualified[len(callee) + 1 :],
                    ))  # fmt: skip
                    return

        return Visitor()


def analyse_module(module: str, path: Path, rel: str, modules: frozenset[str]) -> ModuleFacts:
    """The imports and calls of one module (a ModuleFacts with `problem` set if it fails)."""
    import libcst
    from libcst.helpers.module import ModuleNameAndPackage
    from libcst.metadata import FullyQualifiedNameProvider, MetadataWrapper

    is_package = path.name == "__init__.py"
    try:
        tree = libcst.parse_module(path.read_bytes())
    except libcst.ParserSyntaxError as exc:
        return ModuleFacts(problem=_syntax_problem(rel, path, exc))
    except (UnicodeDecodeError, LookupError, OSError) as exc:
        return ModuleFacts(problem=SourceProblem(rel, 1, 1, f"cannot be read: {exc}"))
    package = module if is_package else module.rpartition(".")[0]
    wrapper = MetadataWrapper(
        tree, unsafe_skip_copy=True,
        cache={FullyQualifiedNameProvider: ModuleNameAndPackage(module, package)},
    )  # fmt: skip
    visitor = _Collector.visitor(module, is_package, rel, modules)
    wrapper.visit(visitor)
    facts: ModuleFacts = visitor.facts
    return facts


def _syntax_problem(rel: str, path: Path, exc: Any) -> SourceProblem:
    """Where a file fails to parse: the interpreter's parser points at the faulty token where
    LibCST often names the next line, so its location wins when it fails too."""
    import ast

    try:
        ast.parse(path.read_bytes(), filename=rel)
    except SyntaxError as error:
        where = (error.lineno or exc.raw_line, error.offset or exc.editor_column)
        return SourceProblem(rel, where[0], where[1], f"does not parse: {error.msg}")
    except ValueError:
        pass
    message = f"does not parse: {str(exc.message).strip()}"
    return SourceProblem(rel, exc.raw_line, exc.editor_column, message)


def _analyse(task: tuple[str, Path, str, frozenset[str]]) -> ModuleFacts:
    return analyse_module(*task)


def _all_facts(tasks: list[tuple[str, Path, str, frozenset[str]]], jobs: int) -> list[ModuleFacts]:
    """Each module's facts, in the order of `tasks` whatever the number of workers."""
    if jobs <= 1 or len(tasks) < PARALLEL_FROM:
        return [_analyse(task) for task in tasks]
    import concurrent.futures

    chunk = max(1, len(tasks) // (jobs * 4))
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        return list(pool.map(_analyse, tasks, chunksize=chunk))


def build_graph(modules: Mapping[str, Path], root: Path, *, jobs: int | None = None) -> ModuleGraph:
    """The graph of every module of the package (sorted; the same input gives the same graph,
    with any number of worker processes: `jobs`, default one per core)."""
    names = frozenset(modules)
    weights: dict[tuple[str, str], list[int]] = {}
    calls: list[CallSite] = []
    problems: list[SourceProblem] = []
    tasks = [
        (
            module,
            path,
            path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path),
            names,
        )
        for module, path in modules.items()
    ]
    for (module, *_), facts in zip(
        tasks, _all_facts(tasks, jobs or os.cpu_count() or 1), strict=True
    ):
        if facts.problem is not None:
            problems.append(facts.problem)
        for target, count in facts.names.items():
            weights.setdefault((module, target), [0, 0])[0] += count
        for call in facts.calls:
            weights.setdefault((module, call.callee_module), [0, 0])[1] += 1
        calls.extend(facts.calls)
    edges = tuple(Edge(a, b, n, c) for (a, b), (n, c) in sorted(weights.items()))
    calls.sort(key=lambda c: (c.file, c.line, c.callee_module, c.callee_name))
    return ModuleGraph(tuple(modules), edges, tuple(calls), tuple(problems))
