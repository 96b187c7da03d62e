"""The calls: `ReactDOM.render(el, node)` (RE001) and `ReactDOM.hydrate(el, node)` (RE002)
rewritten to the React 18 root API, `unmountComponentAtNode` (RE003) and a render/hydrate
callback (RE004) flagged. A call is React DOM's when its name comes from an import of
"react-dom" (default, namespace or named, under any alias), never by its spelling."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gitmigrate.codemods.recipe import FileContext
from gitmigrate.codemods.recipes.react18.imports import client_names, imports_of, referenced
from gitmigrate.codemods.recipes.react18.source import Edit, span, where

if TYPE_CHECKING:
    from ast_grep_py import SgNode

RULE_OF = {"render": "RE001", "hydrate": "RE002", "unmountComponentAtNode": "RE003"}
CLIENT = {"render": "createRoot", "hydrate": "hydrateRoot"}
UNMOUNT = (
    "unmountComponentAtNode is gone in React 18: keep the root that createRoot(node) returned "
    "and call root.unmount()"
)
CALLBACK = (
    "the callback argument of {api} is gone in React 18: run it from a useEffect (or a ref "
    "callback) in the rendered component, then rewrite this call"
)


@dataclass
class CallEdits:
    edits: list[Edit] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)  # react-dom bindings a rewrite used
    needed: list[str] = field(default_factory=list)  # react-dom/client functions to import


def _react_dom_api(
    call: SgNode, namespaces: set[str], functions: dict[str, str]
) -> tuple[str, str] | None:
    """(API name, local binding used) when `call` calls React DOM."""
    callee = call.field("function")
    if callee is None:
        return None
    if callee.kind() == "identifier" and callee.text() in functions:
        return functions[callee.text()], callee.text()
    if callee.kind() == "member_expression":
        obj, prop = callee.field("object"), callee.field("property")
        if obj is not None and prop is not None and obj.kind() == "identifier":
            if obj.text() in namespaces:
                return prop.text(), obj.text()
    return None


def rewrite_calls(root: SgNode, source: str, ctx: FileContext, enabled: set[str]) -> CallEdits:
    namespaces: set[str] = set()
    functions: dict[str, str] = {}
    for statement in imports_of(root, "react-dom"):
        for b in statement.bindings:
            if b.kind == "named":
                functions[b.local] = b.imported
            else:
                namespaces.add(b.local)
    client = client_names(root)
    out = CallEdits()
    for call in root.find_all(kind="call_expression"):
        found = _react_dom_api(call, namespaces, functions)
        if found is None or found[0] not in RULE_OF:
            continue
        api, binding = found
        if any(s <= span(call)[0] < e for s, e, _ in ((x.start, x.end, x) for x in out.edits)):
            continue  # inside a call already rewritten
        rule = RULE_OF[api]
        line, column = where(call)
        if api == "unmountComponentAtNode":
            if rule in enabled:
                ctx.flag(rule, line, column, UNMOUNT)
            continue
        arguments = call.field("arguments")
        args = [a for a in arguments.named_children() if a.kind() != "comment"] if arguments else []
        if len(args) == 3 and all(a.kind() != "spread_element" for a in args):
            if "RE004" in enabled:
                ctx.flag("RE004", line, column, CALLBACK.format(api=api))
            continue
        if rule not in enabled:
            continue
        why = _cannot(call, args, api, client)
        if why:
            ctx.flag(rule, line, column, why)
            continue
        function = client.get(CLIENT[api], CLIENT[api])
        element, node = args[0].text(), args[1].text()
        lead, trail = _layout(source, call, args)
        if api == "render":
            text = f"{function}({node}).render({lead}{element}{trail})"
        else:
            text = f"{function}({node},{lead or ' '}{element}{trail})"
        start, end = span(call)
        out.edits.append(Edit(start, end, text))
        out.consumed.add(binding)
        if CLIENT[api] not in out.needed:
            out.needed.append(CLIENT[api])
        callee = f"{binding}.{api}" if binding in namespaces else binding
        shape = "createRoot(node).render(el)" if api == "render" else "hydrateRoot(node, el)"
        ctx.rewrite(rule, line, column, f"{callee}(el, node) -> {shape}")
    return out


def _layout(source: str, call: SgNode, args: list[SgNode]) -> tuple[str, str]:
    """The line breaks around the arguments of a call written over several lines, so that
    `render(\n  <App />,\n  node\n)` keeps the element on its own lines."""
    arguments = call.field("arguments")
    assert arguments is not None
    start, end = span(arguments)
    lead = source[start + 1 : span(args[0])[0]]
    trail = source[span(args[-1])[1] : end - 1].lstrip(",")
    if "\n" not in lead + trail or (lead + trail).strip():
        return "", ""
    return lead, trail


def _cannot(call: SgNode, args: list[SgNode], api: str, client: dict[str, str]) -> str:
    """Why this call is flagged rather than rewritten ("" when it can be rewritten)."""
    if len(args) != 2 or any(a.kind() == "spread_element" for a in args):
        return f"{api} with {len(args)} argument(s): rewrite it by hand ({CLIENT[api]})"
    parent = call.parent()
    if parent is None or parent.kind() != "expression_statement":
        return f"the value {api} returns is used; {CLIENT[api]}() returns a root, not the component"
    if CLIENT[api] not in client and referenced(call.get_root().root(), CLIENT[api]):
        return f"`{CLIENT[api]}` already names something else in this file"
    return ""
