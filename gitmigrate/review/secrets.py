"""A small plaintext-secret scanner for step files.

Config steps are scanned for private key blocks, AWS access key ids, secret-looking keys with
literal values (`password = "..."`, `secret: ...`) and URLs with a password; every step's TOML
and SQL for URLs with a password. A value that refers to a secret instead of holding it
(`${VAR}`, `$VAR`, `{{ var }}`, `<placeholder>`, empty) is not a finding. Findings never
repeat the secret: they name the file, the line and what kind of secret it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_PRIVATE_KEY = re.compile(
    r"-----BEGIN ((?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----"
)
_AWS_KEY = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")
_URL_PASSWORD = re.compile(
    r"\b[a-zA-Z][a-zA-Z0-9+.-]*://(?P<user>[^:/@\s'\"]*):(?P<pw>[^@/\s'\"]+)@"
)
_SECRET_KEY = re.compile(
    r"""(?ix)(?:^|[\s{,])["']?
    (?P<key>[a-z0-9_.-]*(?:password|passwd|passphrase|secret|api[_-]?key|access[_-]?key|
        private[_-]?key|auth[_-]?token|access[_-]?token)[a-z0-9_.-]*)
    ["']?\s*[:=]\s*
    (?P<value>"[^"\n]*"|'[^'\n]*'|\$\{[^}\n]*\}|\{\{[^}\n]*\}\}|<[^>\n]*>|[^\s#,}\]]+)"""
)
# keys about a secret, not holding one (password_min_length = 12, secret_file = "/run/...")
_META_KEY = re.compile(
    r"(?i)(_|-|\.)(length|len|min|max|file|path|env|var|name|policy|ref|hash|algorithm|rotation"
    r"|expiry|expires|ttl|enabled|required|id)$"
)
_REFERENCE = re.compile(
    r"^(\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*\}\}|<[^>]*>|%\([^)]*\)s|\*+|x+|"
    r"(env|vault|secret|ssm|file|op|aws-sm|gcp-sm)://?.*|(env|vault|file):.*)$",
    re.IGNORECASE,
)
_NOT_SECRET = frozenset({"", "true", "false", "null", "none", "nil", "~", "redacted"})
SCANNED_SUFFIXES = (".toml", ".sql")


@dataclass(frozen=True)
class SecretFinding:
    file: str
    line: int
    kind: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "kind": self.kind}


def _is_reference(value: str) -> bool:
    value = value.strip().strip("\"'").strip()
    if value.lower() in _NOT_SECRET or value.replace(".", "").isdigit():
        return True
    return bool(_REFERENCE.match(value))


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _urls(text: str) -> Iterator[tuple[int, str]]:
    for match in _URL_PASSWORD.finditer(text):
        if not _is_reference(match.group("pw")):
            yield match.start(), "URL with a password"


def scan_text(text: str, *, full: bool) -> list[tuple[int, str]]:
    """(line, kind) of each secret in `text`; `full` adds key blocks, AWS keys and key = value."""
    hits = list(_urls(text))
    if full:
        hits += [(m.start(), "private key block") for m in _PRIVATE_KEY.finditer(text)]
        hits += [
            (m.start(), "AWS access key id")
            for m in _AWS_KEY.finditer(text)
            if "EXAMPLE" not in m.group(0)
        ]
        for match in _SECRET_KEY.finditer(text):
            key, value = match.group("key"), match.group("value")
            if _META_KEY.search(key) or _is_reference(value) or "://" in value:
                continue  # URLs are judged by the URL rule (a ${VAR} password is fine)
            hits.append((match.start("key"), f"plaintext value for {key!r}"))
    return sorted({(_line_of(text, offset), kind) for offset, kind in hits})


def scan_files(files: Mapping[str, bytes], prefix: str, *, full: bool) -> list[SecretFinding]:
    """Scan step files (`prefix` + name). Non-full scans read only TOML and SQL files."""
    found = []
    for name, body in sorted(files.items()):
        if not full and not name.endswith(SCANNED_SUFFIXES):
            continue
        if b"\0" in body[:8192]:
            continue  # binary
        text = body.decode("utf-8", errors="replace")
        path = f"{prefix}/{name}" if prefix else name
        found += [SecretFinding(path, line, kind) for line, kind in scan_text(text, full=full)]
    return found
