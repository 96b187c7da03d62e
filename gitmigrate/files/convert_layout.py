"""Layout losses make A -> B -> A exact: layout no target carries (a TOML dotted key, a .env
`export `, a YAML `>` scalar or quoting, ...) shows only when converted back, so
`layout_losses` converts back and reports each changed line not under a loss as "layout: ..."
on its key path."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from gitmigrate.errors import GitMigrateError
from gitmigrate.files.convert import Loss
from gitmigrate.files.keypath import KeyPath

if TYPE_CHECKING:
    from collections.abc import Callable

    from gitmigrate.files.document import Document


_DOTTED_TOML_KEY = re.compile(r"""^\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*\.""")


def layout_losses(
    doc: Document, text: str, to: str, losses: tuple[Loss, ...], back: Callable[[str], str]
) -> list[Loss]:
    """The layout losses of converting `doc` to `text` (format `to`): `back(text)` is that text
    converted back to doc's format; each changed line not under one of `losses` is reported."""
    original = doc.text
    try:
        returned = back(text)
    except GitMigrateError as exc:  # the target text does not read back: nothing is certain
        return [Loss((), f"layout: the converted text does not convert back ({exc})")]
    if returned == original:
        return []
    before = original.split("\n")
    after = returned.split("\n")
    owner = line_owner(doc)
    held = _line_paths(doc)

    def line_paths_of(number: int) -> list[KeyPath]:
        return held.get(number) or [owner(number)]

    parsed: list[Callable[[int], KeyPath]] = []  # the returned text is read only when needed

    def owner_back(number: int) -> KeyPath:
        if not parsed:
            parsed.append(_returned_owner(returned, doc))
        return parsed[0](number)

    covered = [loss.path for loss in losses]
    found: dict[KeyPath, str] = {}
    for i1, i2, j1, j2 in _changed_blocks(before, after):
        pairs = [
            (
                before[i1 + offset] if i1 + offset < i2 else None,
                after[j1 + offset] if j1 + offset < j2 else None,
            )
            for offset in range(max(i2 - i1, j2 - j1))
        ]
        olds = [owner(number) for number in range(i1 + 1, i2 + 1)]
        news = [] if olds else [owner_back(number) for number in range(j1 + 1, j2 + 1)]
        for offset, (was, now) in enumerate(pairs):
            # a line is its own change; a line only added belongs to the block's last old line
            path = olds[min(offset, len(olds) - 1)] if olds else news[offset]
            number = i1 + min(offset, i2 - i1 - 1) + 1 if olds else 0
            if path in found or _covered(
                doc, path, line_paths_of(number) if olds else [path], covered
            ):
                continue
            comma = was is not None and now is not None and was.rstrip(",") == now.rstrip(",")
            if doc.format == "json" and losses and comma:
                continue  # a comma follows its neighbours: a reported move or drop changed them
            found[path] = _describe(doc, path, was, now)
    return [Loss(path, reason) for path, reason in found.items()]


def _changed_blocks(before: list[str], after: list[str]) -> list[tuple[int, int, int, int]]:
    """The changed line ranges (i1, i2, j1, j2); when both texts have as many lines, line by
    line (a restyled value keeps its line count, and difflib is quadratic on many changes)."""
    if len(before) == len(after):
        return [(i, i + 1, i, i + 1) for i in range(len(before)) if before[i] != after[i]]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _returned_owner(returned: str, doc: Document) -> Callable[[int], KeyPath]:
    from gitmigrate.files.document import loads

    try:
        return line_owner(loads(returned, doc.format, doc.name))
    except GitMigrateError:
        return lambda number: ()


def _line_paths(doc: Document) -> dict[int, list[KeyPath]]:
    """Line number -> every key path whose entry spans that line."""
    from gitmigrate.files.document import LineIndex

    index = LineIndex(doc.text)
    out: dict[int, list[KeyPath]] = {}
    for path, node in doc.nodes.items():
        if not path:
            continue
        first = index.line(node.key.start if node.key is not None else node.span.start)
        last = max(first, index.line(max(node.span.end, node.span.start + 1) - 1))
        for number in range(first, last + 1):
            out.setdefault(number, []).append(path)
    return out


def _covered(doc: Document, owner: KeyPath, paths: list[KeyPath], lost: list[KeyPath]) -> bool:
    """Whether a changed line is already explained by a reported loss: an entry written on it
    is under one, or it is a multi-line container's own line (`server:`, `[server]`, `},`)
    changing with a loss inside it, or it is outside every entry (a blank or comment line
    with no entry after it) and something was lost."""
    if any(under(path, loss) for path in paths for loss in lost):
        return True
    if not owner:
        return bool(lost)
    node = doc.nodes.get(owner)
    if node is None or node.is_leaf or "\n" not in doc.text[node.span.start : node.span.end]:
        return False
    return any(under(loss, owner) for loss in lost)


