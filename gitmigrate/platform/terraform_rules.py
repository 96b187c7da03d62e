"""One covered block mapped attribute by attribute into target bodies, by the table.

Every source attribute and nested block ends in exactly one place: a target path, or a note for a
person (recorded as having no equivalent, or not in the table at all). Nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gitmigrate.platform.terraform_hcl import Attribute, Block
from gitmigrate.platform.terraform_render import Body, set_path
from gitmigrate.platform.terraform_table import Mapping, Rule, Table
from gitmigrate.platform.terraform_transforms import TRANSFORMS
from gitmigrate.platform.terraform_values import Ctx


@dataclass(frozen=True)
class Note:
    """Something in the source a person must decide, at its line and column."""

    item: str
    line: int
    column: int
    reason: str


Rewrite = Callable[[Attribute], str]

CARRIED_LIFECYCLE = ("prevent_destroy", "create_before_destroy")


def map_block(
    block: Block,
    rule: Rule,
    table: Table,
    bodies: dict[str, Body],
    rewrite: Rewrite,
    ctx: Ctx,
) -> list[Note]:
    """Write ``block``'s attributes into ``bodies`` (target type -> body); return the notes."""
    notes: list[Note] = []

    def put(key: str, mapping: Mapping, attr: Attribute, index: int) -> None:
        value = TRANSFORMS[mapping.transform](rewrite(attr), block, ctx)
        if value.note:
            notes.append(Note(key, attr.line, attr.column, value.note))
        body = bodies.setdefault(mapping.target, {})
        if value.raw is not None:
            set_path(body, mapping.path, value.raw, index)
        for path, raw in value.extra.items():
            set_path(body, path, raw, index)

    for name, attr in block.attributes.items():
        if name in table.meta_copy:
            continue  # copied onto every target by the converter
        if name in rule.map:
            put(name, rule.map[name], attr, 0)
        else:
            notes.append(Note(name, attr.line, attr.column, _why(name, rule, table)))
    seen: dict[str, int] = {}
    for nested in block.blocks:
        if nested.type in rule.hooked:
            continue
        if nested.type == "lifecycle":
            for name, attr in nested.attributes.items():
                if name not in CARRIED_LIFECYCLE:
                    key = f"lifecycle.{name}"
                    notes.append(Note(key, attr.line, attr.column, _why("lifecycle", rule, table)))
            continue  # prevent_destroy / create_before_destroy: carried over by the converter
        index = seen.get(nested.type, 0)
        seen[nested.type] = index + 1
        mapped = [k for k in rule.map if k.startswith(nested.type + ".")]
        if not mapped or nested.type in table.meta_people:
            notes.append(
                Note(nested.type, nested.line, nested.column, _why(nested.type, rule, table))
            )
            continue
        for name, attr in nested.attributes.items():
            key = f"{nested.type}.{name}"
            if key in rule.map:
                put(key, rule.map[key], attr, index)
            else:
                notes.append(Note(key, attr.line, attr.column, _why(key, rule, table)))
        for inner in nested.blocks:
            key = f"{nested.type}.{inner.type}"
            notes.append(Note(key, inner.line, inner.column, _why(key, rule, table)))
    return notes


def _why(key: str, rule: Rule, table: Table) -> str:
    if key in rule.people:
        return rule.people[key]
    if key in table.meta_people:
        return table.meta_people[key]
    if key == "dynamic":
        return "dynamic blocks are not converted: rewrite them for the target by hand"
    return f"no mapping recorded for {rule.source}.{key}: not converted"
