"""BP009: a custom type's `__get_validators__` / `__modify_schema__` get bump-pydantic's TODO
comment naming the Pydantic 2 hook to write (`__get_pydantic_core_schema__`,
`__get_pydantic_json_schema__`), and are flagged: no codemod can write those hooks."""

from __future__ import annotations

import libcst as cst

from gitmigrate.codemods.recipes.pydantic2.bp_common import BPCommand, has_comment, todo_lines

HOOKS = {
    "__get_validators__": "__get_pydantic_core_schema__",
    "__modify_schema__": "__get_pydantic_json_schema__",
}
CHECK = (
    "Check https://docs.pydantic.dev/latest/migration/#defining-custom-types for more information."
)


class CustomTypes(BPCommand):
    RULE = "BP009"
    NEEDS = tuple(HOOKS)
    DESCRIPTION = "custom type hooks get a TODO comment"

    def leave_function(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement:
        name = original_node.name.value
        if name not in HOOKS or not self.scopes or self.scopes[-1] is None:
            return updated_node
        texts = [
            f"TODO[pydantic]: We couldn't refactor `{name}`, please create the "
            f"`{HOOKS[name]}` manually.",
            CHECK,
        ]
        self.flag(original_node, f"{name}: write {HOOKS[name]} by hand")
        if has_comment(updated_node.leading_lines, texts[0]) or has_comment(
            updated_node.lines_after_decorators, texts[0]
        ):
            return updated_node
        if updated_node.decorators:
            lines = [*updated_node.lines_after_decorators, *todo_lines(texts)]
            return updated_node.with_changes(lines_after_decorators=lines)
        return updated_node.with_changes(
            leading_lines=[*updated_node.leading_lines, *todo_lines(texts)]
        )
