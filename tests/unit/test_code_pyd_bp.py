"""bump-pydantic's rules BP001-BP010 in our pydantic2 recipe, beyond the golden fixtures: a small
Pydantic 1 project rewritten by the whole recipe runs on the installed Pydantic 2 and behaves as
before; models are found across modules (relative imports, any file order); what a person must
decide is flagged at its line; a second run changes nothing."""

from __future__ import annotations

import importlib
import sys
import textwrap
import types
import warnings
from pathlib import Path

import pytest

from gitmigrate.codemods.recipe import CodeParseError, FileContext, Finding
from gitmigrate.codemods.registry import builtin_recipe

BP_RULES = frozenset(f"BP{n:03}" for n in range(1, 11))


def _module_of(path: str) -> tuple[str, str]:
    dotted = path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    return dotted, dotted if path.endswith("__init__.py") else dotted.rpartition(".")[0]


def run(
    files: dict[str, str], enabled: frozenset[str] = BP_RULES
) -> tuple[dict[str, str], list[Finding]]:
    """The runner's pre-pass over every file, then each file's transform."""
    recipe = builtin_recipe("pydantic2")
    texts = {path: textwrap.dedent(text) for path, text in files.items()}
    index = {p: recipe.collect(p, _module_of(p)[0], t) for p, t in reversed(texts.items())}
    out: dict[str, str] = {}
    findings: list[Finding] = []
    for path, text in texts.items():
        module, package = _module_of(path)
        ctx = FileContext(path, module, package, index=index, enabled=enabled)
        out[path] = recipe.transform(text, ctx)
        findings.extend(ctx.findings)
    return out, findings


