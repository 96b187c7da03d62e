"""A small plaintext-secret scanner for step files (the pre-push hook and `review`).

Every file of a step is read for URLs with a password. Config steps (and the files their commits
change) are also read for private key blocks, AWS access key ids, and plaintext values under a
secret-looking key (`password = "..."`, `secret: ...`, `"api_key": "..."`, `DB_PASSWORD=...`),
in every config format: YAML, JSON, TOML, INI and .env. "Under" includes containers: every value
inside `secrets:` / `[secrets]` / `"secrets": {...}` is a secret too.

A value that refers to a secret instead of holding it (`${VAR}`, `$VAR`, `{{ var }}`,
`<placeholder>`, empty) is not a finding, and neither is a SOPS-encrypted value
(`ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]`): files encrypted with `git migrate config
secrets encrypt` or with sops itself pass. Findings never repeat the secret: they name the file,
the line and what kind of secret it is.

The scanner is textual on purpose (no YAML/TOML parser): the hook runs on every push and must
also judge files that do not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.formats import format_of
from gitmigrate.files.keypath import KeyPath

_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----"
)
_AWS_KEY = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")
_URL_PASSWORD = re.compile(
    r"\b[a-zA-Z][a-zA-Z0-9+.-]*://(?P<user>[^:/@\s'\"]*):(?P<pw>[^@/\s'\"]+)@"
)
_SECRET_WORDS = (
    r"password|passwd|passphrase|secret|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|auth[_-]?token|access[_-]?token"
)
_SECRET_NAME = re.compile(rf"(?i)(?:{_SECRET_WORDS}|(?:^|[_.-])token(?:s)?(?:$|[_.-]))")
# `key: value` / `key = value` / `"key": value` / `export KEY=value` on one line. The value
# alternatives: a SOPS value, quoted strings, references, a block-scalar indicator, a container
# opener, or a bare word. An empty value (end of line) opens a YAML block container.
_ASSIGN = re.compile(
    rf"""(?imx)(?:^|(?<=[\s{{,]))["']?
    (?P<key>[a-z0-9_.-]*(?:{_SECRET_WORDS}|token)[a-z0-9_.-]*)
    ["']?[ \t]*[:=](?![:=])[ \t]*
    (?P<value>ENC\[[^\]\n]*\]|"[^"\n]*"|'[^'\n]*'|\$\{{[^}}\n]*\}}|\{{\{{[^}}\n]*\}}\}}|<[^>\n]*>
       |[{{\[]|[^\s#,}}\]]+)?"""
)
# keys about a secret, not holding one (password_min_length = 12, secret_file = "/run/..."),
# and keys SOPS leaves in clear on purpose (its `_unencrypted` suffix)
_META_KEY = re.compile(
    r"(?i)(_|-|\.)(length|len|min|max|file|path|env|var|name|policy|ref|hash|algorithm|rotation"
    r"|expiry|expires|ttl|enabled|required|id|url|uri|endpoint|type|regex|suffix|unencrypted)$"
)
_REFERENCE = re.compile(
    r"^(\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|<[^>]*>|%\([^)]*\)s|\*+|x+|"
    r"(env|vault|secret|ssm|file|op|aws-sm|gcp-sm)://?.*|(env|vault|file):.*)$",
    re.IGNORECASE | re.DOTALL,
)
# A value as sops writes it (and files/sops): base64 fields, the original type last.
_ENCRYPTED = re.compile(
    r"ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,"
    r"type:(?:str|int|float|bool|bytes|comment)\]"
)
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*")
_SECTION = re.compile(r"(?m)^[ \t]*\[\[?[ \t]*(?P<name>[^\]\n]+?)[ \t]*\]\]?[ \t]*(?:[#;].*)?$")
_SECTION_ENTRY = re.compile(
    r"(?m)^[ \t]*(?P<key>[^\s=:#;\[][^=:\n]*?)[ \t]*[=:][ \t]*(?P<value>.*)$"
)
_QUOTED = re.compile(r""""(?:[^"\\\n]|\\.)*"|'[^'\n]*'""")
_NOT_SECRET = frozenset({"", "true", "false", "null", "none", "nil", "~", "redacted"})
_CODE_SUFFIXES = (".sql",)


@dataclass(frozen=True)
class SecretFinding:
    file: str
    line: int
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "kind": self.kind}


def is_secret_key(name: str) -> bool:
    """A key that holds a secret (`db_password`, `API_KEY`), not one about a secret
    (`password_min_length`, `secret_file`)."""
    return bool(_SECRET_NAME.search(name)) and not _META_KEY.search(name)


def is_secret_path(path: KeyPath) -> bool:
    """A key path whose value is secret: any of its keys is a secret key (`db.password`,
    `secrets.github`, `tokens[0]`). Used to hide values in diffs, history and explain."""
    return any(isinstance(part, str) and is_secret_key(part) for part in path)


def is_encrypted(value: object) -> bool:
    """A SOPS-encrypted value (`ENC[AES256_GCM,...]`), the only safe form of a secret in git."""
    return isinstance(value, str) and bool(_ENCRYPTED.fullmatch(value.strip()))


def is_reference(value: str) -> bool:
    """A value pointing at a secret held elsewhere (`${VAR}`, `vault://...`), or no secret
    at all (empty, a boolean, a number)."""
    value = value.strip().strip("\"'").strip()
    if value.lower() in _NOT_SECRET or value.replace(".", "").isdigit():
        return True
    return bool(_REFERENCE.match(value))


def _is_plaintext(value: str) -> bool:
    """Is `value` (a literal as written, quotes included) a secret stored in clear?"""
    bare = value.strip()
    if len(bare) >= 2 and bare[0] == bare[-1] and bare[0] in "\"'":
        bare = bare[1:-1].strip()
    if is_encrypted(bare) or is_reference(bare) or "://" in bare:
        return False  # URLs are judged by the URL rule (a ${VAR} password is fine)
    return True


def _lines_of(text: str, offsets: list[int]) -> list[int]:
    """1-based line numbers of many offsets in one pass (a file can hold many findings)."""
    import bisect

    starts = [m.start() for m in re.finditer("\n", text)] if offsets else []
    return [bisect.bisect_left(starts, offset) + 1 for offset in offsets]


def _urls(text: str) -> Iterator[tuple[int, str]]:
    for match in _URL_PASSWORD.finditer(text):
        if not is_reference(match.group("pw")):
            yield match.start(), "URL with a password"


def scan_text(text: str, *, full: bool, format: str | None = None) -> list[tuple[int, str]]:
    """(line, kind) of each secret in `text`; `full` adds key blocks, AWS keys and plaintext
    values under secret keys. `format` (yaml, json, toml, ini, env) turns on the container
    rules of that format (YAML indentation, TOML/INI sections); None guesses from the text."""
    hits = list(_urls(text))
    if full:
        hits += [(m.start(), "private key block") for m in _PRIVATE_KEY.finditer(text)]
        hits += [
            (m.start(), "AWS access key id")
            for m in _AWS_KEY.finditer(text)
            if "EXAMPLE" not in m.group(0)
        ]
        hits += _assignments(text, format)
        if format in (None, "toml", "ini"):
            hits += _sections(text)
    lines = _lines_of(text, [offset for offset, _ in hits])
    found = {(line, kind) for line, (_, kind) in zip(lines, hits, strict=True)}
    keyed = {line for line, kind in found if kind.startswith("plaintext value for")}
    return sorted(
        (line, kind)
        for line, kind in found
        if not (kind.startswith("plaintext value under") and line in keyed)
    )


def _assignments(text: str, format: str | None) -> Iterator[tuple[int, str]]:
    for match in _ASSIGN.finditer(text):
        key = match.group("key")
        if not is_secret_key(key):
            continue
        value = match.group("value") or ""
        kind = f"plaintext value for {key!r}"
        after = match.start("value") if match.group("value") else match.end()
        if value in ("{", "["):
            closing = _closing(text, after)
            for offset, literal in _values_in(text, after + 1, closing):
                if _is_plaintext(literal):
                    yield offset, f"plaintext value under {key!r}"
        elif text.startswith(('"""', "'''"), after):
            end = text.find(text[after : after + 3], after + 3)
            body = text[after + 3 : end if end != -1 else len(text)]
            if _is_plaintext(body):
                yield match.start("key"), kind
        elif value == "" or (format in (None, "yaml") and _BLOCK_SCALAR.fullmatch(value)):
            yield from _indented(text, match, key, block=bool(value))
        elif _is_plaintext(value):
            yield match.start("key"), kind


def _indented(
    text: str, match: re.Match[str], key: str, *, block: bool
) -> Iterator[tuple[int, str]]:
    """The YAML lines nested under `key:` (a mapping, a list or a block scalar)."""
    line_start = text.rfind("\n", 0, match.start("key")) + 1
    indent = match.start("key") - line_start
    pos = text.find("\n", match.end())
    lines: list[tuple[int, str]] = []
    while pos != -1:
        start = pos + 1
        pos = text.find("\n", start)
        line = text[start : pos if pos != -1 else len(text)]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(line) - len(line.lstrip()) <= indent:
            break
        lines.append((start + len(line) - len(line.lstrip()), stripped))
    if block:  # a block scalar: one value over several lines
        if lines and _is_plaintext("\n".join(s for _, s in lines)):
            yield match.start("key"), f"plaintext value for {key!r}"
        return
    for offset, stripped in lines:
        item = stripped.lstrip("- ").rstrip()
        entry = re.match(r"""(["']?)[^"':]+\1[ \t]*:(?:[ \t]+(?P<v>.*))?$""", item)
        value = (entry.group("v") or "") if entry else item
        value = re.sub(r"[ \t]+#.*$", "", value)
        if value and not _BLOCK_SCALAR.fullmatch(value) and _is_plaintext(value):
            yield offset, f"plaintext value under {key!r}"


def _closing(text: str, opener: int) -> int:
    """The offset of the bracket closing the one at `opener` (quotes skipped)."""
    depth, i, quote = 0, opener, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def _values_in(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """Quoted values (not keys) between start and end: a flow map or list, JSON or TOML."""
    for match in _QUOTED.finditer(text, start, end):
        if not re.match(r"[ \t]*[:=]", text[match.end() : end]):
            yield match.start(), match.group(0)


def _sections(text: str) -> Iterator[tuple[int, str]]:
    """TOML tables and INI sections named like a secret: every value in them is one."""
    headers = list(_SECTION.finditer(text))
    for index, header in enumerate(headers):
        name = header.group("name")
        if not any(is_secret_key(part.strip("\"' ")) for part in name.split(".")):
            continue
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        for entry in _SECTION_ENTRY.finditer(text, header.end(), end):
            value = re.sub(r"[ \t]+[#;].*$", "", entry.group("value")).strip()
            if value.startswith(('"""', "'''")):
                closing = text.find(value[:3], entry.start("value") + 3)
                value = text[entry.start("value") + 3 : closing if closing != -1 else end]
            if _is_plaintext(value) and not _META_KEY.search(entry.group("key")):
                yield entry.start("key"), f"plaintext value under {name!r}"


def _format(name: str) -> str | None:
    try:
        return format_of(name)
    except UsageError:
        return None


def scan_files(files: Mapping[str, bytes], prefix: str, *, full: bool) -> list[SecretFinding]:
    """Scan step files (`prefix` + name). Non-full scans (database steps) read config files of
    every format and SQL for URLs with a password; full scans (config steps and the files their
    commits change) read every text file with every rule."""
    found = []
    for name, body in sorted(files.items()):
        format = _format(name)
        if not full and format is None and not name.endswith(_CODE_SUFFIXES):
            continue
        if b"\0" in body[:8192]:
            continue  # binary
        text = body.decode("utf-8", errors="replace")
        path = f"{prefix}/{name}" if prefix else name
        hits = scan_text(text, full=full, format=format)
        found += [SecretFinding(path, line, kind) for line, kind in hits]
    return found
