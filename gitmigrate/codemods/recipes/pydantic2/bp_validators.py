"""BP007: `@validator(...)` -> `@field_validator(...)`, `@root_validator(...)` ->
`@model_validator(mode=...)`, with `@classmethod` added last; `pre=True` -> `mode="before"`,
`pre=False`, `allow_reuse` and `skip_on_failure` dropped. The decorator is recognised by what it
resolves to (`@pydantic.validator`, an alias), the bare `@root_validator` too, and the call form
`root_validator(pre=True)(fn)`.

Unlike bump-pydantic, a root validator that is not `pre=True` gets `mode="after"`
(`model_validator()` with no mode raises TypeError in Pydantic 2); it is flagged, since an
after-validator receives the model, not a dict of values. A validator that uses `each_item`,
`always` or more parameters than `(cls, v)` keeps bump-pydantic's TODO comment and is flagged."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from gitmigrate.codemods.recipes.pydantic2.bp_common import (
    MIGRATION,
    BPCommand,
    fix_commas,
    keyword,
    with_todo,
)

VALIDATOR = frozenset({"pydantic.validator", "pydantic.class_validators.validator"})
ROOT = frozenset({"pydantic.root_validator", "pydantic.class_validators.root_validator"})
CHECK = f"Check {MIGRATION}#changes-to-validators for more information."
DROPPED = frozenset({"allow_reuse", "skip_on_failure"})
MANUAL = frozenset({"each_item", "always"})
AFTER = "root_validator without pre=True -> mode='after': it gets the model, not a dict of values"


def _todo(old: str, new: str) -> list[str]:
    return [
        f"TODO[pydantic]: We couldn't refactor the `{old}`, please replace it by `{new}` manually.",
        CHECK,
    ]


def _true(value: cst.BaseExpression) -> bool | None:
    if isinstance(value, cst.Name) and value.value in ("True", "False"):
        return value.value == "True"
    return None


def _info_param(param: cst.Param) -> bool:
    """`info: ValidationInfo`, Pydantic 2's third validator argument (PD104 writes it for
    `values`, and runs before this rule in the whole recipe)."""
    annotation = param.annotation.annotation if param.annotation else None
    if isinstance(annotation, cst.Attribute):
        annotation = annotation.attr
    return isinstance(annotation, cst.Name) and annotation.value == "ValidationInfo"


def _extra_params(function: cst.FunctionDef) -> bool:
    params = function.params
    positional = [*params.posonly_params, *params.params]
    if len(positional) == 3 and _info_param(positional[2]):
        positional = positional[:2]
    return (
        len(positional) > 2
        or bool(params.kwonly_params)
        or isinstance(params.star_arg, cst.Param)
        or params.star_kwarg is not None
    )


class Validators(BPCommand):
    RULE = "BP007"
    NEEDS = ("validator",)
    DESCRIPTION = "validator -> field_validator, root_validator -> model_validator"

    def _renamed(self, func: cst.BaseExpression, new: str) -> cst.BaseExpression:
        """`validator` -> `field_validator` as spelled: a bare name gets the import."""
        RemoveImportsVisitor.remove_unused_import_by_node(self.context, func)
        if isinstance(func, cst.Attribute):
            return func.with_changes(attr=cst.Name(new))
        AddImportsVisitor.add_needed_import(self.context, "pydantic", new)
        return cst.Name(new)

    def _arguments(self, args: list[cst.Arg], root: bool) -> tuple[list[cst.Arg], bool] | None:
        """The new arguments and whether the mode is "after" (root only); None when a person
        must decide (each_item, always, a pre= that is not a literal)."""
        new: list[cst.Arg] = []
        before = False
        for arg in args:
            name = keyword(arg)
            if name in MANUAL or arg.star == "**":
                return None
            if name in DROPPED:
                continue
            if name == "pre":
                pre = _true(arg.value)
                if pre is None:
                    return None
                if pre:
                    before = True
                    new.append(arg.with_changes(keyword=cst.Name("mode"), value=_before()))
                continue
            new.append(arg)
        if root and not before:
            mode = cst.Arg(
                _after(),
                keyword=cst.Name("mode"),
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""),
                ),
            )
            new.append(mode)
        return fix_commas(new), root and not before

    def leave_function(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement:
        decorators = list(updated_node.decorators)
        changed = False
        for i, old in enumerate(original_node.decorators):
            found = old.decorator
            call = found if isinstance(found, cst.Call) else None
            func = call.func if call is not None else found
            root = self.is_one_of(func, ROOT)
            if not root and (call is None or not self.is_one_of(func, VALIDATOR)):
                continue
            names = (
                ("root_validator", "model_validator") if root else ("validator", "field_validator")
            )
            arguments = self._arguments(list(call.args) if call else [], root)
            if arguments is None or (not root and _extra_params(original_node)):
                self.flag(old, f"{names[0]}: replace it by {names[1]} by hand")
                lines = with_todo(updated_node.leading_lines, _todo(*names))
                if lines is None:
                    return updated_node
                return updated_node.with_changes(leading_lines=lines)
            args, after = arguments
            new_func = self._renamed(func, names[1])
            if call is not None:
                new_decorator: cst.BaseExpression = call.with_changes(func=new_func, args=args)
            else:
                new_decorator = cst.Call(func=new_func, args=args)
            decorators[i] = decorators[i].with_changes(decorator=new_decorator)
            self.rewrite(old, f"@{names[0]} -> @{names[1]}")
            if after:
                self.flag(old, AFTER)
            changed = True
        if not changed:
            return updated_node
        if not any(
            isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod"
            for d in decorators
        ):
            decorators.append(cst.Decorator(cst.Name("classmethod")))
        return updated_node.with_changes(decorators=decorators)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        """`root_validator(pre=True)(fn)` -> `model_validator(mode="before")(fn)`; the same form
        of `validator` is flagged (its function would need to be a classmethod)."""
        inner = original_node.func
        if not isinstance(inner, cst.Call) or not isinstance(updated_node.func, cst.Call):
            return updated_node
        if self.is_one_of(inner.func, VALIDATOR):
            self.flag(original_node, "validator(...)(fn): replace it by field_validator by hand")
            return updated_node
        if not self.is_one_of(inner.func, ROOT):
            return updated_node
        arguments = self._arguments(list(updated_node.func.args), True)
        if arguments is None:
            self.flag(original_node, "root_validator(...)(fn): replace it by hand")
            return updated_node
        args, after = arguments
        new_func = self._renamed(inner.func, "model_validator")
        self.rewrite(original_node, "root_validator(...)(fn) -> model_validator(...)(fn)")
        if after:
            self.flag(original_node, AFTER)
        return updated_node.with_changes(
            func=updated_node.func.with_changes(func=new_func, args=args)
        )


def _before() -> cst.SimpleString:
    return cst.SimpleString('"before"')


def _after() -> cst.SimpleString:
    return cst.SimpleString('"after"')
