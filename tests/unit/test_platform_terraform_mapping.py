"""Every row of the aws -> gcp and aws -> azure tables, one at a time: a minimal resource with that
one source attribute converts, the value lands at the recorded target path (transformed), and the
result names only arguments of the recorded provider schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitmigrate.platform.terraform_check import check_terraform
from gitmigrate.platform.terraform_convert import convert_terraform
from gitmigrate.platform.terraform_table import Rule, load_schema, load_table


def _rows() -> list[tuple[str, str, str | None, str]]:
    rows = []
    for target in ("gcp", "azure"):
        for src, rule in load_table("aws", target).rules.items():
            for variant in rule.variants or {None: rule}:
                chosen = rule.variants[variant] if rule.variants and variant else rule
                rows += [(target, src, variant, key) for key in chosen.map]
    return rows


ROWS = _rows()
PARENT = {"aws_secretsmanager_secret_version": "secret_id", "aws_route53_record": "zone_id"}
REDRIVE = "jsonencode({ deadLetterTargetArn = google_pubsub_topic.d.id, maxReceiveCount = 3 })"
SAMPLES = {
    "tags": ('{ Team = "Web" }', 'team = "web"'),
    "visibility_timeout_seconds": ("900", "= 600"),
    "message_retention_seconds": ("60", '= "600s"'),
    "fifo_queue": ("true", "enable_message_ordering = true"),
    "instance_class": ('"db.t3.micro"', 'tier = "db-f1-micro"'),
    "engine_version": ('"15.4"', '"POSTGRES_15"'),
    "storage_type": ('"gp3"', '"PD_SSD"'),
    "multi_az": ("true", '"REGIONAL"'),
    "backup_retention_period": ("7", "enabled = true"),
    "backup_window": ('"03:00-04:00"', 'start_time = "03:00"'),
    "max_allocated_storage": ("100", "disk_autoresize_limit = 100"),
    "versioning_configuration.status": ('"Enabled"', "enabled = true"),
    "description": ('"d"', 'annotations = { description = "d" }'),
    "secret_binary": ("var.b", "is_secret_data_base64 = true"),
    "name": ('"a.example"', '"a.example."'),
    "records": ('["203.0.113.1"]', 'rrdatas = ["203.0.113.1"]'),
    "publicly_accessible": ("true", "ipv4_enabled = true"),
    "redrive_policy": (REDRIVE, "max_delivery_attempts = 5"),
}
for flag in (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
):
    SAMPLES[flag] = ("true", '"inherited"')
AZURE = {
    "tags": ('{ Team = "Web" }', 'Team = "Web"'),
    "visibility_timeout_seconds": ("900", 'lock_duration = "PT300S"'),
    "message_retention_seconds": ("60", 'default_message_ttl = "PT60S"'),
    "fifo_queue": ("true", "requires_session = true"),
    "content_based_deduplication": ("true", "requires_duplicate_detection = true"),
    "instance_class": ('"db.t3.micro"', 'sku_name = "B_Standard_B1ms"'),
    "backup_retention_period": ("7", "backup_retention_days = 7"),
    "multi_az": ("true", 'mode = "ZoneRedundant"'),
    "max_allocated_storage": ("100", "auto_grow_enabled = true"),
    "publicly_accessible": ("false", "public_network_access_enabled = false"),
    "versioning_configuration.status": ('"Enabled"', "versioning_enabled = true"),
    "name": ('"a.example"', '"a.example"'),
    "records": ('["203.0.113.1"]', 'records = ["203.0.113.1"]'),
    "redrive_policy": (REDRIVE, "max_delivery_count = 3"),
}
for flag in (
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
):
    AZURE[flag] = ("true", "allow_nested_items_to_be_public = true")
SPECIAL = {
    ("gcp", "aws_sqs_queue", "name"): ('"jobs"', 'name = "jobs-sub"'),
    ("azure", "aws_sqs_queue", "name"): ('"jobs"', 'name = "jobs-ns"'),
    ("gcp", "aws_secretsmanager_secret", "name"): ('"prod/x"', 'secret_id = "prod-x"'),
    ("azure", "aws_secretsmanager_secret", "name"): ('"prod/x"', 'name = "prod-x"'),
    ("gcp", "aws_route53_zone", "name"): ('"a.example"', 'dns_name = "a.example."'),
    ("azure", "mysql", "engine_version"): ('"8.0.35"', 'version = "8.0.21"'),
    ("azure", "postgres", "engine_version"): ('"15.4"', 'version = "15"'),
    ("azure", "postgres", "allocated_storage"): ("20", "storage_mb = 32768"),
    ("azure", "mysql", "allocated_storage"): ("20", "size_gb = 20"),
    ("azure", "CNAME", "records"): ('["lb.example."]', 'record = "lb.example."'),
}


def _sample(target: str, src: str, variant: str | None, key: str) -> tuple[str, str]:
    for special in ((target, src, key), (target, variant, key)):
        if special in SPECIAL:
            return SPECIAL[special]
    table = AZURE if target == "azure" else {}
    return table.get(key) or SAMPLES.get(key) or ('"v1"', '"v1"')


def _source(rule: Rule, by: str | None, variant: str | None, key: str, value: str) -> str:
    parent = ""
    body = ""
    if rule.merge_into:
        parent = f'resource "{rule.merge_into}" "p" {{\n  bucket = "p"\n}}\n\n'
        body = f"  {rule.via} = {rule.merge_into}.p.id\n"
    elif rule.source in PARENT:
        body = f"  {PARENT[rule.source]} = aws_x.p.id\n"
    if variant and by:
        body += f'  {by} = "{variant}"\n'
    block, _, attr = key.rpartition(".")
    if block:
        body += f"  {block} {{\n    {attr} = {value}\n  }}\n"
    elif key != by:
        body += f"  {key} = {value}\n"
    return f'{parent}resource "{rule.source}" "r" {{\n{body}}}\n'


@pytest.mark.parametrize(
    ("target", "src", "variant", "key"), ROWS, ids=["-".join(filter(None, r)) for r in ROWS]
)
def test_each_mapping_row(
    tmp_path: Path, target: str, src: str, variant: str | None, key: str
) -> None:
    rule = load_table("aws", target).rules[src]
    chosen = rule.variants[variant] if rule.variants and variant else rule
    mapping = chosen.map[key]
    value, expected = _sample(target, src, variant, key)
    (tmp_path / "main.tf").write_text(_source(chosen, rule.variant_by, variant, key, value))
    result = convert_terraform(tmp_path, target=target)
    text = re.sub(r" +", " ", result.files["main.tf"])
    assert re.search(rf'resource "{mapping.target}" "[rp]"', text), text
    if mapping.transform != "skip":
        assert mapping.path.rsplit(".", 1)[-1] in text, text
        assert expected in text, text
    unknown = [
        p for p in check_terraform(result.files, provider=target) if "lacks the required" not in p
    ]
    assert unknown == []


@pytest.mark.parametrize("target", ["gcp", "azure"])
def test_every_reference_rewrite_lands_on_a_recorded_attribute(target: str) -> None:
    types = load_schema(target)["resource_types"]
    for rule in load_table("aws", target).rules.values():
        for chosen in [rule, *(rule.variants or {}).values()]:
            for src_attr, spec in chosen.refs.items():
                kind, _, attr = spec.rpartition(".")
                kind = kind or chosen.targets[0]
                recorded = {**types[kind]["arguments"], **types[kind]["attributes"]}
                assert attr in recorded, f"{rule.source}.{src_attr} -> {kind}.{attr}"
            for mapping in chosen.map.values():
                if mapping.transform == "skip":
                    continue  # written by the type's rule (a version) or chosen the target type
                head = mapping.path.split(".")[0]
                spec_of = types[mapping.target]
                assert head in spec_of["arguments"] or head in spec_of["blocks"], mapping


def test_check_flags_a_reference_to_an_unrecorded_attribute() -> None:
    text = 'output "x" {\n  value = google_storage_bucket.b.arn\n}\n# google_storage_bucket.b.arn\n'
    assert check_terraform({"o.tf": text}, provider="gcp") == [
        "o.tf:2:11: google_storage_bucket has no attribute 'arn' (see "
        "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/storage_bucket)"
    ]
