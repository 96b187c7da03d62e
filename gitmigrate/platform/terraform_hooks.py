"""What a table row cannot say: required target arguments and the extra resources a source
resource becomes (a queue is a topic and a subscription; a database instance may carry a database
and a user). Each hook fills ``bodies`` for one converted block and returns its notes."""

from __future__ import annotations

import re
from collections.abc import Callable

from gitmigrate.platform.terraform_hcl import Block
from gitmigrate.platform.terraform_hooks_azure import AZURE_HOOKS
from gitmigrate.platform.terraform_lifecycle import gcs_inline_lifecycle, gcs_lifecycle
from gitmigrate.platform.terraform_render import Body, set_path
from gitmigrate.platform.terraform_rules import Note
from gitmigrate.platform.terraform_values import hcl_string, literal_str

Hook = Callable[[Block, str, "str | None", dict[str, Body]], list[Note]]


def _note(block: Block, item: str, reason: str) -> Note:
    return Note(item, block.line, block.column, reason)


def bucket(block: Block, label: str, region: str | None, bodies: dict[str, Body]) -> list[Note]:
    body = bodies.setdefault("google_storage_bucket", {})
    notes = gcs_inline_lifecycle(block, bodies)
    if "name" not in body:
        body["name"] = hcl_string(label.replace("_", "-"))
        notes.append(_note(block, "bucket", f"the bucket has no name: named {body['name']}"))
    if region:
        body["location"] = hcl_string(region.upper())
        return notes
    body["location"] = '"US"'
    return notes + [
        _note(
            block,
            "location",
            'no AWS region found: location set to "US"; choose the bucket location',
        )
    ]


def queue(block: Block, label: str, region: str | None, bodies: dict[str, Body]) -> list[Note]:
    topic = bodies.setdefault("google_pubsub_topic", {})
    sub = bodies.setdefault("google_pubsub_subscription", {})
    notes = []
    name = topic.get("name")
    if not isinstance(name, str):
        name = hcl_string(label.replace("_", "-"))
        topic["name"] = name
        notes.append(_note(block, "name", f"the queue has no name: topic named {name}"))
    literal = literal_str(name)
    sub_name = hcl_string(f"{literal}-sub") if literal is not None else f'"${{{name.strip()}}}-sub"'
    sub_fields: Body = {"name": sub_name, "topic": f"google_pubsub_topic.{label}.id"}
    if "labels" in topic:
        sub_fields["labels"] = topic["labels"]
    bodies["google_pubsub_subscription"] = {**sub_fields, **sub}
    return notes


_KNOWN = {f"POSTGRES_{v}" for v in ("9_6", *map(str, range(10, 18)))} | {
    "MYSQL_5_6",
    "MYSQL_5_7",
    "MYSQL_8_0",
    "MYSQL_8_4",
}
_VERSION = re.compile(r"(\d+)(?:\.(\d+))?")


def database(block: Block, label: str, region: str | None, bodies: dict[str, Body]) -> list[Note]:
    notes = []
    instance = bodies.setdefault("google_sql_database_instance", {})
    engine = literal_str(block.attributes["engine"].raw) if "engine" in block.attributes else None
    version_raw = block.attributes.get("engine_version")
    version = literal_str(version_raw.raw) if version_raw else None
    m = _VERSION.match(version or "")
    if engine == "postgres":
        major = m.group(1) if m else "16"
        if m and int(major) < 10 and m.group(2):
            major = f"{major}_{m.group(2)}"
        dbv = f"POSTGRES_{major}"
    else:
        dbv = f"MYSQL_{m.group(1)}_{m.group(2) or 0}" if m else "MYSQL_8_0"
    if dbv not in _KNOWN:
        notes.append(
            _note(
                block,
                "engine_version",
                f"{dbv} is not a Cloud SQL version: POSTGRES_16 / MYSQL_8_0 ...",
            )
        )
    if not m:
        notes.append(
            _note(
                block, "engine_version", f"no literal engine_version: database_version set to {dbv}"
            )
        )
    head: Body = {"database_version": hcl_string(dbv)}
    if region:
        head["region"] = hcl_string(region)
    bodies["google_sql_database_instance"] = {**head, **instance}
    if "tier" not in _settings(bodies["google_sql_database_instance"]):
        set_path(bodies["google_sql_database_instance"], "settings.tier", '"db-custom-2-7680"')
        notes.append(_note(block, "instance_class", "no instance_class: choose settings.tier"))
    for kind in ("google_sql_database", "google_sql_user"):
        if kind in bodies:
            bodies[kind] = {
                **bodies[kind],
                "instance": f"google_sql_database_instance.{label}.name",
            }
    return notes


def _settings(body: Body) -> Body:
    settings = body.get("settings")
    return settings[0] if isinstance(settings, list) and settings else {}


def secret(block: Block, label: str, region: str | None, bodies: dict[str, Body]) -> list[Note]:
    body = bodies.setdefault("google_secret_manager_secret", {})
    notes = []
    if "secret_id" not in body:
        body["secret_id"] = hcl_string(label.replace("_", "-"))
        notes.append(
            _note(block, "name", f"the secret has no name: secret_id set to {body['secret_id']}")
        )
    body["replication"] = [{"auto": [{}]}]
    return notes


def zone(block: Block, label: str, region: str | None, bodies: dict[str, Body]) -> list[Note]:
    body = bodies.setdefault("google_dns_managed_zone", {})
    domain = literal_str(block.attributes["name"].raw) if "name" in block.attributes else None
    slug = re.sub(r"[^a-z0-9-]+", "-", (domain or label).lower()).strip("-.")
    bodies["google_dns_managed_zone"] = {"name": hcl_string(slug), **body}
    return []


HOOKS: dict[str, Hook] = {
    "bucket": bucket,
    "queue": queue,
    "database": database,
    "secret": secret,
    "zone": zone,
    "gcs_lifecycle": gcs_lifecycle,
    **AZURE_HOOKS,
}
