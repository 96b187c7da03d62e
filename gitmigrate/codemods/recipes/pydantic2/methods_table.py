"""Pydantic's v1 -> v2 method table (the migration guide's "Changes to pydantic.BaseModel"),
with the arguments each v2 method still accepts: a call that passes anything else (`.dict(
skip_defaults=True)`, `.json(sort_keys=True)`, `.copy(include=...)`) has no one-to-one
rewrite and is flagged instead."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DUMP = frozenset(
    {"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"}
)


@dataclass(frozen=True)
class Rename:
    new: str
    keywords: frozenset[str] | None  # the keyword arguments kept as they are (None: any)
    positional: int  # how many positional arguments v2 takes in the same places


# PD101: methods of an instance.
INSTANCE = {
    "dict": Rename("model_dump", _DUMP, 0),
    "json": Rename("model_dump_json", _DUMP | {"indent"}, 0),
    "copy": Rename("model_copy", frozenset({"update", "deep"}), 0),
}
INSTANCE_ATTRIBUTES = {"__fields_set__": "model_fields_set"}

# PD102: methods of the class (callable on an instance too).
CLASS = {
    "parse_obj": Rename("model_validate", frozenset(), 1),
    "parse_raw": Rename("model_validate_json", frozenset(), 1),
    "validate": Rename("model_validate", frozenset(), 1),
    "from_orm": Rename("model_validate", frozenset(), 1),  # + from_attributes=True
    "schema": Rename("model_json_schema", frozenset({"by_alias", "ref_template"}), 2),
    "schema_json": Rename("model_json_schema", frozenset({"by_alias", "ref_template"}), 0),
    "construct": Rename("model_construct", None, 1),
    "update_forward_refs": Rename("model_rebuild", frozenset(), 0),
}
CLASS_ATTRIBUTES = {"__fields__": "model_fields"}
NO_REWRITE = {"parse_file": "load the file, then Model.model_validate_json(text)"}

# What a PD105 flag considers Pydantic-looking on an object nothing proves to be a model.
DISTINCT = frozenset(
    {"parse_obj", "parse_raw", "parse_file", "schema_json", "update_forward_refs", "from_orm"}
)
PYDANTIC_KEYWORDS = frozenset(
    {"exclude_unset", "exclude_defaults", "exclude_none", "by_alias", "include", "exclude"}
    | {"models_as_dict", "skip_defaults", "update", "deep"}
)


def needle(*names: str) -> re.Pattern[str]:
    """A quick test that a file may call one of `names` (as a method or attribute)."""
    return re.compile(r"\.(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")\b")
