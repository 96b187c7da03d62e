"""Every row of the aws -> gcp table, one at a time: a minimal resource with that one source
attribute converts, the value lands at the recorded target path (transformed), and the result
passes the recorded google schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.platform.terraform_check import check_terraform
from gitmigrate.platform.terraform_convert import convert_terraform
from gitmigrate.platform.terraform_table import load_table

TABLE = load_table("aws", "gcp")
ROWS = [(src, key) for src, rule in TABLE.rules.items() for key in rule.map]
PARENT = {"aws_secretsmanager_secret_version": "secret_id", "aws_route53_record": "zone_id"}
SAMPLES = {
    "tags": ('{ Team = "Web" }', 'team = "web"'),
    "visibility_timeout_seconds": ("900", "= 600"),
    "message_retention_seconds": ("60", '= "600s"'),
    "fifo_queue": ("true", "enable_message_ordering = true"),
    "instance_class": ('"db.t3.micro"', 'tier = "db-f1-micro"'),
    "engine": ('"postgres"', '"POSTGRES_16"'),
    "engine_version": ('"15.4"', '"POSTGRES_15"'),
    "storage_type": ('"gp3"', '"PD_SSD"'),
    "multi_az": ("true", '"REGIONAL"'),
    "backup_retention_period": ("7", "enabled = true"),
    "backup_window": ('"03:00-04:00"', 'start_time = "03:00"'),
    "max_allocated_storage": ("100", "disk_autoresize_limit = 100"),
    "versioning_configuration.status": ('"Enabled"', "enabled = true"),
    "block_public_acls": ("true", '"inherited"'),
    "block_public_policy": ("true", '"inherited"'),
    "ignore_public_acls": ("true", '"inherited"'),
    "restrict_public_buckets": ("true", '"inherited"'),
    "description": ('"d"', 'annotations = { description = "d" }'),
    "secret_binary": ("var.b", "is_secret_data_base64 = true"),
    "name": ('"a.example"', '"a.example."'),
    "records": ('["203.0.113.1"]', 'rrdatas      = ["203.0.113.1"]'),
}
DEFAULT = ('"v1"', '"v1"')


def _source(src: str, key: str, value: str) -> str:
    rule = TABLE.rules[src]
    lines = []
    if rule.merge_into:
        lines.append(f'resource "{rule.merge_into}" "p" {{\n  bucket = "p"\n}}\n')
        body = f"  bucket = {rule.merge_into}.p.id\n"
    elif src in PARENT:
        body = f"  {PARENT[src]} = aws_x.p.id\n"
    elif src == "aws_db_instance":
        body = '  engine = "postgres"\n'
    else:
        body = ""
    block, _, attr = key.rpartition(".")
    if block:
        body += f"  {block} {{\n    {attr} = {value}\n  }}\n"
    elif key not in ("engine",) or src != "aws_db_instance":
        body += f"  {key} = {value}\n"
    lines.append(f'resource "{src}" "r" {{\n{body}}}\n')
    return "\n".join(lines)


@pytest.mark.parametrize(("src", "key"), ROWS, ids=[f"{s}:{k}" for s, k in ROWS])
def test_each_mapping_row(tmp_path: Path, src: str, key: str) -> None:
    mapping = TABLE.rules[src].map[key]
    value, expected = SAMPLES.get(key if "." in key else key.split(".")[-1], DEFAULT)
    if src == "aws_sqs_queue" and key == "name":
        value, expected = '"jobs"', '"jobs-sub"'
    if src == "aws_secretsmanager_secret" and key == "name":
        value, expected = '"prod/x"', '"prod-x"'
    if src == "aws_route53_zone" and key == "name":
        expected = 'dns_name = "a.example."'
    (tmp_path / "main.tf").write_text(_source(src, key, value))
    result = convert_terraform(tmp_path)
    text = result.files["main.tf"]
    assert f'resource "{mapping.target}" "r"' in text or f'resource "{mapping.target}" "p"' in text
    leaf = mapping.path.rsplit(".", 1)[-1]
    assert leaf in text, text
    assert expected in text, text
    unknown = [
        p for p in check_terraform(result.files, provider="gcp") if "lacks the required" not in p
    ]
    assert unknown == []
