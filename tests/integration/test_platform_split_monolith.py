"""platform split on fixtures/platform/monolith (a shop of 39 modules): the five domains come out
in five clusters, the same on every run; N clusters on request; the calls that cross a boundary
are listed with caller, file:line and callee; shared modules and cluster cycles are found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate import api
from gitmigrate.platform.split_model import SplitReport

MONOLITH = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "monolith"
DOMAINS = ("users", "catalog", "orders", "billing", "notifications")


@pytest.fixture(scope="module")
def report() -> SplitReport:
    return api.platform_split(MONOLITH)


def _domain_of(module: str) -> str | None:
    part = module.split(".")[1] if module.count(".") >= 1 else ""
    return part if part in DOMAINS else None


def test_the_domains_come_out_apart(report: SplitReport) -> None:
    assert report.package == "shop" and len(report.modules) == 39
    clusters = {c.name: c.modules for c in report.clusters}
    for cluster in report.clusters:  # each cluster holds the modules of one domain at most
        assert len({_domain_of(m) for m in cluster.modules} - {None}) == 1, cluster
    for domain in DOMAINS:  # and each domain's modules (but its empty __init__) are together
        owners = {c.name for c in report.clusters for m in c.modules if _domain_of(m) == domain}
        assert owners == {domain}
    assert sorted(clusters) == sorted(DOMAINS)
    assert report.modularity > 0.4
    assert "shop.users" in report.isolated  # a docstring-only __init__ imports nothing


def test_the_same_report_on_every_run(report: SplitReport) -> None:
    again = api.platform_split(MONOLITH)
    assert json.dumps(again.to_json(), sort_keys=True) == json.dumps(
        report.to_json(), sort_keys=True
    )


def test_workers_change_nothing(report: SplitReport, monkeypatch: pytest.MonkeyPatch) -> None:
    from gitmigrate.platform import split_graph

    monkeypatch.setattr(split_graph, "PARALLEL_FROM", 0)  # the shop is small: force the pool
    parallel = api.platform_split(MONOLITH, jobs=2)
    assert parallel.to_json() == report.to_json()


def test_crossing_calls_name_caller_file_line_callee(report: SplitReport) -> None:
    crossing = {
        (b.source, b.target): {(c.caller(), c.where(), c.callee()) for c in b.calls}
        for b in report.boundaries
    }
    assert ("shop.orders.service:place_order", "shop/orders/service.py:22",
            "shop.billing.payments.charge") in crossing["orders", "billing"]  # fmt: skip
    assert ("shop.orders.cart:Cart.add", "shop/orders/cart.py:14",
            "shop.catalog.service.price_of") in crossing["orders", "catalog"]  # fmt: skip
    assert ("shop.billing.invoices:create_invoice", "shop/billing/invoices.py:14",
            "shop.users.service.get_user") in crossing["billing", "users"]  # fmt: skip
    # nothing inside one cluster is listed as crossing
    owner = report.cluster_of()
    for boundary in report.boundaries:
        for call in boundary.calls:
            assert owner[call.caller_module] == boundary.source != owner[call.callee_module]


def test_shared_modules_and_cycles(report: SplitReport) -> None:
    assert "shop.utils.log" in report.shared
    assert report.cycles and all(len(cycle) >= 2 for cycle in report.cycles)
    names = {c.name for c in report.clusters}
    assert all(set(cycle) <= names for cycle in report.cycles)


def test_n_clusters_on_request() -> None:
    three = api.platform_split(MONOLITH, "shop", clusters=3)
    assert len(three.clusters) == 3 and three.requested == 3
    assert "greedy_modularity" in three.method
    assert sorted(m for c in three.clusters for m in c.modules) == sorted(
        m for m in three.modules if m not in three.isolated
    )
