"""One Compose service -> one container (image, command, env, ports, probes, resources,
security) and the Pod-level fields it brings (hostname, groups, placement, init containers)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gitmigrate.platform.compose_model import Dropped, Project
from gitmigrate.platform.k8s_values import k8s_name, ports, quantity, seconds, whole, words

_PULL = {
    "always": "Always",
    "never": "Never",
    "missing": "IfNotPresent",
    "if_not_present": "IfNotPresent",
}
_CONSTRAINT_KEYS = {"node.hostname": "kubernetes.io/hostname", "engine.labels.operatingsystem": "kubernetes.io/os",
                    "node.platform.os": "kubernetes.io/os", "node.platform.arch": "kubernetes.io/arch"}  # fmt: skip


def container(
    name: str, service: dict[str, Any], project: Project, env_maps: list[str]
) -> dict[str, Any]:
    deploy_labels = (service.get("deploy") or {}).get("labels") or {}
    labels: Mapping[str, Any] = {**deploy_labels, **(service.get("labels") or {})}
    out: dict[str, Any] = {
        "name": k8s_name(str(service.get("container_name") or name)),
        "image": str(service.get("image") or name),
    }
    if service.get("entrypoint") is not None:
        out["command"] = words(service["entrypoint"])
    if service.get("command") is not None:
        out["args"] = words(service["command"])
    env = []
    for key, value in sorted((service.get("environment") or {}).items()):
        if value is None and key in project.env:
            value = project.env[key]
        env.append({"name": key} if value is None else {"name": key, "value": _text(value)})
    if env:
        out["env"] = env
    if env_maps:
        out["envFrom"] = [{"configMapRef": {"name": m}} for m in env_maps]
    container_ports: list[dict[str, Any]] = []
    for index, item in enumerate(service.get("ports") or []):
        for port in ports(item, project.at("services", name, "ports", index)):
            entry: dict[str, Any] = {"containerPort": port.target, "protocol": port.protocol}
            if port.host and port.published:
                entry["hostPort"] = port.published
            if entry not in container_ports:
                container_ports.append(entry)
    for item in service.get("expose") or []:
        for port in ports(str(item), project.at("services", name, "expose")):
            entry = {"containerPort": port.target, "protocol": port.protocol}
            if entry not in container_ports:
                container_ports.append(entry)
    if container_ports:
        out["ports"] = container_ports
    pull = labels.get("kompose.image-pull-policy") or _PULL.get(str(service.get("pull_policy")))
    if pull:
        out["imagePullPolicy"] = str(pull)
    liveness = probe(service.get("healthcheck"), labels, "liveness")
    if liveness:
        out["livenessProbe"] = liveness
    readiness = probe(None, labels, "readiness")
    if readiness:
        out["readinessProbe"] = readiness
    resources = _resources(service, labels)
    if resources:
        out["resources"] = resources
    security = _security(service)
    if security:
        out["securityContext"] = security
    for key, field in (("stdin_open", "stdin"), ("tty", "tty")):
        if service.get(key):
            out[field] = True
    if service.get("working_dir"):
        out["workingDir"] = str(service["working_dir"])
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def probe(health: Any, labels: Mapping[str, Any], which: str) -> dict[str, Any] | None:
    """A probe from a Compose healthcheck, or from kompose's
    `kompose.service.healthcheck.<which>.*` labels (which win)."""
    prefix = f"kompose.service.healthcheck.{which}."
    own = {k[len(prefix) :]: v for k, v in labels.items() if k.startswith(prefix)}
    health = dict(health or {})
    if health.get("disable") and not own:
        return None
    source = {**health, **own}
    action: dict[str, Any] = {}
    if own.get("http_get_path") is not None:
        action["httpGet"] = {
            "path": str(own["http_get_path"]),
            "port": whole(own.get("http_get_port", 80), prefix + "http_get_port"),
        }
    elif own.get("tcp_port") is not None:
        action["tcpSocket"] = {"port": whole(own["tcp_port"], prefix + "tcp_port")}
    elif source.get("test"):
        command = exec_command(source["test"])
        if command is None:
            return None
        action["exec"] = {"command": command}
    else:
        return None
    result = dict(action)
    for key, field in (("interval", "periodSeconds"), ("timeout", "timeoutSeconds"),
                       ("start_period", "initialDelaySeconds")):  # fmt: skip
        value = seconds(source.get(key))
        if value:
            result[field] = value
    if source.get("retries") is not None:
        result["failureThreshold"] = whole(source["retries"], "healthcheck.retries")
    return result


def exec_command(test: Any) -> list[str] | None:
    """Compose `test`: ["CMD", ...] runs as is, ["CMD-SHELL", cmd] and a plain string run in
    a shell, ["NONE"] disables the check."""
    if isinstance(test, list):
        if not test or test[0] == "NONE":
            return None
        if test[0] == "CMD":
            return [str(t) for t in test[1:]]
        if test[0] == "CMD-SHELL":
            return ["sh", "-c", " ".join(str(t) for t in test[1:])]
        return [str(t) for t in test]
    return ["sh", "-c", str(test)]


def _resources(service: dict[str, Any], labels: Mapping[str, Any]) -> dict[str, Any]:
    deploy = (service.get("deploy") or {}).get("resources") or {}
    limits: dict[str, str] = {}
    requests: dict[str, str] = {}
    if service.get("mem_limit") is not None:
        limits["memory"] = quantity(service["mem_limit"])
    if service.get("mem_reservation") is not None:
        requests["memory"] = quantity(service["mem_reservation"])
    if service.get("cpus") is not None:
        limits["cpu"] = str(service["cpus"])
    for source, target in (
        (deploy.get("limits") or {}, limits),
        (deploy.get("reservations") or {}, requests),
    ):
        if source.get("memory") is not None:
            target["memory"] = quantity(source["memory"])
        if source.get("cpus") is not None:
            target["cpu"] = str(source["cpus"])
    for label, target in (("limit", limits), ("request", requests)):
        if labels.get(f"kompose.ephemeral-storage.{label}") is not None:
            target["ephemeral-storage"] = str(labels[f"kompose.ephemeral-storage.{label}"])
    out: dict[str, Any] = {}
    if limits:
        out["limits"] = limits
    if requests:
        out["requests"] = requests
    return out


def _security(service: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if service.get("read_only"):
        out["readOnlyRootFilesystem"] = True
    if service.get("privileged"):
        out["privileged"] = True
    caps = {}
    if service.get("cap_add"):
        caps["add"] = [str(c) for c in service["cap_add"]]
    if service.get("cap_drop"):
        caps["drop"] = [str(c) for c in service["cap_drop"]]
    if caps:
        out["capabilities"] = caps
    user, _, group = str(service.get("user") or "").partition(":")
    if user.isdigit():
        out["runAsUser"] = int(user)
    if group.isdigit():
        out["runAsGroup"] = int(group)
    return out


def pod_fields(
    name: str, service: dict[str, Any], project: Project, dropped: list[Dropped]
) -> dict[str, Any]:
    """Pod-spec fields of a service: hostname, supplemental groups, fsGroup, placement, the
    init containers of kompose's labels, the grace period."""
    labels: Mapping[str, Any] = service.get("labels") or {}
    out: dict[str, Any] = {}
    if service.get("hostname"):
        out["hostname"] = str(service["hostname"])
    security: dict[str, Any] = {}
    groups = [int(g) for g in service.get("group_add") or [] if str(g).isdigit()]
    if groups:
        security["supplementalGroups"] = groups
    if labels.get("kompose.security-context.fsgroup") is not None:
        security["fsGroup"] = whole(
            labels["kompose.security-context.fsgroup"], "kompose.security-context.fsgroup"
        )
    if security:
        out["securityContext"] = security
    if labels.get("kompose.image-pull-secret"):
        out["imagePullSecrets"] = [{"name": str(labels["kompose.image-pull-secret"])}]
    if labels.get("kompose.serviceaccount-name"):
        out["serviceAccountName"] = str(labels["kompose.serviceaccount-name"])
    grace = seconds(service.get("stop_grace_period"))
    if grace is not None:
        out["terminationGracePeriodSeconds"] = grace
    if labels.get("kompose.init.containers.name"):
        init: dict[str, Any] = {"name": str(labels["kompose.init.containers.name"]),
                "image": str(labels.get("kompose.init.containers.image") or "busybox")}  # fmt: skip
        command = labels.get("kompose.init.containers.command")
        if command:
            text = str(command)
            init["command"] = json.loads(text) if text.lstrip().startswith("[") else words(text)
        out["initContainers"] = [init]
    placement = (service.get("deploy") or {}).get("placement") or {}
    terms = []
    for constraint in placement.get("constraints") or []:
        expression = _constraint(str(constraint))
        if expression is None:
            where = project.at("services", name, "deploy", "placement", "constraints")
            dropped.append(Dropped(f"services.{name}.deploy.placement.constraints", where,
                                   f"{constraint!r}: no node label to match"))  # fmt: skip
        else:
            terms.append(expression)
    if terms:
        out["affinity"] = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": terms}]}}}  # fmt: skip
    keys = [_spread_key(str(p.get("spread", ""))) for p in placement.get("preferences") or []]
    spreads = [k for k in keys if k]
    if spreads:
        out["topologySpreadConstraints"] = [
            {"labelSelector": {"matchLabels": {"io.kompose.service": k8s_name(name)}},
             "maxSkew": len(spreads) - i, "topologyKey": key, "whenUnsatisfiable": "ScheduleAnyway"}
            for i, key in enumerate(spreads)
        ]  # fmt: skip
    return out


def _constraint(text: str) -> dict[str, Any] | None:
    for op, k8s_op in (("==", "In"), ("!=", "NotIn")):
        if op in text:
            key, value = (part.strip() for part in text.split(op, 1))
            if key in _CONSTRAINT_KEYS:
                key = _CONSTRAINT_KEYS[key]
            elif key.startswith(("node.labels.", "engine.labels.")):
                key = key.split(".", 2)[2]
            else:
                return None
            return {"key": key, "operator": k8s_op, "values": [value]}
    return None


def _spread_key(text: str) -> str | None:
    if text.startswith(("node.labels.", "engine.labels.")):
        return text.split(".", 2)[2]
    return None
