"""Terraform (`.tf`) in the inventory: providers (blocks and required_providers), resources,
data sources and modules, each at its line. Read from python-hcl2's Lark parse tree, which
keeps positions (its dict output does not), so invalid HCL is a Problem at file:line:col."""

from __future__ import annotations

from typing import Any

from gitmigrate.platform import services
from gitmigrate.platform.scan_model import OTHER, Item, Problem

# Terraform provider names -> ours
PROVIDER_NAMES = {"aws": "aws", "google": "gcp", "google-beta": "gcp", "azurerm": "azure",
                   "azuread": "azure"}  # fmt: skip


def scan_terraform(text: str, file: str) -> tuple[list[Item], list[Problem]]:
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as exc:
        return [], [
            Problem(file, exc.line or 1, exc.column or 1, f"invalid HCL: {_unexpected(exc)}")
        ]
    except LarkError as exc:
        return [], [Problem(file, 1, 1, f"invalid HCL: {exc}")]
    walker = _Walker(text, file)
    for body in _children(tree, "body"):
        for block in _children(body, "block"):
            walker.block(block)
    return walker.items, []


def _unexpected(exc: Any) -> str:
    """What the parser stumbled on, in words (lark's message lists grammar terminals)."""
    token = getattr(exc, "token", None)
    if token is not None:
        if token.type == "$END":
            return "unexpected end of file (a block or string not closed?)"
        return f"unexpected {str(token)[:30]!r}"
    char = getattr(exc, "char", None)
    return f"unexpected character {char!r}" if char else "cannot parse"


def _children(tree: Any, name: str) -> list[Any]:
    return [c for c in getattr(tree, "children", ()) if getattr(c, "data", None) == name]


class _Walker:
    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.items: list[Item] = []

    def source(self, node: Any) -> str:
        return self.text[node.meta.start_pos : node.meta.end_pos]

    def label(self, node: Any) -> str:
        return self.source(node).strip().strip('"')

    def heading(self, block: Any) -> tuple[str, list[str], Any]:
        """A block's type, its labels and its body."""
        parts = [c for c in block.children if hasattr(c, "data")]
        kind = self.label(parts[0])
        labels = [self.label(p) for p in parts[1:] if p.data in ("string", "identifier")]
        body = next((p for p in parts if p.data == "body"), None)
        return kind, labels, body

    def arguments(self, body: Any) -> dict[str, str | None]:
        """The block's arguments: a plain string literal's value, else None (an expression)."""
        found: dict[str, str | None] = {}
        for attribute in _children(body, "attribute"):
            parts = [c for c in attribute.children if hasattr(c, "data")]
            name = self.label(parts[0])
            raw = self.source(parts[-1]).strip()
            plain = raw.startswith('"') and raw.endswith('"') and "${" not in raw
            found[name] = raw[1:-1] if plain else None
        return found

    def block(self, block: Any) -> None:
        kind, labels, body = self.heading(block)
        line = block.meta.line
        if kind in ("resource", "data") and len(labels) >= 2:
            self.resource(kind, labels[0], labels[1], body, line)
        elif kind == "module" and labels:
            self.module(labels[0], body, line)
        elif kind == "provider" and labels:
            self.provider(labels[0], line)
        elif kind == "terraform" and body is not None:
            for inner in _children(body, "block"):
                name, _, required = self.heading(inner)
                if name == "required_providers" and required is not None:
                    for attribute in _children(required, "attribute"):
                        parts = [c for c in attribute.children if hasattr(c, "data")]
                        self.provider(self.label(parts[0]), attribute.meta.line)

    def add(self, **fields: Any) -> None:
        self.items.append(Item(source="terraform", file=self.file, **fields))

    def resource(self, kind: str, type_: str, name: str, body: Any, line: int) -> None:
        provider = services.provider_of_type(type_) or OTHER
        rows = services.rows_for_resource(type_, self.arguments(body) if body is not None else {})
        written = f"{type_}.{name}" if kind == "resource" else f"data.{type_}.{name}"
        category, service = describe(rows, provider, type_)
        self.add(kind=kind, provider=provider, category=category, service=service,
                 resource=written, line=line, key=type_, rows=tuple(r.id for r in rows))  # fmt: skip

    def module(self, name: str, body: Any, line: int) -> None:
        source = (self.arguments(body).get("source") if body is not None else None) or "?"
        provider = module_provider(source)
        self.add(kind="module", provider=provider, category="terraform module",
                 service=f"module {source}", resource=f"module.{name}", line=line, key=source)  # fmt: skip

    def provider(self, name: str, line: int) -> None:
        self.add(kind="provider", provider=PROVIDER_NAMES.get(name, OTHER),
                 category="terraform provider", service=f"provider {name}",
                 resource=f"provider.{name}", line=line, key=name)  # fmt: skip


def module_provider(source: str) -> str:
    """A registry module's provider (`terraform-aws-modules/vpc/aws` -> aws), else other."""
    parts = source.split("//")[0].split("/")
    registry = len(parts) == 3 and not source.startswith((".", "git", "http", "s3::", "gcs::"))
    return PROVIDER_NAMES.get(parts[-1], OTHER) if registry else OTHER


def describe(rows: list[services.ServiceRow], provider: str, key: str) -> tuple[str, str]:
    """(category, service name) for an item: from its table rows, else what we know."""
    if not rows:
        return ("unknown", key) if provider != OTHER else ("other provider", key)
    names = list(dict.fromkeys(row.names.get(provider, row.names["aws"]) for row in rows))
    categories = list(dict.fromkeys(row.category for row in rows))
    return "/".join(categories), " or ".join(names)
