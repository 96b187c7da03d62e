"""Python transforms: `file.py:function`, called once per row (dict in, dict out).

Returning None, or raising `Quarantine` or an exception class the module lists in
`QUARANTINE_ON`, sends the row to the step's quarantine table with the reason; any other
exception fails the step (its chunk is rolled back). The module is loaded from the step's own
copy of the file, so what runs is exactly what was reviewed and checksummed.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmigrate.errors import UsageError

Row = dict[str, Any]


class Quarantine(Exception):
    """Raise from a transform to set a row aside with this message as the reason."""


@dataclass(frozen=True)
class LoadedTransform:
    function: Callable[[Row], Row | None]
    quarantine_on: tuple[type[BaseException], ...]
    origin: str


@dataclass
class TransformOutcome:
    changed: list[tuple[tuple[Any, ...], Row]] = field(default_factory=list)
    rejected: list[tuple[tuple[Any, ...], str, Row]] = field(default_factory=list)


def parse_spec(spec: str) -> tuple[str, str]:
    path, sep, function = spec.rpartition(":")
    if not sep or not path or not function.isidentifier():
        raise UsageError(
            f"--transform {spec!r} is not FILE.py:FUNCTION",
            "name the file and the function, e.g. --transform transforms/emails.py:normalize",
        )
    return path, function


def load_transform(
    source: str, origin: str, function: str, import_root: Path | None = None
) -> LoadedTransform:
    """Execute the module's source and check `function` takes one row."""
    module = types.ModuleType(f"gitmigrate_transform_{abs(hash(origin))}")
    module.__file__ = origin
    added = import_root is not None and str(import_root) not in sys.path
    if added:
        sys.path.insert(0, str(import_root))
    try:
        exec(compile(source, origin, "exec"), module.__dict__)  # noqa: S102 - the user's reviewed transform
    except Exception as exc:
        raise UsageError(
            f"the transform {origin} does not import: {type(exc).__name__}: {exc}",
            "fix the file (run it with python to see the error), then add the step again",
        ) from exc
    finally:
        if added:
            sys.path.remove(str(import_root))
    found = getattr(module, function, None)
    if not callable(found):
        names = sorted(n for n, v in vars(module).items() if inspect.isfunction(v))
        raise UsageError(
            f"{origin} has no function {function!r}",
            f"functions there: {', '.join(names) or 'none'}",
        )
    _check_signature(found, origin, function)
    extra = getattr(module, "QUARANTINE_ON", ())
    if not isinstance(extra, tuple) or not all(
        isinstance(e, type) and issubclass(e, BaseException) for e in extra
    ):
        raise UsageError(
            f"QUARANTINE_ON in {origin} must be a tuple of exception classes",
            "e.g. QUARANTINE_ON = (ValueError, KeyError)",
        )
    return LoadedTransform(found, (Quarantine, *extra), origin)


def _check_signature(function: Callable[..., Any], origin: str, name: str) -> None:
    try:
        signature = inspect.signature(function)
        signature.bind({})
    except (TypeError, ValueError) as exc:
        raise UsageError(
            f"{origin}:{name} must take exactly one argument, the row as a dict ({exc})",
            f"define it as `def {name}(row: dict) -> dict | None`",
        ) from exc


def run_transform(
    transform: LoadedTransform,
    rows: Sequence[Row],
    key: tuple[str, ...],
    columns: tuple[str, ...],
) -> TransformOutcome:
    """Apply the function to a batch; only rows whose `columns` change are written back."""
    outcome = TransformOutcome()
    for row in rows:
        row_key = tuple(row[k] for k in key)
        try:
            result = transform.function(dict(row))
        except transform.quarantine_on as exc:
            outcome.rejected.append((row_key, f"{type(exc).__name__}: {exc}", row))
            continue
        if result is None:
            outcome.rejected.append((row_key, "the transform returned None", row))
            continue
        if not isinstance(result, dict):
            raise TypeError(
                f"{transform.origin}: the transform returned {type(result).__name__}, not a dict"
            )
        new = {c: result.get(c, row[c]) for c in columns}
        if any(new[c] != row[c] for c in columns):
            outcome.changed.append((row_key, new))
    return outcome
