"""Reading a table's UPDATE triggers and the columns they set (data/triggers.py), and the words
the data kind's note and describe give them (kinds/data/trigger_words.py)."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from gitmigrate.core.model import Step
from gitmigrate.data.triggers import _ASSIGN, silencing, trigger_columns, update_triggers
from gitmigrate.kinds.data.note import data_impact
from gitmigrate.kinds.data.trigger_words import not_exact, rollback_words


def test_sqlite_update_triggers_and_their_columns() -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(
            text("CREATE TABLE item (id INTEGER PRIMARY KEY, v INT, stamp INT, label TEXT)")
        )
        conn.execute(text("CREATE TABLE log (n INT)"))
        conn.execute(text(
            "CREATE TRIGGER touch AFTER UPDATE OF v ON item BEGIN UPDATE item SET stamp ="
            " coalesce(stamp, 0) + 1, label = upper(label) WHERE id = NEW.id; END"))  # fmt: skip
        conn.execute(
            text("CREATE TRIGGER added AFTER INSERT ON item BEGIN INSERT INTO log VALUES (1); END")
        )
        conn.execute(
            text("CREATE TRIGGER logged AFTER UPDATE ON item BEGIN INSERT INTO log VALUES (2); END")
        )
        found = update_triggers(conn, "sqlite", "item")
        assert [(t.name, t.columns) for t in found] == [
            ("logged", ()),
            ("touch", ("stamp", "label")),
        ]
        assert trigger_columns(found, ("id", "v", "stamp", "label")) == ("stamp", "label")
        off, on, firing = silencing(conn, "sqlite", "item")
        assert (
            off == ['DROP TRIGGER "logged"', 'DROP TRIGGER "touch"']
            and len(on) == 2
            and firing == []
        )


def test_assignments_read_from_postgresql_and_mariadb_bodies() -> None:
    plpgsql = "BEGIN\n  IF NEW.v = OLD.v THEN RETURN NEW; END IF;\n  NEW.last_update := now();\n RETURN NEW; END"
    assert _ASSIGN.findall(plpgsql) == ["last_update"]
    assert _ASSIGN.findall("SET NEW.`stamp` = OLD.stamp + 1, NEW.label = 'x'") == ["stamp", "label"]
    assert _ASSIGN.findall("BEGIN IF NEW.a <> OLD.a THEN SET NEW.b = NOW(); END IF; END") == ["b"]


def _step(triggers: dict[str, list[str]] | None) -> Step:
    options: dict[str, object] = {"mode": "set", "table": "item", "set": ["v = v + 1"]}
    if triggers is not None:
        options["update_triggers"] = triggers
    return Step("m", 1, "bump", "data", "bump v", {}, options)


def test_only_mariadb_says_the_rollback_is_not_exact_and_for_which_columns() -> None:
    step = _step({"item_touch": ["stamp"]})
    assert not_exact(step, "mysql") == {"triggers": ["item_touch"], "columns": ["stamp"]}
    assert "not exact for stamp" in rollback_words(step, "mysql")
    assert data_impact(step, None, "mysql")["rollback_not_exact"]["columns"] == ["stamp"]
    for dialect in ("sqlite", "postgresql"):
        assert not_exact(step, dialect) == {}
        assert "switched off" in rollback_words(step, dialect)
        assert "rollback_not_exact" not in data_impact(step, None, dialect)
    assert rollback_words(_step(None), "mysql") == ""
    # what plan read from the live target wins over what step.toml recorded
    assert not_exact(_step(None), "mysql", {"update_triggers": {"t": ["x"]}})["columns"] == ["x"]


def test_a_postgresql_role_that_does_not_own_the_table_gets_the_not_exact_words() -> None:
    live = {"update_triggers": {"touch": ["last_update"]}, "triggers_silenced": False}
    step = _step(None)
    assert not_exact(step, "postgresql", live)["columns"] == ["last_update"]
    assert "only the table's owner" in rollback_words(step, "postgresql", live)
