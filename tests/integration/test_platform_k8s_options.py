"""kompose's labels and flags the shop fixture does not use: profiles, network policies, host
paths, CronJobs, service groups, `network_mode: service:X`, LoadBalancers per protocol."""

from __future__ import annotations

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


def _convert(tmp_path: Path, text: str, **options: Any) -> Conversion:
    (tmp_path / "compose.yaml").write_text(text, encoding="utf-8")
    conversion = convert_compose(
        [tmp_path / "compose.yaml"], env={}, options=ComposeOptions(**options)
    )
    assert validate_manifests(conversion.resources) == []
    return conversion


def _names(conversion: Conversion) -> list[str]:
    return [f"{r['kind']}/{r['metadata']['name']}" for r in conversion.resources]


def test_a_service_of_a_profile_not_active_is_left_out_and_reported(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx\n  debug:\n    image: busybox\n    profiles: [debug]\n"
    )
    only = _convert(tmp_path, text)
    assert _names(only) == ["Deployment/web"]
    [dropped] = only.dropped
    assert (dropped.key, dropped.where.rsplit("/", 1)[-1]) == ("services.debug", "compose.yaml:4:3")
    assert "profiles debug are not active" in dropped.reason
    assert "Deployment/debug" in _names(_convert(tmp_path, text, profiles=("debug",)))
    (tmp_path / ".env").write_text("COMPOSE_PROFILES=other,debug\n", encoding="utf-8")
    assert "Deployment/debug" in _names(_convert(tmp_path, text))


def test_networks_become_network_policies_when_asked(tmp_path: Path) -> None:
    text = "name: shop\nservices:\n  api:\n    image: api\n    networks: [back]\nnetworks:\n  back: {}\n"
    plain = _convert(tmp_path, text)
    assert [d.key for d in plain.dropped] == ["name", "services.api.networks", "networks"]
    isolated = _convert(tmp_path, text, network_policies=True)
    policy = isolated.resources[-1]
    assert policy["kind"] == "NetworkPolicy" and policy["metadata"]["name"] == "shop-back"
    labels = isolated.resources[0]["spec"]["template"]["metadata"]["labels"]
    assert labels["io.kompose.network/shop-back"] == "true"
    assert [d.key for d in isolated.dropped] == ["name"]


