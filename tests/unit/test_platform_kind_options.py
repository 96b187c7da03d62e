"""A platform step's [options]: read back as written (to_toml -> options_of), and every bad
value a one-line UsageError naming the key and how to write it."""

from __future__ import annotations

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.kinds.platform.options import COMPOSE, TERRAFORM, PlatformOptions, options_of


def test_compose_options_round_trip() -> None:
    options = PlatformOptions(COMPOSE, inputs=("a.yml", "b.yml"), out="k8s", namespace="shop",
                              controller="statefulset", volumes="emptyDir", interpolate=False,
                              emptyvols=True, replicas=3, outputs=("k8s/x.yaml",), profiles=("debug",),
                              dropped=("services.web.logging (a.yml:9:5): why",))  # fmt: skip
    assert options_of(options.to_toml()) == options
    assert options.operation == "PLATFORM COMPOSE-TO-K8S"


def test_terraform_options_round_trip() -> None:
    options = PlatformOptions(TERRAFORM, path="infra", source="aws", target="azure",
                              outputs=("infra/main.tf",), needs_person=("aws_iam_role.app: why",))  # fmt: skip
    raw = options.to_toml()
    assert raw["from"] == "aws" and raw["to"] == "azure" and "inputs" not in raw
    assert options_of(raw) == options
    assert options.operation == "PLATFORM TERRAFORM AWS->AZURE"


def test_key_value_strings_from_add_platform() -> None:
    options = options_of({"op": "compose-to-k8s", "inputs": "a.yml, b.yml", "out": "k8s",
                          "interpolate": "false", "replicas": "2"})  # fmt: skip
    assert options.inputs == ("a.yml", "b.yml") and not options.interpolate
    assert options.replicas == 2


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({}, "op must be one of compose-to-k8s, terraform"),
        ({"op": "compose-to-k8s", "out": "k8s"}, "needs its Compose files"),
        ({"op": "compose-to-k8s", "inputs": ["a.yml"]}, "needs out"),
        ({"op": "compose-to-k8s", "inputs": ["a.yml"], "out": "k8s", "controller": "job"},
         "controller = 'job' is not one of deployment, statefulset, daemonset"),
        ({"op": "compose-to-k8s", "inputs": ["a.yml"], "out": "k8s", "volumes": "nfs"},
         "volumes = 'nfs' is not one of"),
        ({"op": "compose-to-k8s", "inputs": ["a.yml"], "out": "k8s", "replicas": -1},
         "replicas = -1 is not a count"),
        ({"op": "compose-to-k8s", "inputs": ["a.yml"], "out": "k8s", "emptyvols": "maybe"},
         "emptyvols must be true or false"),
        ({"op": "compose-to-k8s", "inputs": [1], "out": "k8s"}, "inputs must be a list of strings"),
        ({"op": "terraform", "to": "oracle"}, "to = 'oracle' is not one of gcp, azure"),
        ({"op": "terraform", "from": "gcp"}, "from = 'gcp' is not one of aws"),
        ({"op": "terraform", "path": ""}, "path must be a directory"),
    ],
)  # fmt: skip
def test_bad_options_are_one_line(raw: dict[str, object], words: str) -> None:
    with pytest.raises(UsageError) as caught:
        options_of(raw, "step.toml [options]")
    assert words in caught.value.message and "\n" not in caught.value.message
    assert caught.value.message.startswith("step.toml [options]: ") and caught.value.hint
