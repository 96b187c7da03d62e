"""BP008: the `con*` type functions become `Annotated[T, Field(...)]` (`StringConstraints` for
`constr`, whose `regex` is now `pattern`), `Annotated` from typing_extensions as bump-pydantic
writes it. It runs before BP003, so a `conlist(..., min_items=1)` ends up with `min_length` in a
whole run. Arguments Pydantic 2 dropped (`unique_items`, `curtail_length`) are flagged."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from gitmigrate.codemods.recipes.pydantic2.bp_common import BPCommand, keyword

# con* function -> (type, module to import the type from or "")
SCALARS: dict[str, tuple[str, str]] = {
    "conint": ("int", ""),
    "confloat": ("float", ""),
    "conbytes": ("bytes", ""),
    "condecimal": ("Decimal", "decimal"),
    "condate": ("date", "datetime"),
    "constr": ("str", ""),
}
CONTAINERS = {"conlist": "List", "conset": "Set", "confrozenset": "FrozenSet"}
GONE = {"unique_items", "curtail_length"}


class ConFunctions(BPCommand):
    RULE = "BP008"
    NEEDS = ("con",)
    DESCRIPTION = "con* functions -> Annotated[T, Field(...)]"

    def _function(self, func: cst.BaseExpression) -> str:
        for name in self.names(func):
            module, _, attr = name.rpartition(".")
            if module in ("pydantic", "pydantic.types") and (attr in SCALARS or attr in CONTAINERS):
                return attr
        return ""

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        function = self._function(original_node.func)
        if not function:
            return updated_node
        args = list(updated_node.args)
        if any(arg.star for arg in args):
            self.flag(original_node, f"{function}(*...): rewrite it as Annotated by hand")
            return updated_node
        if function in CONTAINERS:
            if not args or keyword(args[0]):
                self.flag(original_node, f"{function}() with no item type: rewrite it by hand")
                return updated_node
            item = self.code(args[0].value)
            args = args[1:]
            type_text = f"{CONTAINERS[function]}[{item}]"
            needed = [("typing", CONTAINERS[function])]
        else:
            type_text, module = SCALARS[function]
            needed = [(module, type_text)] if module else []
        if any(not keyword(arg) for arg in args):
            self.flag(original_node, f"{function}(...) with positional arguments: by hand")
            return updated_node
        gone = [keyword(a) for a in args if keyword(a) in GONE]
        if gone:
            self.flag(original_node, f"{function}({', '.join(gone)}=...) is gone in Pydantic 2")
            return updated_node
        constraint = "StringConstraints" if function == "constr" else "Field"
        rendered = []
        for arg in args:
            name = keyword(arg)
            if function == "constr" and name == "regex":
                name = "pattern"
            rendered.append(f"{name}={self.code(arg.value)}")
        needed += [("pydantic", constraint), ("typing_extensions", "Annotated")]
        for module, name in needed:
            AddImportsVisitor.add_needed_import(self.context, module, name)
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, original_node.func)
        self.rewrite(original_node, f"{function}(...) -> Annotated[{type_text}, {constraint}(...)]")
        return cst.parse_expression(f"Annotated[{type_text}, {constraint}({', '.join(rendered)})]")
