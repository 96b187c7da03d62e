"""What SQLAlchemy object a name or an expression is, from the pre-pass of every module.

Kinds are small strings: "engine", "connection", "session", "scoped" (a scoped_session or
Flask-SQLAlchemy's `db.session`: callable, and a session itself), "sessionmaker", "metadata",
"query", "select", "db" (Flask-SQLAlchemy's `SQLAlchemy()`), "base" (a declarative base class),
"mapped" (a mapped class), "str" (a string literal); "fn:<kind>" is something that returns <kind> when called. A name
bound twice to different kinds has none: the recipe acts only on what it can prove.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.codemods.recipe import FileContext, ProjectIndex
from gitmigrate.codemods.recipes.sqlalchemy2.facts import KEY, Desc

SA = "sqlalchemy"

FUNCS: dict[str, str] = {
    **dict.fromkeys(
        ["create_engine", "engine.create_engine", "engine.create.create_engine"], "fn:engine"
    ),
    **dict.fromkeys(["orm.Session", "orm.session.Session"], "fn:session"),
    **dict.fromkeys(["orm.sessionmaker", "orm.session.sessionmaker"], "fn:sessionmaker"),
    **dict.fromkeys(["orm.scoped_session", "orm.scoping.scoped_session"], "fn:scoped"),
    **dict.fromkeys(["MetaData", "schema.MetaData", "sql.schema.MetaData"], "fn:metadata"),
    **dict.fromkeys(
        [
            "ext.declarative.declarative_base",
            "orm.declarative_base",
            "orm.decl_api.declarative_base",
        ],
        "fn:base",
    ),
    **dict.fromkeys(
        ["select", "sql.select", "sql.expression.select", "future.select", "sql.selectable.select"],
        "fn:select",
    ),
}
FUNCS.update(  # asyncio: the same objects, awaited (describe() looks through `await`)
    {
        "ext.asyncio.create_async_engine": "fn:engine",
        "ext.asyncio.AsyncSession": "fn:session",
        "ext.asyncio.async_sessionmaker": "fn:sessionmaker",
        "ext.asyncio.async_scoped_session": "fn:scoped",
    }
)
FUNCS = {f"{SA}.{name}": kind for name, kind in FUNCS.items()}
FUNCS["flask_sqlalchemy.SQLAlchemy"] = "fn:db"

ANNOTATED: dict[str, str] = {
    f"{SA}.{name}": kind
    for names, kind in (
        (["Engine", "engine.Engine", "engine.base.Engine"], "engine"),
        (["Connection", "engine.Connection", "engine.base.Connection"], "connection"),
        (["orm.Session", "orm.session.Session", "ext.asyncio.AsyncSession"], "session"),
        (["ext.asyncio.AsyncEngine"], "engine"),
        (["ext.asyncio.AsyncConnection"], "connection"),
        (["orm.scoped_session", "orm.scoping.scoped_session"], "scoped"),
        (["orm.Query", "orm.query.Query"], "query"),
        (["MetaData", "schema.MetaData", "sql.schema.MetaData"], "metadata"),
    )
    for name in names
}
DECLARATIVE_BASES = frozenset(
    {
        f"{SA}.orm.DeclarativeBase",
        f"{SA}.orm.DeclarativeBaseNoMeta",
        f"{SA}.orm.decl_api.DeclarativeBase",
    }
)
QUERY_METHODS = frozenset(
    "filter filter_by options order_by join outerjoin group_by having limit offset distinct"
    " where select_from with_entities execution_options".split()
)

ATTRS: dict[tuple[str, str], str] = {
    ("engine", "connect"): "fn:connection",
    ("engine", "begin"): "fn:connection",
    ("session", "connection"): "fn:connection",
    ("session", "get_bind"): "fn:engine",
    ("session", "bind"): "engine",
    ("session", "query"): "fn:query",
    ("sessionmaker", "begin"): "fn:session",
    ("db", "session"): "scoped",
    ("db", "engine"): "engine",
    ("db", "Model"): "base",
    ("db", "metadata"): "metadata",
    ("metadata", "bind"): "engine",  # bound metadata: metadata.bind.execute(...)
    ("base", "metadata"): "metadata",
    ("mapped", "metadata"): "metadata",
    ("mapped", "query"): "query",  # Flask-SQLAlchemy's Model.query
    **{("query", name): "fn:query" for name in QUERY_METHODS},
    **{("select", name): "fn:select" for name in QUERY_METHODS},
}
CALLED = {"sessionmaker": "session", "scoped": "session"}


class Kinds:
    """Evaluates the pre-pass descriptions of the whole project, lazily and memoized."""

    def __init__(self, index: ProjectIndex) -> None:
        self.bindings: dict[str, list[Desc]] = {}
        self.classes: dict[str, Mapping[str, Any]] = {}
        for facts in index.values():
            found = facts.get(KEY, {}) if isinstance(facts, Mapping) else {}
            for name, descs in found.get("bindings", {}).items():
                self.bindings.setdefault(name, []).extend(descs)
            self.classes.update(found.get("classes", {}))
        self._memo: dict[str, str | None] = {}

    def of_name(self, fqn: str) -> str | None:
        if fqn in FUNCS:
            return FUNCS[fqn]
        if fqn in self._memo:
            return self._memo[fqn]
        self._memo[fqn] = None  # a cycle resolves to nothing
        self._memo[fqn] = kind = self._of_name(fqn)
        return kind

    def _of_name(self, fqn: str) -> str | None:
        if fqn in self.classes:
            return self._class_kind(fqn)
        if fqn in self.bindings:
            kinds = {self.of_desc(desc) for desc in self.bindings[fqn]}
            return kinds.pop() if len(kinds) == 1 else None
        prefix, dot, attr = fqn.rpartition(".")
        return self.attr(self.of_name(prefix), attr) if dot else None

    def _class_kind(self, fqn: str) -> str | None:
        bases = self.classes[fqn].get("bases", [])
        if DECLARATIVE_BASES & set(bases):
            return "base"
        kinds = {self.of_name(base) for base in bases}
        return "mapped" if kinds & {"base", "mapped"} else None

    def attr(self, kind: str | None, name: str) -> str | None:
        if kind is None:
            return None
        return ATTRS.get(("session" if kind == "scoped" else kind, name))

    def of_desc(self, desc: Desc | None) -> str | None:
        if not desc:
            return None
        tag = desc[0]
        if tag == "str":
            return "str"
        if tag == "name":
            kinds = {self.of_name(name) for name in desc[1]}
            return kinds.pop() if len(kinds) == 1 else None
        if tag == "ann":
            kinds = {ANNOTATED.get(name) for name in desc[1]}
            return kinds.pop() if len(kinds) == 1 else None
        if tag == "attr":
            return self.attr(self.of_desc(desc[1]), desc[2])
        if tag == "call":
            kind = self.of_desc(desc[1])
            if kind is not None and kind.startswith("fn:"):
                return kind[3:]
            return CALLED.get(kind or "")
        return None

    def is_mapped(self, fqn: str) -> bool:
        return self.of_name(fqn) == "mapped"

    def attributes(self, fqn: str) -> Mapping[str, str]:
        """A mapped class's attributes (its bases' included): name -> relationship target or ""."""
        found: dict[str, str] = {}
        for base in reversed(self.classes.get(fqn, {}).get("bases", [])):
            if base in self.classes and base != fqn:
                found.update(self.attributes(base))
        found.update(self.classes.get(fqn, {}).get("attrs", {}))
        return found


_cache: list[tuple[ProjectIndex, Kinds]] = []


def kinds_for(ctx: FileContext) -> Kinds:
    """The Kinds of ctx.index, built once per index (every file of a run shares one index)."""
    if not _cache or _cache[0][0] is not ctx.index:
        _cache[:] = [(ctx.index, Kinds(ctx.index))]
    return _cache[0][1]