def test_a_host_path_becomes_a_claim_with_a_note(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: postgres\n    labels:\n      kompose.volume.size: 1Gi\n    volumes:\n      - /srv/pg:/var/lib/postgresql\n"
    conversion = _convert(tmp_path, text)
    claim = conversion.resources[-1]
    assert claim["metadata"]["name"] == "db-claim0"
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    assert "host path /srv/pg becomes claim db-claim0" in conversion.notes[0]
    hostpath = _convert(tmp_path, text, volumes="hostPath")
    assert hostpath.resources[0]["spec"]["template"]["spec"]["volumes"][0]["hostPath"] == {
        "path": "/srv/pg"
    }


def test_cronjob_labels_make_a_cronjob(tmp_path: Path) -> None:
    text = (
        "services:\n  job:\n    image: busybox\n    command: echo hi\n    labels:\n"
        "      kompose.cronjob.schedule: '*/5 * * * *'\n      kompose.cronjob.backoff_limit: '2'\n"
    )
    [job] = _convert(tmp_path, text).resources
    assert job["kind"] == "CronJob" and job["spec"]["schedule"] == "*/5 * * * *"
    assert job["spec"]["jobTemplate"]["spec"]["backoffLimit"] == 2
    assert job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


def test_network_mode_service_joins_that_pod_without_waiting_for_itself(tmp_path: Path) -> None:
    text = (
        "services:\n  app:\n    image: app\n    ports: ['8080:8080']\n"
        "  sidecar:\n    image: proxy\n    network_mode: service:app\n    depends_on: [app]\n"
    )
    conversion = _convert(tmp_path, text)
    assert _names(conversion) == ["Service/app", "Deployment/app"]
    pod = conversion.resources[1]["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["containers"]] == ["app", "sidecar"]
    assert "initContainers" not in pod
    assert conversion.dropped == []


def test_loadbalancer_is_split_by_protocol_and_gets_no_ingress(tmp_path: Path) -> None:
    text = (
        "services:\n  dns:\n    image: coredns\n    ports: ['53:53/udp', '53:53']\n    labels:\n"
        "      kompose.service.type: loadbalancer\n      kompose.service.expose: dns.example.com\n"
    )
    conversion = _convert(tmp_path, text)
    assert _names(conversion) == ["Service/dns-tcp", "Service/dns-udp", "Deployment/dns"]
    [dropped] = conversion.dropped
    assert dropped.key == "services.dns.labels.kompose.service.expose"
    assert dropped.where.endswith("compose.yaml:7:7")


def test_sub_keys_of_deploy_and_healthcheck_and_build_are_reported(tmp_path: Path) -> None:
    text = (
        "services:\n  api:\n    build: .\n    deploy:\n      replicas: 2\n      update_config:\n"
        "        parallelism: 1\n      restart_policy:\n        condition: on-failure\n        delay: 5s\n"
        "    healthcheck:\n      test: [CMD, true]\n      start_interval: 1s\n"
    )
    conversion = _convert(tmp_path, text)
    found = {d.key: d.where.rsplit(":", 2)[-2:] for d in conversion.dropped}
    assert found == {
        "services.api.build": ["3", "5"],
        "services.api.deploy.update_config": ["6", "7"],
        "services.api.deploy.restart_policy.delay": ["10", "9"],
        "services.api.healthcheck.start_interval": ["13", "7"],
    }
    assert conversion.resources[0]["spec"]["replicas"] == 2


def test_host_address_ports_and_volume_sub_keys_are_reported(tmp_path: Path) -> None:
    text = (
        "services:\n  web:\n    image: nginx\n    ports:\n      - 127.0.0.1:8080:80\n      - '443'\n"
        "    volumes:\n      - type: bind\n        source: ./site\n        target: /usr/share/nginx/html\n"
        "        bind:\n          propagation: rshared\n"
        "      - type: tmpfs\n        target: /cache\n        tmpfs:\n          size: 64m\n"
    )
    conversion = _convert(tmp_path, text)
    found = {d.key: d.reason for d in conversion.dropped}
    assert set(found) == {"services.web.ports[0]", "services.web.volumes[0].bind.propagation"}
    assert "host address binding" in found["services.web.ports[0]"]
    volumes = conversion.resources[1]["spec"]["template"]["spec"]["volumes"]
    assert {"name": "web-tmpfs1", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}} in volumes


def test_env_files_of_the_same_name_in_two_folders_stay_apart(tmp_path: Path) -> None:
    for folder, line in (("one", "A=1\n"), ("two", "B=2\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "app.env").write_text(line, encoding="utf-8")
    text = "services:\n  a:\n    image: x\n    env_file: one/app.env\n  b:\n    image: y\n    env_file: [two/app.env, one/app.env]\n"
    conversion = _convert(tmp_path, text)
    maps = {
        r["metadata"]["name"]: r["data"] for r in conversion.resources if r["kind"] == "ConfigMap"
    }
    assert maps == {"app-env": {"A": "1"}, "app-env1": {"B": "2"}}
    pods = [
        r["spec"]["template"]["spec"]["containers"][0]["envFrom"]
        for r in conversion.resources
        if r["kind"] == "Deployment"
    ]
    assert pods == [[{"configMapRef": {"name": "app-env"}}],
                    [{"configMapRef": {"name": "app-env1"}}, {"configMapRef": {"name": "app-env"}}]]  # fmt: skip


def test_waiting_for_a_loadbalancer_uses_its_per_protocol_service(tmp_path: Path) -> None:
    text = (
        "services:\n  dns:\n    image: coredns\n    ports: ['53:53']\n    labels:\n"
        "      kompose.service.type: loadbalancer\n  app:\n    image: app\n    depends_on: [dns]\n"
    )
    conversion = _convert(tmp_path, text)
    app = [r for r in conversion.resources if r["metadata"]["name"] == "app"][0]
    [wait] = app["spec"]["template"]["spec"]["initContainers"]
    assert wait["command"][-1].startswith("until nc -z dns-tcp 53;")


def test_an_unknown_sub_key_is_reported_as_a_possible_typo(tmp_path: Path) -> None:
    text = "services:\n  api:\n    image: api\n    healthcheck:\n      test: [CMD, 'true']\n      intervall: 5s\n"
    [dropped] = _convert(tmp_path, text).dropped
    assert (dropped.key, dropped.reason) == (
        "services.api.healthcheck.intervall",
        "not a Compose specification key (a typo?)",
    )


def test_an_external_volume_is_mounted_but_its_claim_not_created(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: pg\n    volumes: ['data:/var/lib']\nvolumes:\n  data:\n    external: true\n    name: prod_data\n"
    conversion = _convert(tmp_path, text)
    assert [r["kind"] for r in conversion.resources] == ["Deployment"]
    pod = conversion.resources[0]["spec"]["template"]["spec"]
    assert pod["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "prod-data"}}]
    assert pod["containers"][0]["volumeMounts"] == [{"mountPath": "/var/lib", "name": "data"}]
    assert conversion.notes == ["db: volume data is external: claim prod-data must exist"]


def test_statefulset_templates_are_named_like_the_mounted_volumes(tmp_path: Path) -> None:
    text = "services:\n  db:\n    image: pg\n    volumes: ['data:/var/lib']\nvolumes:\n  data:\n    name: prod_data\n"
    [db] = _convert(tmp_path, text, controller="statefulset").resources
    assert [t["metadata"]["name"] for t in db["spec"]["volumeClaimTemplates"]] == ["data"]
    assert "volumes" not in db["spec"]["template"]["spec"]
    assert db["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0]["name"] == "data"


def test_config_owner_and_mode_are_reported(tmp_path: Path) -> None:
    (tmp_path / "app.ini").write_text("[app]\nx = 1\n", encoding="utf-8")
    text = (
        "services:\n  api:\n    image: api\n    configs:\n      - source: app\n        target: /etc/app.ini\n"
        "        mode: 0440\nconfigs:\n  app:\n    file: ./app.ini\n"
    )
    conversion = _convert(tmp_path, text)
    [dropped] = conversion.dropped
    assert dropped.key == "services.api.configs[0].mode" and dropped.where.endswith(
        "compose.yaml:7:9"
    )
    config = [r for r in conversion.resources if r["kind"] == "ConfigMap"][0]
    assert config["data"] == {"app.ini": "[app]\nx = 1\n"}


def test_waiting_healthy_for_a_service_without_healthcheck_is_reported(tmp_path: Path) -> None:
    text = (
        "services:\n  db:\n    image: pg\n    expose: ['5432']\n  app:\n    image: app\n    depends_on:\n"
        "      db:\n        condition: service_healthy\n"
    )
    conversion = _convert(tmp_path, text)
    [dropped] = conversion.dropped
    assert dropped.key == "services.app.depends_on.db.condition"
    assert dropped.reason == "db has no healthcheck: the init container waits for its port only"
    app = [
        r
        for r in conversion.resources
        if r["metadata"]["name"] == "app" and r["kind"] == "Deployment"
    ][0]
    assert app["spec"]["template"]["spec"]["initContainers"][0]["name"] == "wait-for-db"


def test_a_label_that_must_be_a_number_is_a_usage_error(tmp_path: Path) -> None:
    text = "services:\n  web:\n    image: nginx\n    labels:\n      kompose.hpa.cpu: 50%\n"
    with pytest.raises(UsageError, match="kompose.hpa.cpu: '50%' is not a whole number"):
        _convert(tmp_path, text)
