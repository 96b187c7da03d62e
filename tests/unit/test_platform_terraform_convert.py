"""convert_terraform on the fixture projects: each covered type converts, parses and passes the
recorded google schema; blocks not converted are byte-identical; references are rewritten."""

from __future__ import annotations

import re
from pathlib import Path

import hcl2
import pytest

from gitmigrate.errors import UsageError
from gitmigrate.platform.terraform_check import check_terraform
from gitmigrate.platform.terraform_convert import convert_terraform, read_terraform

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "terraform"
PROJECTS = ["bucket", "lifecycle", "queue", "database", "secrets", "dns", "mixed"]
COVERED = re.compile(
    r"aws_(s3_bucket|s3_bucket_versioning|s3_bucket_public_access_block|sqs_queue|db_instance"
    r"|secretsmanager_secret|secretsmanager_secret_version|route53_zone|route53_record)\."
)


TARGETS = {"gcp": ("expected", ".gcp"), "azure": ("expected-azure", ".azure")}
CASES = [(p, t) for t in TARGETS for p in PROJECTS]


@pytest.mark.parametrize(("project", "target"), CASES)
def test_project_converts_to_the_golden_text_that_parses_and_checks(
    project: str, target: str
) -> None:
    result = convert_terraform(FIXTURES / project, target=target)
    folder, suffix = TARGETS[target]
    expected = FIXTURES / folder / project
    assert sorted(result.files) == sorted(p.name[: -len(suffix)] for p in expected.iterdir())
    for rel, text in result.files.items():
        assert text == (expected / f"{rel}{suffix}").read_text(), rel
        hcl2.loads(text)
    assert check_terraform(result.files, provider=target) == []
    assert result.converted


@pytest.mark.parametrize(("project", "target"), CASES)
def test_blocks_not_converted_are_byte_identical(project: str, target: str) -> None:
    result = convert_terraform(FIXTURES / project, target=target)
    converted = {c.source for c in result.converted}
    kept = 0
    for f in read_terraform(FIXTURES / project):
        new = result.files.get(f.path, f.text)
        for b in f.blocks:
            original = f.text[b.start : b.end]
            if ".".join(b.labels[-2:]) in converted or COVERED.search(original):
                continue
            assert original in new, f"{f.path}:{b.line} changed"
            kept += 1
        for start, end in f.comments:
            if not any(
                b.start <= start < b.end and ".".join(b.labels[-2:]) in converted for b in f.blocks
            ):
                assert f.text[start:end] in new
    assert kept >= 1
    assert result.untouched_blocks >= kept


