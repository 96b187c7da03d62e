"""validate: JSON Schema Draft 2020-12, each problem at its key path, file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.files.merge import Origin
from gitmigrate.files.validate import SchemaProblem, load_schema, validate

SCHEMAS = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "schema"


def test_a_valid_schema_loads_and_valid_data_has_no_problems() -> None:
    schema = load_schema(SCHEMAS / "app.schema.json")
    data = {
        "app": {"name": "shop", "replicas": 2, "hosts": ["a.internal"]},
        "database": {"host": "h", "port": 5432},
        "released": dt.date(2024, 1, 2),
    }
    assert validate(data, schema) == []


def test_each_problem_names_path_and_the_origin_file_and_line() -> None:
    schema = load_schema(SCHEMAS / "app.schema.json")
    data = {"app": {"name": 7, "replicas": 4}, "database": {"host": "h"}, "released": "soon"}
    origins = {
        ("app",): (Origin("base.yaml", 1, {}, "set"),),
        ("app", "name"): (Origin("base.yaml", 2, "x", "set"), Origin("prod.yaml", 3, 7, "set")),
        ("app", "replicas"): (Origin("prod.yaml", 4, 4, "set"),),
        ("database",): (Origin("base.yaml", 8, {}, "set"),),
        ("released",): (Origin("prod.yaml", 9, "soon", "set"),),
    }
    problems = validate(data, schema, origins)
    assert [(p.path, p.file, p.line) for p in problems] == [
        (("app", "name"), "prod.yaml", 3),
        (("app", "replicas"), "prod.yaml", 4),
        (("database",), "base.yaml", 8),
        (("released",), "prod.yaml", 9),
    ]
    assert "7 is not of type 'string'" in problems[0].message
    assert "4 is greater than the maximum of 3" in problems[1].message
    assert "'port' is a required property" in problems[2].message
    assert str(problems[1]) == "prod.yaml:4: app.replicas: 4 is greater than the maximum of 3"


def test_without_origins_or_document_the_file_is_unknown() -> None:
    problems = validate({"app": {"name": "x"}}, load_schema(SCHEMAS / "app.schema.json"))
    assert problems == [SchemaProblem((), "'database' is a required property", None, None)]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        (
            "not-a-schema.json",
            "is not a valid Draft 2020-12 schema: at properties.port.minimum: 'zero' is not of "
            "type 'number'; at type: 'objekt' is not valid under any of the given schemas",
        ),
        ("not-json.json", "not-json.json:5:3: the schema is not JSON"),
        ("list.json", "its top level is a list"),
        ("missing.json", "does not exist"),
    ],
)
def test_a_schema_that_is_not_a_schema_is_a_clear_error(name: str, words: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_schema(SCHEMAS / name)
    assert words in str(caught.value)


def test_not_a_schema_names_the_bad_keyword(tmp_path: Path) -> None:
    bad = tmp_path / "s.json"
    bad.write_text('{"properties": {"port": {"minimum": "zero"}}}')
    with pytest.raises(
        UsageError, match=r"at properties\.port\.minimum: 'zero' is not of type 'number'"
    ):
        load_schema(bad)


def test_a_document_locates_problems_at_their_line(tmp_path: Path) -> None:
    from gitmigrate.files.document import load

    config = tmp_path / "app.yaml"
    config.write_text(
        "app:\n  name: shop\n  hosts:\n    - ok.internal\n    - 'not a host!'\ndatabase:\n  host: h\n  port: '5432'\n"
    )
    doc = load(config, name="config/app.yaml")
    problems = validate(doc.data, load_schema(SCHEMAS / "app.schema.json"), doc=doc)
    assert [str(p) for p in problems] == [
        "config/app.yaml:5: app.hosts[1]: 'not a host!' does not match '^[a-z0-9.-]+$'",
        "config/app.yaml:8: database.port: '5432' is not of type 'integer'",
    ]


def test_merged_layers_locate_problems_in_the_layer_that_gave_the_value() -> None:
    from gitmigrate.files.document import load
    from gitmigrate.files.merge import merge_layers

    layers = SCHEMAS.parent / "layers"
    merged = merge_layers(
        [load(layers / n, name=n) for n in ("base.yaml", "prod.yaml", "prod-extra.toml")]
    )
    problems = validate(merged.data, load_schema(SCHEMAS / "app.schema.json"), merged.origins)
    assert [str(p) for p in problems] == [
        "prod.yaml:3: app.replicas: 4 is greater than the maximum of 3",
        "prod-extra.toml:6: database.pool.max: 20 is greater than the maximum of 10",
    ]
