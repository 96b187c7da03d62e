"""Modern Python syntax for a target version (`--python 3.X`, default 3.10), compared with
`pyupgrade --py310-plus` on the same files (docs/recipes/modern-python.md lists every
difference). A rule that needs a newer Python than the target does nothing."""

from __future__ import annotations

from gitmigrate.codemods.libcst_recipe import LibcstRecipe
from gitmigrate.codemods.recipe import Rule
from gitmigrate.codemods.recipes.modern_python.builtins import BuiltinGenerics, TextToStr
from gitmigrate.codemods.recipes.modern_python.moves import TypingImportsMoved
from gitmigrate.codemods.recipes.modern_python.pep604 import OptionalToUnion, UnionToBar
from gitmigrate.codemods.recipes.modern_python.unquote import UnquoteAnnotations

RULES = (
    Rule("PY001", "typing.List[int]/Dict/Tuple/Set/FrozenSet/Type -> list[int]... (3.9+)"),
    Rule("PY002", "Optional[X] -> X | None in annotations (3.10+)"),
    Rule("PY003", "Union[X, Y] -> X | Y in annotations (3.10+)"),
    Rule("PY004", "typing.Text -> str"),
    Rule("PY005", "from typing import Callable/Sequence/... -> from collections.abc (3.9+)"),
    Rule("PY006", 'string annotations unquoted under PEP 563 / 3.14+: -> "Node" -> -> Node'),
)

RECIPE = LibcstRecipe(
    name="modern-python",
    summary="Modern Python syntax for a target version (PEP 585, PEP 604), as pyupgrade",
    rules=RULES,
    passes=(
        ("PY006", UnquoteAnnotations),
        ("PY001", BuiltinGenerics),
        ("PY004", TextToStr),
        ("PY002", OptionalToUnion),
        ("PY003", UnionToBar),
        ("PY005", TypingImportsMoved),
    ),
)
