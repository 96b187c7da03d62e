"""What a config step's change looks like once it is in the files: the key has the value, the
old key is gone and the new one there, the converted file parses, the merged file holds the
merge of its layers, the file is encrypted. verify asks this in the repository (is the step
commit's change checked out?) and in an outside tree (did apply write it?)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.keypath import format_key, parse_key
from gitmigrate.kinds.config.options import SECRET_OPS, ConfigOptions
from gitmigrate.kinds.config.transform import Reader, document


def expected_state(read: Reader, options: ConfigOptions) -> list[str]:
    """What is not as the step left it (empty: all is)."""
    try:
        return _state(read, options)
    except UsageError as exc:  # a file missing or no longer parsing
        return [exc.message]


def _state(read: Reader, options: ConfigOptions) -> list[str]:
    op = options.op
    if op == "convert":
        out = options.converted_path
        document(read, out)  # parses in its format
        if options.replaces_source and out != options.file and read(str(options.file)):
            return [f"{options.file} is still there (converted to {out})"]
        return []
    if op == "merge":
        return _merged(read, options)
    file = str(options.file)
    doc = document(read, file)
    if op in SECRET_OPS:
        from gitmigrate.files import sops

        if not sops.is_encrypted(doc.text, doc.format):
            return [f"{file} is not encrypted"]
        if op == "update-keys":
            have = sops.recipients_of(doc.text, doc.format, file)
            missing = [r for r in (*options.age, *options.pgp) if r not in (*have.age, *have.pgp)]
            if missing:
                return [f"{file} is not encrypted for {', '.join(missing)}"]
        return []
    key = parse_key(str(options.key))
    shown = format_key(key)
    if op == "set":
        if not doc.has(key):
            return [f"{file} has no key {shown}"]
        if not same_value(doc.get(key), options.value, doc.format):
            return [f"{file}: {shown} is {doc.get(key)!r}, not {options.value!r}"]
        return []
    if op == "unset":
        return [f"{file} still has the key {shown}"] if doc.has(key) else []
    new = parse_key(str(options.new_key))
    if op == "rename" and len(new) == 1 and len(key) > 1:
        new = (*key[:-1], *new)
    found = []
    if doc.has(key) and key != new:
        found.append(f"{file} still has the key {shown}")
    if not doc.has(new):
        found.append(f"{file} has no key {format_key(new)}")
    return found


def _merged(read: Reader, options: ConfigOptions) -> list[str]:
    from gitmigrate.files import merge

    out = str(options.out)
    have = document(read, out).data
    want = merge.merge_layers([document(read, s) for s in options.sources]).data
    if _plain(have) != _plain(want):
        return [f"{out} is not the merge of {', '.join(options.sources)}"]
    return []


def same_value(found: Any, wanted: Any, fmt: str) -> bool:
    """Equal as data; INI and .env hold every value as text, so there the text counts."""
    if _plain(found) == _plain(wanted) and isinstance(found, bool) == isinstance(wanted, bool):
        return True
    if fmt in ("ini", "env") and isinstance(found, str):
        return found == as_text(wanted)
    return False


def as_text(value: Any) -> str:
    """A value as INI/.env text holds it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> Any:
    """Dicts compared without regard to their type (ruamel's CommentedMap, tomlkit's Table)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
