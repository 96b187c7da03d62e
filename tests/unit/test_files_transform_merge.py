"""merge_layers: later wins, maps deep-merge, lists replace unless !append / __merge__ says
otherwise, and every value remembers the file and line each layer gave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Document, load
from gitmigrate.files.keypath import parse_key
from gitmigrate.files.merge import Origin, explain, merge_layers, render

LAYERS = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "layers"


def _layers(*names: str) -> list[Document]:
    return [load(LAYERS / name, name=name) for name in names]


def test_later_wins_maps_deep_merge_lists_replace_and_yaml_tags() -> None:
    merged = merge_layers(_layers("base.yaml", "prod.yaml"))
    assert merged.data == {
        "app": {
            "name": "shop",
            "replicas": 4,
            "hosts": ["a.internal", "b.internal", "c.internal"],
        },
        "database": {"host": "db.prod.internal", "port": 5432, "pool": {"min": 1, "max": 5}},
        "features": ["search", "checkout"],
    }


def test_toml_and_json_merge_tables_append_and_delete_relative_to_their_table() -> None:
    merged = merge_layers(_layers("base.yaml", "prod.yaml", "prod-extra.toml", "prod-extra.json"))
    assert merged.data == {
        "app": {"name": "shop", "hosts": ["a.internal", "b.internal", "c.internal", "d.internal"]},
        "database": {"host": "db.prod.internal", "port": 5432, "pool": {"max": 20}},
        "features": ["search", "checkout", "recommendations"],
    }
    assert "__merge__" not in render(merged.data, "json")


def test_explain_gives_each_layer_file_and_line_oldest_first() -> None:
    merged = merge_layers(_layers("base.yaml", "prod.yaml", "prod-extra.toml"))
    assert explain(merged, parse_key("database.host")) == (
        Origin("base.yaml", 10, "localhost", "set"),
        Origin("prod.yaml", 8, "db.prod.internal", "set"),
    )
    assert explain(merged, parse_key("app.hosts[2]")) == (
        Origin("prod.yaml", 5, "c.internal", "append"),
    )
    assert explain(merged, parse_key("app.debug")) == (
        Origin("base.yaml", 8, True, "set"),
        Origin("prod.yaml", 6, None, "delete"),
    )
    pool_min = explain(merged, parse_key("database.pool.min"))
    assert [(o.file, o.line, o.action) for o in pool_min] == [
        ("base.yaml", 13, "set"),
        ("prod-extra.toml", 2, "delete"),
    ]
    features = explain(merged, ("features",))
    assert [(o.file, o.action) for o in features] == [
        ("base.yaml", "set"),
        ("prod.yaml", "set"),
        ("prod-extra.toml", "append"),
    ]
    # the list replaced by prod.yaml forgets base.yaml's items; the appended one is its own
    assert [o.file for o in explain(merged, ("features", 0))] == ["prod.yaml"]
    assert [o.file for o in explain(merged, ("features", 2))] == ["prod-extra.toml"]


def test_explain_of_an_unknown_key_names_the_keys_there() -> None:
    merged = merge_layers(_layers("base.yaml"))
    with pytest.raises(UsageError, match=r"no layer sets app\.nme") as caught:
        explain(merged, parse_key("app.nme"))
    assert "app.name" in str(caught.value)


def test_a_bad_merge_table_is_an_error_at_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('a = 1\n__merge__ = { apend = ["a"] }\n')
    with pytest.raises(UsageError, match=r"bad\.toml:2: __merge__ has unknown entry 'apend'"):
        merge_layers([load(bad, name="bad.toml")])
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("a: !append 1\n")
    with pytest.raises(
        UsageError, match=r"scalar\.yaml:1: a is marked to append but is not a list"
    ):
        merge_layers([load(scalar, name="scalar.yaml"), load(scalar, name="scalar.yaml")])


def test_render_writes_the_merged_data_in_each_format() -> None:
    merged = merge_layers(_layers("base.yaml", "prod.yaml"))
    text = render(merged.data, "toml")
    assert text.startswith('features = ["search", "checkout"]\n[app]\nname = "shop"\n')
    with pytest.raises(UsageError, match="cannot be converted to env"):
        render(merged.data, "env")
    assert "app__hosts=" in render(merged.data, "env", lossy=True)


def test_env_and_ini_layers_override_by_key_with_their_lines(tmp_path: Path) -> None:
    (tmp_path / "base.env").write_text("# shared\nDB_HOST=localhost\nDB_PORT=5432\n")
    (tmp_path / "prod.env").write_text("DB_HOST=db.prod\n")
    merged = merge_layers([load(tmp_path / "base.env"), load(tmp_path / "prod.env")])
    assert merged.data == {"DB_HOST": "db.prod", "DB_PORT": "5432"}
    assert [(Path(o.file).name, o.line) for o in explain(merged, ("DB_HOST",))] == [
        ("base.env", 2),
        ("prod.env", 1),
    ]
    (tmp_path / "a.ini").write_text("[db]\nhost = h\nport = 1\n")
    (tmp_path / "b.ini").write_text("[db]\nport = 2\n")
    merged = merge_layers([load(tmp_path / "a.ini"), load(tmp_path / "b.ini")])
    assert merged.data == {"db": {"host": "h", "port": "2"}}
    assert explain(merged, ("db", "port"))[-1].line == 2


def test_a_delete_tag_on_any_value_and_a_later_layer_setting_it_again(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("a: {x: 1}\nb: [1]\n")
    (tmp_path / "b.yaml").write_text("a: !delete {}\nb: !delete\n")
    (tmp_path / "c.yaml").write_text("b: [2]\n")
    docs = [load(tmp_path / n, name=n) for n in ("a.yaml", "b.yaml", "c.yaml")]
    merged = merge_layers(docs)
    assert merged.data == {"b": [2]}
    assert [o.action for o in explain(merged, ("a",))] == ["set", "delete"]
    assert [o.action for o in explain(merged, ("b",))] == ["set", "delete", "set"]
    with pytest.raises(UsageError):
        explain(merged, ("a", "x"))


def test_merging_leaves_the_layers_data_unchanged() -> None:
    docs = _layers("base.yaml", "prod.yaml", "prod-extra.toml", "prod-extra.json")
    before = [repr(doc.data) for doc in docs]
    merge_layers(docs)
    assert [repr(doc.data) for doc in docs] == before


def test_json_merge_table_lines_are_where_each_action_is_written() -> None:
    merged = merge_layers(_layers("base.yaml", "prod.yaml", "prod-extra.toml", "prod-extra.json"))
    replicas = explain(merged, parse_key("app.replicas"))
    assert [(o.file, o.line, o.action) for o in replicas] == [
        ("base.yaml", 4, "set"),
        ("prod.yaml", 3, "set"),
        ("prod-extra.json", 5, "delete"),
    ]
    assert [(o.file, o.line) for o in explain(merged, parse_key("app.hosts[3]"))] == [
        ("prod-extra.json", 4)
    ]


def test_values_under_an_alias_or_merge_key_are_located_at_the_alias(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "defaults: &d\n  timeout: 30\nserver:\n  <<: *d\n  port: 1\nworker:\n  limits: *d\n"
    )
    merged = merge_layers([load(tmp_path / "a.yaml", name="a.yaml")])
    assert merged.data["worker"] == {"limits": {"timeout": 30}}
    assert [(o.file, o.line) for o in explain(merged, parse_key("worker.limits.timeout"))] == [
        ("a.yaml", 7)
    ]
    assert explain(merged, parse_key("server.timeout"))[0].line == 3
