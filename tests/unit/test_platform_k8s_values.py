"""The small translations: Compose ports, sizes, durations, commands and names."""

from __future__ import annotations

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.platform.k8s_values import Port, k8s_name, ports, quantity, seconds, words
from gitmigrate.platform.k8s_volumes import parse_volume


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3000", [Port(3000, None, "TCP")]),
        ("8081:8080", [Port(8080, 8081, "TCP")]),
        ("6379/udp", [Port(6379, None, "UDP")]),
        ("127.0.0.1:8001:8001", [Port(8001, 8001, "TCP")]),
        ("9090-9091:8080-8081", [Port(8080, 9090, "TCP"), Port(8081, 9091, "TCP")]),
        ("[::1]:53:53/udp", [Port(53, 53, "UDP")]),
    ],
)
def test_short_port_syntax(text: str, expected: list[Port]) -> None:
    assert ports(text, "f:1:1") == expected


def test_long_port_syntax_and_bad_ports() -> None:
    assert ports({"target": 80, "published": "8080", "protocol": "udp", "mode": "host"}, "w") == [
        Port(80, 8080, "UDP", True)
    ]
    with pytest.raises(
        UsageError, match=r"f.yaml:3:9: '' is not a Compose port \(empty: is a variable"
    ):
        ports("", "f.yaml:3:9")
    with pytest.raises(UsageError, match="differ in length"):
        ports("1-3:1-2", "w")


@pytest.mark.parametrize(
    ("size", "expected"),
    [("512m", "512Mi"), ("1gb", "1Gi"), (10000, "10000"), ("64k", "64Ki"), ("1.5g", "1536Mi")],
)
def test_sizes_become_quantities(size: object, expected: str) -> None:
    assert quantity(size) == expected


def test_durations_commands_and_names() -> None:
    assert seconds("1m30s") == 90
    assert seconds("500ms") == 1
    assert seconds(None) is None
    assert words('sh -c "echo hi"') == ["sh", "-c", "echo hi"]
    assert words(["a", 1]) == ["a", "1"]
    assert k8s_name("Front_End.v2") == "front-end-v2"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/data", {"type": "volume", "target": "/data"}),
        ("db-data:/var/lib/db", {"type": "volume", "source": "db-data", "target": "/var/lib/db"}),
        (
            "./conf:/etc/conf:ro",
            {"type": "bind", "source": "./conf", "target": "/etc/conf", "read_only": True},
        ),
        ("C:\\data:D:\\config:rw", {"type": "bind", "source": "C:\\data", "target": "D:\\config"}),
    ],
)
def test_short_volume_syntax(text: str, expected: dict[str, object]) -> None:
    assert parse_volume(text) == expected


def test_an_object_without_api_version_or_kind_is_a_problem_not_a_crash() -> None:
    from gitmigrate.platform.compose_convert import validate_manifests

    found = validate_manifests([{"kind": "ConfigMap", "metadata": {"name": "x"}}, {"data": {}}])
    assert found == [
        "ConfigMap/x: (root): every object needs a string apiVersion and kind",
        "?/?: (root): every object needs a string apiVersion and kind",
    ]