def under(path: KeyPath, lost: KeyPath) -> bool:
    """Whether `path` is `lost` or inside it, also when a flat format joined a path's names
    with dots (INI and .env write `limits.retries` for limits -> retries)."""
    if path[: len(lost)] == lost:
        return True
    joined, whole = ".".join(map(str, path)), ".".join(map(str, lost))
    return joined == whole or joined.startswith(whole + ".")


def line_owner(doc: Document) -> Callable[[int], KeyPath]:
    """Line number (1-based) -> the deepest key path whose entry holds it; a comment or blank
    line belongs to the entry after it (as convert's model places it), else to the root."""
    from gitmigrate.files.document import LineIndex

    index = LineIndex(doc.text)
    line_at, count = index.line, len(index.starts)
    owners: list[KeyPath | None] = [None] * (count + 1)  # the deepest path holding the line
    opening: list[KeyPath | None] = [None] * (count + 1)  # the shallowest path starting there
    for path, node in doc.nodes.items():
        if not path:
            continue
        first = line_at(node.key.start if node.key is not None else node.span.start)
        last = max(first, line_at(max(node.span.end, node.span.start + 1) - 1))
        for number in range(first, min(last, count) + 1):
            held = owners[number]
            if held is None or len(path) > len(held):
                owners[number] = path
        if opening[first] is None or len(path) < len(opening[first] or ()):
            opening[first] = path
    for path, node in doc.nodes.items():  # a one-line container's line is the container's
        first = line_at(node.span.start)
        one_line = node.span.end > node.span.start and line_at(node.span.end - 1) == first
        if node.flow and one_line and isinstance(node.value, dict | list) and node.value:
            held = owners[first]
            if held is None or len(path) < len(held):
                owners[first] = path
    following: KeyPath = ()
    for number in range(count, 0, -1):  # a line outside every entry: the entry after it
        if owners[number] is None:
            owners[number] = following
        if opening[number] is not None:
            following = opening[number] or ()

    def owner(number: int) -> KeyPath:
        return (owners[number] if 0 < number <= count else None) or ()

    return owner


def _describe(doc: Document, path: KeyPath, was: str | None, now: str | None) -> str:
    """What changes on the line: a named layout when it is one convert knows, else the line
    as it was and as it comes back."""
    node = doc.nodes.get(path)
    literal = doc.text[node.span.start : node.span.end] if node is not None else ""
    stripped = (was or "").lstrip()
    what = ""
    if doc.format == "toml" and node is not None and node.key is not None:
        key_text = doc.text[node.key.start : node.key.end]
        if _DOTTED_TOML_KEY.match(key_text) or (was is not None and _DOTTED_TOML_KEY.match(was)):
            shape = "[table]" if (now or "").lstrip().startswith("[") else "table"
            shape = "inline table" if "{" in (now or "") else shape
            what = f"dotted key becomes a {shape}"
    elif doc.format == "env" and stripped.startswith("export "):
        what = "the `export ` prefix is dropped"
    elif doc.format == "yaml" and node is not None and node.is_leaf:
        if literal.startswith(">"):
            what = "folded > scalar is rewritten in another style"
        elif literal.startswith("|"):
            what = "block | scalar is rewritten in another style"
        elif literal.startswith('"'):
            what = "double-quoted string is written in another quoting style"
        elif literal.startswith("'"):
            what = "single-quoted string is written in another quoting style"
    if node is not None and not node.is_leaf and node.flow and "\n" not in literal:
        kind = "mapping" if isinstance(node.value, dict) else "list"
        what = f"the one-line {kind} is written in another layout"
    if not what and node is not None and node.is_leaf and literal[:1] in ("'", '"'):
        what = "quoting style changes"
    if not what and was is not None and now is not None and was.strip() == now.strip():
        what = "the indentation changes"
    tag = re.search(r"!!\w+", was or "") if doc.format == "yaml" else None
    if not what and tag is not None:
        what = f"the explicit tag {tag.group()} is dropped"
    if not what and doc.format == "yaml" and stripped.rstrip() in ("---", "..."):
        what = f"the document marker {stripped.rstrip()} is dropped"
    value = node.value if node is not None else None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not what and number and literal not in (now or ""):
        what = "the number is written in another notation"
    if not what:
        what = "the line is rewritten"
    if was is None:
        return f"layout: {what} (a line {now!r} is added)"
    if now is None:
        return f"layout: {what} (the line {was!r} goes)"
    return f"layout: {what} ({was!r} comes back as {now!r})"
