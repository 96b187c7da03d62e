"""S3 lifecycle rules -> Cloud Storage ``lifecycle_rule { condition {} action {} }`` blocks.

Both S3 shapes: the split ``aws_s3_bucket_lifecycle_configuration`` (``rule { filter {}
expiration {} transition {} ... }``, AWS provider 4+) and the inline ``lifecycle_rule`` of
``aws_s3_bucket`` (provider 3). A rule becomes one GCS rule per action; what GCS cannot express
(tag filters, size filters, delete markers, dates) is listed, and that S3 rule is not converted.
"""

from __future__ import annotations

from gitmigrate.platform.terraform_hcl import Block
from gitmigrate.platform.terraform_render import Body
from gitmigrate.platform.terraform_rules import Note
from gitmigrate.platform.terraform_values import literal_bool, literal_str

CLASSES = {
    "STANDARD_IA": "NEARLINE",
    "ONEZONE_IA": "NEARLINE",
    "INTELLIGENT_TIERING": "NEARLINE",
    "GLACIER_IR": "COLDLINE",
    "GLACIER": "ARCHIVE",
    "DEEP_ARCHIVE": "ARCHIVE",
}


def _note(block: Block, item: str, reason: str) -> Note:
    return Note(item, block.line, block.column, reason)


def _gcs_rule(condition: Body, action: Body) -> Body:
    return {"action": [action], "condition": [condition]}


def convert_rule(rule: Block, *, inline: bool) -> tuple[list[Body], list[Note]]:
    """One S3 rule -> its GCS rules, or none and the notes saying why."""
    attrs = rule.attributes
    enabled = literal_bool(attrs["enabled"].raw) if inline and "enabled" in attrs else None
    status = literal_str(attrs["status"].raw) if "status" in attrs else None
    if enabled is False or status == "Disabled":
        return [], [_note(rule, "rule", "a disabled S3 lifecycle rule is not converted")]
    base: Body = {}
    prefix = attrs.get("prefix")
    filters = rule.nested("filter")
    if filters:
        unsupported = [k for k in filters[0].attributes if k != "prefix"] + [
            b.type for b in filters[0].blocks
        ]
        if unsupported:
            reason = f"filter by {', '.join(unsupported)}: Cloud Storage matches prefixes, suffixes and ages only"
            return [], [_note(filters[0], "rule.filter", reason)]
        prefix = filters[0].attributes.get("prefix", prefix)
    if prefix is not None and literal_str(prefix.raw) != "":
        base["matches_prefix"] = f"[{prefix.raw.strip()}]"
    out: list[Body] = []
    notes: list[Note] = []
    for expiration in rule.nested("expiration"):
        days = expiration.attributes.get("days")
        if days is None:
            notes.append(
                _note(
                    expiration,
                    "rule.expiration",
                    "expiration by date or delete marker: not converted",
                )
            )
            continue
        out.append(_gcs_rule({**base, "age": days.raw.strip()}, {"type": '"Delete"'}))
    for transition in rule.nested("transition"):
        days, cls = transition.attributes.get("days"), transition.attributes.get("storage_class")
        target = CLASSES.get(literal_str(cls.raw) or "") if cls else None
        if days is None or target is None:
            notes.append(
                _note(
                    transition,
                    "rule.transition",
                    "transition by date or to an unknown class: not converted",
                )
            )
            continue
        action: Body = {"type": '"SetStorageClass"', "storage_class": f'"{target}"'}
        out.append(_gcs_rule({**base, "age": days.raw.strip()}, action))
    for old in rule.nested("noncurrent_version_expiration"):
        days = old.attributes.get("days" if inline else "noncurrent_days")
        condition: Body = {**base, "with_state": '"ARCHIVED"'}
        if days is not None:
            condition["days_since_noncurrent_time"] = days.raw.strip()
        newer = old.attributes.get("newer_noncurrent_versions")
        if newer is not None:
            condition["num_newer_versions"] = newer.raw.strip()
        out.append(_gcs_rule(condition, {"type": '"Delete"'}))
    for abort in rule.nested("abort_incomplete_multipart_upload"):
        days = abort.attributes.get("days_after_initiation")
        if days is not None:
            out.append(
                _gcs_rule(
                    {**base, "age": days.raw.strip()}, {"type": '"AbortIncompleteMultipartUpload"'}
                )
            )
    known = {
        "expiration",
        "transition",
        "noncurrent_version_expiration",
        "abort_incomplete_multipart_upload",
        "filter",
    }
    for other in rule.blocks:
        if other.type not in known:
            notes.append(
                _note(other, f"rule.{other.type}", "no Cloud Storage lifecycle equivalent recorded")
            )
    return out, notes


def add_rules(bodies: dict[str, Body], rules: list[Body]) -> None:
    if rules:
        existing = bodies.setdefault("google_storage_bucket", {}).setdefault("lifecycle_rule", [])
        assert isinstance(existing, list)
        existing.extend(rules)


def gcs_lifecycle(
    block: Block, label: str, region: str | None, bodies: dict[str, Body]
) -> list[Note]:
    """The split aws_s3_bucket_lifecycle_configuration, folded into its bucket."""
    notes: list[Note] = []
    for rule in block.nested("rule"):
        rules, rule_notes = convert_rule(rule, inline=False)
        add_rules(bodies, rules)
        notes += rule_notes
    return notes


def gcs_inline_lifecycle(block: Block, bodies: dict[str, Body]) -> list[Note]:
    """The inline lifecycle_rule blocks of an aws_s3_bucket (AWS provider 3)."""
    notes: list[Note] = []
    for rule in block.nested("lifecycle_rule"):
        rules, rule_notes = convert_rule(rule, inline=True)
        add_rules(bodies, rules)
        notes += rule_notes
    return notes
