"""Each config operation as a pure function of the files it reads: `transform(read, options)`
-> the files it changes (path -> new bytes, None to delete). The same function authors a
repository step (its result is the step commit) and applies a step to an outside tree, so the
preview, the commit and the deployed change are one computation.

The file layer does the work: files.edit (byte-preserving set/unset/rename/move),
files.convert, files.merge and files.sops; they are imported where used (ruamel.yaml, tomlkit,
pyrage load only for the operation that needs them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Document, decode, loads
from gitmigrate.files.formats import format_of
from gitmigrate.files.keypath import format_key, parse_key
from gitmigrate.kinds.config.options import ConfigOptions

Reader = Callable[[str], bytes | None]  # path relative to the tree -> its bytes, None: absent


@dataclass(frozen=True)
class Loss:
    """What a lossy conversion dropped (from files.convert), as the step records it."""

    file: str
    key: str
    reason: str

    @property
    def layout(self) -> bool:
        """Only how lines are written changes: reported, not destructive."""
        from gitmigrate.files.convert import LAYOUT

        return self.reason.startswith(LAYOUT)


@dataclass(frozen=True)
class Outcome:
    files: dict[str, bytes | None]
    losses: tuple[Loss, ...] = ()


def transform(read: Reader, options: ConfigOptions) -> dict[str, bytes | None]:
    """The files the operation changes (unchanged ones left out)."""
    return outcome(read, options).files


def outcome(read: Reader, options: ConfigOptions) -> Outcome:
    """The changed files plus what a lossy conversion lost."""
    op = options.op
    if op in ("set", "unset", "rename", "move"):
        file = str(options.file)
        doc = document(read, file)
        if has_sops_block(doc):
            raise UsageError(
                f"{file} is SOPS-encrypted: an edit would break its MAC",
                "decrypt it (`git migrate config secrets decrypt`), edit the plaintext, and"
                " encrypt it again",
            )
        text = _edit(doc, options)
        return Outcome(_changed(read, {file: _encode(text, read(file))}))
    if op == "convert":
        return _convert(read, options)
    if op == "merge":
        return Outcome(_changed(read, {str(options.out): _merge(read, options).encode("utf-8")}))
    return Outcome(_changed(read, {str(options.file): _secret(read, options).encode("utf-8")}))


def document(read: Reader, file: str) -> Document:
    """The file parsed; a missing or binary file is a UsageError naming it."""
    raw = read(file)
    if raw is None:
        raise UsageError(f"{file} does not exist", "give a config file of the tree")
    return loads(decode(raw, file), format_of(file), file)


def has_sops_block(doc: Document) -> bool:
    """Whether the document carries SOPS metadata (a `sops` table with a mac; flattened
    `sops_mac` in .env), read from the data without loading the sops package."""
    data = doc.data if isinstance(doc.data, dict) else {}
    block = data.get("sops")
    return (isinstance(block, dict) and "mac" in block) or "sops_mac" in data


def _edit(doc: Document, options: ConfigOptions) -> str:
    from gitmigrate.files import edit

    path = parse_key(str(options.key))
    if options.op == "set":
        return edit.set_value(doc, path, options.value)
    if options.op == "unset":
        return edit.unset(doc, path)
    new = parse_key(str(options.new_key))
    if options.op == "rename":
        if new[:-1] != path[:-1] and len(new) == 1:
            new = (*path[:-1], *new)  # rename a.b c: the new name of the same parent
        if new[:-1] != path[:-1]:
            raise UsageError(
                f"rename keeps a key under its parent: {format_key(path)} -> {format_key(new)}",
                "give the new name only, or use `config move` to change the parent",
            )
        return edit.rename(doc, path, new)
    return edit.move(doc, path, new)


def _convert(read: Reader, options: ConfigOptions) -> Outcome:
    from gitmigrate.files import convert

    file = str(options.file)
    doc = document(read, file)
    result = convert.convert(doc, str(options.to), lossy=options.lossy)
    out = options.converted_path
    files: dict[str, bytes | None] = {out: result.text.encode("utf-8")}
    if options.replaces_source and out != file:
        files[file] = None
    losses = tuple(Loss(file, format_key(loss.path), loss.reason) for loss in result.losses)
    return Outcome(_changed(read, files), losses)


def _merge(read: Reader, options: ConfigOptions) -> str:
    from gitmigrate.files import merge

    docs = [document(read, source) for source in options.sources]
    merged = merge.merge_layers(docs)
    return merge.render(merged.data, format_of(str(options.out)))


def _secret(read: Reader, options: ConfigOptions) -> str:
    from gitmigrate.files import sops

    file = str(options.file)
    raw = read(file)
    if raw is None:
        raise UsageError(f"{file} does not exist", "give a config file of the tree")
    text, fmt = decode(raw, file), format_of(file)
    if options.op == "encrypt":
        if sops.is_encrypted(text, fmt):
            raise UsageError(
                f"{file} is encrypted already",
                "rotate its data key with `config secrets rotate`, or decrypt it first",
            )
        recipients = sops.Recipients(age=options.age, pgp=options.pgp)
        return str(sops.encrypt_text(text, fmt, file, recipients, encrypted_regex=options.keys))
    identities = sops.Identities.from_environment()
    if options.op == "rotate":
        return str(sops.rotate_text(text, fmt, file, identities))
    recipients = sops.Recipients(age=options.age, pgp=options.pgp)
    return str(sops.update_keys(text, fmt, file, identities, recipients))


def _encode(text: str, before: bytes | None) -> bytes:
    """UTF-8, keeping a byte-order mark the file had."""
    bom = b"\xef\xbb\xbf"
    body = text.encode("utf-8")
    if before is not None and before.startswith(bom) and not body.startswith(bom):
        return bom + body
    return body


def _changed(read: Reader, files: dict[str, bytes | None]) -> dict[str, bytes | None]:
    return {path: new for path, new in files.items() if read(path) != new}


def as_display(value: Any, limit: int = 60) -> str:
    """A value as one short line for plans and previews (JSON-like)."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