def test_file_without_covered_resources_is_not_rewritten(tmp_path: Path) -> None:
    (tmp_path / "net.tf").write_text(
        'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n'
    )
    (tmp_path / "bucket.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    result = convert_terraform(tmp_path)
    assert "net.tf" not in result.files
    assert [n.item for n in result.needs_person if n.resource == "aws_vpc.main"] == ["aws_vpc"]


def test_references_across_files_are_rewritten() -> None:
    result = convert_terraform(FIXTURES / "mixed")
    compute = result.files["compute.tf"]
    assert "${google_storage_bucket.uploads.name}" in compute
    assert "${google_pubsub_topic.uploads.name}" in compute
    assert "depends_on = [google_storage_bucket.uploads]" in compute
    storage = result.files["storage.tf"]
    assert "bucket = google_storage_bucket.uploads.id" in storage
    assert '"${google_storage_bucket.uploads.self_link}/*"' in storage


def test_reference_without_equivalent_is_left_and_listed() -> None:
    result = convert_terraform(FIXTURES / "mixed")
    assert "value = aws_s3_bucket.uploads.bucket_regional_domain_name" in result.files["compute.tf"]
    listed = [n for n in result.needs_person if "bucket_regional_domain_name" in n.item]
    assert [n.where for n in listed] == ["compute.tf:24:11"]


def test_uncovered_types_are_left_as_is_and_listed() -> None:
    result = convert_terraform(FIXTURES / "mixed")
    left = {n.resource for n in result.needs_person if "not in the table" in n.reason}
    assert left == {"aws_iam_role.worker", "aws_instance.worker", "aws_s3_bucket_policy.uploads"}
    assert 'resource "aws_instance" "worker" {' in result.files["compute.tf"]


def test_database_engine_not_covered_is_left_as_is() -> None:
    result = convert_terraform(FIXTURES / "database")
    assert 'resource "aws_db_instance" "legacy" {' in result.files["main.tf"]
    assert "aws_db_instance.legacy" not in {c.source for c in result.converted}


def test_commented_out_reference_is_not_rewritten(tmp_path: Path) -> None:
    text = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n# see aws_s3_bucket.b.arn\n'
    (tmp_path / "main.tf").write_text(text)
    assert "# see aws_s3_bucket.b.arn\n" in convert_terraform(tmp_path).files["main.tf"]


def test_every_source_attribute_is_converted_or_listed() -> None:
    result = convert_terraform(FIXTURES / "queue")
    listed = {n.item for n in result.needs_person if n.resource == "aws_sqs_queue.orders"}
    assert {"delay_seconds", "receive_wait_time_seconds"} <= listed


def test_invalid_hcl_is_one_line_with_file_line_col(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = \n}\n')
    with pytest.raises(UsageError) as exc:
        convert_terraform(tmp_path)
    assert re.match(r"main\.tf:2:\d+: invalid HCL", str(exc.value))
    assert "\n" not in str(exc.value)


def test_unsupported_pair_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--from aws --to gcp, --from aws --to azure"):
        convert_terraform(tmp_path, source="aws", target="oracle")


def test_check_reports_unknown_arguments_types_and_missing_required() -> None:
    text = 'resource "google_storage_bucket" "x" {\n  nme = 1\n}\nresource "google_foo" "y" {}\n'
    problems = check_terraform({"a.tf": text}, provider="gcp")
    assert any(p.startswith("a.tf:2:3:") and "'nme'" in p for p in problems)
    assert any("lacks the required 'location'" in p for p in problems)
    assert any(p.startswith("a.tf:4:1:") and "google_foo" in p for p in problems)
    assert check_terraform({"b.tf": "x = "}, provider="gcp")[0].startswith("b.tf:1:")


def test_crlf_file_keeps_its_line_endings(tmp_path: Path) -> None:
    text = 'resource "aws_s3_bucket" "b" {\r\n  bucket = "b"\r\n}\r\n\r\noutput "x" {\r\n  value = 1\r\n}\r\n'
    (tmp_path / "main.tf").write_bytes(text.encode())
    new = convert_terraform(tmp_path).files["main.tf"]
    assert "\n" not in new.replace("\r\n", "")
    assert 'output "x" {\r\n  value = 1\r\n}\r\n' in new
    hcl2.loads(new)


def test_azure_record_names_are_relative_to_the_zone() -> None:
    text = convert_terraform(FIXTURES / "dns", target="azure").files["main.tf"]
    assert 'name                = "www"' in text
    assert 'name                = "api"' in text
    assert 'record              = "lb.acme.example."' in text


def test_azure_variables_are_declared_only_when_used() -> None:
    text = convert_terraform(FIXTURES / "secrets", target="azure").files["main.tf"]
    assert 'variable "azure_key_vault_id"' in text
    assert 'variable "azure_resource_group"' not in text


def test_references_resolve_within_their_module(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'provider "aws" {\n  region = "us-east-1"\n}\n\n'
        'resource "aws_s3_bucket" "logs" {\n  bucket = "root-logs"\n}\n'
    )
    child = tmp_path / "modules" / "child"
    child.mkdir(parents=True)
    other = 'output "x" {\n  value = aws_s3_bucket.logs.arn\n}\n'
    (child / "outputs.tf").write_text(other)
    (child / "queue.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n}\n')
    (child / "bucket.tf").write_text('resource "aws_s3_bucket" "c" {\n  bucket = "c"\n}\n')
    result = convert_terraform(tmp_path)
    assert "modules/child/outputs.tf" not in result.files
    assert 'provider "google"' in result.files["main.tf"]
    assert 'provider "google"' not in result.files["modules/child/queue.tf"]
    assert any(
        n.resource == "module" and n.where == "modules/child/bucket.tf:1:1"
        for n in result.needs_person
    )


def test_provider_goes_beside_the_first_converted_resource_and_json_is_listed(
    tmp_path: Path,
) -> None:
    (tmp_path / "a.tf").write_text("# only a comment\n")
    (tmp_path / "b.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    (tmp_path / "c.tf.json").write_text('{"resource": {}}\n')
    result = convert_terraform(tmp_path)
    assert sorted(result.files) == ["b.tf"]
    assert 'provider "google"' in result.files["b.tf"]
    assert any(n.where == "c.tf.json:1:1" for n in result.needs_person)


def test_comments_inside_a_converted_block_are_kept_above_it(tmp_path: Path) -> None:
    text = (
        'resource "aws_s3_bucket" "b" {\n  # who owns it: team web\n  bucket = "b" // inline\n'
        "  /* several\n     lines */\n}\n"
    )
    (tmp_path / "main.tf").write_text(text)
    new = convert_terraform(tmp_path).files["main.tf"]
    assert new.startswith(
        '# who owns it: team web\n// inline\n/* several\n     lines */\nresource "google_storage_bucket" "b" {\n'
    )
    hcl2.loads(new)


def test_lifecycle_protection_is_carried_over_and_the_rest_listed(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_sqs_queue" "q" {\n  name = "q"\n  lifecycle {\n    prevent_destroy = true\n'
        "    ignore_changes  = [tags]\n  }\n}\n"
    )
    result = convert_terraform(tmp_path)
    text = result.files["main.tf"]
    assert text.count("lifecycle {\n    prevent_destroy = true\n  }") == 2  # topic and subscription
    assert [n.where for n in result.needs_person if n.item == "lifecycle.ignore_changes"] == [
        "main.tf:5:5"
    ]
    assert check_terraform(result.files, provider="gcp") == []


def test_lifecycle_rules_gcp_one_rule_per_action_and_the_rest_listed() -> None:
    result = convert_terraform(FIXTURES / "lifecycle")
    text = result.files["main.tf"]
    assert text.count("lifecycle_rule {") == 6
    assert 'storage_class = "ARCHIVE"' in text and 'type = "AbortIncompleteMultipartUpload"' in text
    listed = {(n.item, n.where) for n in result.needs_person}
    assert ("rule.filter", "main.tf:55:5") in listed
    assert ("rule", "main.tf:67:3") in listed


@pytest.mark.parametrize("target", ["gcp", "azure"])
def test_literal_secret_is_listed_without_its_value(tmp_path: Path, target: str) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_secretsmanager_secret" "s" {\n  name = "s"\n}\n\n'
        'resource "aws_secretsmanager_secret_version" "s" {\n'
        '  secret_id     = aws_secretsmanager_secret.s.id\n  secret_string = "hunter2-literal"\n}\n'
    )
    result = convert_terraform(tmp_path, target=target)
    listed = [n for n in result.needs_person if n.item == "secret_string"]
    assert [n.where for n in listed] == ["main.tf:7:3"]
    assert "hunter2" not in repr(result.to_json())
