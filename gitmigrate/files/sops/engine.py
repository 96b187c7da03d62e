"""encrypt / decrypt / rotate / re-key a document's text. Each scans the text with its format's
store, computes the new literal of every leaf (and comment), replaces them in place and writes
the sops block after the data: every byte outside those spans stays as it was."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Span
from gitmigrate.files.edit import replace_spans
from gitmigrate.files.keypath import KeyPath
from gitmigrate.files.sops import cipher, keys, mac
from gitmigrate.files.sops.keys import Identities, Recipients
from gitmigrate.files.sops.metadata import RULE_FIELDS, SOPS_VERSION, Metadata, now_text
from gitmigrate.files.sops.stores import store_for
from gitmigrate.files.sops.tree import Scanned, should_encrypt


def scan(text: str, format: str, name: str) -> Scanned:
    scanned: Scanned = store_for(format).scan(text, name)
    return scanned


def is_encrypted(text: str, format: str, name: str = "<text>") -> bool:
    return scan(text, format, name).meta is not None


def metadata_of(scanned: Scanned, name: str) -> Metadata:
    if scanned.meta is None:
        raise UsageError(f"{name} is not encrypted (it has no sops block)", _ENCRYPT_HINT)
    return Metadata.from_dict(scanned.meta, name)


def encrypt_text(
    text: str,
    format: str,
    name: str,
    recipients: Recipients,
    *,
    encrypted_regex: str | None = None,
    unencrypted_suffix: str = "_unencrypted",
    now: dt.datetime | None = None,
    rule: tuple[str, str] | None = None,
    mac_only_encrypted: bool = False,
) -> str:
    """Encrypt every value (the `_unencrypted` keys and what `encrypted_regex` leaves out
    aside) and every comment; `rule` is any one SOPS value rule, e.g. a creation rule's
    ("unencrypted_regex", "^public$"), and overrides the two keyword shortcuts."""
    scanned = scan(text, format, name)
    if scanned.meta is not None:
        raise UsageError(f"{name} is already encrypted", "rotate it, or decrypt it first")
    if rule is None:
        rule = (
            ("encrypted_regex", encrypted_regex)
            if encrypted_regex
            else ("unencrypted_suffix", unencrypted_suffix)
        )
    if rule[0] not in RULE_FIELDS[:4]:
        raise UsageError(
            f"the SOPS rule {rule[0]} is not supported for encryption",
            f"use one of {', '.join(RULE_FIELDS[:4])}",
        )
    data_key = os.urandom(32)
    age, pgp = keys.wrap(data_key, recipients)
    values = [(leaf.value, should_encrypt(leaf.path, rule)) for leaf in scanned.leaves]
    template = Metadata("", "", age, pgp, rule, mac_only_encrypted=mac_only_encrypted)
    return _write(text, format, scanned, values, data_key, template, now)


def decrypt_text(text: str, format: str, name: str, identities: Identities) -> str:
    """The plaintext document (sops block removed), the MAC checked."""
    scanned = scan(text, format, name)
    meta = metadata_of(scanned, name)
    return _decrypt(text, format, name, scanned, meta, keys.unwrap(meta, identities, name))


def decrypt_with_data_key(text: str, format: str, name: str, data_key: bytes) -> str:
    """As decrypt_text with the data key itself (tests against the published vectors)."""
    scanned = scan(text, format, name)
    return _decrypt(text, format, name, scanned, metadata_of(scanned, name), data_key)


def _decrypt(
    text: str, format: str, name: str, scanned: Scanned, meta: Metadata, data_key: bytes
) -> str:
    values = _plain_values(scanned, meta, data_key, name)
    edits = _edits(format, scanned, values)
    edits += _comment_edits(format, scanned, data_key)
    if scanned.meta_span:
        edits.append((scanned.meta_span, ""))
    return replace_spans(text, edits)


def decrypted_data(text: str, format: str, name: str, identities: Identities) -> dict[KeyPath, Any]:
    """Every leaf's plaintext value by key path (MAC checked), for diff and review."""
    scanned = scan(text, format, name)
    meta = metadata_of(scanned, name)
    data_key = keys.unwrap(meta, identities, name)
    values = _plain_values(scanned, meta, data_key, name)
    return {leaf.path: value for leaf, (value, _) in zip(scanned.leaves, values, strict=True)}


