"""SQLAlchemy 1.4 -> 2.0, rule by rule from SQLAlchemy's "2.0 Major Migration Guide".

Every rule acts on names that resolve to SQLAlchemy's objects, across the project's modules:
facts.py is the pre-pass (what each name is bound to, which classes are mapped), kinds.py
evaluates it; one module per rule family. docs/recipes/sqlalchemy2.md lists what each rule
rewrites, what it flags and what it leaves alone.
"""

from __future__ import annotations

from gitmigrate.codemods.libcst_recipe import LibcstRecipe
from gitmigrate.codemods.recipe import Rule
from gitmigrate.codemods.recipes.sqlalchemy2.declarative import DeclarativeBaseClass
from gitmigrate.codemods.recipes.sqlalchemy2.facts import SqlaFacts
from gitmigrate.codemods.recipes.sqlalchemy2.legacy import Autocommit, BoundMetadata, EngineExecute
from gitmigrate.codemods.recipes.sqlalchemy2.loading import StringAttributes
from gitmigrate.codemods.recipes.sqlalchemy2.mapped import MappedColumn
from gitmigrate.codemods.recipes.sqlalchemy2.query_get import QueryGet
from gitmigrate.codemods.recipes.sqlalchemy2.select import SelectList
from gitmigrate.codemods.recipes.sqlalchemy2.text import WrapText

RULES = (
    Rule(
        "SA001",
        "select([a, b]) -> select(a, b) (whereclause/order_by=... -> .where()/.order_by()); case([...]) -> case(...)",
    ),
    Rule("SA002", "session.query(Model).get(id) -> session.get(Model, id)"),
    Rule("SA003", "string SQL passed to execute() -> text() (driver-level SQL -> exec_driver_sql)"),
    Rule("SA004", "declarative_base() -> class Base(DeclarativeBase) from sqlalchemy.orm"),
    Rule(
        "SA005", "string attribute names in join()/joinedload()/load_only()... -> mapped attributes"
    ),
    Rule(
        "SA006",
        "Engine.execute() and implicit execution: flagged with the 2.0 pattern",
        fixable=False,
    ),
    Rule(
        "SA007", "bound MetaData (MetaData(bind=...), metadata.bind = ...): flagged", fixable=False
    ),
    Rule(
        "SA008",
        "autocommit=True (Session, sessionmaker, execution_options): flagged",
        fixable=False,
    ),
    Rule(
        "SA009",
        "Column(...) in declarative classes -> Mapped[...] = mapped_column(...)",
        opt_in=True,
    ),
)

RECIPE = LibcstRecipe(
    name="sqlalchemy2",
    summary="SQLAlchemy 1.4 -> 2.0 (select(), Session.get, text(), DeclarativeBase, attributes)",
    rules=RULES,
    passes=(
        ("SA001", SelectList),
        ("SA005", StringAttributes),  # before SA002: session.get(M, id, options=[...]) hides M
        ("SA002", QueryGet),
        ("SA003", WrapText),
        ("SA004", DeclarativeBaseClass),
        ("SA006", EngineExecute),
        ("SA007", BoundMetadata),
        ("SA008", Autocommit),
        ("SA009", MappedColumn),
    ),
    collectors=(SqlaFacts(),),
)
