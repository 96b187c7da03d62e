"""BP001 (Optional fields get an explicit `= None`) and BP010 (fields with no annotation get one),
both only in classes the model index knows as Pydantic models: Pydantic 2 gives an Optional
field no implicit default and refuses a field with no annotation."""

from __future__ import annotations

import libcst as cst

from gitmigrate.codemods.recipes.pydantic2.bp_common import (
    FIELD,
    BPCommand,
    keyword,
    literal_type,
    tail,
    with_todo,
)


def optional_like(node: cst.BaseExpression) -> bool:
    """`Optional[X]`, `Union[..., None]`, `X | None`, `Any`, also nested (a Union of a Union,
    an `Annotated[Optional[X], ...]`): what Pydantic 1 gave an implicit None default."""
    if isinstance(node, cst.Name) and node.value == "None":
        return True
    if isinstance(node, (cst.Name, cst.Attribute)):
        return tail(node) == "Any"
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return optional_like(node.left) or optional_like(node.right)
    if isinstance(node, cst.Subscript):
        name = tail(node.value)
        items = [e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)]
        if name == "Optional":
            return True
        if name == "Union":
            return any(optional_like(item) for item in items)
        if name == "Annotated" and items:
            return optional_like(items[0])
    return False


class AddDefaultNone(BPCommand):
    RULE = "BP001"
    NEEDS = ("class ",)
    DESCRIPTION = "Optional fields of a model get an explicit None default"

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        if not self.in_model() or not isinstance(original_node.target, cst.Name):
            return updated_node
        if not optional_like(original_node.annotation.annotation):
            return updated_node
        field = original_node.target.value
        value = updated_node.value
        if value is None:
            self.rewrite(original_node, f"`{field}` is Optional: explicit default None")
            return updated_node.with_changes(value=cst.Name("None"), equal=cst.AssignEqual())
        if isinstance(value, cst.Call) and isinstance(original_node.value, cst.Call):
            if not self.is_one_of(original_node.value.func, FIELD):
                return updated_node
            if any(not keyword(a) for a in value.args) or any(
                keyword(a) in ("default", "default_factory") or a.star for a in value.args
            ):
                return updated_node
            first = cst.Arg(cst.Name("None"))
            if value.args:
                first = first.with_changes(
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
                )
            self.rewrite(original_node, f"`{field}` is Optional: Field gets the default None")
            return updated_node.with_changes(value=value.with_changes(args=(first, *value.args)))
        return updated_node


TODO_ANNOTATION = "TODO[pydantic]: add type annotation"
VALIDATORS = frozenset(
    {
        "pydantic.validator",
        "pydantic.root_validator",
        "pydantic.field_validator",
        "pydantic.model_validator",
        "pydantic.class_validators.validator",
        "pydantic.class_validators.root_validator",
        "pydantic.ConfigDict",
    }
)


class AddAnnotations(BPCommand):
    RULE = "BP010"
    NEEDS = ("class ",)
    DESCRIPTION = "Fields of a model with no annotation get one (or a TODO comment)"

    def _inferred(self, value: cst.BaseExpression) -> str | None:
        found = literal_type(value)
        if found or not isinstance(value, cst.Call) or not self.is_one_of(value.func, FIELD):
            return found
        for arg in value.args:
            if keyword(arg) == "default" or (not keyword(arg) and not arg.star):
                return literal_type(arg.value)
        return None

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if not self.in_model() or len(original_node.body) != 1:
            return updated_node
        assign = original_node.body[0]
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return updated_node
        target = assign.targets[0].target
        if not isinstance(target, cst.Name) or target.value.startswith("_"):
            return updated_node
        if target.value in ("model_config", "Config"):
            return updated_node
        value = assign.value
        if isinstance(value, cst.Call) and (
            self.is_one_of(value.func, VALIDATORS)
            or (isinstance(value.func, cst.Call) and self.is_one_of(value.func.func, VALIDATORS))
        ):
            return updated_node
        annotation = self._inferred(value)
        if annotation is None:
            lines = with_todo(updated_node.leading_lines, [TODO_ANNOTATION])
            self.flag(original_node, f"`{target.value}` has no type annotation: add one")
            if lines is None:
                return updated_node
            return updated_node.with_changes(leading_lines=lines)
        new_assign = updated_node.body[0]
        assert isinstance(new_assign, cst.Assign)
        self.rewrite(original_node, f"`{target.value}` gets the annotation {annotation}")
        annotated = cst.AnnAssign(
            target=new_assign.targets[0].target,
            annotation=cst.Annotation(cst.Name(annotation)),
            value=new_assign.value,
            equal=cst.AssignEqual(),
            semicolon=new_assign.semicolon,
        )
        return updated_node.with_changes(body=[annotated])
