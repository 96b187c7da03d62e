"""The react18 recipe beyond its golden fixtures: the grammar is chosen by suffix, a file that
does not parse is refused (never half-written), every result parses and a second run changes
nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.codemods.js_source import LANGUAGES, parse
from gitmigrate.codemods.recipe import CodeParseError, FileContext
from gitmigrate.codemods.registry import builtin_recipe

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "code" / "react18"
RECIPE = builtin_recipe("react18")


def _run(source: str, path: str, enabled: frozenset[str] | None = None) -> tuple[str, FileContext]:
    ctx = FileContext(path=path, module="", package="", enabled=enabled)
    return RECIPE.transform(source, ctx), ctx


def _afters() -> list[Path]:
    return sorted(FIXTURES.glob("**/after.*"))


@pytest.mark.parametrize("after", _afters(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_every_result_parses_and_a_second_run_changes_nothing(after: Path) -> None:
    source = after.read_text(encoding="utf-8")
    parse(source, LANGUAGES[after.suffix])
    again, ctx = _run(source, "src/index" + after.suffix)
    assert again == source
    assert not ctx.applied()


def test_a_file_that_does_not_parse_is_refused() -> None:
    source = 'import ReactDOM from "react-dom";\nReactDOM.render(<App />, root;\n'
    with pytest.raises(CodeParseError) as caught:
        _run(source, "src/index.jsx")
    assert caught.value.line == 2


def test_the_grammar_follows_the_suffix() -> None:
    source = (
        'import ReactDOM from "react-dom";\n'
        'const root = <HTMLElement>document.getElementById("root");\n'
        "ReactDOM.render(React.createElement(App), root);\n"
    )
    out, _ = _run(source, "src/index.ts")  # a type assertion: TypeScript, not TSX
    assert "createRoot(root).render(React.createElement(App));" in out
    with pytest.raises(CodeParseError):
        _run(source, "src/index.tsx")  # in TSX `<HTMLElement>` opens an element


def test_a_suffix_it_does_not_read_is_refused() -> None:
    with pytest.raises(CodeParseError):
        _run("ReactDOM.render(a, b);\n", "src/index.vue")


def test_a_rule_not_enabled_neither_rewrites_nor_flags() -> None:
    source = (FIXTURES / "RE004" / "callback" / "before.jsx").read_text(encoding="utf-8")
    out, ctx = _run(source, "src/index.jsx", frozenset({"RE001"}))
    assert out == source
    assert ctx.findings == []
    out, ctx = _run(source, "src/index.jsx", frozenset({"RE004"}))
    assert [f.rule for f in ctx.findings] == ["RE004"]


def test_the_default_rules_rewrite_render_and_hydrate_in_one_file() -> None:
    source = (
        "import ReactDOM from 'react-dom'\n"
        "ReactDOM.hydrate(<App />, a)\n"
        "ReactDOM.render(<Other />, b)\n"
        "ReactDOM.unmountComponentAtNode(b)\n"
    )
    out, ctx = _run(source, "src/index.jsx")
    assert out == (
        "import ReactDOM from 'react-dom'\n"
        "import { hydrateRoot, createRoot } from 'react-dom/client'\n"
        "hydrateRoot(a, <App />)\n"
        "createRoot(b).render(<Other />)\n"
        "ReactDOM.unmountComponentAtNode(b)\n"
    )
    assert ctx.applied() == {"RE001": 1, "RE002": 1}
    assert [(f.line, f.rule) for f in ctx.findings if not f.fixable] == [(4, "RE003")]


def test_every_rule_has_a_golden_fixture_and_a_line_in_the_docs() -> None:
    doc = (FIXTURES.parents[2] / "docs" / "recipes" / "react18.md").read_text(encoding="utf-8")
    for rule in RECIPE.rules:
        assert list((FIXTURES / rule.id).glob("**/before.*")), rule.id
        assert f"| {rule.id} |" in doc, rule.id
