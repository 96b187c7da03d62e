"""The method renames' pre-pass: what each function returns and what each class's attributes
hold, as the fully qualified names of their annotations, so that `get_user(1).dict()` or
`order.owner.dict()` is proved a model call even when `get_user` or `Order` lives in another
module. The facts do not say which names are models (the model index does, at transform time):
they are plain lists of names, so they cross process boundaries as JSON.

    {"returns": {"app.repo.get_user": {"type": ["app.models.User"], "item": []}},
     "attrs": {"app.models.Order": {"owner": {"type": ["app.models.User"], "item": []}}},
     "defs": {"app.models.User": ["dict"]}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gitmigrate.codemods.recipe import ProjectIndex

KEY = "pd_methods"

OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
SEQUENCES = frozenset(
    {
        "builtins.list",
        "builtins.set",
        "builtins.frozenset",
        "builtins.tuple",
        "typing.List",
        "typing.Set",
        "typing.FrozenSet",
        "typing.Tuple",
        "typing.Sequence",
        "typing.Iterable",
        "typing.Iterator",
        "typing.Collection",
        "collections.abc.Sequence",
        "collections.abc.Iterable",
        "collections.abc.Iterator",
        "collections.abc.Collection",
    }
)

Names = Callable[[Any], list[str]]
Annotation = dict[str, list[str]]  # {"type": [...], "item": [...]}


def _is_none(node: Any) -> bool:
    import libcst

    return isinstance(node, libcst.Name) and node.value == "None"


def annotation_types(
    node: Any, names: Names, strings: Mapping[str, list[str]] | None = None
) -> Annotation:
    """The names an annotation may stand for ("type"), or the names of the elements of the
    sequence it is ("item"). `Optional[X]` and `X | None` are X: None has no `.dict()`, so a
    call on it failed in v1 too. A string annotation ("User") is read with `strings`, the
    module's names of string annotations (`string_names`)."""
    import libcst
    from libcst.helpers import get_full_name_for_node

    empty: Annotation = {"type": [], "item": []}
    if isinstance(node, libcst.Annotation):
        node = node.annotation
    if isinstance(node, libcst.SimpleString):
        text = node.evaluated_value
        if strings is None or not isinstance(text, str):
            return empty
        try:
            inner = libcst.parse_expression(text)
        except libcst.ParserSyntaxError:
            return empty
        known = strings

        def quoted(part: Any) -> list[str]:
            return list(known.get(get_full_name_for_node(part) or "", []))

        return annotation_types(inner, quoted)
    if isinstance(node, (libcst.Name, libcst.Attribute)):
        return {"type": names(node), "item": []}
    if isinstance(node, libcst.BinaryOperation) and isinstance(node.operator, libcst.BitOr):
        if _is_none(node.left):
            return annotation_types(node.right, names, strings)
        if _is_none(node.right):
            return annotation_types(node.left, names, strings)
        return empty
    if not isinstance(node, libcst.Subscript):
        return empty
    head = set(names(node.value))
    args = [e.slice.value for e in node.slice if isinstance(e.slice, libcst.Index)]
    if head & OPTIONAL and len(args) == 1:
        return annotation_types(args[0], names, strings)
    if head & UNION:
        rest = [a for a in args if not _is_none(a)]
        return annotation_types(rest[0], names, strings) if len(rest) == 1 else empty
    if head & SEQUENCES and args:
        tuple_of = len(args) == 2 and isinstance(args[1], libcst.Ellipsis)
        if len(args) == 1 or tuple_of:
            return {"type": [], "item": annotation_types(args[0], names, strings)["type"]}
    return empty


def _absolute(name: str, package: str) -> str:
    """`.models.User` imported in package `app` -> `app.models.User`."""
    if not name.startswith("."):
        return name
    dots = len(name) - len(name.lstrip("."))
    base = package.split(".") if package else []
    base = base[: len(base) - (dots - 1)] if dots > 1 else base
    return ".".join([*base, name.lstrip(".")])


def string_names(wrapper: Any, module: str, package: str) -> dict[str, list[str]]:
    """The qualified names of the names inside the module's string annotations (`-> "User"`,
    `Optional["Node"]`), from its global scope: LibCST gives them no qualified name."""
    import libcst
    import libcst.matchers as m
    from libcst.helpers import get_full_name_for_node
    from libcst.metadata import GlobalScope, QualifiedNameSource, ScopeProvider

    scopes = wrapper.resolve(ScopeProvider)
    scope = next((s for s in scopes.values() if isinstance(s, GlobalScope)), None)
    wanted: set[str] = set()

    class Strings(libcst.CSTVisitor):
        def visit_Annotation(self, node: libcst.Annotation) -> None:
            for text in m.findall(node, m.SimpleString()):
                value = libcst.ensure_type(text, libcst.SimpleString).evaluated_value
                try:
                    inner = libcst.parse_expression(value) if isinstance(value, str) else None
                except libcst.ParserSyntaxError:
                    continue
                if inner is not None:
                    found = m.findall(inner, m.Name() | m.Attribute())
                    wanted.update(filter(None, map(get_full_name_for_node, found)))

    names: dict[str, list[str]] = {}
    if scope is None:
        return names
    wrapper.visit(Strings())
    for name in sorted(wanted):
        found = set()
        for q in scope.get_qualified_names_for(name):
            local = q.source == QualifiedNameSource.LOCAL
            found.add(f"{module}.{q.name}" if local else _absolute(q.name, package))
        if found:
            names[name] = sorted(found)
    return names


