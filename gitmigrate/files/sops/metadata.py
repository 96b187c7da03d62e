"""The `sops` metadata block: which master keys hold the data key, the MAC, when, and the rule
that chose the encrypted leaves. Stored as a nested mapping in YAML/JSON/TOML and flattened
(`pgp__list_0__map_enc`) in INI's `[sops]` section and in .env's `sops_` variables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from gitmigrate.errors import UsageError

SOPS_VERSION = "3.9.0"  # the SOPS format we write (readable by SOPS 3.7 and later)
RULE_FIELDS = (
    "unencrypted_suffix",
    "encrypted_suffix",
    "unencrypted_regex",
    "encrypted_regex",
    "unencrypted_comment_regex",
    "encrypted_comment_regex",
)
_CLOUD = ("kms", "gcp_kms", "azure_kv", "hc_vault", "hckms")


@dataclass(frozen=True)
class AgeKey:
    recipient: str
    enc: str


@dataclass(frozen=True)
class PgpKey:
    fp: str
    enc: str
    created_at: str


@dataclass(frozen=True)
class Metadata:
    lastmodified: str
    mac: str
    age: tuple[AgeKey, ...] = ()
    pgp: tuple[PgpKey, ...] = ()
    rule: tuple[str, str] = ("unencrypted_suffix", "_unencrypted")
    mac_only_encrypted: bool = False
    version: str = SOPS_VERSION
    other: dict[str, Any] = field(default_factory=dict)  # cloud keys, key groups: kept as read

    def with_keys(self, age: tuple[AgeKey, ...], pgp: tuple[PgpKey, ...]) -> Metadata:
        return replace(self, age=age, pgp=pgp)

    def to_dict(self) -> dict[str, Any]:
        """The block as SOPS writes it: keys sorted, empty key lists left out."""
        out: dict[str, Any] = dict(self.other)
        if self.age:
            out["age"] = [{"recipient": k.recipient, "enc": k.enc} for k in self.age]
        if self.pgp:
            out["pgp"] = [{"created_at": k.created_at, "enc": k.enc, "fp": k.fp} for k in self.pgp]
        out["lastmodified"] = self.lastmodified
        out["mac"] = self.mac
        out[self.rule[0]] = self.rule[1]
        if self.mac_only_encrypted:
            out["mac_only_encrypted"] = True
        out["version"] = self.version
        return {key: out[key] for key in sorted(out)}

    @classmethod
    def from_dict(cls, raw: Any, name: str) -> Metadata:
        if not isinstance(raw, dict):
            raise UsageError(f"{name}: the sops block is not a mapping", _EDITED)
        age = tuple(
            AgeKey(str(item.get("recipient", "")), str(item.get("enc", "")))
            for item in _entries(raw.get("age"))
        )
        pgp = tuple(
            PgpKey(str(item.get("fp", "")), str(item.get("enc", "")), _text(item.get("created_at")))
            for item in _entries(raw.get("pgp"))
        )
        rules = [(f, str(raw[f])) for f in RULE_FIELDS if raw.get(f) not in (None, "")]
        if len(rules) > 1:
            raise UsageError(f"{name}: the sops block sets {len(rules)} encryption rules", _EDITED)
        other = {k: raw[k] for k in (*_CLOUD, "key_groups", "shamir_threshold") if raw.get(k)}
        if not age and not pgp and not other:
            raise UsageError(f"{name}: no keys found in the sops block", _EDITED)
        only = raw.get("mac_only_encrypted")
        return cls(
            lastmodified=_text(raw.get("lastmodified")),
            mac=_text(raw.get("mac")),
            age=age,
            pgp=pgp,
            rule=rules[0] if rules else ("unencrypted_suffix", "_unencrypted"),
            mac_only_encrypted=only is True or str(only).lower() == "true",
            version=_text(raw.get("version")),
            other=other,
        )


def _entries(value: Any) -> list[dict[str, Any]]:
    if not value:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise UsageError("a key list of the sops block is not a list of mappings", _EDITED)
    return value


def _text(value: Any) -> str:
    """Timestamps as RFC 3339 text whatever the parser made of them (YAML reads them as dates)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        moment: dt.datetime = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def now_text(now: dt.datetime | None = None) -> str:
    """`lastmodified`: RFC 3339 to the second in UTC (also the MAC's additional data)."""
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def flatten(block: dict[str, Any]) -> dict[str, str]:
    """`{"pgp": [{"enc": …}]}` -> `{"pgp__list_0__map_enc": …}` (SOPS's MetadataFlattenBelowTop)."""
    flat: dict[str, str] = {}

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict):
            for sub, item in value.items():
                walk(item, f"{key}__map_{sub}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{key}__list_{index}")
        elif isinstance(value, bool):
            flat[key] = "true" if value else "false"
        else:
            flat[key] = str(value)

    for top, value in block.items():
        walk(value, top)
    return flat


def unflatten(flat: dict[str, str]) -> dict[str, Any]:
    """The inverse of `flatten`."""
    root: dict[str, Any] = {}
    for key in flat:
        head, *rest = key.split("__")
        steps: list[str | int] = [head]
        for part in rest:
            if part.startswith("list_") and part[5:].isdigit():
                steps.append(int(part[5:]))
            elif part.startswith("map_"):
                steps.append(part[4:])
            else:
                raise UsageError(f"bad flattened sops key {key!r}", _EDITED)
        _put(root, steps, flat[key])
    return root


def _put(root: dict[str, Any], steps: list[str | int], value: str) -> None:
    node: Any = root
    for step, following in zip(steps, steps[1:], strict=False):
        fresh: Any = [] if isinstance(following, int) else {}
        if isinstance(node, list):
            assert isinstance(step, int)
            while len(node) <= step:
                node.append(None)
            if node[step] is None:
                node[step] = fresh
            node = node[step]
        else:
            node = node.setdefault(step, fresh)
    last = steps[-1]
    if isinstance(node, list):
        assert isinstance(last, int)
        while len(node) <= last:
            node.append(None)
        node[last] = value
    else:
        node[last] = value


_EDITED = "the sops metadata was edited by hand; restore the file from git"
