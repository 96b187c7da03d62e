"""Reading Compose files: interpolation, merging several files, extends, anchors and merge
keys, unknown keys reported, YAML errors at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.errors import FileFormatError, UsageError
from gitmigrate.platform.compose_interp import interpolate
from gitmigrate.platform.compose_load import load_project, merge_service

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "compose"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A}", "a"),
        ("$A/x", "a/x"),
        ("${UNSET:-dflt}", "dflt"),
        ("${EMPTY:-dflt}", "dflt"),
        ("${EMPTY-dflt}", ""),
        ("${UNSET-dflt}", "dflt"),
        ("${A:+alt}", "alt"),
        ("${UNSET:+alt}", ""),
        ("$$HOME", "$HOME"),
        ("${UNSET:-${A}-nested}", "a-nested"),
        ("cost: 5$", "cost: 5$"),
    ],
)
def test_interpolation_follows_the_compose_specification(text: str, expected: str) -> None:
    assert interpolate(text, {"A": "a", "EMPTY": ""}, "f.yaml", set()) == expected


def test_a_missing_variable_reads_empty_and_is_remembered() -> None:
    missing: set[str] = set()
    assert interpolate("x${NOPE}y", {}, "f.yaml", missing) == "xy"
    assert missing == {"NOPE"}


def test_required_variable_and_bad_syntax_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="required variable DB is missing: set it"):
        interpolate("${DB:?set it}", {}, "f.yaml", set())
    with pytest.raises(UsageError, match="unclosed"):
        interpolate("${A", {"A": "1"}, "f.yaml", set())


def test_merge_rules_append_ports_and_merge_environment_by_key() -> None:
    base = {"image": "a", "ports": ["80"], "environment": {"A": "1", "B": "2"}, "command": ["x"]}
    over = {"ports": ["443"], "environment": {"B": "3"}, "command": ["y"]}
    merged = merge_service(base, over)
    assert merged["ports"] == ["80", "443"]
    assert merged["environment"] == {"A": "1", "B": "3"}
    assert merged["command"] == ["y"]


def test_shop_fixture_loads_with_extends_anchors_env_and_override() -> None:
    shop = FIXTURES / "shop"
    project = load_project(
        [shop / "compose.yaml", shop / "compose.prod.yaml"], env={"REGION": "us-east-1"}
    )
    web = project.services["web"]
    assert web["image"] == "registry.example.com/shop/app:1.4.2"  # extends + .env
    assert web["environment"]["PYTHONUNBUFFERED"] == "1"  # from common.yaml
    assert web["environment"]["REGION"] == "us-east-1"  # the environment wins over the default
    assert web["environment"]["PRICE_FORMAT"] == "$%.2f"  # $$ is a literal $
    assert web["healthcheck"]["retries"] == 5  # merge key from the x-healthcheck anchor
    assert web["deploy"]["replicas"] == 3  # the second file merged on top
    assert project.services["worker"]["environment"]["WORKER_CONCURRENCY"] == "4"
    assert project.services["worker"]["depends_on"] == {"cache": {"condition": "service_started"}}
    assert project.at("services", "cache", "networks").endswith("compose.yaml:81:5")


def test_unknown_keys_are_reported_where_they_are_written() -> None:
    project = load_project([FIXTURES / "bad" / "unknown-keys.yaml"], env={})
    found = {(d.key, d.where.rsplit("/", 1)[-1]): d.reason for d in project.dropped}
    assert (
        "not a Compose specification key"
        in found[("services.web.enviroment", "unknown-keys.yaml:4:5")]
    )
    assert "not a Compose specification key" in found[("colour", "unknown-keys.yaml:8:1")]
    assert "logging" in " ".join(k for k, _ in found)


def test_invalid_yaml_names_file_line_and_column() -> None:
    with pytest.raises(FileFormatError) as caught:
        load_project([FIXTURES / "bad" / "invalid.yaml"], env={})
    assert caught.value.file.endswith("invalid.yaml")
    assert (caught.value.line, caught.value.column) == (6, 6)


def test_extends_cycle_and_missing_parent_are_usage_errors(tmp_path: Path) -> None:
    cycle = tmp_path / "compose.yaml"
    cycle.write_text("services:\n  a:\n    extends: b\n  b:\n    extends: a\n", encoding="utf-8")
    with pytest.raises(UsageError, match="cycle"):
        load_project([cycle], env={})
    cycle.write_text("services:\n  a:\n    extends: nope\n", encoding="utf-8")
    with pytest.raises(UsageError, match="extends nope, which is not defined"):
        load_project([cycle], env={})


def test_include_loads_the_named_files_first_and_refuses_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "db.yaml").write_text("services:\n  db:\n    image: postgres\n", encoding="utf-8")
    main = tmp_path / "compose.yaml"
    main.write_text(
        "include:\n  - db.yaml\nservices:\n  web:\n    image: nginx\n", encoding="utf-8"
    )
    project = load_project([main], env={})
    assert list(project.services) == ["db", "web"]
    assert project.dropped == []
    (tmp_path / "db.yaml").write_text("include: [compose.yaml]\n", encoding="utf-8")
    with pytest.raises(UsageError, match="include makes a cycle"):
        load_project([main], env={})


def test_extends_from_another_folder_rebases_its_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "common.yaml").write_text(
        "services:\n  app:\n    image: app\n    env_file: app.env\n    volumes:\n      - ./conf:/conf\n",
        encoding="utf-8",
    )
    main = tmp_path / "compose.yaml"
    main.write_text(
        "services:\n  web:\n    extends:\n      file: base/common.yaml\n      service: app\n",
        encoding="utf-8",
    )
    web = load_project([main], env={}).services["web"]
    assert web["env_file"] == ["./base/app.env"]
    assert web["volumes"] == ["./base/conf:/conf"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    environment: FOO\n",
            "compose.yaml:4:5: services.a.environment must be a mapping or a list, not 'FOO'",
        ),
        ("    ports: 80\n", "compose.yaml:4:5: services.a.ports must be a list, not 80"),
        ("    deploy: 3\n", "compose.yaml:4:5: services.a.deploy must be a mapping, not 3"),
        (
            "    deploy:\n      resources: big\n",
            "compose.yaml:5:7: services.a.deploy.resources must be a mapping, not 'big'",
        ),
        (
            "    depends_on: [[b]]\n",
            "compose.yaml:4:18: services.a.depends_on.0 must be a service name, not ['b']",
        ),
        (
            "    secrets: [3]\n",
            "compose.yaml:4:15: services.a.secrets.0 must be text or a mapping, not 3",
        ),
    ],
)
def test_a_value_of_the_wrong_shape_is_a_usage_error_at_its_position(
    tmp_path: Path, body: str, message: str
) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  a:\n    image: x\n" + body, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_project([path], env={})
    assert caught.value.message.endswith(message)