class MethodFacts:
    """The pre-pass collector (COLLECTORS in methods.py)."""

    key = KEY

    def collect(self, tree: Any, path: str, module: str) -> dict[str, Any]:
        import libcst
        from libcst.helpers.module import ModuleNameAndPackage
        from libcst.metadata import FullyQualifiedNameProvider, MetadataWrapper

        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        wrapper = MetadataWrapper(
            tree, cache={FullyQualifiedNameProvider: ModuleNameAndPackage(module, package)}
        )
        resolved = wrapper.resolve(FullyQualifiedNameProvider)
        strings = string_names(wrapper, module, package)

        def names(node: Any) -> list[str]:
            return sorted(q.name for q in resolved.get(node, set()))

        returns: dict[str, Annotation] = {}
        attrs: dict[str, dict[str, Annotation]] = {}
        defs: dict[str, list[str]] = {}

        def own(node: Any) -> list[str]:
            return [n for n in names(node) if "<locals>" not in n]

        class Visitor(libcst.CSTVisitor):
            def visit_FunctionDef(self, node: libcst.FunctionDef) -> None:
                if node.returns is None:
                    return
                found = annotation_types(node.returns, names, strings)
                if found["type"] or found["item"]:
                    for name in own(node):
                        returns[name] = found

            def visit_ClassDef(self, node: libcst.ClassDef) -> None:
                body = node.body.body if isinstance(node.body, libcst.IndentedBlock) else ()
                for name in own(node):
                    fields = attrs.setdefault(name, {})
                    methods = defs.setdefault(name, [])
                    assigned: dict[str, Annotation | None] = {}
                    for statement in body:
                        if isinstance(statement, libcst.FunctionDef):
                            methods.append(statement.name.value)
                            statement.body.visit(SelfAttributes(fields, assigned))
                        if not isinstance(statement, libcst.SimpleStatementLine):
                            continue
                        for small in statement.body:
                            if isinstance(small, libcst.AnnAssign) and isinstance(
                                small.target, libcst.Name
                            ):
                                fields[small.target.value] = annotation_types(
                                    small.annotation, names, strings
                                )
                    for attr, made in assigned.items():
                        if made is not None:
                            fields.setdefault(attr, made)

        class SelfAttributes(libcst.CSTVisitor):
            """`self.user: User = ...` in a method: an attribute of the class too."""

            def __init__(
                self, fields: dict[str, Annotation], assigned: dict[str, Annotation | None]
            ) -> None:
                super().__init__()
                self.fields, self.assigned = fields, assigned

            def visit_Assign(self, node: libcst.Assign) -> None:
                """`self.x = Model(...)`: x holds what the call makes, when every assignment
                of self.x in the class calls the same thing (None: they differ)."""
                for target in node.targets:
                    attr = _self_attribute(target.target)
                    if attr is None:
                        continue
                    made = (
                        {"type": names(node.value.func), "item": []}
                        if isinstance(node.value, libcst.Call) and len(node.targets) == 1
                        else None
                    )
                    before = self.assigned.get(attr, made)
                    self.assigned[attr] = made if made == before else None

            def visit_AnnAssign(self, node: libcst.AnnAssign) -> None:
                attr = _self_attribute(node.target)
                if attr is not None:
                    self.fields[attr] = annotation_types(node.annotation, names, strings)

        wrapper.visit(Visitor())
        return {
            "returns": returns,
            "attrs": {k: v for k, v in attrs.items() if v},
            "defs": {k: v for k, v in defs.items() if v},
            "strings": strings,
        }


def _self_attribute(node: Any) -> str | None:
    """ "x" for `self.x`."""
    import libcst

    if isinstance(node, libcst.Attribute) and isinstance(node.value, libcst.Name):
        return node.attr.value if node.value.value == "self" else None
    return None


def merged(index: ProjectIndex, part: str) -> dict[str, Any]:
    """One kind of fact ("returns", "attrs", "defs") over every file of the project."""
    found: dict[str, Any] = {}
    for facts in index.values():
        mine: Mapping[str, Any] = facts.get(KEY, {}) if isinstance(facts, Mapping) else {}
        found.update(mine.get(part, {}))
    return found
