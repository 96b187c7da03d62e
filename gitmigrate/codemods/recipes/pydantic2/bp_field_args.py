"""BP003: keyword arguments of Pydantic's `Field(...)` that v2 renamed (min_items -> min_length,
regex -> pattern, allow_mutation -> frozen flipped, example -> examples=[...], env ->
validation_alias on BaseSettings only), and `x: E = Field(E.a, const=True)` ->
`x: Literal[E.a] = E.a`. `Field` is recognised by what it resolves to (`pydantic.Field`,
`from pydantic import Field as F`), so another library's `Field` is left alone."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from gitmigrate.codemods.recipes.pydantic2.bp_common import FIELD, BPCommand, fix_commas, keyword

RENAMED = {"min_items": "min_length", "max_items": "max_length", "regex": "pattern"}


def _flipped(value: cst.BaseExpression) -> cst.BaseExpression | None:
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return cst.Name("False" if value.value == "True" else "True")
    return None


class FieldArguments(BPCommand):
    RULE = "BP003"
    NEEDS = ("Field",)
    DESCRIPTION = "Field(...) keyword arguments renamed for Pydantic 2"

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not self.is_one_of(original_node.func, FIELD):
            return updated_node
        args: list[cst.Arg] = []
        changed = False
        for old, arg in zip(original_node.args, updated_node.args, strict=True):
            name = keyword(arg)
            if name in RENAMED:
                arg = arg.with_changes(keyword=cst.Name(RENAMED[name]))
                self.rewrite(old, f"Field({name}=...) -> Field({RENAMED[name]}=...)")
            elif name == "allow_mutation":
                flipped = _flipped(arg.value)
                if flipped is None:
                    self.flag(old, "Field(allow_mutation=...) -> frozen=(not ...): by hand")
                    args.append(arg)
                    continue
                arg = arg.with_changes(keyword=cst.Name("frozen"), value=flipped)
                self.rewrite(old, "Field(allow_mutation=...) -> Field(frozen=...), flipped")
            elif name == "example":
                listed = cst.List([cst.Element(arg.value)])
                arg = arg.with_changes(keyword=cst.Name("examples"), value=listed)
                self.rewrite(old, "Field(example=x) -> Field(examples=[x])")
            elif name == "env" and self.in_settings():
                arg = arg.with_changes(keyword=cst.Name("validation_alias"))
                self.rewrite(old, "Field(env=...) -> Field(validation_alias=...)")
            elif name == "env":
                self.flag(old, "Field(env=...) outside a BaseSettings class: check it")
                args.append(arg)
                continue
            elif name == "unique_items":
                self.flag(old, "Field(unique_items=...) is gone in Pydantic 2: use a set type")
                args.append(arg)
                continue
            else:
                args.append(arg)
                continue
            changed = True
            args.append(arg)
        return updated_node.with_changes(args=args) if changed else updated_node

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        value = updated_node.value
        old = original_node.value
        if not isinstance(value, cst.Call) or not isinstance(old, cst.Call):
            return updated_node
        if not self.is_one_of(old.func, FIELD):
            return updated_node
        const = [a for a in value.args if keyword(a) == "const"]
        if not const:
            return updated_node
        rest = [a for a in value.args if keyword(a) != "const"]
        if isinstance(const[0].value, cst.Name) and const[0].value.value == "False":
            self.rewrite(old, "Field(const=False) dropped")
            return updated_node.with_changes(value=value.with_changes(args=fix_commas(rest)))
        default = next(
            (a for a in rest if keyword(a) == "default" or (not keyword(a) and not a.star)), None
        )
        if (
            default is None
            or isinstance(default.value, cst.Ellipsis)
            or not (isinstance(const[0].value, cst.Name) and const[0].value.value == "True")
        ):
            self.flag(old, "Field(const=...) is gone in Pydantic 2: use a Literal type by hand")
            return updated_node
        literal = cst.Subscript(
            value=cst.Name("Literal"), slice=[cst.SubscriptElement(cst.Index(default.value))]
        )
        AddImportsVisitor.add_needed_import(self.context, "typing", "Literal")
        self.rewrite(old, "Field(x, const=True) -> Literal[x] = x")
        annotation = updated_node.annotation.with_changes(annotation=literal)
        if len(rest) == 1:
            RemoveImportsVisitor.remove_unused_import_by_node(self.context, old)
            return updated_node.with_changes(annotation=annotation, value=default.value)
        return updated_node.with_changes(
            annotation=annotation, value=value.with_changes(args=fix_commas(rest))
        )
