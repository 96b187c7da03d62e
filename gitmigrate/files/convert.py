"""Format conversion among YAML, JSON, TOML, INI and .env that keeps what the target can hold
(data, key order, comments, blank lines) and names everything it cannot, per key path.

A conversion reads the source Document into a neutral model (the data plus, per key path, the
comment and blank lines before its entry and the comment after it on the same line), then
renders the model in the target format's one canonical layout (convert_render.py). Whatever
the target cannot hold is a Loss; losses are a UsageError listing each one unless `lossy`, and
then the text holds the nearest form (a date as its ISO text, a null left out, ...).

Converting back gives the original bytes when the source is in the canonical layout and
nothing was lost (tests/unit/test_files_transform_roundtrip.py checks each ordered pair).
Quoting style, indentation and spacing follow the target's canonical layout; a layout that
does not come back when converting back (a dotted TOML key, a .env `export `, a folded YAML
scalar, ...) is a "layout: ..." Loss on its key path (convert_layout.layout_losses), so the
promise is exact: the bytes come back, or a loss names each key path whose lines change.
Layout losses are reported (the step note lists them) but do not need `lossy`: the data and
comments carry over, only the way their lines are written changes.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitmigrate.errors import UsageError
from gitmigrate.files.formats import FORMATS
from gitmigrate.files.keypath import KeyPath, format_key

if TYPE_CHECKING:
    from gitmigrate.files.document import Document


@dataclass(frozen=True)
class Loss:
    path: KeyPath
    reason: str

    def __str__(self) -> str:
        return f"{format_key(self.path)}: {self.reason}"

    @property
    def layout(self) -> bool:
        """Only how the lines are written changes (the data and comments carry over): reported,
        but it does not need --lossy."""
        return self.reason.startswith(LAYOUT)


LAYOUT = "layout:"


@dataclass(frozen=True)
class Conversion:
    text: str
    losses: tuple[Loss, ...]


@dataclass
class Notes:
    """What surrounds one entry: lines before it (a comment with its marker, or None for a blank
    line) and the comment after it on its own line (the spaces before the marker, the comment)."""

    before: list[str | None] = field(default_factory=list)
    after: tuple[str, str] | None = None


@dataclass
class Model:
    data: Any
    notes: dict[KeyPath, Notes] = field(default_factory=dict)
    footer: list[str | None] = field(default_factory=list)  # after the last entry
    aliases: dict[KeyPath, str] = field(default_factory=dict)  # YAML alias paths -> anchor name
    anchors: dict[KeyPath, str] = field(default_factory=dict)  # YAML anchor paths -> name
    tags: dict[KeyPath, str] = field(default_factory=dict)  # YAML non-standard tags
    merges: dict[KeyPath, str] = field(default_factory=dict)  # YAML `<<: *name` merge keys
    source: str = "yaml"
    ordered: bool = True  # the key order is the user's (a moved key is a loss)
    styled: bool = False  # read from a document: `one_line` says which containers were one-line
    one_line: set[KeyPath] = field(default_factory=set)
    single: set[KeyPath] = field(default_factory=set)  # strings the source wrote in '...'
    escaped: set[KeyPath] = field(default_factory=set)  # strings written with \\u escapes


@dataclass(frozen=True)
class YamlMarks:
    tags: dict[KeyPath, str]  # non-standard tags: !append, !delete, !custom
    anchors: dict[KeyPath, str]
    aliases: dict[KeyPath, str]
    merges: dict[KeyPath, str] = field(default_factory=dict)  # `<<: *name` merge keys


def convert(doc: Document, to: str, *, lossy: bool = False) -> Conversion:
    """`doc` as a `to` file. What `to` cannot hold is a UsageError naming each key path unless
    `lossy`; then the Conversion lists each Loss (the step note shows them)."""
    if to not in FORMATS:
        raise UsageError(f"unknown format {to!r}", f"use one of {', '.join(FORMATS)}")
    if to == doc.format:
        return Conversion(doc.text, ())
    result = _rendered(doc, to)
    from gitmigrate.files.convert_layout import layout_losses
    from gitmigrate.files.document import loads

    def back(text: str) -> str:
        return _rendered(loads(text, to, doc.name), doc.format).text

    layout = layout_losses(doc, result.text, to, result.losses, back)
    if layout:
        result = Conversion(result.text, (*result.losses, *layout))  # after, in line order
    return _finish(result, doc.name, to, lossy)


def _rendered(doc: Document, to: str) -> Conversion:
    result = render_model(model_of(doc), to, doc.newline)
    if doc.text and not doc.text.endswith("\n") and result.text.endswith(doc.newline):
        result = Conversion(result.text[: -len(doc.newline)], result.losses)  # no final newline
    return result


def render_data(data: Any, format: str, *, lossy: bool = False) -> Conversion:
    """Plain data (a merge result) as a `format` file, without comments."""
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}", f"use one of {', '.join(FORMATS)}")
    return _finish(
        render_model(Model(data, ordered=False), format, "\n"), "the data", format, lossy
    )


def render_model(model: Model, to: str, newline: str) -> Conversion:
    from gitmigrate.files.convert_render import renderers

    renderer = renderers()[to](model)
    text = renderer.render()
    if newline != "\n":
        text = text.replace("\n", newline)
    return Conversion(text, tuple(renderer.losses))


def _finish(result: Conversion, name: str, to: str, lossy: bool) -> Conversion:
    blocking = [loss for loss in result.losses if not loss.layout]
    if blocking and not lossy:
        listed = "; ".join(str(loss) for loss in blocking[:20])
        more = f" (and {len(blocking) - 20} more)" if len(blocking) > 20 else ""
        raise UsageError(
            f"{name} cannot be converted to {to} without losing {len(blocking)} "
            f"thing(s): {listed}{more}",
            "change those keys first, or pass --lossy to convert anyway (the step note lists each loss)",
        )
    return result


def model_of(doc: Document) -> Model:
    """The neutral model of `doc`: its data, and the comments and blank lines around each entry
    (a full-line comment belongs to the entry after it; a trailing one to its line's entry)."""
    model = Model(data=doc.data, source=doc.format, styled=True)
    text = doc.text
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_at(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    entry_at: dict[int, list[KeyPath]] = {}
    inside: set[int] = set()  # lines within a multi-line scalar (a blank there is content)
    for path, node in doc.nodes.items():
        if not path:
            continue
        first = line_at(node.key.start if node.key is not None else node.span.start)
        entry_at.setdefault(first, []).append(path)
        literal = text[node.span.start : node.span.end]
        if isinstance(node.value, dict | list) and node.flow and literal and "\n" not in literal:
            model.one_line.add(path)
        if isinstance(node.value, str) and literal.startswith("'") and doc.format != "ini":
            model.single.add(path)
        if isinstance(node.value, str) and ("\\u" in literal or "\\U" in literal):
            model.escaped.add(path)  # `"Gr\\u00fc\\u00df"` as JSON's ensure_ascii writes it
        if node.is_leaf and node.span.end > node.span.start:
            # a literal ending in a line break (a YAML `|+` block keeping blank lines) holds
            # the line after it too: that blank line is the value's, not a separator
            last = line_at(node.span.end - (0 if literal.endswith("\n") else 1))
            inside.update(range(line_at(node.span.start) + 1, last + 1))
    full = {c.line: text[c.span.start : c.span.end] for c in doc.comments if not c.inline}
    inline = {c.line: c for c in doc.comments if c.inline}

    pending: list[str | None] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, line in enumerate(lines, start=1):
        if number in inside:
            continue
        if number in full:
            pending.append(full[number])
        elif not line.strip():
            pending.append(None)
        elif number in entry_at:
            start = entry_at[number][0]
            if pending:
                model.notes.setdefault(start, Notes()).before.extend(pending)
            pending = []
    model.footer = pending

    for number, comment in inline.items():
        owner = _inline_owner(doc, entry_at.get(number, []), number, line_at)
        body = text[comment.span.start : comment.span.end]
        gap_start = comment.span.start
        while gap_start > 0 and text[gap_start - 1] in " \t":
            gap_start -= 1
        if owner is None:
            model.footer.append(body)
        else:
            model.notes.setdefault(owner, Notes()).after = (
                text[gap_start : comment.span.start],
                body,
            )
    if doc.format == "yaml":
        marks = document_marks(doc)
        model.aliases, model.anchors, model.tags = marks.aliases, marks.anchors, marks.tags
        model.merges = marks.merges
    return model


def document_marks(doc: Document) -> YamlMarks:
    """The tags, anchors and aliases of a YAML Document, from its nodes (an alias node's literal
    is `*name`); merge keys (`<<: *a`) have no node, so a text holding `<<` is read again."""
    marks = YamlMarks({}, {}, {})
    for path, node in doc.nodes.items():
        literal = doc.text[node.span.start : node.span.end]
        if literal.startswith("*"):
            marks.aliases[path] = literal[1:]
            continue
        if node.anchor:
            marks.anchors[path] = node.anchor
        if node.tag and not node.tag.startswith("tag:yaml.org,2002:"):
            marks.tags[path] = node.tag
    if "<<" in doc.text:
        marks.merges.update(yaml_marks(doc.text, doc.name).merges)
    return marks


def _inline_owner(
    doc: Document, starting: list[KeyPath], line: int, line_at: Any
) -> KeyPath | None:
    keyed = [p for p in starting if doc.nodes[p].key is not None]
    if keyed:
        return min(keyed, key=len)  # `a: {b: 1}  # c` is a's comment, `- b: 1  # c` is b's
    if starting:
        return starting[-1]
    ending = [
        p
        for p, node in doc.nodes.items()
        if p and node.span.end > node.span.start and line_at(node.span.end - 1) == line
    ]
    return ending[0] if ending else None


def yaml_marks(text: str, name: str) -> YamlMarks:
    """The tags, anchors and aliases of a YAML text by key path (ruamel.yaml's round-trip
    loader keeps them; the data of a Document has them resolved)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        root = YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise UsageError(f"{name} is not valid YAML: {exc}", "fix the file first") from None
    marks = YamlMarks({}, {}, {})
    seen: dict[int, str] = {}

    def walk(value: Any, path: KeyPath) -> None:
        anchor = getattr(getattr(value, "anchor", None), "value", None)
        if isinstance(value, dict | list) or anchor:
            if id(value) in seen and path:
                marks.aliases[path] = seen[id(value)]
                return
            if anchor:
                seen[id(value)] = anchor
                marks.anchors[path] = anchor
        tag = getattr(getattr(value, "tag", None), "value", None)
        if tag and not tag.startswith("tag:yaml.org,2002:"):
            marks.tags[path] = tag
        if isinstance(value, dict):
            for entry in getattr(value, "merge", None) or ():
                merged = (
                    entry[1] if isinstance(entry, tuple) else entry
                )  # ruamel < 0.19: (pos, map)
                name = getattr(getattr(merged, "anchor", None), "value", None)
                marks.merges[path] = name or "?"
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, (*path, index))

    walk(root, ())
    return marks
