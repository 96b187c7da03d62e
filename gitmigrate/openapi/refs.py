"""What `$ref` resolution (load_refs.py) hands the rest: every `{"$ref": ...}` is replaced by
its target object itself, so a schema reached through several refs is one Python object and a
recursive schema is a cyclic object graph (the diff compares pairs of objects, so cycles end
where a pair repeats). `Resolved` keeps which ref named each target and where each dict came
from (for messages); `Fetch` is how the resolver reads another file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Fetch = Callable[[str, str], tuple[str, Any]]  # (from file, ref file part) -> (file key, document)


@dataclass
class Resolved:
    """What resolution learned: which object a ref named, and where each dict came from."""

    ref_names: dict[int, str] = field(default_factory=dict)  # id(target) -> the ref text
    origins: dict[int, tuple[str, tuple[str | int, ...]]] = field(default_factory=dict)
    keep: list[Any] = field(default_factory=list)  # objects whose ids are keys above
