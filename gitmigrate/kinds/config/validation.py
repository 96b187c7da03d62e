"""A config step's schema: copied into the step (`schema.json`) when it is authored, so the
step validates against the schema it was written for, wherever it runs. The result is judged
when the step is authored (an invalid one is not committed), when `apply` computes it on an
outside tree (the step fails, nothing is written) and by `verify`. Files that were invalid
before the step are not reported apart: only what the step leaves behind is judged."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.errors import UsageError
from gitmigrate.files.formats import format_of
from gitmigrate.kinds.config.transform import Reader, document

SCHEMA_FILE = "schema.json"


def schema_of(step: Step) -> dict[str, Any] | None:
    raw = step.files.get(SCHEMA_FILE)
    if raw is None:
        return None
    try:
        schema = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise UsageError(
            f"{step.path}/{SCHEMA_FILE} is not JSON: {exc}", "author the step again with a schema"
        ) from exc
    if not isinstance(schema, dict):
        raise UsageError(f"{step.path}/{SCHEMA_FILE} is not a JSON Schema", "give a JSON object")
    return schema


def checked_files(files: Iterable[str]) -> list[str]:
    """The config files among `files` (a schema judges data, not any file)."""
    out = []
    for path in files:
        try:
            format_of(path)
        except UsageError:
            continue
        out.append(path)
    return out


def problems(schema: dict[str, Any], read: Reader, files: Iterable[str]) -> list[str]:
    """`file:line: key: message` for each place the files break the schema (absent files are
    skipped: a convert removes its source)."""
    from gitmigrate.files import validate

    found: list[str] = []
    for path in checked_files(files):
        if read(path) is None:
            continue
        doc = document(read, path)
        for problem in validate.validate(doc.data, schema, doc=doc):
            where = f"{problem.file or path}:{problem.line}" if problem.line else path
            found.append(f"{where}: {_key(problem.path)}: {problem.message}")
    return found


def layered_problems(schema: dict[str, Any], read: Reader, layers: Iterable[str]) -> list[str]:
    """The same for an environment: its layers merged (later wins), each problem at the
    file and line of the layer that gave the value."""
    from gitmigrate.files import merge, validate

    merged = merge.merge_layers([document(read, path) for path in layers])
    return [
        f"{p.file}:{p.line}: {_key(p.path)}: {p.message}" if p.file and p.line
        else f"{_key(p.path)}: {p.message}"
        for p in validate.validate(merged.data, schema, origins=merged.origins)
    ]  # fmt: skip


def judged(
    schema: dict[str, Any], read: Reader, files: Iterable[str], layers: tuple[str, ...]
) -> list[str]:
    """What the schema finds: the environment's merge when the step names one (and changes
    one of its layers), else each changed file on its own."""
    changed = list(files)
    present = all(read(path) is not None for path in layers)  # an outside tree may lack them
    if layers and present and any(path in layers for path in changed):
        return layered_problems(schema, read, layers)
    return problems(schema, read, changed)


def _key(path: Any) -> str:
    from gitmigrate.files.keypath import format_key

    return format_key(tuple(path)) if isinstance(path, tuple | list) else str(path)
