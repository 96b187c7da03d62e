"""A workload (Deployment, StatefulSet, DaemonSet or Pod) from one Compose service, or from a
group of services that share a Pod (kompose's service groups), with what goes past kompose:
an init container per `depends_on` that waits for the dependency's Service port, readiness
probes from the healthcheck of a dependency others wait on with `service_healthy`, configs
and secrets mounted, and a StatefulSet when replicas would share a ReadWriteOnce claim."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from gitmigrate.platform.compose_model import ComposeOptions, Dropped, Project
from gitmigrate.platform.k8s_pod import container, pod_fields, probe
from gitmigrate.platform.k8s_values import k8s_name, ports, whole
from gitmigrate.platform.k8s_volumes import convert_volumes

WAIT_IMAGE = "busybox:1.36"
_RESTART = {
    "no": "Never",
    "on-failure": "OnFailure",
    "always": "Always",
    "unless-stopped": "Always",
}


@dataclass
class Built:
    workload: dict[str, Any]
    objects: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def restart_policy(service: dict[str, Any]) -> str:
    deploy_policy = ((service.get("deploy") or {}).get("restart_policy") or {}).get("condition")
    if deploy_policy:
        return {"none": "Never", "on-failure": "OnFailure", "any": "Always"}.get(
            str(deploy_policy), "Always"
        )
    return _RESTART.get(str(service.get("restart") or "always").split(":")[0], "Always")


def build_workload(
    owner: str, members: list[str], project: Project, options: ComposeOptions,
    env_maps: dict[str, list[str]], healthy: set[str],
) -> Built:  # fmt: skip
    first = project.services[members[0]]
    labels = first.get("labels") or {}
    built = Built({})
    containers: list[dict[str, Any]] = []
    volumes: list[dict[str, Any]] = []
    claims: list[dict[str, Any]] = []
    pod: dict[str, Any] = {}
    for name in members:
        service = project.services[name]
        one = container(name, service, project, env_maps.get(name, []))
        if len(members) > 1 and not service.get("container_name"):
            one["name"] = k8s_name(name)
        if name in healthy and "readinessProbe" not in one:
            ready = probe(service.get("healthcheck"), {}, "readiness")
            if ready:
                one["readinessProbe"] = ready
                built.notes.append(
                    f"{name}: readiness probe from its healthcheck (others wait for it healthy)"
                )
        vols = convert_volumes(name, service, project, options, owner)
        mounts = list(vols.mounts)
        for kind in ("configs", "secrets"):
            mounts += _mount_refs(name, service, project, kind, volumes, built)
        if mounts:
            one["volumeMounts"] = mounts
        containers.append(one)
        for volume in vols.volumes:
            if volume not in volumes:
                volumes.append(volume)
        claims += [c for c in vols.claims if c not in claims]
        built.objects += [
            o
            for o in vols.objects
            if o not in built.objects and o["kind"] != "PersistentVolumeClaim"
        ]
        built.dropped += vols.dropped
        pod = {**pod_fields(name, service, project, built.dropped), **pod}
        pod.setdefault("initContainers", [])
        pod["initContainers"] += _waits(name, service, project, built, members)
    if not pod["initContainers"]:
        del pod["initContainers"]
    kind = _kind(first, options, claims, built, owner)
    restart = restart_policy(first)
    spec: dict[str, Any] = {"containers": containers, **pod, "restartPolicy": restart}
    if volumes:
        spec["volumes"] = volumes
    selector = {"io.kompose.service": owner}
    meta: dict[str, Any] = {"labels": dict(selector), "name": owner}
    annotations = {str(k): str(v) for k, v in labels.items() if not str(k).startswith("kompose.")}
    if annotations:
        meta["annotations"] = annotations
    schedule = labels.get("kompose.cronjob.schedule")
    if schedule:
        built.workload = _cron_job(meta, spec, labels)
        built.objects = claims + built.objects
        return built
    if kind == "Pod":
        built.workload = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
        built.objects = claims + built.objects
        return built
    if restart != "Always":
        spec["restartPolicy"] = "Always"
        built.notes.append(
            f"{owner}: a {kind} restarts always; restart {restart} kept only for Pods"
        )
    body: dict[str, Any] = {
        "selector": {"matchLabels": selector},
        "template": {"metadata": {"labels": dict(selector), **_annotations(meta)}, "spec": spec},
    }
    if kind != "DaemonSet":
        body["replicas"] = _replicas(first, options)
    if kind == "Deployment" and any("persistentVolumeClaim" in v for v in volumes):
        # a ReadWriteOnce claim cannot be attached to the old and the new Pod at once
        body["strategy"] = {"type": "Recreate"}
    if kind == "StatefulSet":
        body["serviceName"] = owner
        # a template is named like the Pod volume its mounts name
        by_claim = {
            v["persistentVolumeClaim"]["claimName"]: v["name"]
            for v in volumes
            if "persistentVolumeClaim" in v
        }
        templates = [
            {"metadata": {**c["metadata"], "name": by_claim.get(c["metadata"]["name"], c["metadata"]["name"])},
             "spec": c["spec"]}
            for c in claims
        ]  # fmt: skip
        if templates:
            body["volumeClaimTemplates"] = templates
            names = {c["metadata"]["name"] for c in claims}
            spec["volumes"] = [
                v
                for v in volumes
                if v.get("persistentVolumeClaim", {}).get("claimName") not in names
            ] or None
            if spec["volumes"] is None:
                del spec["volumes"]
    else:
        built.objects = claims + built.objects
    built.workload = {"apiVersion": "apps/v1", "kind": kind, "metadata": meta, "spec": body}
    return built


def _replicas(service: dict[str, Any], options: ComposeOptions) -> int:
    deploy = service.get("deploy") or {}
    if deploy.get("replicas") is not None:
        return whole(deploy["replicas"], "deploy.replicas")
    if service.get("scale") is not None:
        return whole(service["scale"], "scale")
    return options.replicas


def _kind(
    service: dict[str, Any], options: ComposeOptions, claims: list[Any], built: Built, owner: str
) -> str:
    labels = service.get("labels") or {}
    asked = str(labels.get("kompose.controller.type") or options.controller).lower()
    if (service.get("deploy") or {}).get("mode") == "global" or asked == "daemonset":
        return "DaemonSet"
    if asked == "statefulset":
        return "StatefulSet"
    if (
        restart_policy(service) != "Always"
        and asked == "deployment"
        and not labels.get("kompose.controller.type")
        and _replicas(service, options) <= 1  # several replicas need a controller
    ):
        return "Pod"
    if claims and _replicas(service, options) > 1:
        built.notes.append(
            f"{owner}: StatefulSet, not Deployment: {_replicas(service, options)} replicas cannot share "
            "a ReadWriteOnce claim, so each gets its own from volumeClaimTemplates"
        )
        return "StatefulSet"
    return "Deployment"


def _waits(
    name: str, service: dict[str, Any], project: Project, built: Built, members: list[str]
) -> list[dict[str, Any]]:
    out = []
    for dep, spec in (service.get("depends_on") or {}).items():
        if dep in members:
            continue  # the same Pod: its containers start together, nothing to wait for
        condition = str((spec or {}).get("condition", "service_started"))
        where = project.at("services", name, "depends_on", dep)
        target = project.services.get(dep)
        if target is None:
            built.dropped.append(
                Dropped(f"services.{name}.depends_on.{dep}", where, f"{dep} is not a service")
            )
            continue
        if condition == "service_completed_successfully":
            built.dropped.append(Dropped(f"services.{name}.depends_on.{dep}", where,
                                         "waiting for a run to finish needs a Job; not converted"))  # fmt: skip
            continue
        found = [p for i, item in enumerate(target.get("ports") or []) for p in ports(item, where)]
        found += [p for item in target.get("expose") or [] for p in ports(str(item), where)]
        if not found:
            built.dropped.append(Dropped(f"services.{name}.depends_on.{dep}", where,
                                         f"{dep} publishes no port, so there is no Service to wait for"))  # fmt: skip
            continue
        health = target.get("healthcheck") or {}
        if condition == "service_healthy" and (not health.get("test") or health.get("disable")):
            reason = f"{dep} has no healthcheck: the init container waits for its port only"
            built.dropped.append(
                Dropped(f"services.{name}.depends_on.{dep}.condition", where, reason)
            )
        port = found[0].published or found[0].target
        host = k8s_name(dep)
        kind = str((target.get("labels") or {}).get("kompose.service.type") or "").lower()
        if kind == "loadbalancer":  # one Service per protocol (k8s_services)
            host = f"{host}-{found[0].protocol.lower()}"
        out.append({
            "name": f"wait-for-{host}"[:63],
            "image": WAIT_IMAGE,
            "command": ["sh", "-c", f"until nc -z {host} {port}; do echo waiting for {host}; sleep 2; done"],
        })  # fmt: skip
        built.notes.append(
            f"{name}: init container waits for {dep}:{port} (depends_on {condition})"
        )
    return out


def _mount_refs(
    name: str,
    service: dict[str, Any],
    project: Project,
    kind: str,
    volumes: list[Any],
    built: Built,
) -> list[dict[str, Any]]:
    """Compose configs -> ConfigMaps, secrets -> references to Secrets made outside git."""
    mounts = []
    for index, item in enumerate(service.get(kind) or []):
        spec = {"source": item} if isinstance(item, str) else dict(item)
        source = str(spec.get("source"))
        top = (project.top.get(kind) or {}).get(source)
        where = project.at("services", name, kind, index)
        if top is None:
            built.dropped.append(
                Dropped(f"services.{name}.{kind}[{index}]", where, f"{source} is not defined")
            )
            continue
        default = f"/run/secrets/{source}" if kind == "secrets" else f"/{source}"
        target = str(spec.get("target") or default)
        if kind == "secrets" and not target.startswith("/"):
            target = f"/run/secrets/{target}"
        obj_name = k8s_name(str(top.get("name") or source))
        key = PurePosixPath(str(top.get("file") or source)).name
        item_path = PurePosixPath(target).name
        if kind == "configs":
            ref = {"configMap": {"name": obj_name, "items": [{"key": key, "path": item_path}]}}
            if not top.get("external"):
                built.objects.append(_config_object(obj_name, key, top, project))
        else:
            ref = {"secret": {"secretName": obj_name, "items": [{"key": key, "path": item_path}]}}
            if not top.get("external"):
                built.notes.append(f"{name}: secret {source} is referenced as Secret {obj_name}; create it "
                                   f"outside git (kubectl create secret generic {obj_name} --from-file={key}=PATH)")  # fmt: skip
        volume = {"name": obj_name, **ref}
        if volume not in volumes:
            volumes.append(volume)
        mounts.append(
            {"mountPath": target, "name": obj_name, "subPath": item_path, "readOnly": True}
        )
    return mounts


def _config_object(name: str, key: str, top: dict[str, Any], project: Project) -> dict[str, Any]:
    if top.get("content") is not None:
        text = str(top["content"])
    elif top.get("environment"):
        text = project.env.get(str(top["environment"]), "")
    else:
        path = project.base_dir / str(top.get("file", ""))
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name},
        "data": {key: text},
    }


def _cron_job(meta: dict[str, Any], spec: dict[str, Any], labels: dict[str, Any]) -> dict[str, Any]:
    """kompose's `kompose.cronjob.*` labels: the service runs as a CronJob."""
    if spec["restartPolicy"] == "Always":
        spec = {**spec, "restartPolicy": "OnFailure"}
    job: dict[str, Any] = {"template": {"metadata": {"labels": dict(meta["labels"])}, "spec": spec}}
    if labels.get("kompose.cronjob.backoff_limit") is not None:
        job["backoffLimit"] = whole(
            labels["kompose.cronjob.backoff_limit"], "kompose.cronjob.backoff_limit"
        )
    body: dict[str, Any] = {
        "schedule": str(labels["kompose.cronjob.schedule"]),
        "jobTemplate": {"spec": job},
    }
    if labels.get("kompose.cronjob.concurrency_policy"):
        body["concurrencyPolicy"] = str(labels["kompose.cronjob.concurrency_policy"])
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": meta, "spec": body}


def _annotations(meta: dict[str, Any]) -> dict[str, Any]:
    return {"annotations": dict(meta["annotations"])} if meta.get("annotations") else {}
