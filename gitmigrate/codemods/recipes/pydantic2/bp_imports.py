"""BP004: names that left `pydantic` are imported from their new packages (BaseSettings from
pydantic_settings, Color and the payment card types from pydantic_extra_types), aliases kept;
`pydantic.BaseSettings` spelled with the module too. BP005: a `GenericModel` base (however it is
spelled or imported) becomes `BaseModel`."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.helpers import get_full_name_for_node

from gitmigrate.codemods.recipes.pydantic2.bp_common import BPCommand

_SETTINGS = "pydantic_settings"
_COLOR = "pydantic_extra_types.color"
_PAYMENT = "pydantic_extra_types.payment"
MOVED: dict[tuple[str, str], str] = {
    ("pydantic", "BaseSettings"): _SETTINGS,
    ("pydantic.env_settings", "BaseSettings"): _SETTINGS,
    ("pydantic", "Color"): _COLOR,
    ("pydantic.color", "Color"): _COLOR,
    ("pydantic", "PaymentCardNumber"): _PAYMENT,
    ("pydantic.types", "PaymentCardNumber"): _PAYMENT,
    ("pydantic.payment", "PaymentCardNumber"): _PAYMENT,
    ("pydantic", "PaymentCardBrand"): _PAYMENT,
    ("pydantic.payment", "PaymentCardBrand"): _PAYMENT,
}


class ReplaceImports(BPCommand):
    RULE = "BP004"
    NEEDS = ("pydantic",)
    DESCRIPTION = "imports of names that left pydantic come from their new packages"

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.RemovalSentinel:
        if updated_node.relative or updated_node.module is None:
            return updated_node
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        module = get_full_name_for_node(updated_node.module) or ""
        kept: list[cst.ImportAlias] = []
        for alias in updated_node.names:
            name = get_full_name_for_node(alias.name) or ""
            target = MOVED.get((module, name))
            if target is None:
                kept.append(alias)
                continue
            asname = alias.evaluated_alias
            AddImportsVisitor.add_needed_import(self.context, target, name, asname)
            self.rewrite(original_node, f"{name} is imported from {target}")
        if len(kept) == len(updated_node.names):
            return updated_node
        if not kept:
            return cst.RemovalSentinel.REMOVE
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=kept)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        for name in self.names(original_node):
            module, _, attr = name.rpartition(".")
            target = MOVED.get((module, attr))
            if target is not None and get_full_name_for_node(original_node) == name:
                AddImportsVisitor.add_needed_import(self.context, target)
                RemoveImportsVisitor.remove_unused_import(self.context, module)
                self.rewrite(original_node, f"{name} -> {target}.{attr}")
                return cst.parse_expression(f"{target}.{attr}")
        return updated_node


GENERIC_MODEL = frozenset({"pydantic.generics.GenericModel"})


class ReplaceGenericModel(BPCommand):
    RULE = "BP005"
    NEEDS = ("GenericModel",)
    DESCRIPTION = "GenericModel -> BaseModel"

    def leave_class(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.BaseStatement:
        bases = list(updated_node.bases)
        changed = False
        for i, base in enumerate(original_node.bases):
            if base.keyword is None and self.is_one_of(base.value, GENERIC_MODEL):
                spelled = get_full_name_for_node(base.value) or ""
                if spelled == "pydantic.generics.GenericModel":
                    new: cst.BaseExpression = cst.parse_expression("pydantic.BaseModel")
                else:
                    new = cst.Name("BaseModel")
                    AddImportsVisitor.add_needed_import(self.context, "pydantic", "BaseModel")
                RemoveImportsVisitor.remove_unused_import_by_node(self.context, base.value)
                bases[i] = bases[i].with_changes(value=new)
                self.rewrite(base, "GenericModel -> BaseModel")
                changed = True
        return updated_node.with_changes(bases=bases) if changed else updated_node
