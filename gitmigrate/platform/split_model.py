"""The values `platform split` hands back: the module graph of a package, the clusters suggested
as service boundaries, and the calls that would cross them. Frozen, plain, JSON at the edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceProblem:
    """A file the analysis could not read or parse; the rest of the package is still analysed."""

    file: str  # relative to the repository root
    line: int
    column: int
    message: str

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class Edge:
    """`source` imports `target` (both modules of the package). `names` counts imported names
    (`import a.b` is one), `calls` the call sites in `source` resolved to `target`; the weight
    the clustering sees is their sum: how much one module leans on the other."""

    source: str
    target: str
    names: int
    calls: int

    @property
    def weight(self) -> int:
        return self.names + self.calls

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "names": self.names,
                "calls": self.calls, "weight": self.weight}  # fmt: skip


@dataclass(frozen=True)
class CallSite:
    """One call from a function of one module to a name defined in another module."""

    caller_module: str
    caller_function: str  # `Class.method`, `function`, or `<module>` for top-level code
    file: str
    line: int
    callee_module: str
    callee_name: str  # what is called inside callee_module: `f`, `Class`, `Class.method`

    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def caller(self) -> str:
        return f"{self.caller_module}:{self.caller_function}"

    def callee(self) -> str:
        return f"{self.callee_module}.{self.callee_name}"

    def to_json(self) -> dict[str, Any]:
        return {"caller": self.caller(), "file": self.file, "line": self.line,
                "callee": self.callee(), "callee_module": self.callee_module}  # fmt: skip


@dataclass(frozen=True)
class Cluster:
    name: str  # the package part most of its modules share (`orders`), made unique
    modules: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "modules": list(self.modules)}


@dataclass(frozen=True)
class Boundary:
    """What crosses from cluster `source` to cluster `target`: the imports (module pairs) and the
    calls that would become API calls if the two were separate services."""

    source: str
    target: str
    imports: tuple[tuple[str, str], ...]
    calls: tuple[CallSite, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "imports": [{"source": a, "target": b} for a, b in self.imports],
            "calls": [call.to_json() for call in self.calls],
        }


@dataclass(frozen=True)
class SplitReport:
    """Where a package could split. A report only: nothing in the tree is changed."""

    package: str  # dotted name
    path: str  # the package directory, relative to the root
    modules: tuple[str, ...]
    edges: tuple[Edge, ...]
    clusters: tuple[Cluster, ...]
    isolated: tuple[str, ...]  # modules importing and imported by no other module of the package
    method: str  # which networkx algorithm, with its parameters
    requested: int | None
    modularity: float
    boundaries: tuple[Boundary, ...]
    shared: tuple[str, ...]  # imported from every other cluster: candidates for a library
    cycles: tuple[tuple[str, ...], ...]  # cluster cycles: a -> b -> ... -> a
    problems: tuple[SourceProblem, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    def cluster_of(self) -> dict[str, str]:
        return {module: c.name for c in self.clusters for module in c.modules}

    def crossing_calls(self) -> int:
        return sum(len(b.calls) for b in self.boundaries)

    def to_json(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "path": self.path,
            "modules": list(self.modules),
            "edges": [edge.to_json() for edge in self.edges],
            "clusters": [cluster.to_json() for cluster in self.clusters],
            "isolated": list(self.isolated),
            "method": self.method,
            "requested_clusters": self.requested,
            "modularity": self.modularity,
            "boundaries": [boundary.to_json() for boundary in self.boundaries],
            "shared": list(self.shared),
            "cycles": [list(cycle) for cycle in self.cycles],
            "problems": [problem.to_json() for problem in self.problems],
            "notes": list(self.notes),
        }
