"""React 17 -> 18 for JavaScript and TypeScript through ast-grep: `ReactDOM.render` and
`ReactDOM.hydrate` become the root API of `react-dom/client`, what has no mechanical rewrite is
flagged. The result is parsed again; a file that does not parse is refused."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.codemods.js_source import language_of, parse
from gitmigrate.codemods.recipe import FileContext, Language, Rule, runs
from gitmigrate.codemods.recipes.react18.calls import rewrite_calls
from gitmigrate.codemods.recipes.react18.imports import fix_imports
from gitmigrate.codemods.recipes.react18.source import apply

RULES = (
    Rule(
        "RE001", 'ReactDOM.render(el, node) -> createRoot(node).render(el) from "react-dom/client"'
    ),
    Rule("RE002", 'ReactDOM.hydrate(el, node) -> hydrateRoot(node, el) from "react-dom/client"'),
    Rule(
        "RE003",
        "unmountComponentAtNode(node): keep the root and call root.unmount()",
        fixable=False,
    ),
    Rule("RE004", "render/hydrate with a callback argument: React 18 has none", fixable=False),
)


class React18Recipe:
    name = "react18"
    summary = "React 17 -> 18: ReactDOM.render/hydrate -> createRoot/hydrateRoot (ast-grep)"
    language: Language = "javascript"
    suffixes: tuple[str, ...] = (".js", ".jsx", ".ts", ".tsx")
    rules: tuple[Rule, ...] = RULES
    parts: tuple[str, ...] = ()

    def collect(self, path: str, module: str, source: str) -> Mapping[str, Any]:
        return {}

    def transform(self, source: str, ctx: FileContext) -> str:
        language = language_of(ctx.path)
        root = parse(source, language)
        enabled = {rule.id for rule in self.rules if runs(rule, ctx.enabled)}
        calls = rewrite_calls(root, source, ctx, enabled)
        if not calls.edits:
            return source
        text = apply(source, calls.edits)
        rewritten = parse(text, language, "the rewritten file does not parse")
        text = apply(text, fix_imports(rewritten, text, calls.consumed, calls.needed))
        parse(text, language, "the rewritten file does not parse")
        return text


RECIPE = React18Recipe()
