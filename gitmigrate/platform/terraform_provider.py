"""The target provider block (and the variables it needs), added beside the source provider.

The source provider is never removed: resources the table does not cover stay on it. A person is
told to set the variables, declare the provider in ``required_providers`` and drop the source
provider once nothing uses it.
"""

from __future__ import annotations

import re

from gitmigrate.platform.terraform_hcl import HclFile
from gitmigrate.platform.terraform_table import Table

Splices = dict[str, list[tuple[int, int, str]]]


def add_provider(
    files: list[HclFile],
    splices: Splices,
    region: str | None,
    table: Table,
    source: str,
    fallback: HclFile,
) -> tuple[str, str, str, str] | None:
    """Queue the insertion; return (where, resource, item, reason) for the needs-person list."""
    m = re.match(r'provider "([\w-]+)"', table.provider)
    name = m.group(1) if m else ""
    blocks = [(f, b) for f in files for b in f.blocks]
    if any(b.type == "provider" and b.labels == [name] for _, b in blocks):
        return None
    at = next(((f, b) for f, b in blocks if b.type == "provider" and b.labels == [source]), None)
    if at:
        f, end, line, column = at[0], at[1].end, at[1].line, at[1].column
    else:
        f = fallback  # no source provider here: beside the first converted resource
        end = len(f.text.rstrip("\r\n"))
        line, column = f.text.count("\n", 0, end) + 1, 1
    lines = table.provider.splitlines()
    text = "\n".join(
        x.replace("{region}", region or "") for x in lines if region or "{region}" not in x
    )
    written = text + "".join(t for cuts in splices.values() for _, _, t in cuts)
    for var, description in table.variables.items():
        if f"var.{var}" not in written:
            continue
        if not any(b.type == "variable" and b.labels == [var] for _, b in blocks):
            text += (
                f'\n\nvariable "{var}" {{\n  description = "{description}"\n'
                "  type        = string\n}"
            )
    splices[f.path].append((end, end, "\n\n" + text))
    return f"{f.path}:{line}:{column}", f"provider.{name}", "provider", table.provider_note
