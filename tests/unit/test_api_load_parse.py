"""load_spec on files: fast parsing with JSON's view of YAML scalars, and one-line refusals with
file:line:col for text that does not parse or is not OpenAPI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.openapi import load_parse
from gitmigrate.openapi.spec import load_spec

SPEC = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    get:
      x-sunset: 2025-01-01
      parameters:
        - name: verbose
          in: query
          schema: {type: string, enum: [yes, no, on]}
      responses:
        200:
          description: OK
"""


@pytest.fixture(params=["yaml_rs", "c_loader"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both YAML back ends: yaml_rs when installed, and PyYAML's C loader without it."""
    if request.param == "c_loader":
        monkeypatch.setattr(load_parse, "_yaml_rs", lambda: None)
    elif load_parse._yaml_rs() is None:
        pytest.skip("yaml_rs is not installed")
    return str(request.param)


def test_yaml_dates_stay_strings_and_keys_are_strings(tmp_path: Path, parser: str) -> None:
    (tmp_path / "api.yaml").write_text(SPEC)
    spec = load_spec("api.yaml", cwd=tmp_path)
    op = spec.doc["paths"]["/pets"]["get"]
    assert op["x-sunset"] == "2025-01-01"  # oasdiff compares sunset dates as text
    assert list(op["responses"]) == ["200"]
    assert op["parameters"][0]["schema"]["enum"] == ["yes", "no", "on"]  # YAML 1.2: not booleans
    assert spec.version == "3.0"


def test_json_and_yaml_give_the_same_document(tmp_path: Path, parser: str) -> None:
    (tmp_path / "api.yaml").write_text(SPEC)
    yaml_doc = load_spec("api.yaml", cwd=tmp_path).doc
    (tmp_path / "api.json").write_text(json.dumps(yaml_doc, indent=2))
    assert load_spec("api.json", cwd=tmp_path).doc == yaml_doc


def test_invalid_yaml_is_placed_at_file_line_col(tmp_path: Path, parser: str) -> None:
    (tmp_path / "bad.yaml").write_text("openapi: 3.0.0\npaths:\n  /a: [1,\n  b: 2\n")
    with pytest.raises(FileFormatError) as caught:
        load_spec("bad.yaml", cwd=tmp_path)
    assert caught.value.file == "bad.yaml"
    assert (caught.value.line, caught.value.column) >= (3, 1)
    assert str(caught.value).startswith("bad.yaml:")
    assert caught.value.exit_code == 2


def test_invalid_json_is_placed_at_file_line_col(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{\n  "openapi": "3.0.0",\n  "paths": {,}\n}\n')
    with pytest.raises(FileFormatError) as caught:
        load_spec("bad.json", cwd=tmp_path)
    assert (caught.value.file, caught.value.line, caught.value.column) == ("bad.json", 3, 13)


def test_not_openapi_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web: {image: nginx}\n")
    with pytest.raises(UsageError) as caught:
        load_spec("compose.yaml", cwd=tmp_path)
    assert "not an OpenAPI document" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_unsupported_version_is_refused(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text("openapi: 4.0.0\npaths: {}\n")
    with pytest.raises(UsageError, match="version '4.0.0' is not supported"):
        load_spec("api.yaml", cwd=tmp_path)


def test_openapi_31_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "api.yaml").write_text(
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
        "components:\n  schemas:\n    A: {type: [string, 'null']}\n"
    )
    spec = load_spec("api.yaml", cwd=tmp_path)
    assert spec.version == "3.1"
    assert spec.doc["components"]["schemas"]["A"]["type"] == ["string", "null"]


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="nope.yaml does not exist"):
        load_spec("nope.yaml", cwd=tmp_path)


def test_a_duplicate_key_is_refused_or_the_last_wins(tmp_path: Path, parser: str) -> None:
    """yaml_rs refuses a duplicate key (as Go's YAML, oasdiff's, does); the C loader keeps the
    last. Either way nothing is silently merged."""
    (tmp_path / "api.yaml").write_text("openapi: 3.0.0\npaths: {}\npaths: {/a: {}}\n")
    if parser == "yaml_rs":
        with pytest.raises(FileFormatError, match="^api.yaml:3:1: duplicate key 'paths'"):
            load_spec("api.yaml", cwd=tmp_path)
    else:
        assert load_spec("api.yaml", cwd=tmp_path).doc["paths"] == {"/a": {}}
