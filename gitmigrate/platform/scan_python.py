"""Cloud SDK use in Python code, found with LibCST (names resolved through imports and
aliases by its QualifiedNameProvider): boto3 `client("s3")` / `resource("dynamodb")` calls
(on boto3 or a session), `google.cloud.*` and `azure.*` imports and the clients built from
them. A file that does not parse is a Problem at file:line:col."""

from __future__ import annotations

import re

import libcst as cst
from libcst.metadata import PositionProvider, QualifiedNameProvider

from gitmigrate.platform import services
from gitmigrate.platform.scan_model import Item, Problem
from gitmigrate.platform.scan_terraform import describe

# only files importing an SDK are parsed (LibCST's name resolution costs ~0.1-1 s a file)
_HINT = re.compile(
    r"^[ \t]*(?:import|from)[ \t]+(?:boto3|aioboto3|botocore|aiobotocore|google\.cloud|azure)\b",
    re.MULTILINE,
)
_BOTO = ("boto3", "aioboto3", "botocore", "aiobotocore")
_SERVICE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# modules that are plumbing, not a service (auth, errors, the HTTP core)
_PLUMBING = ("google.cloud.exceptions", "google.cloud.client", "google.cloud.environment_vars",
             "azure.core", "azure.common")  # fmt: skip


def mentions_sdk(text: str) -> bool:
    return _HINT.search(text) is not None


def scan_python(text: str, file: str) -> tuple[list[Item], list[Problem]]:
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        detail = re.sub(r"^(parser|tokenizer) error: (error at \d+:\d+: )?", "", exc.message)
        detail = detail if len(detail) <= 80 else detail[:77] + "..."
        return [], [Problem(file, exc.editor_line, exc.editor_column, f"invalid Python: {detail}")]
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    visitor = _SdkVisitor(file)
    wrapper.visit(visitor)
    return visitor.items, []


def _sdk_item(kind: str, provider: str, key: str, written: str, file: str, line: int) -> Item:
    rows = services.rows_for_sdk(provider, key) if key != "?" else []
    category, service = describe(rows, provider, key)
    return Item("python", kind, provider, category, service, written, file, line, key=key,
                rows=tuple(r.id for r in rows))  # fmt: skip


def _provider_of(module: str) -> str | None:
    if module.startswith("google.cloud.") and not module.startswith(_PLUMBING):
        return "gcp"
    if module.startswith("azure.") and not module.startswith(_PLUMBING):
        return "azure"
    return None


class _SdkVisitor(cst.CSTVisitor):
    """Collects SDK imports and client constructions; everything else is skipped."""

    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider)

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file
        self.items: list[Item] = []
        self.boto = False

    def line(self, node: cst.CSTNode) -> int:
        return int(self.get_metadata(PositionProvider, node).start.line)

    def imported(self, module: str, node: cst.CSTNode) -> None:
        if module.split(".")[0] in _BOTO:
            self.boto = True
            return
        provider = _provider_of(module)
        if provider is not None:
            self.items.append(_sdk_item("import", provider, module, f"import {module}",
                                        self.file, self.line(node)))  # fmt: skip

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.imported(cst.helpers.get_full_name_for_node(alias.name) or "", node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None:
            return
        base = cst.helpers.get_full_name_for_node(node.module) or ""
        if base in ("google.cloud", "azure") and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                self.imported(f"{base}.{cst.helpers.get_full_name_for_node(alias.name)}", node)
        else:
            self.imported(base, node)

    def visit_Call(self, node: cst.Call) -> None:
        names = {q.name for q in self.get_metadata(QualifiedNameProvider, node.func, set())}
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("client", "resource"):
            if self.boto or any(n.startswith(_BOTO) for n in names):
                self.boto_call(node, func.attr.value)
                return
        for name in sorted(names):
            parts = name.split(".")
            provider = _provider_of(name)
            classes = [i for i, p in enumerate(parts) if p[:1].isupper()]
            if (
                provider is None
                or not classes
                or not parts[classes[0]].endswith(("Client", "Connector"))
            ):
                continue
            module = ".".join(parts[: classes[0]])
            written = ".".join(parts[classes[0] - 1 :]) + "(...)"
            self.items.append(_sdk_item("client", provider, module, written, self.file,
                                        self.line(node)))  # fmt: skip
            return

    def boto_call(self, node: cst.Call, method: str) -> None:
        argument = next((a for a in node.args if a.keyword is None), None)
        argument = next((a for a in node.args if a.keyword and a.keyword.value == "service_name"),
                        argument)  # fmt: skip
        value = argument.value if argument is not None else None
        service = "?"
        literal = value.evaluated_value if isinstance(value, cst.SimpleString) else None
        if isinstance(literal, str) and _SERVICE_NAME.match(literal):
            service = literal
        written = f'{method}("{service}")' if service != "?" else f"{method}(<not a literal>)"
        self.items.append(_sdk_item("client", "aws", service, written, self.file, self.line(node)))
