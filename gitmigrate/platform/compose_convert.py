"""Compose -> Kubernetes manifests, kompose's output and past it (see k8s_workload), with every
Compose key that is not carried over reported with the reason. Pure: reads the Compose files
(and the files they name), returns values; writes nothing, prints nothing.

    conversion = convert_compose([Path("compose.yaml")], options=ComposeOptions(namespace="web"))
    conversion.files      # {"web-deployment.yaml": "...", ...}
    validate_manifests(conversion.resources)  # [] when kubernetes-validate accepts them all
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.platform.compose_load import load_project, read_env_file
from gitmigrate.platform.compose_model import ComposeOptions, Conversion, Dropped, Project
from gitmigrate.platform.k8s_network import network_policies
from gitmigrate.platform.k8s_render import render_files
from gitmigrate.platform.k8s_services import autoscaler, ingress, services
from gitmigrate.platform.k8s_validate import validate_manifests
from gitmigrate.platform.k8s_values import k8s_name
from gitmigrate.platform.k8s_volumes import parse_volume
from gitmigrate.platform.k8s_workload import build_workload

__all__ = ["ComposeOptions", "Conversion", "Dropped", "convert_compose", "validate_manifests"]

DEFAULT_OPTIONS = ComposeOptions()
_CONTROLLERS = ("deployment", "statefulset", "daemonset")
_VOLUME_MODES = ("persistentVolumeClaim", "emptyDir", "hostPath", "configMap")


def convert_compose(
    files: Sequence[Path],
    *,
    env: Mapping[str, str] | None = None,
    options: ComposeOptions = DEFAULT_OPTIONS,
    base_dir: Path | None = None,
) -> Conversion:
    """Convert Compose files (merged in order) to Kubernetes objects. `env` replaces the
    process environment for interpolation (the project's `.env` is read either way).
    `base_dir` is Compose's project directory (`.env`, `env_file`, bind mounts and configs are
    found from it); by default the first file's folder. Positions in `dropped` name the files
    as given in `files`."""
    _check_options(options)
    project = load_project(
        [Path(f) for f in files], env=env, base_dir=base_dir, interpolate=options.interpolate
    )
    _select_profiles(project, options.profiles)
    dropped = list(project.dropped)
    if options.network_policies:  # converted to NetworkPolicies, no longer dropped
        dropped = [d for d in dropped if not (d.key == "networks" or d.key.endswith(".networks"))]
    notes = list(project.notes)
    env_maps, env_objects = _env_config_maps(project)
    healthy = {
        dep
        for service in project.services.values()
        for dep, spec in (service.get("depends_on") or {}).items()
        if str((spec or {}).get("condition")) == "service_healthy"
    }
    services_out: list[dict[str, Any]] = []
    workloads: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for owner, members in _groups(project, options).items():
        built = build_workload(owner, members, project, options, env_maps, healthy)
        workloads.append(built.workload)
        for obj in built.objects:
            if obj not in others:
                others.append(obj)
        dropped += built.dropped
        notes += built.notes
        headless = built.workload["kind"] == "StatefulSet"
        for name in members:
            service = project.services[name]
            made = services(name, service, project, owner, headless=headless)
            services_out += made
            if made and made[0]["spec"].get("type") == "LoadBalancer":
                if (service.get("labels") or {}).get("kompose.service.expose"):
                    where = project.at("services", name, "labels", "kompose.service.expose")
                    reason = "the Service is a LoadBalancer already; no Ingress in front of it"
                    dropped.append(
                        Dropped(f"services.{name}.labels.kompose.service.expose", where, reason)
                    )
            else:
                ing = ingress(name, service, made[0] if made else None)
                if ing is not None:
                    others.append(ing)
            hpa = autoscaler(name, service, built.workload["kind"])
            if hpa is not None and built.workload["kind"] in ("Deployment", "StatefulSet"):
                others.append(hpa)
            elif hpa is not None:
                where = project.at("services", name, "labels")
                reason = f"a {built.workload['kind']} cannot be scaled by a HorizontalPodAutoscaler"
                dropped.append(Dropped(f"services.{name}.labels.kompose.hpa", where, reason))
    for obj in env_objects:
        if obj not in others:
            others.append(obj)
    if options.network_policies:
        others += network_policies(project, workloads, _groups(project, options))
    notes += [note for note in project.notes if note not in notes]  # the volumes' notes
    resources = services_out + workloads + others
    if options.namespace:
        for obj in resources:
            obj["metadata"]["namespace"] = options.namespace
        ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": options.namespace}}
        resources.insert(0, ns)
    return Conversion(resources, render_files(resources), dropped, notes)


def _check_options(options: ComposeOptions) -> None:
    if options.controller.lower() not in _CONTROLLERS:
        raise UsageError(
            f"unknown controller {options.controller!r}", f"use one of {', '.join(_CONTROLLERS)}"
        )
    if options.volumes not in _VOLUME_MODES:
        raise UsageError(
            f"unknown volume type {options.volumes!r}", f"use one of {', '.join(_VOLUME_MODES)}"
        )
    if options.service_group_mode not in (None, "label", "volume"):
        raise UsageError(
            f"unknown service group mode {options.service_group_mode!r}", "use label or volume"
        )


def _groups(project: Project, options: ComposeOptions) -> dict[str, list[str]]:
    """Workload name -> the services in its Pod (one each unless a service group mode asks)."""
    names = list(project.services)
    if options.service_group_mode == "label":
        groups: dict[str, list[str]] = {}
        for name in names:
            label = (project.services[name].get("labels") or {}).get("kompose.service.group")
            groups.setdefault(k8s_name(str(label or name)), []).append(name)
        return {k: sorted(v) for k, v in groups.items()}
    if options.service_group_mode == "volume":
        by_volume: dict[str, set[str]] = {}
        for name in names:
            for item in project.services[name].get("volumes") or []:
                source = parse_volume(item).get("source")
                if source:
                    by_volume.setdefault(str(source), set()).add(name)
        groups = {}
        placed: set[str] = set()
        for members in by_volume.values():
            if len(members) > 1 and not members & placed:
                group = sorted(members)
                owner = options.service_group_name or "-".join(k8s_name(m) for m in group)
                groups[k8s_name(owner)] = group
                placed |= members
        for name in names:
            if name not in placed:
                groups[k8s_name(name)] = [name]
        return groups
    groups = {}
    for name in names:
        mode = str(project.services[name].get("network_mode") or "")
        host = mode.removeprefix("service:") if mode.startswith("service:") else name
        groups.setdefault(k8s_name(host if host in project.services else name), []).append(name)
    return groups


def _env_config_maps(project: Project) -> tuple[dict[str, list[str]], list[dict[str, Any]]]:
    """env_file -> one ConfigMap per file (shared by the services that name it), and the
    ConfigMap names each service takes its environment from."""
    refs: dict[str, list[str]] = {}
    objects: dict[str, dict[str, Any]] = {}
    names: dict[Path, str] = {}  # one ConfigMap per file; files of the same name get 1, 2, ...
    for name, service in project.services.items():
        for index, item in enumerate(service.get("env_file") or []):
            spec = {"path": item} if isinstance(item, str) else dict(item)
            path = project.base_dir / str(spec["path"])
            if not path.is_file():
                if spec.get("required", True) is False:
                    continue
                where = project.at("services", name, "env_file", index)
                raise UsageError(
                    f"{where}: env_file {spec['path']} does not exist", "create it or remove it"
                )
            key = path.resolve()
            if key not in names:
                base = k8s_name(path.name.replace(".", "-"))
                taken = set(names.values())
                names[key] = next(
                    c
                    for n in range(len(taken) + 1)
                    if (c := base + (str(n) if n else "")) not in taken
                )
            cm_name = names[key]
            refs.setdefault(name, []).append(cm_name)
            if cm_name not in objects:
                data = read_env_file(path, project.env)
                objects[cm_name] = {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {
                        "labels": {"io.kompose.service": f"{k8s_name(name)}-{cm_name}"},
                        "name": cm_name,
                    },
                    "data": {k: str(v) for k, v in data.items()},
                }
    return refs, list(objects.values())


def _select_profiles(project: Project, asked: tuple[str, ...]) -> None:
    """Compose profiles: a service with `profiles` runs only when one of them is active (the
    options', else COMPOSE_PROFILES'); one left out is reported."""
    active = set(asked) or {
        p.strip() for p in project.env.get("COMPOSE_PROFILES", "").split(",") if p.strip()
    }
    for name, service in list(project.services.items()):
        profiles = [str(p) for p in service.get("profiles") or []]
        if profiles and "*" not in active and not set(profiles) & active:
            del project.services[name]
            reason = (f"its profiles {', '.join(profiles)} are not active: the service is left out "
                      "(activate one with --profile or COMPOSE_PROFILES)")  # fmt: skip
            project.dropped.append(
                Dropped(f"services.{name}", project.at("services", name), reason)
            )
