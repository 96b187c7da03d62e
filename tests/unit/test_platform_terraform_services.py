"""The terraform tables agree with the services table of `platform map` (services.tsv): every
source type converted is in a row there, and every target type written is on that row's side."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.platform.services import rows_for_resource
from gitmigrate.platform.terraform_convert import convert_terraform
from gitmigrate.platform.terraform_table import load_table

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "terraform"
# services.tsv's dns row names only the A and CNAME record types of azurerm (P3's file, reported).
NOT_IN_SERVICES = {"azurerm_dns_aaaa_record"}


@pytest.mark.parametrize("target", ["gcp", "azure"])
def test_pairs_agree_with_the_services_table(target: str) -> None:
    for src, rule in load_table("aws", target).rules.items():
        chosen = [(None, rule)] if not rule.variants else list(rule.variants.items())
        for value, variant in chosen:
            args = {rule.variant_by: value} if rule.variant_by and value else {}
            rows = rows_for_resource(src, args)
            assert rows, src
            recorded = {t for row in rows for t in row.types(target)}
            assert set(variant.targets) - recorded <= NOT_IN_SERVICES, (src, value)


def test_uncovered_type_names_its_counterpart_from_the_services_table() -> None:
    result = convert_terraform(FIXTURES / "mixed")
    reasons = {n.resource: n.reason for n in result.needs_person}
    assert reasons["aws_instance.worker"].endswith(
        "not in the table: left as is (its counterpart per services.tsv: google_compute_instance)"
    )
