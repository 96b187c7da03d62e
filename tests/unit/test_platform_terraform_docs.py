"""docs/kinds/platform-terraform.md stays true: its worked example is the queue fixture and its
expected output, and its tables name every row of the mapping table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("target", ["gcp", "azure"])
def test_tables_name_every_row(target: str) -> None:
    heading = f"## Mapping per type, aws -> {target}"
    assert heading in DOC
    section = DOC.split(heading, 1)[1].split("\n## ", 1)[0]
    for src, rule in load_table("aws", target).rules.items():
        assert f"### `{src}`" in section
        for variant in [rule, *(rule.variants or {}).values()]:
            for key, mapping in variant.map.items():
                assert f"| `{key}` |" in section and mapping.path in section
            for key in variant.people:
                assert f"`{key}`" in section
            for target_type in variant.targets:
                assert target_type in section
