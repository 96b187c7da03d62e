"""PD101 (instance methods: `.dict()` -> `.model_dump()`, `.json()`, `.copy()`,
`__fields_set__`) and PD102 (class methods: `Model.parse_obj()` -> `Model.model_validate()`,
`parse_raw`, `schema`, `schema_json`, `construct`, `update_forward_refs`, `from_orm`,
`validate`, `__fields__`), on receivers the Resolver proves to be a model or an instance of
one. A model that defines the method itself keeps it; a call whose arguments v2 does not take
is flagged, not rewritten."""

from __future__ import annotations

import libcst
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import ImportAssignment, ScopeProvider

from gitmigrate.codemods.recipes.pydantic2.methods_pass import ModelPass, misfit, short
from gitmigrate.codemods.recipes.pydantic2.methods_table import (
    CLASS,
    CLASS_ATTRIBUTES,
    INSTANCE,
    INSTANCE_ATTRIBUTES,
    NO_REWRITE,
    Rename,
    needle,
)


def _renamed(call: libcst.Call, new: str) -> libcst.Call:
    func = libcst.ensure_type(call.func, libcst.Attribute)
    return call.with_changes(func=func.with_changes(attr=libcst.Name(new)))


class InstanceMethods(ModelPass):
    RULE = "PD101"
    NEEDLE = needle(*INSTANCE, *INSTANCE_ATTRIBUTES)

    def leave_Call(self, original_node: libcst.Call, updated_node: libcst.Call) -> libcst.Call:
        func = original_node.func
        if not isinstance(func, libcst.Attribute) or func.attr.value not in INSTANCE:
            return updated_node
        name = func.attr.value
        model = self.resolver.instance(func.value)
        if model is None or self.resolver.defines(model, name):
            return updated_node
        rename = INSTANCE[name]
        reason = misfit(original_node, rename)
        if reason:
            self.flag(func.attr, f".{name}() on {short(model)}: {reason}; no plain .{rename.new}()")
            return updated_node
        self.rewrite(func.attr, f".{name}() -> .{rename.new}() on {short(model)}")
        return _renamed(updated_node, rename.new)

    def leave_Attribute(
        self, original_node: libcst.Attribute, updated_node: libcst.Attribute
    ) -> libcst.Attribute:
        new = INSTANCE_ATTRIBUTES.get(original_node.attr.value)
        model = self.resolver.instance(original_node.value) if new else None
        if new is None or model is None:
            return updated_node
        self.rewrite(original_node.attr, f"{original_node.attr.value} -> {new} on {short(model)}")
        return updated_node.with_changes(attr=libcst.Name(new))


