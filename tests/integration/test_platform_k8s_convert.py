"""Compose -> Kubernetes on the shop fixture (real files, kubernetes-validate offline): what
goes past kompose (init containers, readiness probes, ConfigMaps, a StatefulSet where a claim
cannot be shared), every dropped key reported, bad input refused or reported."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.platform.compose_convert import (
    ComposeOptions,
    Conversion,
    convert_compose,
    validate_manifests,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "platform" / "compose"
SHOP = FIXTURES / "shop"


@pytest.fixture(scope="module")
def shop() -> Conversion:
    return convert_compose([SHOP / "compose.yaml", SHOP / "compose.prod.yaml"], env={})


def _get(conversion: Conversion, kind: str, name: str) -> dict[str, Any]:
    found = [r for r in conversion.resources if r["kind"] == kind and r["metadata"]["name"] == name]
    assert found, (
        f"no {kind}/{name} in {[(r['kind'], r['metadata']['name']) for r in conversion.resources]}"
    )
    return found[0]


def _pod(obj: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = obj["spec"]["template"]["spec"]
    return spec


def test_shop_converts_to_valid_manifests_one_file_each(shop: Conversion) -> None:
    assert validate_manifests(shop.resources) == []
    assert len(shop.files) == len(shop.resources)
    assert "web-deployment.yaml" in shop.files
    assert shop.files["db-statefulset.yaml"].startswith(
        "---\napiVersion: apps/v1\nkind: StatefulSet"
    )


def test_depends_on_becomes_init_containers_that_wait_for_the_service_port(
    shop: Conversion,
) -> None:
    web = _pod(_get(shop, "Deployment", "web"))
    waits = {c["name"]: c["command"][-1] for c in web["initContainers"]}
    assert waits == {
        "wait-for-db": "until nc -z db 5432; do echo waiting for db; sleep 2; done",
        "wait-for-cache": "until nc -z cache 6379; do echo waiting for cache; sleep 2; done",
    }


def test_service_healthy_gives_the_dependency_a_readiness_probe(shop: Conversion) -> None:
    web = _pod(_get(shop, "Deployment", "web"))["containers"][0]
    assert web["readinessProbe"]["exec"]["command"] == [
        "curl",
        "-fsS",
        "http://localhost:8000/health",
    ]
    assert web["livenessProbe"]["periodSeconds"] == 10
    assert web["livenessProbe"]["initialDelaySeconds"] == 20
    worker = _pod(_get(shop, "Deployment", "worker"))["containers"][0]
    assert "readinessProbe" not in worker  # nobody waits for the worker to be healthy


def test_bind_mounted_file_and_env_file_become_config_maps(shop: Conversion) -> None:
    conf = _get(shop, "ConfigMap", "proxy-cm0")
    assert "proxy_pass http://web:8000" in conf["data"]["nginx.conf"]
    mount = _pod(_get(shop, "Deployment", "proxy"))["containers"][0]["volumeMounts"][0]
    assert mount == {"mountPath": "/etc/nginx/nginx.conf", "readOnly": True, "subPath": "nginx.conf",
                     "name": "proxy-cm0"}  # fmt: skip
    assert _get(shop, "ConfigMap", "app-env")["data"] == {
        "LOG_LEVEL": "info",
        "CACHE_URL": "redis://cache:6379/0",
    }


def test_replicas_with_a_claim_make_a_statefulset_and_the_reason_is_noted(shop: Conversion) -> None:
    db = _get(shop, "StatefulSet", "db")
    assert db["spec"]["replicas"] == 2
    assert [t["metadata"]["name"] for t in db["spec"]["volumeClaimTemplates"]] == ["db-data"]
    assert any("StatefulSet, not Deployment" in n for n in shop.notes)
    assert _get(shop, "Service", "db")["spec"]["clusterIP"] == "None"


def test_secrets_are_referenced_never_copied(shop: Conversion) -> None:
    assert not [r for r in shop.resources if r["kind"] == "Secret"]
    assert not any("not-a-real-password" in text for text in shop.files.values())
    assert any("kubectl create secret generic db-password" in n for n in shop.notes)


def test_ingress_from_labels_and_dropped_keys_say_where_and_why(shop: Conversion) -> None:
    ingress = _get(shop, "Ingress", "proxy")
    assert ingress["spec"]["rules"][0]["host"] == "shop.example.com"
    dropped = {d.key: d for d in shop.dropped}
    assert dropped["services.cache.networks"].where.endswith("compose.yaml:81:5")
    assert "NetworkPolicy" in dropped["services.cache.networks"].reason
    assert dropped["name"].where.endswith("compose.yaml:1:1")


def test_a_volume_type_with_no_kubernetes_equivalent_is_reported() -> None:
    conversion = convert_compose([FIXTURES / "bad" / "npipe-volume.yaml"], env={})
    [dropped] = conversion.dropped
    assert dropped.key == "services.agent.volumes[0]"
    assert dropped.where.endswith("npipe-volume.yaml:5:9")
    assert "named pipe has no Kubernetes volume equivalent" in dropped.reason
    assert validate_manifests(conversion.resources) == []


def test_options_change_controller_volumes_and_namespace(tmp_path: Path) -> None:
    shutil.copytree(SHOP, tmp_path / "shop")
    files = [tmp_path / "shop" / "compose.yaml"]
    options = ComposeOptions(controller="statefulset", volumes="emptyDir", namespace="shop")
    conversion = convert_compose(files, env={}, options=options)
    assert conversion.resources[0] == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "shop"},
    }
    assert {r["metadata"].get("namespace") for r in conversion.resources[1:]} == {"shop"}
    db = _get(conversion, "StatefulSet", "db")
    assert {"name": "db-data", "emptyDir": {}} in _pod(db)["volumes"]
    assert validate_manifests(conversion.resources) == []
    with pytest.raises(UsageError, match="unknown controller"):
        convert_compose(files, env={}, options=ComposeOptions(controller="replicaset"))


def test_conversion_is_pure(tmp_path: Path) -> None:
    shutil.copytree(SHOP, tmp_path / "shop")
    before = sorted(p.name for p in (tmp_path / "shop").rglob("*"))
    convert_compose([tmp_path / "shop" / "compose.yaml"], env={})
    assert sorted(p.name for p in (tmp_path / "shop").rglob("*")) == before


def test_validate_manifests_reports_a_bad_object() -> None:
    bad = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"ports": [{"port": "eighty"}]},
    }
    [problem] = validate_manifests([bad])
    assert problem.startswith("Service/x: spec.ports.0.port:")


def test_validate_manifests_checks_names_as_the_api_server_does() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "front_end"},
               "spec": {"ports": [{"port": 80}]}}  # fmt: skip
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "Web", "image": "nginx"}]}}  # fmt: skip
    problems = validate_manifests([service, pod])
    assert problems == [
        "Service/front_end: metadata.name: a Service name is a DNS-1035 label (a-z, 0-9, -; a letter first)",
        "Pod/p: containers name 'Web' is not a DNS-1123 label",
    ]


def test_generated_names_fit_a_dns_label_and_files_have_no_yaml_aliases(tmp_path: Path) -> None:
    long = "a-service-with-a-name-long-enough-to-overflow-a-label"
    text = f"services:\n  {long}:\n    image: x\n    volumes: ['./data:/data']\n  {long}-2:\n    image: y\n    volumes: ['./data:/data']\n"
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    conversion = convert_compose(
        [tmp_path / "compose.yaml"], env={}, options=ComposeOptions(service_group_mode="volume")
    )
    assert validate_manifests(conversion.resources) == []
    assert not any("&id" in t or "*id" in t for t in conversion.files.values())


def test_validate_manifests_finds_a_mount_of_no_volume() -> None:
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {
            "containers": [{"name": "web", "image": "nginx", "volumeMounts": [{"name": "data", "mountPath": "/d"}]}]}}},
    }  # fmt: skip
    assert validate_manifests([deployment]) == [
        "Deployment/web: container web mounts 'data', which no volume or claim template names"
    ]


def test_validate_manifests_checks_references_between_objects(shop: Conversion) -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ghost"},
               "spec": {"ports": [{"port": 80}], "selector": {"io.kompose.service": "ghost"}}}  # fmt: skip
    ingress = dict(_get(shop, "Ingress", "proxy"))
    others = [r for r in shop.resources if r["kind"] != "Service"]
    problems = validate_manifests([*others, service])
    assert "Service/ghost: spec.selector matches the Pods of no workload here" in problems
    assert "Ingress/proxy: routes to Service proxy, which is not here" in problems
    assert validate_manifests([service, ingress]) == []  # no workload: a partial set is not checked


def test_files_read_back_the_same_with_a_yaml_1_1_reader(tmp_path: Path) -> None:
    """kubectl reads YAML 1.1: `yes`, `no`, `on`, `0777` must stay strings."""
    import yaml

    text = (
        "services:\n  redis:\n    image: redis\n    environment:\n      ALLOW_EMPTY: 'yes'\n"
        "      DEBUG: 'no'\n      MODE: 'on'\n      UMASK: '0777'\n      AT: '1:30'\n"
    )
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    conversion = convert_compose([tmp_path / "compose.yaml"], env={})
    shop = convert_compose([SHOP / "compose.yaml", SHOP / "compose.prod.yaml"], env={})
    for one in (conversion, shop):
        by_file = dict(zip(one.files, one.resources, strict=True))
        for name, text in one.files.items():
            assert yaml.safe_load(text) == by_file[name], name
    env = conversion.resources[0]["spec"]["template"]["spec"]["containers"][0]["env"]
    assert {"name": "ALLOW_EMPTY", "value": "yes"} in env
