"""Offline validation of Kubernetes objects against the OpenAPI schemas kubernetes-validate
ships (no cluster is needed or contacted)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from gitmigrate.errors import UsageError

# the API server's name rules, which the OpenAPI schemas do not carry
_LABEL_1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_LABEL_1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def validate_manifests(
    resources: Sequence[Mapping[str, Any]], *, version: str | None = None
) -> list[str]:
    """One line per problem (`Kind/name: path: message`); [] when every object is valid.
    `version` is the Kubernetes version to check against (default: the newest known)."""
    try:
        import kubernetes_validate
        from kubernetes_validate.utils import latest_version
    except ImportError:
        raise UsageError(
            "checking Kubernetes manifests needs kubernetes-validate",
            "pip install 'git-migrate[platform]'",
        ) from None

    wanted = version or latest_version()
    problems: list[str] = []
    for obj in resources:
        meta = obj.get("metadata") or {}
        label = f"{obj.get('kind', '?')}/{meta.get('name', '?')}"
        if not isinstance(obj.get("apiVersion"), str) or not isinstance(obj.get("kind"), str):
            problems.append(f"{label}: (root): every object needs a string apiVersion and kind")
            continue
        problems += _names(label, obj)
        try:
            kubernetes_validate.validate(dict(obj), wanted, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(p) for p in exc.path) or "(root)"
            problems.append(f"{label}: {where}: {exc.message}")
        except (
            kubernetes_validate.SchemaNotFoundError,
            kubernetes_validate.InvalidSchemaError,
        ) as exc:
            problems.append(f"{label}: no schema to check it against ({exc})")
    return problems + _references(resources)


_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob", "ReplicaSet"}


def _references(resources: Sequence[Mapping[str, Any]]) -> list[str]:
    """Across objects: a Service selects the Pods of some workload, an Ingress routes to a
    Service of the set (checked only when the set holds workloads, i.e. is a whole app)."""
    pod_labels = [_pod_labels(o) for o in resources if o.get("kind") in _WORKLOADS]
    if not pod_labels:
        return []
    services = {
        str((o.get("metadata") or {}).get("name")) for o in resources if o.get("kind") == "Service"
    }
    problems = []
    for obj in resources:
        label = f"{obj.get('kind')}/{(obj.get('metadata') or {}).get('name')}"
        spec = obj.get("spec") or {}
        if obj.get("kind") == "Service" and spec.get("selector"):
            wanted = spec["selector"].items()
            if not any(wanted <= labels.items() for labels in pod_labels):
                problems.append(f"{label}: spec.selector matches the Pods of no workload here")
        if obj.get("kind") == "Ingress":
            for rule in spec.get("rules") or []:
                for path in (rule.get("http") or {}).get("paths") or []:
                    target = str(((path.get("backend") or {}).get("service") or {}).get("name"))
                    if target not in services:
                        problems.append(f"{label}: routes to Service {target}, which is not here")
    return problems


def _pod_labels(obj: Mapping[str, Any]) -> dict[str, Any]:
    if obj.get("kind") == "Pod":
        return dict((obj.get("metadata") or {}).get("labels") or {})
    spec: Any = obj.get("spec") or {}
    if obj.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return dict(((spec.get("template") or {}).get("metadata") or {}).get("labels") or {})


def _names(label: str, obj: Mapping[str, Any]) -> list[str]:
    """metadata.name, container and volume names as the API server checks them."""
    name = str((obj.get("metadata") or {}).get("name", ""))
    kind = obj.get("kind")
    problems = []
    if kind == "Service" and not (_LABEL_1035.match(name) and len(name) <= 63):
        problems.append(
            f"{label}: metadata.name: a Service name is a DNS-1035 label (a-z, 0-9, -; a letter first)"
        )
    elif kind == "Namespace" and not (_LABEL_1123.match(name) and len(name) <= 63):
        problems.append(f"{label}: metadata.name: a Namespace name is a DNS-1123 label")
    elif not (_SUBDOMAIN.match(name) and len(name) <= 253):
        problems.append(f"{label}: metadata.name: not a DNS-1123 subdomain (a-z, 0-9, -, .)")
    spec = _pod_spec(obj)
    known = {str(v.get("name")) for v in spec.get("volumes") or []}
    templates = (
        ((obj.get("spec") or {}).get("volumeClaimTemplates") or []) if kind == "StatefulSet" else []
    )
    known |= {str((t.get("metadata") or {}).get("name")) for t in templates}
    for container in [*(spec.get("initContainers") or []), *(spec.get("containers") or [])]:
        for mount in container.get("volumeMounts") or []:
            if str(mount.get("name")) not in known:
                problems.append(f"{label}: container {container.get('name')} mounts {mount.get('name')!r}, "
                                "which no volume or claim template names")  # fmt: skip
    for field in ("containers", "initContainers", "volumes"):
        for item in spec.get(field) or []:
            item_name = str(item.get("name", ""))
            if not (_LABEL_1123.match(item_name) and len(item_name) <= 63):
                problems.append(f"{label}: {field} name {item_name!r} is not a DNS-1123 label")
    return problems


def _pod_spec(obj: Mapping[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = dict(obj.get("spec") or {})
    if obj.get("kind") == "Pod":
        return spec
    if obj.get("kind") == "CronJob":
        spec = dict((spec.get("jobTemplate") or {}).get("spec") or {})
    return dict((spec.get("template") or {}).get("spec") or {})
