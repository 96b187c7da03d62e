"""platform scan on real files: the fixture repository (fixtures/platform/scan) and broken or
tricky files written to a temp dir. Every finding is checked at its file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.platform.scan import scan_platform
from gitmigrate.platform.scan_model import Inventory

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "scan"


def found(inventory: Inventory) -> set[tuple[str, str, str]]:
    return {(i.where(), i.provider, i.resource) for i in inventory.items}


@pytest.fixture(scope="module")
def fixture_inventory() -> Inventory:
    return scan_platform(FIXTURE)


def test_terraform_blocks_at_their_lines(fixture_inventory: Inventory) -> None:
    items = found(fixture_inventory)
    assert ("infra/main.tf:17", "aws", "aws_s3_bucket.assets") in items
    assert ("infra/main.tf:28", "aws", "aws_sqs_queue.orders") in items
    assert ("infra/main.tf:42", "aws", "aws_db_instance.orders") in items
    assert ("infra/main.tf:33", "other", "random_password.db") in items
    assert ("infra/main.tf:59", "aws", "module.vpc") in items
    assert ("infra/main.tf:13", "aws", "provider.aws") in items
    assert ("infra/main.tf:3", "aws", "provider.aws") in items  # required_providers
    assert ("infra/services.tf:17", "aws", "data.aws_iam_policy_document.assume_lambda") in items
    by_resource = {i.resource: i for i in fixture_inventory.items}
    assert by_resource["aws_db_instance.orders"].rows == ("postgres",)  # engine = "postgres"
    assert by_resource["aws_db_instance.orders"].service == "Amazon RDS for PostgreSQL"
    assert by_resource["aws_db_subnet_group.main"].rows == ()


def test_compose_kubernetes_and_dockerfile(fixture_inventory: Inventory) -> None:
    items = found(fixture_inventory)
    assert ("docker-compose.yml:9", "self-hosted", "service db: postgres:16") in items
    assert ("docker-compose.yml:2", "self-hosted", "service web (build)") in items
    assert ("docker-compose.yml:19", "self-hosted", "volume pgdata") in items
    assert ("k8s/app.yaml:2", "kubernetes", "Deployment/web") in items
    assert ("k8s/app.yaml:26", "kubernetes", "Service/web") in items  # second document
    assert ("k8s/app.yaml:37", "kubernetes", "StatefulSet/search") in items
    assert ("k8s/app.yaml:17", "self-hosted", "Deployment/web: ghcr.io/example/shop:1.4.0") in items
    assert ("Dockerfile:7", "self-hosted", "FROM: python:3.12-slim") in items
    assert ("Dockerfile:11", "self-hosted", "EXPOSE 8000") in items
    db = next(i for i in fixture_inventory.items if i.resource == "service db: postgres:16")
    assert db.rows == ("postgres",) and db.category == "databases"


def test_python_sdk_use(fixture_inventory: Inventory) -> None:
    items = found(fixture_inventory)
    assert ("app/storage.py:6", "aws", 'client("s3")') in items
    assert ("app/storage.py:7", "aws", 'resource("sqs")') in items
    assert ("app/storage.py:12", "aws", 'client("secretsmanager")') in items  # session, keyword
    assert ("app/storage.py:4", "gcp", "import google.cloud.storage") in items
    assert ("app/storage.py:17", "gcp", "storage.Client(...)") in items
    assert ("app/events.py:6", "gcp", "pubsub_v1.PublisherClient(...)") in items
    assert (
        "app/events.py:10",
        "azure",
        "blob.BlobServiceClient.from_connection_string(...)",
    ) in items
    assert not any(i.file == "app/models.py" for i in fixture_inventory.items)
    assert fixture_inventory.problems == ()


def test_services_summary_groups_places(fixture_inventory: Inventory) -> None:
    s3 = next(s for s in fixture_inventory.services if s.service == "Amazon S3")
    assert s3.places == ("app/storage.py:6", "infra/main.tf:17", "infra/main.tf:21")


def test_bad_files_are_findings_and_the_scan_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "infra" / "broken.tf").write_text('resource "aws_s3_bucket" "x" {\n  bucket = \n}\n')
    (root / "compose.yaml").write_text("services:\n  web:\n    image: [nginx\n")
    (root / "k8s" / "two.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: bad\n   oops: [\n"
    )
    (root / "app" / "bad.py").write_text("import boto3\nboto3.client('s3'\n")
    inventory = scan_platform(root)
    problems = {p.where(): p.message for p in inventory.problems}
    assert problems["infra/broken.tf:2:12"] == "invalid HCL: unexpected '\\n}\\n\\n'"
    assert problems["compose.yaml:4:1"].startswith("invalid YAML: while parsing a flow sequence")
    assert problems["k8s/two.yaml:9:8"] == "invalid YAML: mapping values are not allowed here"
    assert problems["app/bad.py:2:1"].startswith("invalid Python")
    assert len(problems) == 4
    items = found(inventory)
    assert ("k8s/two.yaml:2", "kubernetes", "ConfigMap/ok") in items  # the good document stays
    assert ("infra/main.tf:17", "aws", "aws_s3_bucket.assets") in items  # everything else too
    assert len(inventory.items) == len(scan_platform(FIXTURE).items) + 1


def test_python_aliases_sessions_and_names_that_are_not_literals(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import boto3 as b\n"
        "from google.cloud.storage import Client as GcsClient\n"
        "from azure.identity import DefaultAzureCredential\n"
        "from google.cloud import exceptions\n"
        "kinesis = b.client('kinesis')\n"
        "gcs = GcsClient()\n"
        "def make(name):\n"
        "    return b.client(name)\n"
        "class Thing:\n"
        "    def client(self, x): ...\n"
    )
    inventory = scan_platform(tmp_path)
    items = {(i.line, i.provider, i.key, i.rows) for i in inventory.items}
    assert (5, "aws", "kinesis", ("stream",)) in items
    assert (6, "gcp", "google.cloud.storage", ("object-storage",)) in items
    assert (3, "azure", "azure.identity", ("iam-roles",)) in items
    assert (8, "aws", "?", ()) in items
    assert not any(i.key == "google.cloud.exceptions" for i in inventory.items)


def test_files_without_platform_content_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("debug: true\n")
    (tmp_path / "notes.py").write_text("print('hello')\n")
    (tmp_path / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "x" / "main.tf").write_text('resource "aws_s3_bucket" "x" {}\n')
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "templates" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
    )
    inventory = scan_platform(tmp_path)
    assert inventory.items == ()
    assert inventory.files == ("chart/templates/deploy.yaml",)
    assert "template" in inventory.problems[0].message


def test_dockerfile_stages_continuations_and_platform_flags(tmp_path: Path) -> None:
    (tmp_path / "api.Dockerfile").write_text(
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"
        "RUN go build \\\n  -o /app\n"
        "FROM build AS test\n"
        "FROM scratch\n"
        "FROM gcr.io/distroless/static:nonroot\n"
        "EXPOSE 8080/tcp \\\n  9090\n"
    )
    inventory = scan_platform(tmp_path)
    assert [(i.line, i.resource) for i in inventory.items] == [
        (1, "FROM: golang:1.22"),
        (6, "FROM: gcr.io/distroless/static:nonroot"),
        (7, "EXPOSE 8080/tcp"),
        (7, "EXPOSE 9090"),
    ]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        scan_platform(tmp_path / "nope")


def test_lists_variables_and_big_files(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: Pod\n    metadata: {name: one}\n"
        "    spec:\n      containers:\n        - {name: c, image: 'memcached:1.6'}\n"
    )
    (tmp_path / "db.tf").write_text(
        'resource "aws_db_instance" "x" {\n  engine = var.engine\n}\n'
        'resource "aws_elasticache_cluster" "y" {\n  engine = "memcached"\n}\n'
    )
    (tmp_path / "huge.tf").write_text("# " + "x" * 2_000_001 + "\n")
    inventory = scan_platform(tmp_path)
    items = {(i.where(), i.resource): i.rows for i in inventory.items}
    assert items[("list.yaml:5", "Pod/one")] == ()
    assert items[("list.yaml:9", "Pod/one: memcached:1.6")] == ("memcached",)
    assert set(items[("db.tf:1", "aws_db_instance.x")]) == {"postgres", "mysql", "sqlserver"}
    assert items[("db.tf:4", "aws_elasticache_cluster.y")] == ("memcached",)
    assert [p.where() for p in inventory.problems] == ["huge.tf:1:1"]
    assert "over the 2000000-byte limit" in inventory.problems[0].message


def test_terraform_json_syntax(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text(
        '{\n  "provider": {"aws": {"region": "eu-west-1"}},\n'
        '  "resource": {\n    "aws_db_instance": {\n      "db": {"engine": "mysql"}\n    },\n'
        '    "aws_s3_bucket": {"b": [{"bucket": "x"}]}\n  },\n'
        '  "module": {"net": {"source": "terraform-aws-modules/vpc/aws"}}\n}\n'
    )
    (tmp_path / "bad.tf.json").write_text('{"resource": {\n  "aws_s3_bucket": }\n')
    inventory = scan_platform(tmp_path)
    items = {(i.where(), i.provider, i.resource): i.rows for i in inventory.items}
    assert items == {
        ("main.tf.json:2", "aws", "provider.aws"): (),
        ("main.tf.json:5", "aws", "aws_db_instance.db"): ("mysql",),
        ("main.tf.json:7", "aws", "aws_s3_bucket.b"): ("object-storage",),
        ("main.tf.json:9", "aws", "module.net"): (),
    }
    assert [p.where() for p in inventory.problems] == ["bad.tf.json:2:20"]
