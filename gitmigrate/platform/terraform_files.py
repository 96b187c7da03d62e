"""The Terraform files of a project, read and parsed (the converter's and the tests' input)."""

from __future__ import annotations

from pathlib import Path

from gitmigrate.errors import UsageError
from gitmigrate.platform.terraform_hcl import HclFile, parse_hcl


def read_terraform(root: Path) -> list[HclFile]:
    """Every ``.tf`` file under ``root`` (or ``root`` itself), skipping hidden dirs like .terraform."""
    if root.is_file():
        paths = [(root, root.name)]
    elif root.is_dir():
        found = sorted(
            p
            for p in root.rglob("*.tf")
            if not any(part.startswith(".") for part in p.relative_to(root).parts)
        )
        paths = [(p, p.relative_to(root).as_posix()) for p in found]
    else:
        raise UsageError(f"{root}: no such file or directory; pass a Terraform file or directory")
    out = []
    for path, rel in paths:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"{rel}: not UTF-8 text ({exc.reason}); Terraform files must be UTF-8"
            ) from exc
        out.append(parse_hcl(rel, text))
    return out
