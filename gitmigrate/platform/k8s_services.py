"""Compose ports and kompose's labels -> Services, Ingress and HorizontalPodAutoscaler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmigrate.platform.compose_model import Project
from gitmigrate.platform.k8s_values import k8s_name, ports, whole

_TYPES = {
    "nodeport": "NodePort",
    "loadbalancer": "LoadBalancer",
    "clusterip": "ClusterIP",
    "headless": "ClusterIP",
}


def services(
    name: str, service: dict[str, Any], project: Project, selector: str, *, headless: bool = False
) -> list[dict[str, Any]]:
    """The Service(s) of a Compose service: one per protocol for a LoadBalancer (a cloud load
    balancer takes one protocol), none when nothing is published and no type is asked for."""
    labels: Mapping[str, Any] = service.get("labels") or {}
    kind = str(labels.get("kompose.service.type") or "").lower()
    entries: list[dict[str, Any]] = []
    used: set[str] = set()
    items: list[tuple[Any, tuple[str | int, ...]]] = [
        (item, ("ports", i)) for i, item in enumerate(service.get("ports") or [])
    ]
    items += [(str(item), ("expose",)) for item in service.get("expose") or []]
    for item, path in items:
        for port in ports(item, project.at("services", name, *path)):
            number = port.published or port.target
            entry: dict[str, Any] = {"name": str(number), "port": number, "targetPort": port.target}
            if port.protocol != "TCP":
                entry["protocol"] = port.protocol
            if any(
                e["port"] == number and e.get("protocol", "TCP") == port.protocol for e in entries
            ):
                continue
            if entry["name"] in used:
                entry["name"] = f"{number}-{port.protocol.lower()}"
            used.add(entry["name"])
            entries.append(entry)
    if labels.get("kompose.service.nodeport.port") and entries and kind == "nodeport":
        entries[0]["nodePort"] = whole(
            labels["kompose.service.nodeport.port"], "kompose.service.nodeport.port"
        )
    if not entries:
        if kind != "headless":
            return []
        entries = [{"name": "headless", "port": 55555, "targetPort": 0}]
    spec: dict[str, Any] = {}
    if kind in _TYPES and kind not in ("clusterip", "headless"):
        spec["type"] = _TYPES[kind]
    if kind == "headless" or (headless and kind not in ("nodeport", "loadbalancer")):
        spec["clusterIP"] = "None"
        if headless or labels.get("kompose.service.expose"):
            spec["type"] = "ClusterIP"
    policy = labels.get("kompose.service.external-traffic-policy")
    if policy and spec.get("type") in ("LoadBalancer", "NodePort"):
        spec["externalTrafficPolicy"] = str(policy).capitalize()
    base = k8s_name(name)
    groups: list[tuple[str, list[dict[str, Any]]]] = [(base, entries)]
    if spec.get("type") == "LoadBalancer":
        protocols = sorted({e.get("protocol", "TCP") for e in entries})
        groups = [
            (f"{base}-{p.lower()}", [e for e in entries if e.get("protocol", "TCP") == p])
            for p in protocols
        ]
    out = []
    for svc_name, svc_ports in groups:
        meta: dict[str, Any] = {"labels": {"io.kompose.service": selector}, "name": svc_name}
        annotations = user_labels(labels)
        if annotations:
            meta["annotations"] = annotations
        body = {**spec, "ports": svc_ports, "selector": {"io.kompose.service": selector}}
        out.append({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": body})
    return out


def user_labels(labels: Mapping[str, Any]) -> dict[str, str]:
    """Compose labels other than kompose's own, carried as annotations (as kompose does)."""
    return {str(k): str(v) for k, v in labels.items() if not str(k).startswith("kompose.")}


def ingress(
    name: str, service: dict[str, Any], svc: dict[str, Any] | None
) -> dict[str, Any] | None:
    labels: Mapping[str, Any] = service.get("labels") or {}
    expose = labels.get("kompose.service.expose")
    if not expose or svc is None or str(expose).lower() == "false":
        return None
    backend = {
        "service": {
            "name": svc["metadata"]["name"],
            "port": {"number": svc["spec"]["ports"][0]["port"]},
        }
    }
    rules: list[dict[str, Any]] = []
    hosts = []
    for item in str(expose).split(","):
        item = item.strip()
        path_rule: dict[str, Any] = {"backend": backend, "path": "/", "pathType": "Prefix"}
        if item.lower() == "true":
            rules.append({"http": {"paths": [path_rule]}})  # no host: every host
            continue
        host, slash, path = item.partition("/")
        path_rule["path"] = "/" + path if slash else "/"
        rules.append({"host": host, "http": {"paths": [path_rule]}})
        hosts.append(host)
    spec: dict[str, Any] = {"rules": rules}
    if labels.get("kompose.service.expose.ingress-class-name"):
        spec["ingressClassName"] = str(labels["kompose.service.expose.ingress-class-name"])
    if labels.get("kompose.service.expose.tls-secret"):
        spec["tls"] = [
            {"hosts": hosts, "secretName": str(labels["kompose.service.expose.tls-secret"])}
        ]
    meta = {"labels": {"io.kompose.service": k8s_name(name)}, "name": k8s_name(name)}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta, "spec": spec}


def autoscaler(name: str, service: dict[str, Any], kind: str) -> dict[str, Any] | None:
    labels: Mapping[str, Any] = service.get("labels") or {}
    if not any(str(k).startswith("kompose.hpa.") for k in labels):
        return None
    metrics = [
        {"resource": {"name": res, "target": {"averageUtilization": whole(labels[f"kompose.hpa.{res}"], f"kompose.hpa.{res}"),
                                              "type": "Utilization"}}, "type": "Resource"}
        for res in ("cpu", "memory") if labels.get(f"kompose.hpa.{res}") is not None
    ]  # fmt: skip
    spec: dict[str, Any] = {
        "maxReplicas": whole(
            labels.get("kompose.hpa.replicas.max", 10), "kompose.hpa.replicas.max"
        ),
        "minReplicas": whole(labels.get("kompose.hpa.replicas.min", 1), "kompose.hpa.replicas.min"),
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": k8s_name(name)},
    }
    if metrics:
        spec["metrics"] = metrics
    return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": k8s_name(name)}, "spec": spec}  # fmt: skip
