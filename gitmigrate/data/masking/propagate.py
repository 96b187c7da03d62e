"""Masked keys mask their foreign keys the same way, so joins through them still hold.

Columns joined by foreign keys (column by column for composite keys, transitively) form one
group; the group's rule (hash, hmac, a fake, a function) applies to every column of it. Two
different rules in one group are a UsageError. `null` on a column that only references (a
nullable foreign key) cuts the link and stays as it is; `null` on a referenced column is an
error, since the rows that reference it would lose their parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from gitmigrate.data.masking.rules import MaskRule, MaskRules
from gitmigrate.data.subset.model import Edge, QName
from gitmigrate.errors import UsageError

Node = tuple[QName, str]  # a table and a column (lower case)


def propagate(rules: MaskRules, edges: Sequence[Edge]) -> MaskRules:
    """`rules` plus a rule for every column joined by a foreign key to a masked column."""
    parent: dict[Node, Node] = {}
    spelled: dict[Node, str] = {}
    referenced: set[Node] = set()

    def find(node: Node) -> Node:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for edge in edges:
        for col, ref in zip(edge.columns, edge.ref_columns, strict=True):
            a, b = (edge.child, col.lower()), (edge.parent, ref.lower())
            spelled.setdefault(a, col)
            spelled.setdefault(b, ref)
            referenced.add(b)
            parent[find(a)] = find(b)

    explicit: dict[Node, MaskRule] = {}
    for node in parent:
        by_column = {c.lower(): r for c, r in rules.for_table(node[0]).items()}
        if node[1] in by_column:
            explicit[node] = by_column[node[1]]

    groups: dict[Node, list[Node]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    derived: list[MaskRule] = []
    for members in groups.values():
        ruled = [n for n in members if n in explicit]
        for n in ruled:
            if explicit[n].method == "null" and n in referenced:
                raise UsageError(
                    f"mask rule {explicit[n].label}: null on a column foreign keys reference",
                    "use hmac (or hash) so the referencing rows keep their parent",
                )
        leading = [n for n in ruled if explicit[n].method != "null"]
        if not leading:
            continue
        first = explicit[leading[0]]
        for n in leading[1:]:
            if explicit[n].same_as != first.same_as:
                raise UsageError(
                    f"conflicting mask rules on columns joined by a foreign key: "
                    f"{first.label} = {first.spec} and {explicit[n].label} = {explicit[n].spec}",
                    "give them the same rule, or keep only the referenced column's rule",
                )
        if first.method == "keep":
            continue
        for n in sorted(members, key=lambda m: (m[0].label, m[1])):
            if n not in explicit:
                table, _ = n
                derived.append(
                    replace(
                        first,
                        schema=table.schema,
                        table=table.name,
                        column=spelled[n],
                        origin=first.label,
                    )
                )
    return MaskRules(rules.rules + tuple(derived))
