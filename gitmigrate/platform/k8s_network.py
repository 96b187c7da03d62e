"""Compose networks -> NetworkPolicies (when asked, as kompose's --generate-network-policies):
Pods of services on one Compose network carry its label and accept traffic only from Pods that
carry it too, so the isolation Compose networks give survives in a flat cluster network."""

from __future__ import annotations

from typing import Any

from gitmigrate.platform.compose_model import Project
from gitmigrate.platform.k8s_values import k8s_name


def network_policies(
    project: Project, workloads: list[dict[str, Any]], groups: dict[str, list[str]]
) -> list[dict[str, Any]]:
    prefix = str(project.top.get("name") or project.base_dir.resolve().name)
    policies: dict[str, dict[str, Any]] = {}
    by_name = {w["metadata"]["name"]: w for w in workloads}
    for owner, members in groups.items():
        workload = by_name.get(owner)
        if workload is None:
            continue
        for name in members:
            networks = project.services[name].get("networks") or ["default"]
            for network in networks:
                label = f"io.kompose.network/{k8s_name(f'{prefix}-{network}')}"
                _pod_labels(workload)[label] = "true"
                policies.setdefault(label, _policy(k8s_name(f"{prefix}-{network}"), label))
    return list(policies.values())


def _pod_labels(workload: dict[str, Any]) -> dict[str, Any]:
    if workload["kind"] == "Pod":
        labels: dict[str, Any] = workload["metadata"]["labels"]
        return labels
    spec = (
        workload["spec"]["jobTemplate"]["spec"]
        if workload["kind"] == "CronJob"
        else workload["spec"]
    )
    template_labels: dict[str, Any] = (
        spec["template"].setdefault("metadata", {}).setdefault("labels", {})
    )
    return template_labels


def _policy(name: str, label: str) -> dict[str, Any]:
    selector = {"matchLabels": {label: "true"}}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name},
        "spec": {"ingress": [{"from": [{"podSelector": selector}]}], "podSelector": selector},
    }
