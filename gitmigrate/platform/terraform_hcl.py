"""Terraform files read through python-hcl2's parse tree, keeping every position.

python-hcl2 8.x declares a ``with_meta`` serialisation option but its dict output carries no
line numbers; its lark parse tree does (``propagate_positions``). We walk that tree so a block
is known by its exact character span: the converter splices replacements into the original
text at those spans and never re-dumps a file, so everything else stays byte-identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import hcl2
from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from gitmigrate.errors import UsageError


@dataclass(frozen=True)
class Attribute:
    """``name = expression``: the expression's source text as written, and where it is."""

    name: str
    raw: str
    line: int
    column: int


@dataclass
class Block:
    """A block (``resource "t" "n" { ... }``, or a nested one) with its span in the file."""

    type: str
    labels: list[str]
    start: int
    end: int
    line: int
    column: int
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def nested(self, name: str) -> list[Block]:
        return [b for b in self.blocks if b.type == name]


@dataclass
class HclFile:
    """One parsed file: its text, its top-level blocks, and the spans of its comments."""

    path: str
    text: str
    blocks: list[Block]
    comments: list[tuple[int, int]]


def parse_hcl(path: str, text: str) -> HclFile:
    """Parse ``text``; invalid HCL is one UsageError naming ``path:line:col``."""
    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        line = exc.line if exc.line > 0 else text.count("\n") + 1
        column = exc.column if exc.column > 0 else 1
        token = getattr(exc, "token", None)
        what = (
            f"unexpected {str(token).strip()[:40]!r}"
            if token and str(token).strip()
            else "unexpected input"
        )
        raise UsageError(
            f"{path}:{line}:{column}: invalid HCL ({what}); fix the syntax and run again"
        ) from exc
    comments: list[tuple[int, int]] = []
    _collect_comments(tree, comments)
    body = tree.children[0] if tree.children else None
    blocks = _body_blocks(body, text) if isinstance(body, Tree) else []
    return HclFile(path=path, text=text, blocks=blocks, comments=comments)


def _body_blocks(body: Tree[Token], text: str) -> list[Block]:
    return [_block(c, text) for c in body.children if isinstance(c, Tree) and c.data == "block"]


def _block(node: Tree[Token], text: str) -> Block:
    kids = [c for c in node.children if isinstance(c, Tree)]
    labels = [_label(k) for k in kids[1:] if k.data in ("string", "identifier")]
    block = Block(
        type=_label(kids[0]),
        labels=labels,
        start=node.meta.start_pos,
        end=node.meta.end_pos,
        line=node.meta.line,
        column=node.meta.column,
    )
    body = next((k for k in kids if k.data == "body"), None)
    if body is None:
        return block
    for child in body.children:
        if not isinstance(child, Tree):
            continue
        if child.data == "block":
            block.blocks.append(_block(child, text))
        elif child.data == "attribute":
            name_node, value = child.children[0], child.children[-1]
            assert isinstance(name_node, Tree) and isinstance(value, Tree)
            name = _label(name_node)
            raw = text[value.meta.start_pos : value.meta.end_pos]
            block.attributes[name] = Attribute(name, raw, child.meta.line, child.meta.column)
    return block


def _label(node: Tree[Token]) -> str:
    """The text of an identifier or a plain string label, without quotes."""
    return "".join(str(t) for t in node.scan_values(lambda v: isinstance(v, Token))).strip('"')


def _collect_comments(node: Tree[Token], out: list[tuple[int, int]]) -> None:
    for child in node.children:
        if isinstance(child, Tree):
            _collect_comments(child, out)
        elif child.type == "NL_OR_COMMENT" and child.strip():
            assert child.start_pos is not None and child.end_pos is not None
            out.append((child.start_pos, child.end_pos))
