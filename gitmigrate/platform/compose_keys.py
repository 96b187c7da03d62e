"""The keys of the Compose specification, and which of them the conversion carries over.

A key the specification does not know is reported where it is written (a typo such as
`enviroment` would otherwise vanish); `x-` extension keys are the specification's own way of
adding fields and are left alone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitmigrate.platform.compose_model import Dropped

TOP_KEYS = frozenset(
    {
        "version",
        "name",
        "services",
        "networks",
        "volumes",
        "configs",
        "secrets",
        "include",
        "models",
    }
)

SERVICE_KEYS = frozenset(
    {
        "annotations", "attach", "build", "blkio_config", "cpu_count", "cpu_percent",
        "cpu_shares", "cpu_period", "cpu_quota", "cpu_rt_runtime", "cpu_rt_period", "cpus",
        "cpuset", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command", "configs",
        "container_name", "credential_spec", "depends_on", "deploy", "develop",
        "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "domainname",
        "driver_opts", "entrypoint", "env_file", "environment", "expose", "extends",
        "external_links", "extra_hosts", "gpus", "group_add", "healthcheck", "hostname",
        "image", "init", "ipc", "isolation", "labels", "label_file", "links", "logging",
        "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit",
        "models", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid",
        "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles",
        "provider", "pull_policy", "read_only", "restart", "runtime", "scale", "secrets",
        "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal",
        "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "use_api_socket", "user",
        "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
    }
)  # fmt: skip

# service keys the conversion carries into the manifests (the others are reported as dropped)
CONVERTED = frozenset(
    {
        "build", "cap_add", "cap_drop", "command", "configs", "container_name", "cpus",
        "depends_on", "deploy", "entrypoint", "env_file", "environment", "expose", "extends",
        "group_add", "healthcheck", "profiles", "hostname", "image", "labels", "mem_limit",
        "mem_reservation", "ports", "privileged", "pull_policy", "read_only", "restart",
        "scale", "secrets", "stdin_open", "stop_grace_period", "tty", "user", "volumes",
        "working_dir", "annotations", "sysctls", "tmpfs",
    }
)  # fmt: skip

WHY_DROPPED = {
    "links": "Kubernetes Services are reachable by name in the namespace; links have no object",
    "networks": "a Kubernetes namespace is one flat network; write a NetworkPolicy to isolate",
    "network_mode": "containers of one Pod share a network; other modes have no equivalent",
    "logging": "logs are collected by the cluster's logging agent, not per container",
    "platform": "node architecture is chosen with a nodeSelector on kubernetes.io/arch",
    "devices": "host devices need a device plugin; no portable field",
    "extra_hosts": "hostAliases would pin addresses; not converted",
    "dns": "Pod dnsConfig is cluster-specific; not converted",
    "dns_search": "Pod dnsConfig is cluster-specific; not converted",
    "stop_signal": "Kubernetes always sends SIGTERM; use a preStop hook",
    "ulimits": "Kubernetes has no per-container ulimits",
    "shm_size": "mount an emptyDir with medium Memory at /dev/shm instead",
    "security_opt": "use securityContext (seccompProfile, appArmorProfile) instead",
    "init": "no init process option in a Pod spec",
    "ipc": "shareProcessNamespace/hostIPC are Pod-wide; not converted",
    "pid": "hostPID is Pod-wide; not converted",
    "external_links": "containers outside the project are not Kubernetes objects",
    "volumes_from": "share a volume between containers of one Pod instead",
}
DEFAULT_WHY = "no Kubernetes equivalent in the conversion"
UNKNOWN = "not a Compose specification key (a typo?)"


def check_keys(
    data: Mapping[str, Any], where: Mapping[tuple[str | int, ...], str]
) -> list[Dropped]:
    """Unknown keys (top level and services), and known keys the conversion drops."""
    found: list[Dropped] = []
    for key in data:
        at = where.get((key,), "")
        if key.startswith("x-"):
            continue
        if key not in TOP_KEYS:
            found.append(Dropped(key, at, UNKNOWN))
        elif key == "version":
            found.append(Dropped(key, at, "obsolete in the Compose specification; ignored"))
        elif key == "name":
            found.append(
                Dropped(key, at, "the project name is not an object; -n NAMESPACE groups them")
            )
        elif key == "models":
            found.append(Dropped(key, at, f"top-level {key} is not converted"))
    for name, service in (data.get("services") or {}).items():
        for key in service or {}:
            at = where.get(("services", name, key), "")
            if key.startswith("x-"):
                continue
            if key not in SERVICE_KEYS:
                found.append(
                    Dropped(
                        f"services.{name}.{key}", at, "not a Compose specification key (a typo?)"
                    )
                )
            elif key == "network_mode" and str(service[key]).startswith("service:"):
                continue  # converted: the service joins that service's Pod
            elif key not in CONVERTED:
                found.append(
                    Dropped(f"services.{name}.{key}", at, WHY_DROPPED.get(key, DEFAULT_WHY))
                )
            elif key in NESTED and isinstance(service[key], dict):
                found += _nested(
                    f"services.{name}.{key}",
                    ("services", name, key),
                    service[key],
                    NESTED[key],
                    where,
                )
            elif key == "build":
                found.append(Dropped(f"services.{name}.build", at, "the image is not built: build and push it; "
                                     "the manifests use the image name (the service name without one)"))  # fmt: skip
        if isinstance(service, dict):
            found += _ports_and_volumes(name, service, where)
    if data.get("networks"):
        found.append(Dropped("networks", where.get(("networks",), ""), WHY_DROPPED["networks"]))
    return found


def _nested(
    label: str, path: tuple[str | int, ...], value: dict[str, Any], known: Any,
    where: Mapping[tuple[str | int, ...], str],
) -> list[Dropped]:  # fmt: skip
    """Sub-keys of deploy/healthcheck: the converted ones are in `known` (a dict for deeper
    levels, True for a converted leaf); every other one is reported."""
    found = []
    for key, sub in value.items():
        at = where.get((*path, key), where.get(path, ""))
        rule = known.get(key) if isinstance(known, dict) else None
        if rule is None:
            found.append(Dropped(f"{label}.{key}", at, NESTED_WHY.get(key, UNKNOWN)))
        elif isinstance(rule, dict) and isinstance(sub, dict):
            found += _nested(f"{label}.{key}", (*path, key), sub, rule, where)
    return found


_LIMITS = {"cpus": True, "memory": True}
NESTED: dict[str, Any] = {
    "deploy": {
        "replicas": True, "mode": True, "labels": True,
        "resources": {"limits": _LIMITS, "reservations": _LIMITS},
        "placement": {"constraints": True, "preferences": True},
        "restart_policy": {"condition": True},
    },
    "healthcheck": {"test": True, "interval": True, "timeout": True, "retries": True,
                    "start_period": True, "disable": True},
}  # fmt: skip
NESTED_WHY = {
    "update_config": "rollout settings are the Deployment strategy's; the default rolling update is used",
    "rollback_config": "Kubernetes rolls back with kubectl rollout undo; no setting",
    "endpoint_mode": "a Service always balances over its endpoints (headless: kompose.service.type)",
    "delay": "Kubernetes restarts with its own back-off",
    "max_attempts": "Kubernetes restarts with its own back-off",
    "window": "Kubernetes restarts with its own back-off",
    "devices": "device requests (GPUs) need a device plugin's resource name; not converted",
    "pids": "no per-container pids limit in a Pod spec",
    "max_replicas_per_node": "use a topologySpreadConstraint; not converted",
    "start_interval": "Kubernetes probes have one period",
    "generic_resources": "Swarm generic resources have no Kubernetes equivalent",
}


_HOST_IP = re.compile(r"^\s*(\[[^\]]*\]|\d+\.\d+\.\d+\.\d+):")
_VOLUME_KEYS = {"type": True, "source": True, "target": True, "read_only": True,
                "volume": {"subpath": True}, "tmpfs": {"size": True}, "bind": {}}  # fmt: skip
_VOLUME_WHY = {
    "propagation": "mount propagation is set per volume mount (mountPropagation); not converted",
    "create_host_path": "a ConfigMap or claim replaces the host path; nothing to create",
    "selinux": "SELinux labels are set in the Pod's securityContext; not converted",
    "nocopy": "a new claim starts empty: the image's files are never copied into it",
    "consistency": "Docker Desktop only; no Kubernetes meaning",
    "mode": "ConfigMap item modes are not converted",
}


def _ports_and_volumes(
    name: str, service: dict[str, Any], where: Mapping[tuple[str | int, ...], str]
) -> list[Dropped]:
    """A port bound to one host address, and sub-keys of long-syntax volumes not converted."""
    found = []
    for index, port in enumerate(service.get("ports") or []):
        at = where.get(("services", name, "ports", index), "")
        bound = port.get("host_ip") if isinstance(port, dict) else None
        if bound or _HOST_IP.match(str(port)) and not isinstance(port, dict):
            found.append(Dropped(f"services.{name}.ports[{index}]", at,
                                 "the host address binding is dropped: a Service listens on its cluster IP"))  # fmt: skip
    for kind in ("configs", "secrets"):
        for index, item in enumerate(service.get(kind) or []):
            for key in item if isinstance(item, dict) else ():
                if key not in ("source", "target"):
                    at = where.get(("services", name, kind, index, key), "")
                    reason = (
                        "file owner and mode are not converted: the files are mounted read-only"
                    )
                    found.append(Dropped(f"services.{name}.{kind}[{index}].{key}", at,
                                         reason if key in ("uid", "gid", "mode") else UNKNOWN))  # fmt: skip
    for index, volume in enumerate(service.get("volumes") or []):
        if isinstance(volume, dict):
            found += _nested_volume(f"services.{name}.volumes[{index}]", ("services", name, "volumes", index),
                                    volume, where)  # fmt: skip
    return found


def _nested_volume(
    label: str,
    path: tuple[str | int, ...],
    volume: dict[str, Any],
    where: Mapping[tuple[str | int, ...], str],
) -> list[Dropped]:
    found = []
    for key, value in volume.items():
        rule = _VOLUME_KEYS.get(key)
        if rule is True:
            continue
        if isinstance(rule, dict) and isinstance(value, dict):
            for sub in value:
                if sub not in rule:
                    at = where.get((*path, key, sub), where.get(path, ""))
                    found.append(
                        Dropped(f"{label}.{key}.{sub}", at, _VOLUME_WHY.get(sub, DEFAULT_WHY))
                    )
            continue
        at = where.get((*path, key), where.get(path, ""))
        found.append(Dropped(f"{label}.{key}", at, _VOLUME_WHY.get(key, DEFAULT_WHY)))
    return found
