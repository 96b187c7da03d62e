"""What a module imports from "react-dom" and "react-dom/client", and the import edits after the
calls were rewritten: the client functions added (to an existing `react-dom/client` import, in
place of a react-dom import that is no longer used, or after the last import) and the
react-dom bindings the rewrites consumed removed when nothing else refers to them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gitmigrate.codemods.recipes.react18.source import Edit, span

if TYPE_CHECKING:
    from ast_grep_py import SgNode

REFERENCES = (
    "identifier",
    "type_identifier",
    "shorthand_property_identifier",
)


@dataclass
class Binding:
    local: str
    text: str  # as written in the import clause ("render as r", "* as ReactDOM", "ReactDOM")
    kind: str  # "default", "namespace" or "named"
    imported: str  # the name in the module ("default"/"*" for the others)


@dataclass
class ImportStatement:
    node: SgNode
    module: str
    quote: str
    semicolon: bool
    bindings: list[Binding] = field(default_factory=list)


def imports_of(root: SgNode, module: str) -> list[ImportStatement]:
    found = []
    for statement in root.find_all(kind="import_statement"):
        source = statement.field("source")
        if source is None or source.text()[1:-1] != module:
            continue
        item = ImportStatement(
            statement, module, source.text()[0], statement.text().rstrip().endswith(";")
        )
        clause = next((c for c in statement.children() if c.kind() == "import_clause"), None)
        for part in clause.children() if clause is not None else []:
            item.bindings.extend(_bindings(part))
        found.append(item)
    return found


def _bindings(part: SgNode) -> list[Binding]:
    if part.kind() == "identifier":
        return [Binding(part.text(), part.text(), "default", "default")]
    if part.kind() == "namespace_import":
        local = next(c for c in part.children() if c.kind() == "identifier")
        return [Binding(local.text(), part.text(), "namespace", "*")]
    if part.kind() == "named_imports":
        out = []
        for spec in part.children():
            if spec.kind() != "import_specifier":
                continue
            imported, alias = spec.field("name"), spec.field("alias")
            assert imported is not None
            name = alias.text() if alias is not None else imported.text()
            out.append(Binding(name, spec.text(), "named", imported.text()))
        return out
    return []


def referenced(root: SgNode, name: str) -> bool:
    """Whether `name` is used outside the import statements."""
    for node in root.find_all(regex=f"^{re.escape(name)}$"):
        if node.kind() in REFERENCES and not any(
            a.kind() == "import_statement" for a in node.ancestors()
        ):
            return True
    return False


def _clause(bindings: list[Binding]) -> str:
    head = [b.text for b in bindings if b.kind != "named"]
    named = [b.text for b in bindings if b.kind == "named"]
    if named:
        head.append("{ " + ", ".join(named) + " }")
    return ", ".join(head)


def _statement(clause: str, module: str, quote: str, semicolon: bool) -> str:
    return f"import {clause} from {quote}{module}{quote}" + (";" if semicolon else "")


def client_names(root: SgNode) -> dict[str, str]:
    """What `react-dom/client` already binds: imported name -> local name."""
    return {
        b.imported: b.local
        for c in imports_of(root, "react-dom/client")
        for b in c.bindings
        if b.kind == "named"
    }


def fix_imports(root: SgNode, source: str, consumed: set[str], needed: list[str]) -> list[Edit]:
    """The import edits once the calls are rewritten (`root` is the rewritten text)."""
    edits: list[Edit] = []
    old = imports_of(root, "react-dom")
    style = old[0] if old else None
    quote, semicolon = (style.quote, style.semicolon) if style else ('"', True)
    freed: ImportStatement | None = None
    for statement in old:
        kept = [
            b for b in statement.bindings if b.local not in consumed or referenced(root, b.local)
        ]
        if kept == statement.bindings:
            continue
        start, end = span(statement.node)
        if kept:
            text = _statement(_clause(kept), "react-dom", statement.quote, statement.semicolon)
            edits.append(Edit(start, end, text))
        elif freed is None:
            freed = statement
        else:
            edits.append(Edit(start, _line_end(source, end), ""))
    client = imports_of(root, "react-dom/client")
    have = client_names(root)
    missing = [name for name in needed if name not in have]
    target = next((c for c in client if any(b.kind == "named" for b in c.bindings)), None)
    if missing and target is not None:
        start, end = span(target.node)
        bindings = target.bindings + [Binding(n, n, "named", n) for n in missing]
        edits.append(
            Edit(
                start,
                end,
                _statement(_clause(bindings), target.module, target.quote, target.semicolon),
            )
        )
        missing = []
    added = _statement("{ " + ", ".join(missing) + " }", "react-dom/client", quote, semicolon)
    if freed is not None:
        start, end = span(freed.node)
        edits.append(
            Edit(start, end, added) if missing else Edit(start, _line_end(source, end), "")
        )
    elif missing:
        edits.append(_after_imports(root, added))
    return edits


def _line_end(source: str, end: int) -> int:
    """Past the line break that ends a removed statement."""
    return end + 1 if source[end : end + 1] == "\n" else end


def _after_imports(root: SgNode, statement: str) -> Edit:
    last = None
    for child in root.children():
        if child.kind() == "import_statement":
            last = child
    if last is None:
        return Edit(0, 0, statement + "\n")
    end = span(last)[1]
    return Edit(end, end, "\n" + statement)
