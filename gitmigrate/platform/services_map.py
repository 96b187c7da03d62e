"""`platform map`: every service an inventory found on the source cloud, with its equivalent on
the target from the services table (names, Terraform type pairs, gaps, confidence, sources).

Nothing is dropped silently: a source-cloud item the table does not know is `unmapped` (with
why), a self-hosted image that stands in for a managed service is `self_hosted`, and every
other item (Kubernetes objects, other clouds, providers, ports) is in `not_mapped` with why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.platform import services
from gitmigrate.platform.scan_model import KUBERNETES, SELF_HOSTED, Inventory, Item
from gitmigrate.platform.services import ServiceRow

_MAPPABLE = ("resource", "data", "client", "import", "module")


@dataclass(frozen=True)
class MappedService:
    """One table row the source uses: the equivalent service, and per source key the target's
    resource type (None: no Terraform type there). `candidates` > 1 when the code did not say
    which of several services it is (boto3 `client("rds")`, an engine set by a variable)."""

    row: ServiceRow
    source: str
    target: str
    pairs: tuple[tuple[str, str | None], ...]
    places: tuple[str, ...]
    candidates: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.row.id,
            "category": self.row.category,
            "source_service": self.row.names[self.source],
            "target_service": self.row.names[self.target],
            "source_terraform": [str(r) for r in self.row.terraform[self.source]],
            "target_terraform": list(self.row.types(self.target)),
            "pairs": [{"from": key, "to": to} for key, to in self.pairs],
            "gaps": self.row.gaps,
            "confidence": self.row.confidence,
            "sources": list(self.row.sources),
            "places": list(self.places),
            "one_of": list(self.candidates),
        }


@dataclass(frozen=True)
class Unmapped:
    item: Item
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {**self.item.to_json(), "reason": self.reason}


@dataclass(frozen=True)
class ServiceMap:
    source: str
    target: str
    mapped: tuple[MappedService, ...]
    unmapped: tuple[Unmapped, ...]  # source-cloud items the table has no row for
    self_hosted: tuple[MappedService, ...]  # images with a managed equivalent on the target
    not_mapped: tuple[Unmapped, ...]  # everything else the scan found, with why

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "mapped": [m.to_json() for m in self.mapped],
            "unmapped": [u.to_json() for u in self.unmapped],
            "self_hosted": [m.to_json() for m in self.self_hosted],
            "not_mapped": [u.to_json() for u in self.not_mapped],
        }


def check_clouds(source: str, target: str) -> None:
    """Both clouds known and different, else a UsageError (exit 2) saying what to give."""
    for name, value in (("--from", source), ("--to", target)):
        if value not in services.PROVIDERS:
            known = ", ".join(services.PROVIDERS)
            raise UsageError(
                f"{name} {value}: not a cloud the table covers", f"give one of {known}"
            )
    if source == target:
        raise UsageError(f"--from and --to are both {source}", "give two different clouds")


def map_services(inventory: Inventory, *, source: str = "aws", target: str) -> ServiceMap:
    check_clouds(source, target)
    used: dict[str, list[Item]] = {}
    images: dict[str, list[Item]] = {}
    unmapped: list[Unmapped] = []
    not_mapped: list[Unmapped] = []
    for item in inventory.items:
        if item.provider == source and item.kind in _MAPPABLE:
            if item.rows:
                for row_id in item.rows:
                    used.setdefault(row_id, []).append(item)
            else:
                unmapped.append(Unmapped(item, _why_unmapped(item)))
        elif item.provider == SELF_HOSTED and item.rows:
            images.setdefault(item.rows[0], []).append(item)
        else:
            not_mapped.append(Unmapped(item, _why_not(item, source)))
    return ServiceMap(
        source,
        target,
        tuple(_entry(row_id, items, source, target) for row_id, items in _ordered(used)),
        tuple(unmapped),
        tuple(_entry(row_id, items, source, target) for row_id, items in _ordered(images)),
        tuple(not_mapped),
    )


def _ordered(groups: dict[str, list[Item]]) -> list[tuple[str, list[Item]]]:
    order = {row.id: index for index, row in enumerate(services.load_service_table())}
    return sorted(groups.items(), key=lambda pair: order.get(pair[0], len(order)))


def _entry(row_id: str, items: list[Item], source: str, target: str) -> MappedService:
    row = services.row_by_id(row_id)
    assert row is not None, row_id  # rows come from the same table
    keys = dict.fromkeys(i.key for i in items if i.source == "terraform" and i.kind != "module")
    pairs = tuple((key, services.resource_pair(key, target)) for key in keys)
    candidates = sorted({r for i in items if len(i.rows) > 1 for r in i.rows})
    places = tuple(dict.fromkeys(i.where() for i in items))
    return MappedService(row, source, target, pairs, places, tuple(candidates))


def _why_unmapped(item: Item) -> str:
    if item.kind == "module":
        return f"a module ({item.key}): map the resources it creates, then the module"
    if item.key == "?":
        return "the service name is not a literal in the code"
    return f"{item.key} is not in the services table: convert it by hand (or add a row)"


def _why_not(item: Item, source: str) -> str:
    if item.kind == "provider":
        return "a Terraform provider: replaced with the target's when its resources move"
    if item.provider == KUBERNETES:
        return "a Kubernetes object: runs on any conformant cluster (EKS, GKE, AKS)"
    if item.kind == "port":
        return "an exposed port: unchanged by a cloud move"
    if item.provider == SELF_HOSTED:
        return "a container image: runs unchanged on any cloud's container service"
    if item.provider in services.PROVIDERS:
        return f"a service on {item.provider}, not {source}: left as it is"
    return "not a cloud service the table covers (another Terraform provider)"
