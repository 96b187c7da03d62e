"""The key-level diff of a config step: what plan and review show (migration-plan.md) and what
`--print` prints. Computed when the step is authored (for the repository: from the files before
and after; for an outside tree, whose files are elsewhere: from the options) and kept in the
step's `changes.json`, so describing a step needs neither the repository nor the tree.

Values of secret-looking keys, of encrypted values and of every secret operation are hidden:
the diff says *that* they changed, never what they are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.kinds.config.options import SECRET_OPS, ConfigOptions
from gitmigrate.kinds.config.transform import Loss, Reader, as_display, document

CHANGES_FILE = "changes.json"
HIDDEN = "(hidden)"
_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)", re.IGNORECASE
)


@dataclass(frozen=True)
class KeyChange:
    file: str
    key: str  # a key path, `(root)` for the file as a whole
    what: str  # added | removed | changed | renamed | moved | created | deleted | encrypted ...
    old: str | None = None  # short display forms, HIDDEN for secrets
    new: str | None = None

    def line(self) -> str:
        """`config/app.yaml: server.port changed 80 -> 8080`."""
        values = ""
        if self.what in ("renamed", "moved"):
            values = f" to {self.new}"
        elif self.old is not None and self.new is not None:
            values = f" {self.old} -> {self.new}"
        elif self.new is not None:
            values = f" = {self.new}"
        elif self.old is not None:
            values = f" (was {self.old})"
        return f"{self.file}: {self.key} {self.what}{values}"


def is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.search(key))


def _shown(key: str, value: Any, hide: bool) -> str:
    if hide or is_secret_key(key) or (isinstance(value, str) and value.startswith("ENC[")):
        return HIDDEN
    return as_display(value)


def from_files(
    read: Reader, after: Mapping[str, bytes | None], options: ConfigOptions
) -> list[KeyChange]:
    """Per changed file, the added / removed / changed key paths (diff of the data)."""
    from gitmigrate.files.formats import format_of
    from gitmigrate.files.keypath import format_key

    hide = options.op in SECRET_OPS
    out: list[KeyChange] = []
    for path, new in sorted(after.items()):
        old = read(path)
        if options.op in SECRET_OPS:
            out.append(KeyChange(path, "(root)", options.op.replace("-", " ") + "ed"))
            continue
        if new is None:
            out.append(KeyChange(path, "(root)", "deleted"))
            continue
        if options.op == "convert" and old is None:
            out.append(KeyChange(path, "(root)", f"created from {options.file}"))
            continue
        try:
            format_of(path)
            before = document(read, path).data if old is not None else {}
            now = document(lambda _, new=new: new, path).data  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - not a config file we can read: a file-level row
            out.append(KeyChange(path, "(root)", "created" if old is None else "changed"))
            continue
        if options.op in ("rename", "move") and old is not None:
            out.append(_relocated(path, before, now, options))
            continue
        for change in _diff(before, now):
            key = format_key(change.path)
            out.append(
                KeyChange(
                    path,
                    key,
                    change.what,
                    None if change.what == "added" else _shown(key, change.old, hide),
                    None if change.what == "removed" else _shown(key, change.new, hide),
                )
            )
    return out


def _relocated(path: str, before: Any, now: Any, options: ConfigOptions) -> KeyChange:
    """A rename or move as one row: the key, where it went (its value unchanged)."""
    from gitmigrate.files.keypath import format_key, parse_key

    old, new = parse_key(str(options.key)), parse_key(str(options.new_key))
    if options.op == "rename" and len(new) == 1 and len(old) > 1:
        new = (*old[:-1], *new)
    what = "renamed" if options.op == "rename" else "moved"
    return KeyChange(path, format_key(old), what, None, format_key(new))


def _diff(before: Any, now: Any) -> list[Any]:
    from gitmigrate.files.diff import diff_data

    return list(diff_data(before, now))


def from_options(options: ConfigOptions) -> list[KeyChange]:
    """What the step will change where the files are not at hand (an outside tree)."""
    file, key = str(options.file), str(options.key)
    if options.op == "set":
        return [KeyChange(file, key, "set", None, _shown(key, options.value, False))]
    if options.op == "unset":
        return [KeyChange(file, key, "removed")]
    if options.op in ("rename", "move"):
        what = "renamed" if options.op == "rename" else "moved"
        return [KeyChange(file, key, what, None, str(options.new_key))]
    if options.op == "convert":
        return [KeyChange(options.converted_path, "(root)", f"created from {file}")]
    if options.op == "merge":
        return [KeyChange(str(options.out), "(root)", "merged from " + ", ".join(options.sources))]
    return [KeyChange(file, "(root)", options.op.replace("-", " ") + "ed")]


def dump(changes: list[KeyChange], losses: tuple[Loss, ...]) -> bytes:
    body = {"changes": [asdict(c) for c in changes], "losses": [asdict(x) for x in losses]}
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def recorded(step: Step) -> tuple[list[KeyChange], list[Loss]]:
    """The changes and losses kept in the step (none for a step without the file)."""
    raw = step.files.get(CHANGES_FILE)
    if raw is None:
        return [], []
    try:
        body = json.loads(raw.decode("utf-8"))
        changes = [KeyChange(**c) for c in body.get("changes", [])]
        losses = [Loss(**x) for x in body.get("losses", [])]
    except (ValueError, TypeError):
        return [], []
    return changes, losses
