"""Target blocks as HCL text, laid out as ``terraform fmt`` would (aligned ``=``, two spaces)."""

from __future__ import annotations

from dataclasses import dataclass, field

Body = dict[str, str | list["Body"]]


@dataclass
class TargetBlock:
    """One resource to write: its type, label, and body (attribute -> text, block -> bodies)."""

    type: str
    label: str
    body: Body = field(default_factory=dict)


def set_path(body: Body, path: str, raw: str, index: int = 0) -> None:
    """Set ``a.b.c`` in ``body``: ``a`` and ``b`` are nested blocks (instance ``index`` of ``a``)."""
    head, _, rest = path.partition(".")
    if not rest:
        body[head] = raw
        return
    blocks = body.setdefault(head, [])
    assert isinstance(blocks, list)
    while len(blocks) <= index:
        blocks.append({})
    set_path(blocks[index], rest, raw)


def render(block: TargetBlock) -> str:
    return f'resource "{block.type}" "{block.label}" {{\n{_body(block.body, 1)}}}'


def _body(body: Body, depth: int) -> str:
    pad = "  " * depth
    attrs = [(k, v) for k, v in body.items() if isinstance(v, str)]
    width = max((len(k) for k, _ in attrs), default=0)
    lines = [f"{pad}{k.ljust(width)} = {v}\n" for k, v in attrs]
    for name, value in body.items():
        if isinstance(value, list):
            for sub in value:
                inner = _body(sub, depth + 1)
                lines.append(
                    f"{pad}{name} {{\n{inner}{pad}}}\n" if inner else f"{pad}{name} {{}}\n"
                )
    return "".join(lines)
