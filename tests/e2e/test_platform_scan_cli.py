"""`git migrate platform scan` and `platform map` from the CLI, in a temp git repository holding
a copy of fixtures/platform/scan: JSON and text output, PATH and -C, bad input (exit 2, one
line), invalid files reported at file:line:col with exit 0."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.fixtures_git import CliRunner, git, make_repo

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "scan"


@pytest.fixture
def shop(tmp_path: Path, git_env: dict[str, str]) -> Path:
    repo = make_repo(tmp_path / "shop")
    shutil.copytree(FIXTURE, repo, dirs_exist_ok=True)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "the shop")
    return repo


def test_scan_json_lists_items_services_and_files(shop: Path, run_cli: CliRunner) -> None:
    result = run_cli("platform", "scan", "--json", cwd=shop)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["root"] == str(shop)
    assert "infra/main.tf" in data["files"] and data["problems"] == []
    where = {(i["file"], i["line"], i["resource"]) for i in data["items"]}
    assert ("infra/main.tf", 17, "aws_s3_bucket.assets") in where
    assert ("app/storage.py", 6, 'client("s3")') in where
    s3 = next(s for s in data["services"] if s["service"] == "Amazon S3")
    assert s3["count"] == 3 and s3["provider"] == "aws"


def test_scan_text_and_a_subdirectory(shop: Path, run_cli: CliRunner) -> None:
    result = run_cli("platform", "scan", "infra", cwd=shop)
    assert result.exit_code == 0, result.stderr
    assert "main.tf:17  aws  storage  Amazon S3  (aws_s3_bucket.assets)" in result.stdout
    assert "app/storage.py" not in result.stdout
    assert result.stdout.rstrip().endswith("in 2 file(s); 0 problem(s)")


def test_invalid_files_are_reported_and_the_scan_goes_on(shop: Path, run_cli: CliRunner) -> None:
    (shop / "infra" / "broken.tf").write_text('resource "aws_sqs_queue" "q" {\n  name = "q"\n')
    (shop / "k8s" / "bad.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: [\n")
    result = run_cli("platform", "scan", cwd=shop)
    assert result.exit_code == 0
    assert "warning: infra/broken.tf:3:1: invalid HCL: unexpected end of file" in result.stderr
    assert "warning: k8s/bad.yaml:4:1: invalid YAML" in result.stderr
    assert "aws_s3_bucket.assets" in result.stdout
    assert "2 problem(s)" in result.stdout


def test_map_to_gcp_text(shop: Path, run_cli: CliRunner) -> None:
    result = run_cli("platform", "map", "--from", "aws", "--to", "gcp", cwd=shop)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Amazon S3 -> Cloud Storage  [storage, confidence high]" in out
    assert "  terraform: aws_s3_bucket -> google_storage_bucket" in out
    assert "  used at: app/storage.py:6, infra/main.tf:17, infra/main.tf:21" in out
    assert "cloud.google.com/docs/get-started/aws-azure-gcp-service-comparison" in out
    assert "UNMAPPED infra/main.tf:37 aws_db_subnet_group.main" in out
    assert "self-hosted docker-compose.yml:9: managed on gcp: Cloud SQL for PostgreSQL" in out
    assert out.rstrip().endswith(
        "8 service(s) mapped aws -> gcp, 3 unmapped, 4 self-hosted with a managed equivalent"
    )


def test_map_to_azure_json_with_c_and_path(shop: Path, run_cli: CliRunner, tmp_path: Path) -> None:
    result = run_cli("platform", "map", "--to", "azure", "--json", "infra", cwd=shop)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["from"], data["to"]) == ("aws", "azure")
    secrets = next(m for m in data["mapped"] if m["id"] == "secrets")
    assert secrets["target_service"] == "Azure Key Vault (secrets)"
    assert secrets["pairs"] == [
        {"from": "aws_secretsmanager_secret", "to": "azurerm_key_vault_secret"}
    ]
    assert secrets["places"] == ["services.tf:1"]
    assert {u["resource"] for u in data["unmapped"]} >= {"module.vpc"}


@pytest.mark.parametrize(("args", "message"), [
    (("platform", "map", "--to", "oracle"), "Invalid value for '--to'"),
    (("platform", "map", "--from", "gcp", "--to", "gcp"), "--from and --to are both gcp"),
    (("platform", "map"), "Missing option '--to'"),
    (("platform", "scan", "nowhere"), "does not exist"),
])  # fmt: skip
def test_bad_input_exits_2(
    shop: Path, run_cli: CliRunner, args: tuple[str, ...], message: str
) -> None:
    result = run_cli(*args, cwd=shop)
    assert result.exit_code == 2
    assert message in result.stderr


def test_files_git_ignores_are_not_scanned(shop: Path, run_cli: CliRunner) -> None:
    (shop / ".gitignore").write_text("build/\n")
    (shop / "build").mkdir()
    (shop / "build" / "copy.tf").write_text('resource "aws_kinesis_stream" "s" {}\n')
    (shop / "untracked.tf").write_text('resource "aws_sns_topic" "t" {}\n')
    result = run_cli("platform", "scan", "--json", cwd=shop)
    files = json.loads(result.stdout)["files"]
    assert "untracked.tf" in files and "build/copy.tf" not in files
