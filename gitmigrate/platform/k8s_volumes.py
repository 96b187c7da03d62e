"""Compose volumes -> Pod volumes, mounts and the objects behind them: named and anonymous
volumes become PersistentVolumeClaims (or emptyDir/hostPath when asked), bind-mounted files
and folders that exist in the project become ConfigMaps (their content travels with the
manifests), tmpfs becomes a memory emptyDir. A volume type Kubernetes cannot express is
reported with the reason instead of being guessed at."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from gitmigrate.platform.compose_model import ComposeOptions, Dropped, Project
from gitmigrate.platform.k8s_values import k8s_name, quantity, suffixed

_SHORT = re.compile(
    r"^(?P<src>(?:[A-Za-z]:)?[^:]+?)(?::(?P<dst>(?:[A-Za-z]:)?[^:]+?))?(?::(?P<mode>[a-z,]+))?$"
)
_NO_EQUIVALENT = {
    "npipe": "a Windows named pipe has no Kubernetes volume equivalent",
    "cluster": "a Swarm cluster volume has no Kubernetes volume equivalent",
    "image": "an image volume needs the ImageVolume feature gate; not converted",
}


@dataclass
class Volumes:
    """What one service's volumes turn into."""

    mounts: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    objects: list[dict[str, Any]] = field(default_factory=list)  # PVCs and ConfigMaps
    claims: list[dict[str, Any]] = field(default_factory=list)  # PVCs, for volumeClaimTemplates
    dropped: list[Dropped] = field(default_factory=list)


def parse_volume(item: Any) -> dict[str, Any]:
    """Short syntax `SRC:DST[:MODE]` (Windows drive letters allowed) -> the long syntax."""
    if isinstance(item, dict):
        return dict(item)
    text = str(item)
    match = _SHORT.match(text)
    if match is None or match.group("dst") is None:
        return {"type": "volume", "target": text}
    src, dst, mode = match.group("src"), match.group("dst"), match.group("mode") or ""
    bind = src.startswith((".", "/", "~")) or PureWindowsPath(src).drive != ""
    out: dict[str, Any] = {"type": "bind" if bind else "volume", "source": src, "target": dst}
    if "ro" in mode.split(","):
        out["read_only"] = True
    return out


def convert_volumes(
    name: str, service: dict[str, Any], project: Project, options: ComposeOptions, owner: str
) -> Volumes:
    labels = service.get("labels") or {}
    mode = str(
        labels.get("kompose.volume.type") or ("emptyDir" if options.emptyvols else options.volumes)
    )
    subpath = labels.get("kompose.volume.subpath")
    out = Volumes()
    for index, item in enumerate(service.get("volumes") or []):
        spec = parse_volume(item)
        kind = str(spec.get("type", "volume"))
        where = project.at("services", name, "volumes", index)
        target = str(spec.get("target", ""))
        if kind in _NO_EQUIVALENT:
            out.dropped.append(
                Dropped(f"services.{name}.volumes[{index}]", where, _NO_EQUIVALENT[kind])
            )
            continue
        mount: dict[str, Any] = {"mountPath": target}
        if spec.get("read_only"):
            mount["readOnly"] = True
        sub = (spec.get("volume") or {}).get("subpath") or subpath
        if sub:
            mount["subPath"] = str(sub)
        if kind == "tmpfs":
            vol_name = suffixed(owner, f"tmpfs{index}")
            empty: dict[str, Any] = {"medium": "Memory"}
            size = (spec.get("tmpfs") or {}).get("size")
            if size is not None:
                empty["sizeLimit"] = quantity(size)
            out.volumes.append({"name": vol_name, "emptyDir": empty})
        elif mode == "emptyDir":
            vol_name = (
                k8s_name(str(spec["source"]))
                if kind == "volume" and spec.get("source")
                else suffixed(owner, f"claim{index}")
            )
            out.volumes.append({"name": vol_name, "emptyDir": {}})
        elif kind == "bind":
            bound = _bind(spec, index, owner, mode, project, out, mount, _claim_of(labels, options))
            vol_name = bound
        else:
            source = spec.get("source")
            vol_name = k8s_name(str(source)) if source else suffixed(owner, f"claim{index}")
            top = (project.top.get("volumes") or {}).get(source) or {} if source else {}
            claim_name = k8s_name(str(top["name"])) if top.get("name") else vol_name
            out.volumes.append(
                {"name": vol_name, "persistentVolumeClaim": {"claimName": claim_name}}
            )
            if top.get("external"):
                project.notes.append(
                    f"{owner}: volume {source} is external: claim {claim_name} must exist"
                )
                mount["name"] = vol_name
                out.mounts.append(mount)
                continue  # the claim exists already: referenced, not created
            out.claims.append(_claim(claim_name, labels, options))
            if top.get("driver_opts") or top.get("driver"):
                out.dropped.append(
                    Dropped(
                        f"volumes.{source}.driver",
                        project.at("volumes", str(source)),
                        "volume drivers are a StorageClass's job; a default claim is made",
                    )  # fmt: skip
                )
        mount["name"] = vol_name
        out.mounts.append(mount)
    out.objects.extend(out.claims)
    return out


