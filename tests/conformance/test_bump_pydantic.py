"""bump-pydantic as a conformance peer: its 89 before/after cases (`../shared/conformance/
bump-pydantic`, see its README) run through our pydantic2 recipe, counted per rule like the
sqldef, migra and SOPS cases (ids `bump-pydantic/<rule>/<case>`).

- A unit case runs the recipe with only its rule on, on `before.py` as the module
  `some.test.module` (the path bump-pydantic's BP001/BP010 tests give their pre-pass); the model
  index is collected from that one file, as bump-pydantic's ClassDefVisitor does.
- An integration case writes its files into `project/` in a temp dir (as bump-pydantic's CLI test
  does), runs the pre-pass over every file, then the whole recipe (every default rule) on each.
- Comparison as the case's notes say: `exact`, `normalized` (libcst's CodemodTest
  normalisation, on both sides) or `lines` (splitlines of every file).

Where bump-pydantic's expected text is not valid Pydantic 2 (or is odd in ways its README
notes), the case is compared with a documented equivalent (EQUIVALENTS: the replacements made in
their text and why). A case we cannot pass is a strict xfail with the reason
(EXPECTED_FAILURES). Without the shared folder every case is skipped with the reason.

    pytest tests/conformance/test_bump_pydantic.py -q -rxs
"""

from __future__ import annotations

import csv
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.codemods.recipe import FileContext, Recipe
from gitmigrate.codemods.registry import builtin_recipe
from tests.conformance.cases import conformance_dir

BP_DIR = conformance_dir() / "bump-pydantic"
UNIT_PATH = "some/test/module.py"

# case id -> (replacements made in bump-pydantic's expected text, why)
EQUIVALENTS: dict[str, tuple[list[tuple[str, str]], str]] = {
    "BP007/test_root_validator_after": (
        [("@model_validator()", '@model_validator(mode="after")')],
        "model_validator() with no mode raises TypeError in Pydantic 2: a root_validator that is "
        "not pre=True becomes mode='after' (and is flagged)",
    ),
    "BP007/integration_replace_validator": (
        [("@model_validator()", '@model_validator(mode="after")')],
        "model_validator() with no mode raises TypeError in Pydantic 2 (as above)",
    ),
    "BP007/test_root_validator_as_cst_name": (
        [
            (
                "from pydantic import BaseModel, model_validator",
                "from pydantic import model_validator, BaseModel",
            ),
            ("    @model_validator\n", '    @model_validator(mode="after")\n    @classmethod\n'),
        ],
        "a bare @model_validator is not valid Pydantic 2 (mode is required): it gets "
        "mode='after' and @classmethod like every other root validator, and the import is "
        "written as in the passing cases",
    ),
    "BP007/test_import_pydantic": (
        [("import pydantic\n\n\nclass", "import pydantic\n\nclass")],
        "bump-pydantic's expected text adds a blank line before the class that nothing asks "
        "for; formatting is kept as it was",
    ),
    "BP003/test_field_rename_with_pydantic_import": (
        [("from pydantic import BaseModel, Field\n", "import pydantic\n")],
        "the expected text replaces `import pydantic` by `from pydantic import BaseModel, "
        "Field` yet still uses pydantic.BaseModel and pydantic.Field (a NameError): the "
        "import is kept",
    ),
    "BP002/test_inner_comments": (
        [("from pydantic import BaseModel\n", "from pydantic import ConfigDict, BaseModel\n")],
        "the expected text uses ConfigDict without importing it (a NameError): the import is "
        "added as in every other BP002 case",
    ),
}
# case id -> why we do not produce bump-pydantic's expected text
EXPECTED_FAILURES: dict[str, str] = {}


@dataclass(frozen=True)
class BumpCase:
    rule: str
    name: str
    kind: str
    notes: str

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.name}"

    @property
    def folder(self) -> Path:
        return BP_DIR / "cases" / self.rule / self.name

    @property
    def compare(self) -> str:
        for note in self.notes.split("; "):
            if note.startswith("compare: "):
                return note.removeprefix("compare: ")
        raise ValueError(f"{self.id}: no compare mode in its notes")

    def files(self) -> tuple[dict[str, str], dict[str, str]]:
        """(before, after) texts by path relative to the project folder."""
        if (self.folder / "before.py").exists():
            name = UNIT_PATH if self.kind == "unit" else self._file_name()
            return (
                {name: (self.folder / "before.py").read_text(encoding="utf-8")},
                {name: (self.folder / "after.py").read_text(encoding="utf-8")},
            )
        texts: list[dict[str, str]] = []
        for side in ("before", "after"):
            root = self.folder / side
            texts.append(
                {
                    p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
                    for p in sorted(root.rglob("*.py"))
                }
            )
        return texts[0], texts[1]

    def _file_name(self) -> str:
        for note in self.notes.split("; "):
            if note.startswith("file "):
                return note.removeprefix("file ")
        raise ValueError(f"{self.id}: no file name in its notes")


