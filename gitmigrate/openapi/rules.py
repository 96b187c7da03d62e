"""The rule table: oasdiff's rule ids with their default level and wording (rules.tsv, taken
from oasdiff's `GetAllRules()`, Apache-2.0, see RULES-LICENSE), plus the ids git-migrate adds
where oasdiff has no rule (extra_rules.tsv, same columns)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from gitmigrate.openapi.model import Level

TABLES = ("rules.tsv", "extra_rules.tsv")


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    description: str
    direction: str
    area: str
    kind: str
    action: str
    check: str


@cache
def all_rules() -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    package = resources.files("gitmigrate.openapi")
    for table in TABLES:
        source = package / table
        if not source.is_file():
            continue
        rows = csv.DictReader(source.read_text(encoding="utf-8").splitlines(), delimiter="\t")
        for row in rows:
            found[row["id"]] = Rule(
                row["id"], row["level"], row["description"], row["direction"],  # type: ignore[arg-type]
                row["area"], row["kind"], row["action"], row["check"],
            )  # fmt: skip
    return found


def rule(id: str) -> Rule:
    try:
        return all_rules()[id]
    except KeyError:
        raise KeyError(f"no rule {id!r} in rules.tsv or extra_rules.tsv") from None