def load(root: Path, files: dict[str, str]) -> dict[str, types.ModuleType]:
    """Imports the rewritten modules from `root` (Pydantic 2 is the one installed)."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root))
    try:
        return {p: importlib.import_module(_module_of(p)[0]) for p in files}
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] in {p.split("/")[0] for p in files}]:
            del sys.modules[name]


V1_PROJECT = {
    "bpshop/__init__.py": "",
    # the subclass's module comes first: the model index does not depend on file order
    "bpshop/orders.py": """
        from decimal import Decimal
        from typing import List, Optional

        from pydantic import Field, conint, conlist, validator

        from .base import Base


        class Order(Base):
            lines: conlist(str, min_items=1)
            qty: conint(gt=0) = 1
            total: Optional[Decimal]
            note: Optional[str] = Field(max_length=20)
            channel = "web"

            @validator("note", pre=True)
            def strip(cls, v):
                return v.strip() if isinstance(v, str) else v
        """,
    "bpshop/base.py": """
        import enum
        from typing import Generic, List, TypeVar

        import pydantic
        from pydantic.generics import GenericModel

        T = TypeVar("T")


        class Kind(str, enum.Enum):
            order = "order"


        class Base(pydantic.BaseModel):
            kind: Kind = pydantic.Field(Kind.order, const=True)

            class Config:
                orm_mode = True
                extra = pydantic.Extra.forbid


        class Tags(pydantic.BaseModel):
            __root__: List[str]


        class Page(GenericModel, Generic[T]):
            items: List[T]

            @pydantic.root_validator(pre=True)
            def default_items(cls, values):
                values.setdefault("items", [])
                return values
        """,
}


def test_a_pydantic1_project_runs_on_pydantic2_after_the_recipe(tmp_path: Path) -> None:
    out, findings = run(V1_PROJECT)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing deprecated in Pydantic 2 is left
        modules = load(tmp_path, out)
    orders, base = modules["bpshop/orders.py"], modules["bpshop/base.py"]
    order = orders.Order(lines=["a"], note="  hi ")
    assert (order.qty, order.total, order.note, order.channel) == (1, None, "hi", "web")
    assert order.kind is base.Kind.order
    with pytest.raises(Exception, match="at least 1 item"):
        orders.Order(lines=[])  # conlist's min_items kept its meaning (BP008, then BP003)
    with pytest.raises(Exception, match="Extra inputs are not permitted"):
        orders.Order(lines=["a"], unknown=1)  # Config.extra = Extra.forbid
    with pytest.raises(Exception, match="literal_error"):
        base.Base(kind="other")  # const=True -> Literal
    row = types.SimpleNamespace(kind="order")
    assert base.Base.model_validate(row).kind is base.Kind.order  # orm_mode -> from_attributes
    assert base.Tags.model_validate(["x"]).root == ["x"]  # __root__ -> RootModel
    assert base.Page[int].model_validate({}).items == []  # GenericModel, root_validator(pre)
    applied = {f.rule for f in findings if f.fixable}
    assert applied == {"BP001", "BP002", "BP003", "BP005", "BP006", "BP007", "BP008", "BP010"}


def test_a_second_run_changes_nothing() -> None:
    out, _ = run(V1_PROJECT)
    again, findings = run(out)
    assert again == out
    assert not [f for f in findings if f.fixable]


def test_models_are_found_through_relative_imports_and_unknown_bases_are_left() -> None:
    out, findings = run(
        {
            "pkg/__init__.py": "from .a import A\n",
            "pkg/sub/b.py": """
                from typing import Optional
                from ..a import A
                from elsewhere import Unknown


                class B(A):
                    x: Optional[int]


                class C(Unknown):
                    y: Optional[int]

                    class Config:
                        orm_mode = True
                """,
            "pkg/a.py": "import pydantic\n\n\nclass A(pydantic.main.BaseModel):\n    pass\n",
        },
        frozenset({"BP001", "BP002"}),
    )
    assert "    x: Optional[int] = None\n" in out["pkg/sub/b.py"]
    assert "    y: Optional[int]\n" in out["pkg/sub/b.py"]  # not known to be a model
    assert "class Config:" in out["pkg/sub/b.py"]
    assert [(f.path, f.line, f.rule) for f in findings] == [("pkg/sub/b.py", 8, "BP001")]


def test_cases_for_a_person_are_flagged_at_their_line() -> None:
    source = """
        from pydantic import BaseModel, root_validator, validator


        class M(BaseModel):
            a: int
            b: int

            class Config:
                def alias_generator(name):
                    return name

            @validator("a", always=True)
            def a_default(cls, v):
                return v

            @validator("b")
            def b_after_a(cls, v, values):
                return v

            @root_validator
            def whole(cls, values):
                return values
        """
    out, findings = run({"m.py": source}, frozenset({"BP002", "BP007"}))
    flags = [(f.line, f.rule, f.message.split(":")[0]) for f in findings if not f.fixable]
    # positions are in the text each rule saw: BP007 runs after BP002 added its 2 TODO lines
    assert flags == [
        (9, "BP002", "Config holds more than key = value lines"),
        (13 + 2, "BP007", "validator"),
        (17 + 2, "BP007", "validator"),
        (21 + 2, "BP007", "root_validator without pre=True -> mode='after'"),
    ]
    assert out["m.py"].count("# TODO[pydantic]") == 3
    assert '@model_validator(mode="after")\n    @classmethod\n    def whole' in out["m.py"]


def test_every_rewrite_is_reported_per_rule() -> None:
    out, findings = run(
        {
            "m.py": """
                from pydantic import BaseModel, Field


                class M(BaseModel):
                    a = 1
                    b = Field("x", min_items=1)
                """
        }
    )
    assert (
        out["m.py"].count(": int = 1") == 1 and 'b: str = Field("x", min_length=1)' in out["m.py"]
    )
    assert sorted((f.rule, f.line) for f in findings) == [("BP003", 7), ("BP010", 6), ("BP010", 7)]


def test_a_file_that_does_not_parse_is_refused() -> None:
    with pytest.raises(CodeParseError):
        run({"m.py": "class M(BaseModel:\n    a: int\n"})


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "code" / "pydantic2"


def test_every_golden_fixture_with_every_rule_parses_and_is_stable() -> None:
    """All BP rules together on every fixture (each its own module, `others/` included): the
    result parses and a second run changes nothing (no rule undoes or repeats another's)."""
    files = {}
    for n, before in enumerate(sorted(FIXTURES.glob("BP0*/*/before.py"))):
        files[f"case{n}/module.py"] = before.read_text(encoding="utf-8")
        others = before.parent / "others"
        for other in sorted(others.rglob("*.py")) if others.is_dir() else []:
            files[other.relative_to(others).as_posix()] = other.read_text(encoding="utf-8")
    assert len(files) > 20
    out, _ = run(files)
    for path, text in out.items():
        compile(text, path, "exec")
    again, findings = run(out)
    assert again == out
    assert not [f for f in findings if f.fixable]