def _bind(
    spec: dict[str, Any], index: int, owner: str, mode: str, project: Project,
    out: Volumes, mount: dict[str, Any], claim: Callable[[str], dict[str, Any]],
) -> str:  # fmt: skip
    source = str(spec.get("source", ""))
    posix_abs = PurePosixPath(source).is_absolute() or source.startswith("~")
    local = None if posix_abs or PureWindowsPath(source).drive else project.base_dir / source
    if mode == "hostPath":
        path = str(local.resolve()) if local is not None else source
        vol_name = suffixed(owner, f"hostpath{index}")
        out.volumes.append({"name": vol_name, "hostPath": {"path": path}})
        return vol_name
    if local is not None and local.exists():
        return _config_map(local, spec, index, owner, out, mount)
    if posix_abs:
        project.notes.append(
            f"{owner}: host path {source} becomes claim {owner}-claim{index}; the data on the "
            "Docker host is not copied (use --volumes hostPath to mount the node's own path)"
        )
    vol_name = suffixed(owner, f"claim{index}")
    out.volumes.append({"name": vol_name, "persistentVolumeClaim": {"claimName": vol_name}})
    out.claims.append(claim(vol_name))
    return vol_name


def _config_map(
    local: Path, spec: dict[str, Any], index: int, owner: str, out: Volumes, mount: dict[str, Any]
) -> str:
    name = suffixed(owner, f"cm{index}")
    files = sorted(p for p in local.iterdir() if p.is_file()) if local.is_dir() else [local]
    data: dict[str, str] = {}
    binary: dict[str, str] = {}
    for path in files:
        raw = path.read_bytes()
        try:
            data[path.name] = raw.decode("utf-8")
        except UnicodeDecodeError:
            binary[path.name] = base64.b64encode(raw).decode("ascii")
    meta: dict[str, Any] = {"labels": {"io.kompose.service": owner}, "name": name}
    volume: dict[str, Any] = {"name": name, "configMap": {"name": name}}
    if local.is_file():
        meta["annotations"] = {"use-subpath": "true"}
        target = PurePosixPath(str(spec["target"]).replace("\\", "/")).name
        volume["configMap"]["items"] = [{"key": local.name, "path": target}]
        mount["subPath"] = target
    cm: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}
    if data:
        cm["data"] = data
    if binary:
        cm["binaryData"] = binary
    out.objects.append(cm)
    out.volumes.append(volume)
    return name


def _claim_of(labels: dict[str, Any], options: ComposeOptions) -> Callable[[str], dict[str, Any]]:
    return lambda name: _claim(name, labels, options)


def _claim(name: str, labels: dict[str, Any], options: ComposeOptions) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {
            "requests": {
                "storage": str(labels.get("kompose.volume.size") or options.pvc_request_size)
            }
        },
    }
    if labels.get("kompose.volume.storage-class-name"):
        spec["storageClassName"] = str(labels["kompose.volume.storage-class-name"])
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"labels": {"io.kompose.service": name}, "name": name},
        "spec": spec,
    }
