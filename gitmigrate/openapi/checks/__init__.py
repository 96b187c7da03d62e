"""The breaking-change checks, one function per oasdiff check name, registered with `@check`.

Every module of this package is imported on first use (pkgutil), so adding a check is adding
a module: no list to edit. A check reports only ids whose rules.tsv row names it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange

Check = Callable[["DiffContext"], Iterable["ApiChange"]]
_CHECKS: dict[str, Check] = {}
_LOADED = False


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        if name in _CHECKS and _CHECKS[name] is not function:
            raise ValueError(f"two checks are named {name}")
        _CHECKS[name] = function
        return function

    return register


def all_checks() -> dict[str, Check]:
    global _LOADED
    if not _LOADED:
        for module in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{module.name}")
        _LOADED = True
    return dict(_CHECKS)
