"""Azure's required arguments and companion resources (see terraform_hooks for the contract):
every resource sits in a resource group and (most) a location; a bucket is a container in a
storage account, a queue sits in a Service Bus namespace, a secret in a Key Vault."""

from __future__ import annotations

import re

from gitmigrate.platform.terraform_hcl import Block
from gitmigrate.platform.terraform_render import Body
from gitmigrate.platform.terraform_rules import Note
from gitmigrate.platform.terraform_values import hcl_string, literal_str

GROUP = "var.azure_resource_group"


def _note(block: Block, item: str, reason: str) -> Note:
    return Note(item, block.line, block.column, reason)


def _placed(region: str | None, block: Block, notes: list[Note]) -> Body:
    if region is None:
        notes.append(
            _note(block, "location", 'no AWS region found: location set to "eastus"; choose it')
        )
    return {"resource_group_name": GROUP, "location": hcl_string(region or "eastus")}


def _name(body: Body, key: str, label: str, block: Block, notes: list[Note], what: str) -> str:
    name = body.get(key)
    if isinstance(name, str):
        return name
    body[key] = hcl_string(label.replace("_", "-"))
    notes.append(_note(block, key, f"the {what} has no name: named {body[key]}"))
    return str(body[key])


def azure_bucket(
    block: Block, label: str, region: str | None, bodies: dict[str, Body]
) -> list[Note]:
    notes: list[Note] = []
    account = bodies.setdefault("azurerm_storage_account", {})
    container = bodies.setdefault("azurerm_storage_container", {})
    name = literal_str(_name(container, "name", label, block, notes, "bucket")) or label
    account_name = re.sub(r"[^a-z0-9]", "", name.lower())[:24].ljust(3, "0")
    notes.append(
        _note(
            block,
            "bucket",
            f"storage account {account_name!r}: names are global, 3-24 letters and digits; one account may hold several containers",
        )
    )
    notes.append(
        _note(block, "bucket", 'account_replication_type "LRS": choose ZRS/GRS for more copies')
    )
    head: Body = {"name": hcl_string(account_name), **_placed(region, block, notes)}
    head.update(account_tier='"Standard"', account_replication_type='"LRS"')
    bodies["azurerm_storage_account"] = {**head, **account}
    bodies["azurerm_storage_container"] = {
        **container,
        "storage_account_id": f"azurerm_storage_account.{label}.id",
        "container_access_type": '"private"',
    }
    return notes


def azure_queue(
    block: Block, label: str, region: str | None, bodies: dict[str, Body]
) -> list[Note]:
    notes: list[Note] = []
    namespace = bodies.setdefault("azurerm_servicebus_namespace", {})
    queue = bodies.setdefault("azurerm_servicebus_queue", {})
    name = _name(queue, "name", label, block, notes, "queue")
    literal = literal_str(name)
    ns_name = hcl_string(f"{literal}-ns") if literal is not None else f'"${{{name.strip()}}}-ns"'
    notes.append(
        _note(
            block,
            "name",
            f"Service Bus namespace {ns_name}: names are global; several queues may share one namespace",
        )
    )
    head: Body = {"name": ns_name, **_placed(region, block, notes), "sku": '"Standard"'}
    bodies["azurerm_servicebus_namespace"] = {**head, **namespace}
    bodies["azurerm_servicebus_queue"] = {
        "name": name,
        "namespace_id": f"azurerm_servicebus_namespace.{label}.id",
        **queue,
    }
    return notes


def azure_database(
    block: Block, label: str, region: str | None, bodies: dict[str, Body]
) -> list[Note]:
    notes: list[Note] = []
    server_type = next(iter(bodies))
    engine = literal_str(block.attributes["engine"].raw) if "engine" in block.attributes else None
    raw = block.attributes.get("engine_version")
    m = re.match(r"(\d+)(?:\.(\d+))?", (literal_str(raw.raw) or "") if raw else "")
    if engine == "postgres":
        version = m.group(1) if m else "16"
    else:
        version = "5.7" if m and m.group(1) == "5" else "8.0.21"
    if not m:
        notes.append(
            _note(block, "engine_version", f"no literal engine_version: version set to {version}")
        )
    server = bodies[server_type]
    head: Body = {**_placed(region, block, notes), "version": hcl_string(version)}
    bodies[server_type] = {**head, **server}
    if "sku_name" not in server:
        bodies[server_type]["sku_name"] = '"GP_Standard_D2ds_v4"'
        notes.append(_note(block, "instance_class", "no instance_class: choose sku_name"))
    for kind, body in list(bodies.items())[1:]:
        if engine == "postgres":
            extra: Body = {
                "server_id": f"{server_type}.{label}.id",
                "charset": '"UTF8"',
                "collation": '"en_US.utf8"',
            }
        else:
            extra = {
                "resource_group_name": GROUP,
                "server_name": f"{server_type}.{label}.name",
                "charset": '"utf8mb4"',
                "collation": '"utf8mb4_unicode_ci"',
            }
        if body:
            bodies[kind] = {**body, **extra}
    return notes


def azure_secret(
    block: Block, label: str, region: str | None, bodies: dict[str, Body]
) -> list[Note]:
    notes: list[Note] = []
    body = bodies.setdefault("azurerm_key_vault_secret", {})
    _name(body, "name", label, block, notes, "secret")
    body["key_vault_id"] = "var.azure_key_vault_id"
    if "value" not in body:
        notes.append(
            _note(
                block, "value", "no aws_secretsmanager_secret_version with secret_string: set value"
            )
        )
    return notes


def azure_zone(block: Block, label: str, region: str | None, bodies: dict[str, Body]) -> list[Note]:
    body = bodies.setdefault("azurerm_dns_zone", {})
    bodies["azurerm_dns_zone"] = {**body, "resource_group_name": GROUP}
    return []


def azure_record(
    block: Block, label: str, region: str | None, bodies: dict[str, Body]
) -> list[Note]:
    kind = next(iter(bodies))
    body = bodies[kind]
    notes = []
    body["resource_group_name"] = GROUP
    if "ttl" not in body:
        body["ttl"] = "300"
        notes.append(_note(block, "ttl", "Azure records need a ttl: set to 300"))
    return notes


AZURE_HOOKS = {
    f.__name__: f
    for f in (azure_bucket, azure_queue, azure_database, azure_secret, azure_zone, azure_record)
}
