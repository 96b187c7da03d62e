"""SOPS-compatible value encryption: each value becomes `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`
with its key path as additional data, and a `sops` block holds the MAC, `lastmodified` and the
data key wrapped for each recipient (age via pyrage, PGP via gpg). Files we write decrypt with
`sops -d`, and files `sops -e` wrote decrypt here, for YAML, JSON, INI and .env; TOML is our
extension (SOPS cannot read it). Values are replaced in place: every other line stays as it was.

Comments are encrypted as SOPS does (YAML, INI, .env; TOML too). Not supported: key groups
(Shamir), cloud KMS keys (kept as read by update_keys, refused by rotate), the comment-regex
rules for encryption, several YAML documents per file, YAML aliases, age passphrase files.

    cipher.py          one value <-> ENC[...]; the type field; Go's number/time text
    mac.py             the MAC over the leaves
    metadata.py        the sops block; INI/.env flattening
    keys.py            Recipients, Identities; wrapping the data key (age, PGP)
    creation_rules.py  .sops.yaml creation_rules
    tree.py            leaves and comments a store reads; the encryption rule
    stores/            one reader/writer per format
    engine.py          encrypt / decrypt / rotate / update_keys / reencrypt (after an edit)
"""

from __future__ import annotations

from gitmigrate.files.sops.creation_rules import CreationRule, creation_rule_for, recipients_for
from gitmigrate.files.sops.engine import (
    decrypt_text,
    decrypted_data,
    encrypt_text,
    encrypted_paths,
    is_encrypted,
    recipients_of,
    reencrypt_text,
    rotate_text,
    update_keys,
)
from gitmigrate.files.sops.keys import Identities, Recipients

__all__ = [
    "CreationRule",
    "creation_rule_for",
    "Identities",
    "Recipients",
    "decrypt_text",
    "decrypted_data",
    "encrypt_text",
    "encrypted_paths",
    "is_encrypted",
    "recipients_for",
    "recipients_of",
    "reencrypt_text",
    "rotate_text",
    "update_keys",
]
