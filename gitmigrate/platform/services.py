"""The table of equivalent cloud services (package data `platform/data/services.tsv`): one row
per service with its AWS, Google Cloud and Azure names, the Terraform resource types on each
side, the SDK names that reveal it in code, the container images it replaces, the feature gaps,
a confidence and the comparison pages it comes from.

The scanner names what it finds through it, `platform map` reads the equivalents from it, and
the Terraform conversion takes its resource type pairs from `resource_pair`.

A Terraform entry may be narrowed by an argument: `aws_db_instance(engine=postgres)` is an
`aws_db_instance` whose `engine` starts with `postgres`. Types pair by position: the i-th AWS
type goes with the i-th type of the target, else with the target's first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

PROVIDERS = ("aws", "gcp", "azure")
# the Terraform providers' resource type prefixes (Entra ID objects live in the azuread provider)
TYPE_PREFIXES: dict[str, tuple[str, ...]] = {
    "aws": ("aws_",),
    "gcp": ("google_",),
    "azure": ("azurerm_", "azuread_"),
}
CONFIDENCES = ("high", "medium", "low")
COLUMNS = (
    "id", "category", "aws", "gcp", "azure", "aws_terraform", "gcp_terraform",
    "azure_terraform", "aws_sdk", "gcp_sdk", "azure_sdk", "images", "gaps", "confidence",
    "sources",
)  # fmt: skip
_ENTRY = re.compile(r"^([a-z][a-z0-9_]*)(?:\(([a-z_]+)=([A-Za-z0-9._-]+)\))?$")
_VERSION_SUFFIX = re.compile(r"_v\d+[a-z0-9]*$")  # compute_v1, pubsub_v1, dataflow_v1beta3


@dataclass(frozen=True)
class TypeRef:
    """One Terraform entry of a row: a resource type, maybe narrowed by `argument = value...`."""

    type: str
    argument: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        return self.type if self.argument is None else f"{self.type}({self.argument}={self.value})"


@dataclass(frozen=True)
class ServiceRow:
    id: str
    category: str
    names: Mapping[str, str]  # provider -> the service's name there
    terraform: Mapping[str, tuple[TypeRef, ...]]  # provider -> its resource types (may be ())
    sdk: Mapping[str, tuple[str, ...]]  # aws: boto3 service names; gcp/azure: Python modules
    images: tuple[str, ...]  # container images a self-hosted stand-in of the service runs
    gaps: str
    confidence: str
    sources: tuple[str, ...]
    line: int  # in services.tsv, for messages

    def types(self, provider: str) -> tuple[str, ...]:
        """The resource types on one side, each once, in the table's order."""
        return tuple(dict.fromkeys(ref.type for ref in self.terraform[provider]))

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "category": self.category,
            "names": dict(self.names),
            "terraform": {p: [str(r) for r in refs] for p, refs in self.terraform.items()},
            "gaps": self.gaps,
            "confidence": self.confidence,
            "sources": list(self.sources),
        }


def _items(cell: str) -> tuple[str, ...]:
    return () if cell.strip() == "-" else tuple(p.strip() for p in cell.split(",") if p.strip())


def _ref(entry: str) -> TypeRef:
    match = _ENTRY.match(entry)
    if match is None:
        raise ValueError(f"not a Terraform type entry: {entry!r}")
    return TypeRef(match.group(1), match.group(2), match.group(3))


def parse_table(text: str) -> list[ServiceRow]:
    """The rows of a services.tsv text (comments and the header skipped); a malformed row is a
    ValueError naming its line (the table ships with the package, so this is our bug)."""
    rows: list[ServiceRow] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#") or line.startswith("id\t"):
            continue
        cells = line.split("\t")
        if len(cells) != len(COLUMNS):
            raise ValueError(f"services.tsv:{number}: {len(cells)} cells, {len(COLUMNS)} expected")
        cell = dict(zip(COLUMNS, cells, strict=True))
        try:
            terraform = {
                p: tuple(_ref(e) for e in _items(cell[f"{p}_terraform"])) for p in PROVIDERS
            }
        except ValueError as exc:
            raise ValueError(f"services.tsv:{number}: {exc}") from None
        rows.append(
            ServiceRow(
                id=cell["id"],
                category=cell["category"],
                names={p: cell[p] for p in PROVIDERS},
                terraform=terraform,
                sdk={p: _items(cell[f"{p}_sdk"]) for p in PROVIDERS},
                images=_items(cell["images"]),
                gaps=cell["gaps"],
                confidence=cell["confidence"],
                sources=_items(cell["sources"]),
                line=number,
            )
        )
    return rows


