"""Value transforms of the aws -> azure table (see terraform_values for the contract)."""

from __future__ import annotations

import re

from gitmigrate.platform.terraform_hcl import Block
from gitmigrate.platform.terraform_values import (
    Ctx,
    Transform,
    Value,
    clamp,
    hcl_string,
    literal_bool,
    literal_num,
    literal_str,
    redrive_parts,
)


def container_name(raw: str, block: Block, ctx: Ctx) -> Value:
    """Container names: 3-63 lowercase letters, digits and '-' (S3 names may hold '.')."""
    name = literal_str(raw)
    if name is None:
        return Value(raw, "container names allow lowercase letters, digits and '-': check it")
    clean = re.sub(r"[^a-z0-9-]", "-", name.lower())
    return Value(
        hcl_string(clean), None if clean == name else f"bucket {name!r} -> container {clean!r}"
    )


def lock_duration(raw: str, block: Block, ctx: Ctx) -> Value:
    text, note = clamp(raw, 5, 300, "lock_duration (seconds)")
    if literal_num(raw) is None:
        return Value(f'"PT${{{raw.strip()}}}S"', note)
    return Value(hcl_string(f"PT{text}S"), note)


def iso_seconds(raw: str, block: Block, ctx: Ctx) -> Value:
    n = literal_num(raw)
    return Value(f'"PT${{{raw.strip()}}}S"' if n is None else hcl_string(f"PT{int(n)}S"))


def redrive_count(raw: str, block: Block, ctx: Ctx) -> Value:
    """redrive_policy -> max_delivery_count; dead letters go to the queue's dead-letter sub-queue."""
    _, count = redrive_parts(raw)
    note = "dead letters go to the queue's built-in dead-letter sub-queue, not the SQS target queue"
    return Value(None if count is None else str(count), note)


def sessions(raw: str, block: Block, ctx: Ctx) -> Value:
    if literal_bool(raw):
        return Value(
            "true", "FIFO -> sessions: senders set a session id, receivers accept sessions"
        )
    return Value(raw)


_SKUS = {
    "micro": "B_Standard_B1ms",
    "small": "B_Standard_B1ms",
    "medium": "B_Standard_B2s",
    "large": "GP_Standard_D2ds_v4",
    "xlarge": "GP_Standard_D4ds_v4",
    "2xlarge": "GP_Standard_D8ds_v4",
    "4xlarge": "GP_Standard_D16ds_v4",
}


def azure_sku(raw: str, block: Block, ctx: Ctx) -> Value:
    """db.t3.micro -> B_Standard_B1ms ...: nearest by size (memory-optimised r-classes -> MO_)."""
    cls = literal_str(raw)
    sku = _SKUS.get(cls.rsplit(".", 1)[-1] if cls else "")
    if cls and sku and cls.startswith("db.r") and sku.startswith("GP_"):
        sku = sku.replace("GP_Standard_D", "MO_Standard_E")
    if sku is None:
        return Value('"GP_Standard_D2ds_v4"', f"no SKU recorded for {raw.strip()}: choose sku_name")
    return Value(
        hcl_string(sku), f"check the SKU: {cls} -> {sku} is the nearest size, not an equal"
    )


def backup_days(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value(*clamp(raw, 7, 35, "backup_retention_days"))


def zone_redundant(raw: str, block: Block, ctx: Ctx) -> Value:
    flag = literal_bool(raw)
    if flag is None:
        return Value(None, "multi_az is an expression: add high_availability { mode } if it holds")
    if not flag:
        return Value(None)
    return Value(
        '"ZoneRedundant"', "high availability needs a General Purpose or Memory Optimized SKU"
    )


_STORAGE_MB = (32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608)


def storage_mb(raw: str, block: Block, ctx: Ctx) -> Value:
    """GB -> the next storage size a PostgreSQL flexible server offers (in MB)."""
    n = literal_num(raw)
    if n is None:
        return Value(None, "allocated_storage is an expression: choose storage_mb")
    size = next((s for s in _STORAGE_MB if s >= n * 1024), _STORAGE_MB[-1])
    note = (
        None if size == n * 1024 else f"{int(n)} GB rounded up to {size} MB, the next size offered"
    )
    return Value(str(size), note)


def auto_grow(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value("true", "storage grows without the upper limit max_allocated_storage set")


def nested_public(raw: str, block: Block, ctx: Ctx) -> Value:
    """All four S3 public-access flags on -> no public blobs; otherwise allowed, and listed."""
    flags = (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    )
    values = [
        literal_bool(block.attributes[f].raw) if f in block.attributes else None for f in flags
    ]
    if all(v is True for v in values):
        return Value("false")
    return Value("true", "some S3 public-access flags are off or unset: public blobs stay allowed")


def vault_name(raw: str, block: Block, ctx: Ctx) -> Value:
    """Key Vault secret names: letters, digits and '-' only."""
    name = literal_str(raw)
    if name is None:
        return Value(
            raw, "Key Vault secret names allow letters, digits and '-': check the expression"
        )
    clean = re.sub(r"[^A-Za-z0-9-]", "-", name)
    return Value(hcl_string(clean), None if clean == name else f"secret name {name!r} -> {clean!r}")


def zone_domain(raw: str, block: Block, ctx: Ctx) -> Value:
    name = literal_str(raw)
    return Value(raw if name is None or not name.endswith(".") else hcl_string(name.rstrip(".")))


def relative_name(raw: str, block: Block, ctx: Ctx) -> Value:
    """Azure record names are relative to the zone ("www", "@" for the apex)."""
    name = literal_str(raw)
    zone_ref = block.attributes.get("zone_id")
    m = (
        re.fullmatch(r"\s*aws_route53_zone\.([\w-]+)\.zone_id\s*", zone_ref.raw)
        if zone_ref
        else None
    )
    domain = ctx.zones.get(m.group(1)) if m else None
    if name is not None and domain:
        name = name.rstrip(".")
        if name == domain:
            return Value('"@"')
        if name.endswith("." + domain):
            return Value(hcl_string(name[: -len(domain) - 1]))
    if name is not None and "." not in name:
        return Value(raw)
    templ = re.fullmatch(r'"([^"$]*)\.\$\{azurerm_dns_zone\.[\w-]+\.name\}\.?"', raw.strip())
    if templ:
        return Value(hcl_string(templ.group(1)))
    return Value(raw, 'Azure record names are relative to the zone ("www", "@"): check the name')


def single_record(raw: str, block: Block, ctx: Ctx) -> Value:
    m = re.fullmatch(r"\[\s*(\"[^\"]*\")\s*,?\s*\]", raw.strip())
    if m:
        return Value(m.group(1))
    return Value(f"one({raw.strip()})", "a CNAME holds one record: check the list has one value")


AZURE_TRANSFORMS: dict[str, Transform] = {
    f.__name__: f
    for f in (
        container_name,
        lock_duration,
        iso_seconds,
        sessions,
        redrive_count,
        azure_sku,
        backup_days,
        zone_redundant,
        storage_mb,
        auto_grow,
        nested_public,
        vault_name,
        zone_domain,
        relative_name,
        single_record,
    )
}
