"""Value transforms named by the mapping table: source expression text -> target expression text.

A transform sees the expression as written (references already rewritten). Where the value is a
literal it converts it; where it is an expression it cannot evaluate it keeps it and says a person
must check, rather than guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from gitmigrate.platform.terraform_hcl import Block

_STRING = re.compile(r'"((?:[^"\\$%]|\\.)*)"')
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Ctx:
    """What a transform may know beyond its block: the literal domain of each zone, by label."""

    zones: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Value:
    """A transform's result: the target text (None = write nothing), a note for a person, and any
    further target paths the same source value sets."""

    raw: str | None
    note: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def literal_str(raw: str) -> str | None:
    """The value of a plain string literal (no interpolation), else None."""
    m = _STRING.fullmatch(raw.strip())
    return json.loads(f'"{m.group(1)}"') if m else None


def literal_num(raw: str) -> float | None:
    return float(raw) if _NUMBER.fullmatch(raw.strip()) else None


def literal_bool(raw: str) -> bool | None:
    return {"true": True, "false": False}.get(raw.strip())


def hcl_string(value: str) -> str:
    """A Python string as an HCL string literal (``${`` escaped)."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def _num(n: float) -> str:
    return str(int(n)) if n == int(n) else str(n)


def copy(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value(raw)


def sensitive(raw: str, block: Block, ctx: Ctx) -> Value:
    """A secret value: copied as written; a literal one is listed (never quoted in the note)."""
    if literal_str(raw) is not None:
        return Value(
            raw, "a literal secret value in the file: pass it in through a sensitive variable"
        )
    return Value(raw)


def skip(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value(None)


_LABEL_KEY = re.compile(r'(^|[{,\n])(\s*)("?)([A-Za-z_][\w-]*)("?)(\s*[=:])')


def _lower_key(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + m.group(3) + m.group(4).lower() + m.group(5) + m.group(6)


def labels(raw: str, block: Block, ctx: Ctx) -> Value:
    """AWS tags -> Google labels: keys and literal values must be lowercase there."""
    text = raw.strip()
    if not (text.startswith("{") and text.endswith("}")):
        return Value(raw, "Google Cloud labels allow only lowercase keys and values: check them")
    out = _LABEL_KEY.sub(_lower_key, raw)
    out = re.sub(r'([=:]\s*)"([^"$%\\]*)"', lambda m: f'{m.group(1)}"{m.group(2).lower()}"', out)
    return Value(out)


def clamp(raw: str, low: int, high: int, what: str) -> tuple[str, str | None]:
    n = literal_num(raw)
    if n is None:
        return raw, f"{what} must be {low}..{high}: check the expression"
    clamped = max(low, min(high, int(n)))
    note = (
        None if clamped == n else f"{_num(n)} is outside {what}'s {low}..{high}: set to {clamped}"
    )
    return str(clamped), note


def ack_deadline(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value(*clamp(raw, 10, 600, "ack_deadline_seconds"))


def retention(raw: str, block: Block, ctx: Ctx) -> Value:
    n = literal_num(raw)
    if n is None:
        return Value(
            f'"${{{raw.strip()}}}s"', "message_retention_duration must be 600s..604800s: check it"
        )
    text, note = clamp(raw, 600, 604800, "message_retention_duration (seconds)")
    return Value(hcl_string(f"{text}s"), note)


_DLQ = re.compile(r"deadLetterTargetArn\"?\s*[=:]\s*(\"[^\"]*\"|[\w.\[\]\"-]+)")
_MAX = re.compile(r"maxReceiveCount\"?\s*[=:]\s*(\d+)")


def redrive_parts(raw: str) -> tuple[str | None, int | None]:
    """The dead-letter target and receive count of an SQS redrive policy (jsonencode or JSON)."""
    dlq, count = _DLQ.search(raw), _MAX.search(raw)
    return (dlq.group(1) if dlq else None), (int(count.group(1)) if count else None)


def redrive(raw: str, block: Block, ctx: Ctx) -> Value:
    """redrive_policy -> dead_letter_policy on the subscription (5..100 delivery attempts)."""
    target, count = redrive_parts(raw)
    if target is None or not target.startswith("google_pubsub_topic."):
        return Value(None, "redrive_policy: set dead_letter_policy { dead_letter_topic } by hand")
    extra = {}
    note = "grant the Pub/Sub service agent publisher on the dead-letter topic and subscriber here"
    if count is not None:
        attempts = max(5, min(100, count))
        extra["dead_letter_policy.max_delivery_attempts"] = str(attempts)
        if attempts != count:
            note += f"; maxReceiveCount {count} -> max_delivery_attempts {attempts} (5..100)"
    return Value(target, note, extra)


def ordering(raw: str, block: Block, ctx: Ctx) -> Value:
    if literal_bool(raw):
        return Value("true", "FIFO -> ordered delivery: publishers must set an ordering key")
    return Value(raw)


_TIERS = {
    "micro": "db-f1-micro",
    "small": "db-g1-small",
    "medium": "db-custom-2-4096",
    "large": "db-custom-2-8192",
    "xlarge": "db-custom-4-16384",
    "2xlarge": "db-custom-8-32768",
    "4xlarge": "db-custom-16-65536",
}


def db_tier(raw: str, block: Block, ctx: Ctx) -> Value:
    """db.t3.micro -> db-f1-micro ...: the nearest by vCPU and memory, always for a person to check."""
    cls = literal_str(raw)
    size = cls.rsplit(".", 1)[-1] if cls else None
    tier = _TIERS.get(size or "")
    if cls and tier and cls.startswith("db.r") and tier.startswith("db-custom-"):
        cpus = int(tier.split("-")[2])
        tier = (
            f"db-custom-{cpus}-{cpus * 6656}"  # memory-optimised: Cloud SQL caps at 6.5 GB per vCPU
        )
    if tier is None:
        return Value(
            '"db-custom-2-7680"', f"no tier recorded for {raw.strip()}: choose settings.tier"
        )
    return Value(
        hcl_string(tier), f"check the tier: {cls} -> {tier} is the nearest size, not an equal"
    )


def autoresize_limit(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value(raw, None, {"settings.disk_autoresize": "true"})


def disk_type(raw: str, block: Block, ctx: Ctx) -> Value:
    kind = literal_str(raw)
    if kind in ("gp2", "gp3", "io1", "io2"):
        return Value('"PD_SSD"')
    if kind == "standard":
        return Value('"PD_HDD"')
    return Value(None, f"storage_type {raw.strip()}: choose settings.disk_type (PD_SSD or PD_HDD)")


def availability(raw: str, block: Block, ctx: Ctx) -> Value:
    flag = literal_bool(raw)
    if flag is None:
        return Value(f'{raw.strip()} ? "REGIONAL" : "ZONAL"')
    return Value('"REGIONAL"' if flag else '"ZONAL"')


def positive(raw: str, block: Block, ctx: Ctx) -> Value:
    n = literal_num(raw)
    return Value(f"{raw.strip()} > 0" if n is None else ("true" if n > 0 else "false"))


def public_ip(raw: str, block: Block, ctx: Ctx) -> Value:
    if literal_bool(raw) is False:
        return Value(
            raw, "no public IP: Cloud SQL then needs settings.ip_configuration.private_network"
        )
    return Value(raw)


def window_start(raw: str, block: Block, ctx: Ctx) -> Value:
    window = literal_str(raw)
    if window and re.fullmatch(r"\d\d:\d\d-\d\d:\d\d", window):
        return Value(hcl_string(window[:5]), "backups start at this hour (UTC) instead of a window")
    return Value(None, "backup_window: set settings.backup_configuration.start_time (HH:MM)")


def status_enabled(raw: str, block: Block, ctx: Ctx) -> Value:
    status = literal_str(raw)
    if status is None:
        return Value(f'{raw.strip()} == "Enabled"')
    return Value("true" if status == "Enabled" else "false")


def public_access(raw: str, block: Block, ctx: Ctx) -> Value:
    """All four S3 flags on -> enforced; any off -> inherited (GCS's setting is all-or-nothing)."""
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
        return Value('"enforced"')
    return Value(
        '"inherited"',
        "some S3 public-access flags are off or unset: GCS public access is all-or-nothing",
    )


def annotation_description(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value(f"{{ description = {raw.strip()} }}")


def binary_secret(raw: str, block: Block, ctx: Ctx) -> Value:
    return Value(raw, None, {"is_secret_data_base64": "true"})


def secret_id(raw: str, block: Block, ctx: Ctx) -> Value:
    """Secret Manager ids allow letters, digits, '-' and '_' only (AWS names may hold '/')."""
    name = literal_str(raw)
    if name is None:
        return Value(
            raw, "secret_id allows only letters, digits, '-' and '_': check the expression"
        )
    clean = re.sub(r"[^A-Za-z0-9_-]", "-", name)
    return Value(
        hcl_string(clean), None if clean == name else f"secret name {name!r} -> secret_id {clean!r}"
    )


def fqdn(raw: str, block: Block, ctx: Ctx) -> Value:
    """Cloud DNS names are fully qualified and end in a dot."""
    name = literal_str(raw)
    if name is not None:
        if "." not in name.rstrip("."):
            return Value(
                raw,
                f"{name!r} is relative to the zone: Cloud DNS needs the full name ending in '.'",
            )
        return Value(raw if name.endswith(".") else hcl_string(name + "."))
    if re.search(r'\.dns_name\}?"?$', raw.strip()) or raw.strip().endswith('."'):
        return Value(raw)
    return Value(raw, "Cloud DNS needs a fully qualified name ending in '.': check the expression")


def rrdatas(raw: str, block: Block, ctx: Ctx) -> Value:
    kind = literal_str(block.attributes["type"].raw) if "type" in block.attributes else None
    if kind == "TXT":
        return Value(
            raw, 'TXT rrdatas need their own inner quotes on Cloud DNS ("\\"v=spf1 ...\\"")'
        )
    if kind in ("CNAME", "MX", "NS", "SRV"):
        return Value(raw, f"{kind} targets must be fully qualified names ending in '.'")
    return Value(raw)


Transform = Callable[[str, Block, Ctx], Value]

GCP_TRANSFORMS: dict[str, Transform] = {
    f.__name__: f
    for f in (
        copy,
        skip,
        sensitive,
        labels,
        ack_deadline,
        retention,
        ordering,
        redrive,
        db_tier,
        autoresize_limit,
        disk_type,
        availability,
        positive,
        public_ip,
        window_start,
        status_enabled,
        public_access,
        annotation_description,
        binary_secret,
        secret_id,
        fqdn,
        rrdatas,
    )
}
