"""BP002: a model's nested `class Config:` becomes `model_config = ConfigDict(...)`
(`SettingsConfigDict` on a BaseSettings class), keys renamed to their v2 names. Only in
classes the model index knows as models (bump-pydantic converts any class with a base). A
Config with methods or bases is left with bump-pydantic's TODO comment and flagged; comments
inside a Config are kept (the call is then written one argument a line)."""

from __future__ import annotations

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from gitmigrate.codemods.recipes.pydantic2.bp_common import MIGRATION, BPCommand, with_todo

CHECK = f"Check {MIGRATION}#changes-to-config for more information."
TODO_INHERITS = [
    "TODO[pydantic]: The `Config` class inherits from another class, please create the "
    "`model_config` manually.",
    CHECK,
]
TODO_COMPLEX = [
    "TODO[pydantic]: We couldn't refactor this class, please create the `model_config` manually.",
    CHECK,
]

RENAMED = {
    "allow_population_by_field_name": "populate_by_name",
    "anystr_lower": "str_to_lower",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_upper": "str_to_upper",
    "keep_untouched": "ignored_types",
    "max_anystr_length": "str_max_length",
    "min_anystr_length": "str_min_length",
    "orm_mode": "from_attributes",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
}
REMOVED = frozenset(
    {
        "allow_mutation",
        "error_msg_templates",
        "fields",
        "getter_dict",
        "smart_union",
        "underscore_attrs_are_private",
        "json_loads",
        "json_dumps",
        "copy_on_model_validation",
        "post_init_call",
    }
)
EXTRA = frozenset({"pydantic.Extra", "pydantic.config.Extra"})


def _assignment(statement: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None | bool:
    """(key, value) for `key = value`; True for what a Config may hold and we drop (pass, ...,
    a docstring); None for anything else (a method, a nested class, a statement)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Pass):
        return True
    if isinstance(small, cst.Expr) and isinstance(
        small.value, (cst.Ellipsis, cst.SimpleString, cst.ConcatenatedString)
    ):
        return True
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target = small.targets[0].target
        if isinstance(target, cst.Name):
            return target.value, small.value
    if isinstance(small, cst.AnnAssign) and small.value is not None:
        if isinstance(small.target, cst.Name):
            return small.target.value, small.value
    return None


def _comments(statement: cst.BaseStatement) -> tuple[list[str], str]:
    """The comment lines above a statement and the comment at its end."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return [], ""
    above = [line.comment.value for line in statement.leading_lines if line.comment is not None]
    comment = statement.trailing_whitespace.comment
    return above, comment.value if comment is not None else ""


class ReplaceConfig(BPCommand):
    RULE = "BP002"
    NEEDS = ("Config",)
    DESCRIPTION = "class Config -> model_config = ConfigDict(...)"

    def leave_class(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.BaseStatement:
        if not self.is_model(original_node) or not isinstance(updated_node.body, cst.IndentedBlock):
            return updated_node
        body = list(updated_node.body.body)
        changed = False
        for i, (old, new) in enumerate(zip(original_node.body.body, body, strict=True)):
            if isinstance(old, cst.ClassDef) and old.name.value == "Config":
                assert isinstance(new, cst.ClassDef)
                replacement = self._config(old, new, self.is_settings(original_node))
                if replacement is not new:
                    body[i] = replacement
                    changed = True
        if not changed:
            return updated_node
        return updated_node.with_changes(body=updated_node.body.with_changes(body=body))

    def _todo(
        self, old: cst.ClassDef, new: cst.ClassDef, texts: list[str], why: str
    ) -> cst.BaseStatement:
        self.flag(old, why)
        lines = with_todo(new.leading_lines, texts)
        return new if lines is None else new.with_changes(leading_lines=lines)

    def _config(self, old: cst.ClassDef, new: cst.ClassDef, settings: bool) -> cst.BaseStatement:
        if old.bases or old.keywords:
            why = "Config inherits from another class: write model_config by hand"
            return self._todo(old, new, TODO_INHERITS, why)
        statements = list(old.body.body) if isinstance(old.body, cst.IndentedBlock) else []
        entries: list[tuple[str, cst.BaseExpression, list[str], str]] = []
        for statement in statements:
            found = _assignment(statement)
            if found is None:
                why = "Config holds more than key = value lines: write model_config by hand"
                return self._todo(old, new, TODO_COMPLEX, why)
            if found is not True:
                assert isinstance(found, tuple)
                entries.append((*found, *_comments(statement)))
        name = "SettingsConfigDict" if settings else "ConfigDict"
        module = "pydantic_settings" if settings else "pydantic"
        args, removed = [], []
        for key, value, above, after in entries:
            if key in REMOVED:
                removed.append(key)
            value_text = self.code(value)
            if (
                key == "extra"
                and isinstance(value, cst.Attribute)
                and self.is_one_of(value.value, EXTRA)
            ):
                if value.attr.value in ("allow", "forbid", "ignore"):
                    value_text = f'"{value.attr.value}"'
                    RemoveImportsVisitor.remove_unused_import_by_node(self.context, value)
            args.append((f"{RENAMED.get(key, key)}={value_text}", above, after))
        if any(above or after for _, above, after in args):
            lines: list[str] = []
            for i, (text, above, after) in enumerate(args):
                comma = "," if i < len(args) - 1 else ""
                lines.extend(f"    {comment}" for comment in above)
                lines.append(f"    {text}{comma}" + (f"  {after}" if after else ""))
            call = f"{name}(\n" + "\n".join(lines) + "\n)"
        else:
            call = f"{name}(" + ", ".join(text for text, _, _ in args) + ")"
        statement = cst.parse_statement(f"model_config = {call}\n")
        kept = [line for line in new.leading_lines if line.comment is not None]
        if removed:
            keys = ", ".join(f"`{key}`" for key in removed)
            todo = [f"TODO[pydantic]: The following keys were removed: {keys}.", CHECK]
            kept = with_todo(kept, todo) or kept
            self.flag(old, f"Config keys removed in Pydantic 2 kept: {', '.join(removed)}")
        AddImportsVisitor.add_needed_import(self.context, module, name)
        self.rewrite(old, f"class Config -> model_config = {name}(...)")
        return statement.with_changes(leading_lines=kept)
