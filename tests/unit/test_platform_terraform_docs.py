"""docs/kinds/platform-terraform.md stays true: its worked example is the queue fixture and its
expected output, and its tables name every row of the mapping table."""

from __future__ import annotations

import re
from pathlib import Path

from gitmigrate.platform.terraform_convert import convert_terraform
from gitmigrate.platform.terraform_table import load_table

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "kinds" / "platform-terraform.md").read_text()
QUEUE = ROOT / "fixtures" / "platform" / "terraform" / "queue"


def test_worked_example_is_what_convert_writes() -> None:
    before, after = re.findall(r"```hcl\n(.*?)```", DOC, re.S)
    assert before == (QUEUE / "main.tf").read_text()
    assert after == convert_terraform(QUEUE).files["main.tf"]
    for n in convert_terraform(QUEUE).needs_person:
        assert f"`{n.where}`" in DOC


def test_tables_name_every_row() -> None:
    for src, rule in load_table("aws", "gcp").rules.items():
        assert f"### `{src}`" in DOC
        for key, mapping in rule.map.items():
            assert f"| `{key}` |" in DOC and mapping.path in DOC
        for key in rule.people:
            assert f"`{key}`" in DOC
