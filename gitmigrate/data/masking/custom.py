"""`{ method = "python", function = "FILE.py:FUNCTION" }`: a mask written by the user.

The file lies beside the rules file (the step directory). The function is called once per
non-NULL value, as `FUNCTION(value, ctx)`, and returns the masked value:

    def scramble(value, ctx):          # ctx: MaskContext
        return ctx.digest(value).hex()[:8]

It must be deterministic (a function of `value` and `ctx.digest(value)` only) for joins to
hold; it never sees the key itself, only `ctx.digest`, the value's HMAC-SHA256 under it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmigrate.data.masking.key import Keyed
from gitmigrate.errors import UsageError

_MODULES: dict[Path, Any] = {}


@dataclass(frozen=True)
class MaskContext:
    """What a custom mask function may use besides the value."""

    table: str  # "schema.table" or "table"
    column: str
    type: str | None  # the source's type text, e.g. "VARCHAR(40)"
    length: int | None  # characters a text value may have (None: unbounded or unknown)
    unique: bool  # the column is in a primary key or unique constraint
    digest: Callable[[Any], bytes]  # 32 bytes: HMAC-SHA256 of the value under the mask key


def load_function(spec: str, base_dir: Path | None) -> Callable[[Any, MaskContext], Any]:
    """The function `FILE.py:FUNCTION` of a file under `base_dir` (default: the current
    directory); a missing file, a file that fails to import or a missing function is a
    UsageError naming it."""
    file, _, name = spec.rpartition(":")
    path = ((base_dir or Path.cwd()) / file).resolve()
    if not path.is_file():
        raise UsageError(
            f"mask function {spec}: no file {path}",
            "put the file beside the masking rules file",
        )
    module = _MODULES.get(path)
    if module is None:
        mod_name = "gitmigrate_mask_" + hashlib.sha256(str(path).encode()).hexdigest()[:16]
        loader_spec = importlib.util.spec_from_file_location(mod_name, path)
        if loader_spec is None or loader_spec.loader is None:
            raise UsageError(f"mask function {spec}: {path} is not a Python file")
        module = importlib.util.module_from_spec(loader_spec)
        try:
            loader_spec.loader.exec_module(module)
        except Exception as exc:
            raise UsageError(
                f"mask function {spec}: {path} fails to import: {type(exc).__name__}: {exc}",
                "fix the file",
            ) from exc
        _MODULES[path] = module
    func = getattr(module, name, None)
    if not callable(func):
        raise UsageError(
            f"mask function {spec}: {file} has no function {name}",
            f"define def {name}(value, ctx) in {file}",
        )
    return func  # type: ignore[no-any-return]


def make_custom(
    spec: str, base_dir: Path | None, key: bytes, context: dict[str, Any]
) -> Callable[[Any], Any]:
    """The mask of one column calling the user's function."""
    func = load_function(spec, base_dir)
    keyed = Keyed(key, "python")
    ctx = MaskContext(digest=keyed.of, **context)

    def mask(value: Any) -> Any:
        return func(value, ctx)

    return mask
