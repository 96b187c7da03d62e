"""A subset step's options turned into its closure on the source, and its masking rules
checked against it: the one place authoring (for the note's plan) and apply (for the load)
ask the graph, the closure and the masking parts, so both see the same subset.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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


# closures computed by the authoring of a step, for its apply in the same `env subset` call
_HANDOFF: ContextVar[dict[str, Computed] | None] = ContextVar("subset_handoff", default=None)


@contextmanager
def handed_over() -> Iterator[None]:
    """Inside one `env subset` call that authors the step and applies it at once, the apply
    takes the closure the authoring computed instead of reading it again from the source. It
    is what `subset-plan.json` records, so the rows applied are exactly the committed plan;
    the source is read again, by key, only for the rows. Outside such a call (an apply of its
    own, a resume, another thread) the apply computes the closure itself."""
    token = _HANDOFF.set({})
    try:
        yield
    finally:
        _HANDOFF.reset(token)


def keep_for_apply(options: DataOptions, computed: Computed) -> None:
    """Called by the authoring: keep the closure until the step it is in is known."""
    box = _HANDOFF.get()
    if box is not None:
        box[_handoff_key(options)] = computed


def hand_to(step_id: str) -> None:
    """The closure kept by this call's authoring is for step `step_id` and no other (an
    earlier pending step of the same apply computes its own)."""
    box = _HANDOFF.get()
    if box is not None:
        for key in [k for k in box if not k.startswith("step ")]:
            box[f"step {step_id} {key}"] = box.pop(key)


def handed(step_id: str, options: DataOptions) -> Computed | None:
    """The closure handed over to `step_id` by this call's authoring (taken once), if any."""
    box = _HANDOFF.get()
    return box.pop(f"step {step_id} {_handoff_key(options)}", None) if box is not None else None


def _handoff_key(options: DataOptions) -> str:
    """What the closure depends on, in a form that survives the options' trip through git."""
    keys = {t: list(c) for t, c in (options.keys or {}).items()}
    return json.dumps(
        [options.source, list(options.roots), options.percent, list(options.follow), keys,
         list(options.schemas), min(options.batch_size, 1000)],
        sort_keys=True,
    )  # fmt: skip


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
