"""platform map on the fixture repository's inventory: each AWS service found gets its GCP or
Azure equivalent and type pairs; what the table lacks is listed, nothing is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.platform.scan import scan_platform
from gitmigrate.platform.scan_model import Inventory, Item
from gitmigrate.platform.services_map import map_services

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "scan"


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return scan_platform(FIXTURE)


def test_aws_to_gcp(inventory: Inventory) -> None:
    mapping = map_services(inventory, source="aws", target="gcp")
    by_id = {m.row.id: m for m in mapping.mapped}
    assert set(by_id) == {"functions", "object-storage", "postgres", "redis", "queue", "secrets",
                          "dns", "iam-roles"}  # fmt: skip
    s3 = by_id["object-storage"]
    assert s3.row.names["gcp"] == "Cloud Storage"
    assert s3.pairs == (("aws_s3_bucket", "google_storage_bucket"),
                        ("aws_s3_bucket_versioning", "google_storage_bucket"))  # fmt: skip
    assert s3.places == ("app/storage.py:6", "infra/main.tf:17", "infra/main.tf:21")
    assert by_id["postgres"].pairs == (("aws_db_instance", "google_sql_database_instance"),)
    unmapped = {u.item.resource: u.reason for u in mapping.unmapped}
    assert set(unmapped) == {"aws_db_subnet_group.main", "module.vpc",
                             "data.aws_iam_policy_document.assume_lambda"}  # fmt: skip
    assert "not in the services table" in unmapped["aws_db_subnet_group.main"]
    hosted = {m.row.id: m.places for m in mapping.self_hosted}
    assert hosted["postgres"] == ("docker-compose.yml:9",)
    assert set(hosted) == {"postgres", "redis", "message-broker", "search"}


def test_nothing_is_dropped(inventory: Inventory) -> None:
    mapping = map_services(inventory, source="aws", target="azure")
    accounted = (
        sum(len(m.places) for m in mapping.mapped)
        + len(mapping.unmapped)
        + sum(len(m.places) for m in mapping.self_hosted)
        + len(mapping.not_mapped)
    )
    # an item is counted once per place; places shared by two items (none here) would differ
    assert accounted == len(inventory.items)
    reasons = {u.item.resource: u.reason for u in mapping.not_mapped}
    assert "Kubernetes object" in reasons["Deployment/web"]
    assert "not aws" in reasons["import google.cloud.storage"]
    by_id = {m.row.id: m for m in mapping.mapped}
    assert by_id["dns"].pairs == (("aws_route53_zone", "azurerm_dns_zone"),
                                  ("aws_route53_record", "azurerm_dns_a_record"))  # fmt: skip


def test_a_call_that_does_not_say_which_service_lists_every_candidate() -> None:
    rds = Item("python", "client", "aws", "databases", "x", 'client("rds")', "a.py", 3,
               key="rds", rows=("postgres", "mysql", "sqlserver"))  # fmt: skip
    mapping = map_services(Inventory("/x", (rds,)), source="aws", target="gcp")
    assert [m.row.id for m in mapping.mapped] == ["postgres", "mysql", "sqlserver"]
    assert mapping.mapped[0].candidates == ("mysql", "postgres", "sqlserver")
    assert mapping.to_json()["mapped"][0]["one_of"] == ["mysql", "postgres", "sqlserver"]


@pytest.mark.parametrize(("source", "target", "message"), [
    ("aws", "aws", "both aws"),
    ("aws", "oracle", "--to oracle: not a cloud the table covers"),
    ("ibm", "gcp", "--from ibm"),
])  # fmt: skip
def test_bad_clouds_are_usage_errors(source: str, target: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        map_services(Inventory("/x", ()), source=source, target=target)
