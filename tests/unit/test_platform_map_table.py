"""The services table (package data platform/data/services.tsv) is whole and well formed:
every cell filled, Terraform types named with their provider's prefix, no duplicates, at least
40 services over the categories the issue names, sources named per row."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from gitmigrate.platform import services
from gitmigrate.platform.services import (
    PROVIDERS,
    TYPE_PREFIXES,
    load_service_table,
    parse_table,
    resource_pair,
    rows_for_resource,
    rows_for_sdk,
    table_text,
)

ROWS = load_service_table()
_TYPE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")


def test_at_least_forty_services_over_the_required_categories() -> None:
    assert len(ROWS) >= 40
    categories = {row.category for row in ROWS}
    required = {"compute", "storage", "queues", "databases", "caches", "secrets", "dns", "iam",
                "functions", "containers"}  # fmt: skip
    assert required <= categories, required - categories


def test_every_cell_is_filled() -> None:
    for number, line in enumerate(table_text().splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        assert len(cells) == len(services.COLUMNS), number
        assert all(cell.strip() for cell in cells), f"services.tsv:{number} has an empty cell"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_row_is_well_formed(row: services.ServiceRow) -> None:
    assert re.fullmatch(r"[a-z0-9-]+", row.id)
    assert row.confidence in services.CONFIDENCES
    assert all(row.names[p].strip() for p in PROVIDERS)
    assert row.terraform["aws"], "the AWS side is what scans look up: it needs a type"
    for provider in PROVIDERS:
        for ref in row.terraform[provider]:
            assert ref.type.startswith(TYPE_PREFIXES[provider]), (provider, str(ref))
            assert _TYPE.match(ref.type), str(ref)
        if not row.terraform[provider]:  # no Terraform type there: the gaps must say why
            assert row.confidence in ("medium", "low"), row.id
    for name in row.sdk["aws"]:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name), name
    assert all(m.startswith("google.cloud.") for m in row.sdk["gcp"]), row.sdk["gcp"]
    assert all(m.startswith("azure.") for m in row.sdk["azure"]), row.sdk["azure"]
    assert row.sources and all(s.startswith("https://") for s in row.sources)
    assert any("cloud.google.com" in s for s in row.sources)
    assert any("learn.microsoft.com" in s for s in row.sources)
    assert len(row.gaps) > 20


def test_no_duplicates() -> None:
    for counted in (
        Counter(row.id for row in ROWS),
        Counter(row.names["aws"] for row in ROWS),
        Counter(str(ref) for row in ROWS for ref in row.terraform["aws"]),
    ):
        assert [k for k, n in counted.items() if n > 1] == []
    for row in ROWS:  # a type twice in one row's side would pair twice
        for provider in PROVIDERS:
            entries = [str(ref) for ref in row.terraform[provider]]
            assert len(entries) == len(set(entries)), (row.id, provider)


def test_resource_pairs_for_the_conversion() -> None:
    assert resource_pair("aws_s3_bucket", "gcp") == "google_storage_bucket"
    assert resource_pair("aws_s3_bucket", "azure") == "azurerm_storage_container"
    assert resource_pair("aws_route53_record", "gcp") == "google_dns_record_set"
    assert resource_pair("aws_secretsmanager_secret_version", "gcp") == (
        "google_secret_manager_secret_version"
    )
    assert resource_pair("aws_sqs_queue", "azure") == "azurerm_servicebus_queue"
    mysql = {"engine": "mysql"}
    assert resource_pair("aws_db_instance", "azure", mysql) == "azurerm_mysql_flexible_server"
    postgres = {"engine": "postgres"}
    assert (
        resource_pair("aws_db_instance", "azure", postgres) == "azurerm_postgresql_flexible_server"
    )
    assert resource_pair("aws_db_instance", "gcp", postgres) == "google_sql_database_instance"
    assert resource_pair("aws_docdb_cluster", "gcp") is None  # no GCP type: by hand
    assert resource_pair("aws_not_a_thing", "gcp") is None
    assert resource_pair("random_password", "gcp") is None
    with pytest.raises(ValueError, match="unknown provider"):
        resource_pair("aws_s3_bucket", "oracle")


def test_narrowed_types_pick_by_argument_and_keep_every_candidate_when_unknown() -> None:
    def ids(arguments: dict[str, str | None] | None) -> list[str]:
        return [row.id for row in rows_for_resource("aws_db_instance", arguments)]

    assert ids({"engine": "postgres"}) == ["postgres"]
    assert ids({"engine": "sqlserver-ex"}) == ["sqlserver"]
    assert set(ids({"engine": None})) == {"postgres", "mysql", "sqlserver"}
    cache = [r.id for r in rows_for_resource("aws_elasticache_cluster", {"engine": "memcached"})]
    assert cache == ["memcached"]
    assert [r.id for r in rows_for_resource("aws_elasticache_cluster", {})] == ["redis"]


def test_sdk_names_resolve() -> None:
    assert [r.id for r in rows_for_sdk("aws", "s3")] == ["object-storage"]
    assert {r.id for r in rows_for_sdk("aws", "rds")} == {"postgres", "mysql", "sqlserver"}
    assert [r.id for r in rows_for_sdk("gcp", "google.cloud.pubsub_v1")] == ["pubsub"]
    assert [r.id for r in rows_for_sdk("gcp", "google.cloud.storage.blob")] == ["object-storage"]
    assert rows_for_sdk("gcp", "google.cloud.storage_transfer")[0].id == "data-transfer"
    assert [r.id for r in rows_for_sdk("azure", "azure.keyvault.secrets")] == ["secrets"]
    assert rows_for_sdk("aws", "not-a-service") == []


def test_a_malformed_table_names_its_line() -> None:
    header = "\t".join(services.COLUMNS)
    with pytest.raises(ValueError, match=r"services.tsv:2: 3 cells"):
        parse_table(f"{header}\na\tb\tc\n")
    bad = ["x"] * len(services.COLUMNS)
    bad[5] = "aws_s3_bucket(engine)"
    with pytest.raises(ValueError, match=r"services.tsv:3: not a Terraform type entry"):
        parse_table(f"# comment\n{header}\n" + "\t".join(bad) + "\n")
