"""Masking copied rows per column (hash, keyed HMAC, seeded fakes, null, keep, a Python
function): the same input gives the same output in every table and run, so joins still hold.

The subset load calls, once per table: `table_masker(...)`, then `mask_rows(chunk)` per chunk.
See docs/kinds/env-masking.md.
"""

from gitmigrate.data.masking.custom import MaskContext
from gitmigrate.data.masking.key import mask_key
from gitmigrate.data.masking.masker import (
    TableMasker,
    table_masker,
    table_masker_for,
    unique_columns,
)
from gitmigrate.data.masking.propagate import propagate
from gitmigrate.data.masking.rules import (
    MaskRule,
    MaskRules,
    check_mask_rules,
    parse_mask_rules,
    read_mask_rules,
)

__all__ = [
    "MaskContext",
    "MaskRule",
    "MaskRules",
    "TableMasker",
    "check_mask_rules",
    "mask_key",
    "parse_mask_rules",
    "propagate",
    "read_mask_rules",
    "table_masker",
    "table_masker_for",
    "unique_columns",
]
