"""SOPS value encryption: one leaf <-> `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`.

AES-256-GCM with the document's data key, a 32-byte random nonce (as SOPS writes it) and the
key path as additional data, so a value moved to another key no longer decrypts. The type field
says how the plaintext bytes read back (str, int, float, bool, time, comment, bytes)."""

from __future__ import annotations

import base64
import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gitmigrate.errors import UsageError

ENC_RE = re.compile(r"^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]")
NONCE_BYTES = 32
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Comment:
    """A comment's text as a tree value (type `comment`), so it encrypts like a leaf."""

    text: str


class FloatText(float):
    """A float with the text it was written as where that is not the text a decryption would
    write (`1e-05`, `1.5e+300`): that text is what gets encrypted, so the float comes back as
    it was. Go's ParseFloat reads it (sops -d decrypts it) and the MAC hashes the float as
    SOPS formats it, so sops checks the same MAC."""

    text: str

    def __new__(cls, text: str) -> FloatText:
        value = super().__new__(cls, float(text))
        value.text = text
        return value


# the float literals Go's strconv.ParseFloat reads as YAML, JSON and TOML mean them
_FLOAT_TEXT = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def keep_float_text(value: Any, text: str, written: str) -> Any:
    """`value` as a FloatText when it is a float written as `text` and a decryption would
    write it as `written` instead; else `value` itself."""
    if (
        isinstance(value, float)
        and text != written
        and _FLOAT_TEXT.fullmatch(text)
        and float(text) == value
    ):
        return FloatText(text)
    return value


def is_encrypted_value(value: Any) -> bool:
    return isinstance(value, str) and ENC_RE.match(value) is not None


def aad_of(path: tuple[str | int, ...]) -> str:
    """The additional data of a leaf: its mapping keys, each followed by `:`; list indices
    are left out (every item of a list shares its key's path)."""
    return "".join(f"{part}:" for part in path if isinstance(part, str))


def comment_aad(parent: tuple[str | int, ...]) -> str:
    """A comment uses the path of its container; the root's is `:`."""
    keys = [part for part in parent if isinstance(part, str)]
    return ":".join(keys) + ":"


def type_of(value: Any) -> str:
    if isinstance(value, Comment):
        return "comment"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int" if _INT64[0] <= value <= _INT64[1] else "float"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dt.datetime | dt.date):
        return "time"
    if isinstance(value, bytes):
        return "bytes"
    return "str"


def to_bytes(value: Any) -> bytes:
    """The plaintext bytes of a typed value, as SOPS writes them (and hashes them for the MAC)."""
    if isinstance(value, Comment):
        return value.text.encode()
    if isinstance(value, bool):
        return b"True" if value else b"False"
    if isinstance(value, int):
        return str(value).encode()
    if isinstance(value, FloatText):
        return value.text.encode()
    if isinstance(value, float):
        return format_float(value).encode()
    if isinstance(value, dt.datetime | dt.date):
        return format_time(value).encode()
    if isinstance(value, bytes):
        return value
    if value is None:
        return b""
    return str(value).encode()


def mac_bytes(value: Any) -> bytes:
    """The bytes a value adds to the MAC: as `to_bytes`, except that an integer past int64 is
    hashed as SOPS sees it (a float: Go's shortest digits), so SOPS checks the same MAC."""
    if isinstance(value, int) and not isinstance(value, bool) and type_of(value) == "float":
        return format_float(float(value)).encode()
    if isinstance(value, FloatText):
        return format_float(float(value)).encode()
    return to_bytes(value)


def format_float(value: float) -> str:
    """Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits, never an exponent."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def scalar_text(value: Any, specials: dict[str, str]) -> str | None:
    """A decrypted non-string value as YAML and TOML write it (`specials`: the format's names
    for NaN and the infinities); None for a string, which each store quotes its own way."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, FloatText):
        return value.text
    if isinstance(value, float):
        text = format_float(value)
        if text in specials:
            return specials[text]
        return text if re.search(r"[.eE]", text) else text + ".0"
    if isinstance(value, dt.date):
        return format_time(value)
    return None


def format_time(value: dt.date) -> str:
    """Go's time.MarshalText (RFC 3339, nanoseconds when non-zero); a date is midnight UTC."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += ("." + f"{value.microsecond:06d}").rstrip("0")
    offset = value.utcoffset()
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def from_bytes(plain: bytes, kind: str) -> Any:
    """Plaintext bytes + type field -> the typed value."""
    text = plain.decode("utf-8")
    if kind == "str":
        return text
    if kind == "comment":
        return Comment(text)
    if kind == "int":
        return int(text)
    if kind == "float":
        if re.fullmatch(r"-?\d+", text) and not _INT64[0] <= int(text) <= _INT64[1]:
            return int(text)  # an integer past int64, written exactly (SOPS reads a float)
        value = float(text.replace("+Inf", "inf").replace("-Inf", "-inf"))
        return keep_float_text(value, text, format_float(value))
    if kind == "bool":
        if text in ("1", "t", "T", "TRUE", "true", "True"):
            return True
        if text in ("0", "f", "F", "FALSE", "false", "False"):
            return False
        raise UsageError(f"a bool value holds {len(text)} bytes that are not a bool", _CORRUPT)
    if kind == "time":
        return dt.datetime.fromisoformat(_trim_nanos(text).replace("Z", "+00:00"))
    if kind == "bytes":
        return plain
    raise UsageError(f"unknown SOPS value type {kind!r}", _CORRUPT)


def _trim_nanos(text: str) -> str:
    match = re.match(r"(.*T\d\d:\d\d:\d\d)\.(\d+)(.*)$", text)
    if not match:
        return text
    return f"{match.group(1)}.{match.group(2)[:6].ljust(6, '0')}{match.group(3)}"


def encrypt(value: Any, key: bytes, aad: str, *, nonce: bytes | None = None) -> str:
    """Encrypt one typed value; an empty string stays empty (SOPS never encrypts it)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plain = to_bytes(value)
    if isinstance(value, str | Comment) and not plain:
        return ""
    nonce = nonce or os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plain, aad.encode())
    data, tag = sealed[:-16], sealed[-16:]
    return (
        f"ENC[AES256_GCM,data:{_b64(data)},iv:{_b64(nonce)},tag:{_b64(tag)},type:{type_of(value)}]"
    )


def decrypt(text: str, key: bytes, aad: str) -> Any:
    """Decrypt one `ENC[...]` value; a wrong key, a wrong path or a changed byte raise
    UsageError (GCM authenticates all three). The empty string decrypts to itself."""
    if text == "":
        return ""
    match = ENC_RE.match(text)
    if match is None:
        raise UsageError("not a SOPS-encrypted value", "expected ENC[AES256_GCM,data:…]")
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        data, nonce, tag = (base64.b64decode(match.group(i), validate=True) for i in (1, 2, 3))
        plain = AESGCM(key).decrypt(nonce, data + tag, aad.encode())
    except (InvalidTag, ValueError):
        where = aad.rstrip(":").replace(":", ".") or "(root)"
        raise UsageError(
            f"the value at {where} does not decrypt (changed, moved to another key, or another "
            "data key)",
            "restore the value from git, or re-encrypt the file",
        ) from None
    return from_bytes(plain, match.group(4))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


_CORRUPT = "the file was changed by hand or is corrupt; restore it from git"
