"""A subset step's options turned into its closure on the source, and its masking rules
checked against it: the one place authoring (for the note's plan) and apply (for the load)
ask the graph, the closure and the masking parts, so both see the same subset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from gitmigrate.data.options import DataOptions
from gitmigrate.data.subset.model import Closure, QName
from gitmigrate.schema.model import Table

DEFAULT_KEY_ENV = "GITMIGRATE_MASK_KEY"


@dataclass(frozen=True)
class Computed:
    closure: Closure
    tables: dict[QName, Table]


ClosureFn = Callable[[Connection, DataOptions], Computed]


def compute(source: Connection, options: DataOptions) -> Computed:
    """Parse the roots, reflect the graph they reach, compute the closure (UsageError for a
    root that does not parse or selects nothing, a table without a key, a cycle that cannot
    be broken)."""
    from gitmigrate.data.subset.closure import compute_closure
    from gitmigrate.data.subset.graph import load_graph
    from gitmigrate.data.subset.roots import parse_root
    from gitmigrate.schema.reflect import dialect_of

    dialect = dialect_of(source)
    roots = [parse_root(text, dialect) for text in options.roots]
    graph = load_graph(
        source,
        start=[*options.roots, *options.follow],
        schemas=options.schemas,
        keys=dict(options.keys or {}),
    )
    closure = compute_closure(
        source,
        graph,
        roots,
        percent=options.percent,
        follow=options.follow,
        chunk=min(options.batch_size, 1000),
    )
    return Computed(closure, dict(graph.tables))


def mask_rules(text: str, where: str, computed: Computed) -> Any:
    """The rules file parsed, checked against the closure's tables and columns (a rule for a
    column that does not exist is a UsageError) and propagated along its foreign keys, so a
    masked key masks every column referencing it the same way."""
    from gitmigrate.data.masking import check_mask_rules, parse_mask_rules, propagate

    rules = parse_mask_rules(text, where)
    columns = {name: [c.name for c in table.columns] for name, table in computed.tables.items()}
    check_mask_rules(rules, columns)
    return propagate(rules, computed.closure.edges)


def read_mask_key(variable: str | None) -> bytes:
    """The masking key from the environment (never from git); UsageError naming the variable
    when it is missing or empty."""
    from gitmigrate.data.masking import mask_key

    return mask_key(variable or DEFAULT_KEY_ENV)