def load_cases() -> list[BumpCase]:
    with (BP_DIR / "cases.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [BumpCase(r["rule"], r["case"], r["kind"], r["notes"]) for r in rows]


def _params() -> list[Any]:
    if not (BP_DIR / "cases.tsv").is_file():
        reason = (
            f"bump-pydantic's cases are not part of this repository and not in {BP_DIR} "
            "(CI has them in ../shared/conformance; or set GITMIGRATE_CONFORMANCE_DIR)"
        )
        return [
            pytest.param(None, id="bump-pydantic/absent", marks=pytest.mark.skip(reason=reason))
        ]
    params = []
    for case in load_cases():
        marks = []
        if case.id in EXPECTED_FAILURES:
            marks.append(pytest.mark.xfail(reason=EXPECTED_FAILURES[case.id], strict=True))
        params.append(pytest.param(case, id=f"bump-pydantic/{case.id}", marks=marks))
    return params


def normalize(text: str) -> str:
    """libcst's CodemodTest.make_fixture_data: dedent, blank whitespace-only lines, strip
    leading and trailing empty lines, one final newline."""
    lines = [line if line.strip() else "" for line in textwrap.dedent(text).split("\n")]
    return "\n".join(lines).strip("\n") + "\n"


def module_of(path: str) -> tuple[str, str]:
    dotted = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    package = dotted if path.endswith("__init__.py") else dotted.rpartition(".")[0]
    return dotted, package


def run_recipe(
    recipe: Recipe, files: dict[str, str], enabled: frozenset[str] | None
) -> tuple[dict[str, str], list[FileContext]]:
    """The runner's two phases on `files` (path -> text): the pre-pass over every file, then
    each file's transform with every file's facts."""
    index = {path: recipe.collect(path, module_of(path)[0], text) for path, text in files.items()}
    out, contexts = {}, []
    for path, text in files.items():
        module, package = module_of(path)
        ctx = FileContext(path, module, package, index=index, enabled=enabled)
        out[path] = recipe.transform(text, ctx)
        contexts.append(ctx)
    return out, contexts


def expected_text(case: BumpCase, text: str) -> str:
    replacements, _ = EQUIVALENTS.get(case.id, ([], ""))
    for old, new in replacements:
        assert old in text, f"{case.id}: the equivalent's replacement {old!r} no longer applies"
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize("case", _params())
def test_bump_pydantic_case(case: BumpCase, tmp_path: Path) -> None:
    recipe = builtin_recipe("pydantic2")
    before, after = case.files()
    if case.kind == "integration":
        project = tmp_path / "project"
        for path, text in before.items():
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(text, encoding="utf-8")
        files = {
            p.relative_to(tmp_path).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(project.rglob("*.py"))
        }
        result, contexts = run_recipe(recipe, files, None)
        result = {path.removeprefix("project/"): text for path, text in result.items()}
    else:
        result, contexts = run_recipe(recipe, before, frozenset({case.rule}))
    assert sorted(result) == sorted(after)
    for path, want in after.items():
        want, got = expected_text(case, want), result[path]
        if case.compare == "exact":
            assert got == want, path
        elif case.compare == "normalized":
            assert normalize(got) == normalize(want), path
        else:
            assert got.splitlines() == want.splitlines(), path
    changed = any(result[p] != before[p] for p in before)
    reported = any(c.findings for c in contexts)
    assert reported or not changed, "a rewrite that no finding reports"


def test_equivalents_and_expected_failures_name_real_cases() -> None:
    """A stale entry (a renamed or removed case) would silently stop applying."""
    if not (BP_DIR / "cases.tsv").is_file():
        pytest.skip(f"bump-pydantic's cases are not in {BP_DIR}")
    known = {case.id for case in load_cases()}
    assert len(known) == 89
    assert set(EQUIVALENTS) <= known and set(EXPECTED_FAILURES) <= known
    assert not set(EQUIVALENTS) & set(EXPECTED_FAILURES)