def table_text() -> str:
    return resources.files("gitmigrate.platform").joinpath("data/services.tsv").read_text("utf-8")


@cache
def _table() -> tuple[ServiceRow, ...]:
    return tuple(parse_table(table_text()))


def load_service_table() -> list[ServiceRow]:
    """Every row of the package's table, in file order."""
    return list(_table())


def row_by_id(row_id: str) -> ServiceRow | None:
    return next((row for row in _table() if row.id == row_id), None)


def provider_of_type(resource_type: str) -> str | None:
    """aws / gcp / azure from a Terraform resource type's prefix; None for other providers."""
    for provider, prefixes in TYPE_PREFIXES.items():
        if resource_type.startswith(prefixes):
            return provider
    return None


_UNSET = object()


def rows_for_resource(
    resource_type: str, arguments: Mapping[str, str | None] | None = None
) -> list[ServiceRow]:
    """The rows a Terraform resource (or data source) type belongs to. `arguments` are the
    block's literal arguments (None for one set to an expression): a narrowed entry matches when
    its argument starts with the value; an argument not written picks the plain entry; one we
    cannot read keeps every candidate (the caller says the match is ambiguous)."""
    provider = provider_of_type(resource_type)
    if provider is None:
        return []
    arguments = arguments or {}
    plain: list[ServiceRow] = []
    narrowed: list[tuple[ServiceRow, TypeRef]] = []
    for row in _table():
        for ref in row.terraform[provider]:
            if ref.type != resource_type:
                continue
            if ref.argument is None:
                plain.append(row)
            else:
                narrowed.append((row, ref))
    hits: list[ServiceRow] = []
    unknown = False
    for row, ref in narrowed:
        value = arguments.get(ref.argument or "", _UNSET)
        if value is None:
            unknown = True
        elif isinstance(value, str) and value.lower().startswith((ref.value or "").lower()):
            hits.append(row)
    if hits:
        return _unique(hits)
    if unknown:
        return _unique([row for row, _ in narrowed] + plain)
    return _unique(plain or [row for row, _ in narrowed])


def _unique(rows: list[ServiceRow]) -> list[ServiceRow]:
    return list({row.id: row for row in rows}.values())


def resource_pair(
    resource_type: str, target: str, arguments: Mapping[str, str | None] | None = None
) -> str | None:
    """The target provider's resource type for an AWS/GCP/Azure one (positional pairing within
    the row, else the target's first type); None when the table has no row or no target type."""
    if target not in PROVIDERS:
        raise ValueError(f"unknown provider {target!r}: one of {', '.join(PROVIDERS)}")
    source = provider_of_type(resource_type)
    rows = rows_for_resource(resource_type, arguments)
    if source is None or not rows:
        return None
    row = rows[0]
    wanted = row.types(target)
    if not wanted:
        return None
    mine = row.types(source)
    index = mine.index(resource_type) if resource_type in mine else 0
    return wanted[index] if index < len(wanted) else wanted[0]


def normalise_module(module: str) -> str:
    """google.cloud.pubsub_v1 -> google.cloud.pubsub: version suffixes dropped per component."""
    return ".".join(_VERSION_SUFFIX.sub("", part) for part in module.split("."))


def rows_for_sdk(provider: str, name: str) -> list[ServiceRow]:
    """Rows whose SDK names match: a boto3 service name exactly (aws), else the longest dotted
    prefix of the (normalised) module. Several rows = the code does not say which (rds)."""
    if provider == "aws":
        return [row for row in _table() if name in row.sdk["aws"]]
    module = normalise_module(name)
    best: list[ServiceRow] = []
    best_length = 0
    for row in _table():
        for prefix in row.sdk.get(provider, ()):
            if module == prefix or module.startswith(prefix + "."):
                if len(prefix) > best_length:
                    best, best_length = [row], len(prefix)
                elif len(prefix) == best_length and row.id not in {b.id for b in best}:
                    best.append(row)
    return best


def image_name(image: str) -> str:
    """An image reference without registry host, `library/`, tag or digest: the table's key
    (docker.io/library/postgres:16 -> postgres, bitnami/redis:7 -> bitnami/redis)."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)
    if ":" in last[-1]:
        name = name[: len(name) - len(last[-1])] + last[-1].split(":", 1)[0]
    for host in ("docker.io/", "index.docker.io/", "registry-1.docker.io/"):
        if name.startswith(host):
            name = name[len(host) :]
    return name.removeprefix("library/").lower()


def rows_for_image(image: str) -> list[ServiceRow]:
    name = image_name(image)
    return [row for row in _table() if name in row.images]
