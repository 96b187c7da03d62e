"""What a store reads from a document for encryption: its leaves in walk order with where their
literal is, its comments with the paths they may belong to, and the sops block. Stores build it
(a parser per format); `engine` encrypts/decrypts it; the store renders the new literals, which
replace the old ones in place so every other byte of the file stays as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gitmigrate.files.document import Span
from gitmigrate.files.keypath import KeyPath


@dataclass(frozen=True)
class Leaf:
    path: KeyPath  # full path, list indices included
    value: Any  # as parsed: a typed scalar, or the ENC[...] string of an encrypted one
    span: Span  # the literal (quotes included) to replace
    flow: bool = False  # inside a YAML flow collection: an ENC string must be quoted
    indent: int = 0  # column of the entry (for block scalars)
    newline: str = "\n"  # the document's line ending (for block scalars)


@dataclass(frozen=True)
class CommentSlot:
    text: str  # after the marker
    span: Span  # the text after the marker (what is replaced)
    aad: str  # the path SOPS would give it
    others: tuple[str, ...] = ()  # other paths it may have been given (tried on decrypt)
    marker: str = ""  # written before the text: "#" where SOPS wrote the comment as a list item


@dataclass
class Scanned:
    leaves: list[Leaf]
    comments: list[CommentSlot] = field(default_factory=list)
    meta: dict[str, Any] | None = None  # the sops block, unflattened
    meta_span: Span | None = None  # the text to remove to drop it


def should_encrypt(path: KeyPath, rule: tuple[str, str]) -> bool:
    """SOPS's rule over every key on the path (suffix or RE2-like regex, one rule per file)."""
    name, arg = rule
    keys = [part for part in path if isinstance(part, str)]
    if name == "unencrypted_suffix":
        return not any(key.endswith(arg) for key in keys)
    if name == "encrypted_suffix":
        return any(key.endswith(arg) for key in keys)
    if name == "unencrypted_regex":
        return not any(re.search(arg, key) for key in keys)
    if name == "encrypted_regex":
        return any(re.search(arg, key) for key in keys)
    return True  # comment-regex rules: every value (comments decide nothing here)