def rotate_text(
    text: str, format: str, name: str, identities: Identities, *, now: dt.datetime | None = None
) -> str:
    """A new data key for the same recipients; every value encrypted again with it."""
    scanned = scan(text, format, name)
    meta = metadata_of(scanned, name)
    if meta.other:
        raise UsageError(
            f"{name} also has cloud (KMS/Vault) keys or key groups, which git-migrate cannot "
            "wrap a new data key for",
            "rotate it with `sops rotate`, or drop those keys with update-keys first",
        )
    old_key = keys.unwrap(meta, identities, name)
    values = _plain_values(scanned, meta, old_key, name)
    new_key = os.urandom(32)
    age, pgp = keys.wrap(new_key, keys.recipients_of_meta(meta), identities.gpg_env)
    plain = _decrypted_comments(scanned, old_key)
    return _write(
        text,
        format,
        scanned,
        values,
        new_key,
        Metadata("", "", age, pgp, meta.rule),
        now,
        comments=plain,
    )


def update_keys(
    text: str,
    format: str,
    name: str,
    identities: Identities,
    recipients: Recipients,
    *,
    now: dt.datetime | None = None,
) -> str:
    """The same data key wrapped for `recipients` (values untouched; only the sops block
    changes), as `sops updatekeys` does."""
    scanned = scan(text, format, name)
    meta = metadata_of(scanned, name)
    data_key = keys.unwrap(meta, identities, name)
    _plain_values(scanned, meta, data_key, name)  # refuse a tampered file before re-keying it
    age, pgp = keys.wrap(data_key, recipients, identities.gpg_env)
    new_meta = meta.with_keys(age, pgp)
    edits: list[tuple[Span, str]] = []
    if scanned.meta_span:
        edits.append((scanned.meta_span, ""))
    body = replace_spans(text, edits)
    return str(store_for(format).append_meta(body, new_meta.to_dict()))


def reencrypt_text(
    text: str,
    format: str,
    name: str,
    identities: Identities,
    previous: str,
    *,
    now: dt.datetime | None = None,
) -> str:
    """Encrypt an edited plaintext `text` as the next version of `previous` (its encrypted
    form): the same data key, recipients and rule, and every value and comment that did not
    change keeps its ciphertext, so the diff shows the changed lines and the sops block only
    (what SOPS's editor does with its nonce cache)."""
    scanned = scan(text, format, name)
    if scanned.meta is not None:
        raise UsageError(f"{name}: the edited text is still encrypted", "give its plaintext")
    old = scan(previous, format, name)
    meta = metadata_of(old, name)
    if meta.rule[0] not in RULE_FIELDS[:4]:
        raise UsageError(
            f"{name} uses the SOPS rule {meta.rule[0]}, which git-migrate does not encrypt with",
            "edit it with `sops edit`",
        )
    data_key = keys.unwrap(meta, identities, name)
    reuse: Reuse = {}
    for leaf, (value, _) in zip(old.leaves, _plain_values(old, meta, data_key, name), strict=True):
        if cipher.is_encrypted_value(leaf.value):
            aad = cipher.aad_of(leaf.path)
            reuse[(aad, cipher.type_of(value), cipher.to_bytes(value))] = leaf.value
    for slot, plain in zip(old.comments, _decrypted_comments(old, data_key), strict=True):
        if cipher.is_encrypted_value(slot.text.strip()) and _opens(slot.text, data_key, slot.aad):
            reuse[(slot.aad, "comment", plain.encode())] = slot.text.strip()
    values = [(leaf.value, should_encrypt(leaf.path, meta.rule)) for leaf in scanned.leaves]
    return _write(text, format, scanned, values, data_key, meta, now, reuse=reuse)


def _opens(text: str, data_key: bytes, aad: str) -> bool:
    try:
        cipher.decrypt(text.strip(), data_key, aad)
    except UsageError:
        return False
    return True


def recipients_of(text: str, format: str, name: str) -> Recipients:
    return keys.recipients_of_meta(metadata_of(scan(text, format, name), name))


def encrypted_paths(text: str, format: str, name: str) -> list[KeyPath]:
    """The key paths whose values are encrypted (readable without a key)."""
    scanned = scan(text, format, name)
    return [leaf.path for leaf in scanned.leaves if cipher.is_encrypted_value(leaf.value)]


