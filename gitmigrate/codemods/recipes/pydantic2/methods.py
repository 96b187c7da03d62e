"""Model method renames (.dict() -> .model_dump() ...), parse_obj_as -> TypeAdapter and the
validator `values` argument, resolved across the project's modules."""

from __future__ import annotations

from typing import Any

from gitmigrate.codemods.recipe import Rule

RULES: tuple[Rule, ...] = ()
PASSES: tuple[tuple[str, type[Any]], ...] = ()
COLLECTORS: tuple[Any, ...] = ()