class ClassMethods(ModelPass):
    RULE = "PD102"
    NEEDLE = needle(*CLASS, *CLASS_ATTRIBUTES, *NO_REWRITE)

    def _model(self, node: libcst.BaseExpression) -> tuple[str, bool] | None:
        """The model a receiver proves, and whether it is the class (not an instance)."""
        found = self.resolver.kind(node)
        if found is None or found[0] not in ("class", "instance"):
            return None
        return found[1], found[0] == "class"

    def leave_Call(
        self, original_node: libcst.Call, updated_node: libcst.Call
    ) -> libcst.BaseExpression:
        func = original_node.func
        if not isinstance(func, libcst.Attribute):
            return updated_node
        name = func.attr.value
        if name not in CLASS and name not in NO_REWRITE:
            return updated_node
        found = self._model(func.value)
        if found is None or self.resolver.defines(found[0], name):
            return updated_node
        model = short(found[0])
        if name in NO_REWRITE:
            self.flag(func.attr, f"{model}.{name}() was removed: {NO_REWRITE[name]}")
            return updated_node
        rename = CLASS[name]
        reason = misfit(original_node, rename) if name != "schema_json" else None
        if name == "from_orm" and len(original_node.args) != 1:
            reason = "not one argument"
        if reason:
            self.flag(func.attr, f"{model}.{name}(): {reason}; no plain .{rename.new}()")
            return updated_node
        if name == "schema_json":
            return self._schema_json(original_node, updated_node, model, rename)
        self.rewrite(func.attr, f".{name}() -> .{rename.new}() on {model}")
        call = _renamed(updated_node, rename.new)
        if name == "from_orm":
            keyword = libcst.Arg(
                keyword=libcst.Name("from_attributes"),
                value=libcst.Name("True"),
                equal=libcst.AssignEqual(
                    whitespace_before=libcst.SimpleWhitespace(""),
                    whitespace_after=libcst.SimpleWhitespace(""),
                ),
            )
            args = [*call.args]
            args[-1] = args[-1].with_changes(
                comma=libcst.Comma(whitespace_after=libcst.SimpleWhitespace(" "))
            )
            call = call.with_changes(args=[*args, keyword])
        return call

    def _schema_json(
        self, original: libcst.Call, updated: libcst.Call, model: str, rename: Rename
    ) -> libcst.BaseExpression:
        """`M.schema_json(indent=2)` -> `json.dumps(M.model_json_schema(), indent=2)`: v2 has
        no schema_json; its schema keywords stay inside, json.dumps's go outside."""
        func = libcst.ensure_type(original.func, libcst.Attribute)
        if any(arg.star or arg.keyword is None for arg in original.args):
            self.flag(func.attr, f"{model}.schema_json(): positional or ** arguments")
            return updated
        scope = self.get_metadata(ScopeProvider, original, None)
        taken = scope is not None and not all(_imports_json(a) for a in scope["json"])
        if taken:
            self.flag(func.attr, f"{model}.schema_json(): `json` is another name here")
            return updated
        keep = rename.keywords or frozenset()
        inner = [a for a in updated.args if a.keyword and a.keyword.value in keep]
        outer = [a for a in updated.args if not (a.keyword and a.keyword.value in keep)]
        schema = _renamed(updated, rename.new).with_changes(args=_tidy(inner))
        dumps = libcst.Call(
            func=libcst.Attribute(value=libcst.Name("json"), attr=libcst.Name("dumps")),
            args=_tidy([libcst.Arg(value=schema), *outer]),
        )
        AddImportsVisitor.add_needed_import(self.context, "json")
        self.rewrite(func.attr, f".schema_json() -> json.dumps(.model_json_schema()) on {model}")
        return dumps

    def leave_Attribute(
        self, original_node: libcst.Attribute, updated_node: libcst.BaseExpression
    ) -> libcst.BaseExpression:
        new = CLASS_ATTRIBUTES.get(original_node.attr.value)
        found = self._model(original_node.value) if new else None
        if new is None or found is None:
            return updated_node
        node = libcst.ensure_type(updated_node, libcst.Attribute)
        self.rewrite(
            original_node.attr, f"{original_node.attr.value} -> {new} on {short(found[0])}"
        )
        if found[1]:
            return node.with_changes(attr=libcst.Name(new))
        owner = libcst.Call(func=libcst.Name("type"), args=[libcst.Arg(value=node.value)])
        return node.with_changes(value=owner, attr=libcst.Name(new))


def _tidy(args: list[libcst.Arg]) -> list[libcst.Arg]:
    """Arguments with ", " between them and no trailing comma."""
    tidy = [
        a.with_changes(comma=libcst.Comma(whitespace_after=libcst.SimpleWhitespace(" ")))
        for a in args
    ]
    if tidy:
        tidy[-1] = tidy[-1].with_changes(comma=libcst.MaybeSentinel.DEFAULT)
    return tidy


def _imports_json(assignment: object) -> bool:
    """Whether an assignment of the name `json` is `import json` itself."""
    node = getattr(assignment, "node", None)
    if not isinstance(assignment, ImportAssignment) or not isinstance(node, libcst.Import):
        return False
    return any(
        alias.asname is None and isinstance(alias.name, libcst.Name) and alias.name.value == "json"
        for alias in node.names
    )