def _plain_values(
    scanned: Scanned, meta: Metadata, data_key: bytes, name: str
) -> list[tuple[Any, bool]]:
    """(plaintext, was encrypted) per leaf, the MAC checked over them."""
    out: list[tuple[Any, bool]] = []
    for leaf in scanned.leaves:
        encrypted = should_encrypt(leaf.path, meta.rule) and meta.rule[0] not in (
            "unencrypted_comment_regex",
            "encrypted_comment_regex",
        )
        if cipher.is_encrypted_value(leaf.value):
            out.append((cipher.decrypt(leaf.value, data_key, cipher.aad_of(leaf.path)), True))
        elif encrypted and leaf.value not in ("", None):
            raise UsageError(
                f"MAC mismatch: {name} has a clear-text value where an encrypted one belongs",
                "encrypt the file again from its plaintext",
            )
        else:
            out.append((leaf.value, False))
    expected = mac.compute(out, mac_only_encrypted=meta.mac_only_encrypted)
    mac.check(expected, meta.mac, data_key, meta.lastmodified, name)
    return out


Reuse = dict[tuple[str, str, bytes], str]  # (AAD, type, plaintext) -> its ENC[...] text


def _write(
    text: str,
    format: str,
    scanned: Scanned,
    values: list[tuple[Any, bool]],
    data_key: bytes,
    template: Metadata,
    now: dt.datetime | None,
    *,
    comments: list[str] | None = None,
    reuse: Reuse | None = None,
) -> str:
    """Encrypt the leaves flagged in `values` (and every comment) in place and append the sops
    block: `template`'s keys and rule, a new lastmodified and MAC. A value found in `reuse`
    keeps its old ciphertext, so an unchanged value is an unchanged line."""
    store = store_for(format)
    reuse = reuse or {}

    def seal(value: Any, aad: str) -> str:
        found = reuse.get((aad, cipher.type_of(value), cipher.to_bytes(value)))
        return found if found is not None else cipher.encrypt(value, data_key, aad)

    sealed: list[tuple[Any, bool]] = []
    for leaf, (value, enc) in zip(scanned.leaves, values, strict=True):
        if enc and value not in (None, ""):
            sealed.append((seal(value, cipher.aad_of(leaf.path)), True))
        else:
            sealed.append((value, False))
    edits = _edits(format, scanned, sealed)
    texts = comments if comments is not None else [slot.text for slot in scanned.comments]
    for slot, plain in zip(scanned.comments, texts, strict=True):
        if plain.strip() and not cipher.is_encrypted_value(plain.strip()):
            sealed_comment = seal(cipher.Comment(plain), slot.aad)
            edits.append((slot.span, slot.marker + store.comment(sealed_comment)))
    if scanned.meta_span:
        edits.append((scanned.meta_span, ""))
    body = replace_spans(text, edits)
    lastmodified = now_text(now)
    digest = mac.compute(values, mac_only_encrypted=template.mac_only_encrypted)
    meta = replace(
        template,
        lastmodified=lastmodified,
        mac=mac.seal(digest, data_key, lastmodified),
        version=SOPS_VERSION,
    )
    return str(store.append_meta(body, meta.to_dict()))


def _edits(format: str, scanned: Scanned, values: list[tuple[Any, bool]]) -> list[tuple[Span, str]]:
    """New literals for the leaves whose value changes form (encrypted <-> plaintext)."""
    store = store_for(format)
    return [
        (leaf.span, store.literal(value, leaf))
        for leaf, (value, changed) in zip(scanned.leaves, values, strict=True)
        if changed
    ]


def _comment_edits(format: str, scanned: Scanned, data_key: bytes) -> list[tuple[Span, str]]:
    store = store_for(format)
    edits: list[tuple[Span, str]] = []
    for slot, plain in zip(scanned.comments, _decrypted_comments(scanned, data_key), strict=True):
        if plain != slot.text:
            edits.append((slot.span, slot.marker + store.comment(plain)))
    return edits


def _decrypted_comments(scanned: Scanned, data_key: bytes) -> list[str]:
    """Each comment's text, decrypted when it is an ENC comment (tried under the path SOPS
    gives it, then the other containers: GCM tells the right one); a comment that does not
    decrypt is kept as it is, as SOPS does."""
    out: list[str] = []
    for slot in scanned.comments:
        text = slot.text.strip()
        plain = slot.text
        if cipher.is_encrypted_value(text):
            for aad in (slot.aad, *slot.others):
                try:
                    value = cipher.decrypt(text, data_key, aad)
                except UsageError:
                    continue
                plain = value.text if isinstance(value, cipher.Comment) else str(value)
                break
        out.append(plain)
    return out


_ENCRYPT_HINT = "encrypt it first: git migrate config secrets encrypt FILE"
