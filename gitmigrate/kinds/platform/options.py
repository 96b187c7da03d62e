"""A platform step's [options] in step.toml, typed:

op = "compose-to-k8s"                  # compose-to-k8s | terraform
inputs = ["docker-compose.yml"]        # compose-to-k8s: the Compose files, merged in order
out = "k8s"                            # compose-to-k8s: the directory of the manifests
controller = "deployment"              # deployment | statefulset | daemonset
volumes = "persistentVolumeClaim"      # persistentVolumeClaim | emptyDir | hostPath | configMap
namespace = "shop"                     # optional
interpolate = true                     # resolve ${VAR:-default} (from .env files, never the shell)
emptyvols = false                      # every volume an emptyDir
replicas = 1
profiles = ["debug"]                   # active Compose profiles (none: every service)
path = "infra"                         # terraform: the directory converted
from = "aws"                           # terraform: the provider converted from ...
to = "gcp"                             # ... and to (gcp | azure)
outputs = ["k8s/web-deployment.yaml"]  # the project files the step wrote
dropped = ["services.web.logging (compose.yml:9:5): ..."]   # informative, as review shows it
needs_person = ["aws_iam_role.app: ..."]                     # informative (findings.json rules)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmigrate.errors import UsageError

OPS = ("compose-to-k8s", "terraform")
COMPOSE, TERRAFORM = OPS
CONTROLLERS = ("deployment", "statefulset", "daemonset")
VOLUMES = ("persistentVolumeClaim", "emptyDir", "hostPath", "configMap")
SOURCES = ("aws",)
TARGETS = ("gcp", "azure")


@dataclass(frozen=True)
class PlatformOptions:
    op: str
    inputs: tuple[str, ...] = ()
    out: str | None = None
    controller: str = "deployment"
    volumes: str = "persistentVolumeClaim"
    namespace: str | None = None
    interpolate: bool = True
    emptyvols: bool = False
    replicas: int = 1
    profiles: tuple[str, ...] = ()
    path: str = "."
    source: str = "aws"
    target: str = "gcp"
    outputs: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()  # informative: findings.json is what the kind reads
    needs_person: tuple[str, ...] = ()

    def to_toml(self) -> dict[str, Any]:
        if self.op == TERRAFORM:
            return {"op": self.op, "path": self.path, "from": self.source, "to": self.target,
                    "outputs": list(self.outputs), **self._informative()}  # fmt: skip
        out: dict[str, Any] = {"op": self.op, "inputs": list(self.inputs), "out": self.out,
                               "controller": self.controller, "volumes": self.volumes}  # fmt: skip
        if self.namespace:
            out["namespace"] = self.namespace
        if self.profiles:
            out["profiles"] = list(self.profiles)
        out.update(interpolate=self.interpolate, emptyvols=self.emptyvols,
                   replicas=self.replicas, outputs=list(self.outputs))  # fmt: skip
        return {**out, **self._informative()}

    def _informative(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.dropped:
            out["dropped"] = list(self.dropped)
        if self.needs_person:
            out["needs_person"] = list(self.needs_person)
        return out

    @property
    def operation(self) -> str:
        if self.op == TERRAFORM:
            return f"PLATFORM TERRAFORM {self.source.upper()}->{self.target.upper()}"
        return "PLATFORM COMPOSE-TO-K8S"


def _strings(raw: Any, name: str, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):  # `add platform inputs=a.yml,b.yml`
        return tuple(p.strip() for p in raw.split(",") if p.strip())
    if not isinstance(raw, list | tuple) or not all(isinstance(x, str) for x in raw):
        raise UsageError(f"{where}: {name} must be a list of strings", f'write {name} = ["..."]')
    return tuple(raw)


def _choice(raw: Mapping[str, Any], name: str, choices: tuple[str, ...], default: str,
            where: str) -> str:  # fmt: skip
    value = raw.get(name, default)
    if value not in choices:
        raise UsageError(f"{where}: {name} = {value!r} is not one of {', '.join(choices)}",
                         f'write {name} = "{choices[0]}"')  # fmt: skip
    return str(value)


def _flag(raw: Mapping[str, Any], name: str, default: bool, where: str) -> bool:
    value = raw.get(name, default)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise UsageError(f"{where}: {name} must be true or false", f"write {name} = {default}")
    return value


def _replicas(raw: Mapping[str, Any], where: str) -> int:
    value = raw.get("replicas", 1)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if isinstance(value, bool) or number < 0:
        raise UsageError(f"{where}: replicas = {value!r} is not a count", "write replicas = 1")
    return number


def options_of(raw: Mapping[str, Any], where: str = "[options]") -> PlatformOptions:
    """Typed options; what is missing or of the wrong type is a UsageError naming it."""
    op = raw.get("op")
    if op not in OPS:
        raise UsageError(f"{where}: op must be one of {', '.join(OPS)}",
                         'write op = "compose-to-k8s"')  # fmt: skip
    outputs = _strings(raw.get("outputs"), "outputs", where)
    dropped = _strings(raw.get("dropped"), "dropped", where)
    needs_person = _strings(raw.get("needs_person"), "needs_person", where)
    if op == TERRAFORM:
        path = raw.get("path", ".")
        if not isinstance(path, str) or not path:
            raise UsageError(f"{where}: path must be a directory", 'write path = "infra"')
        return PlatformOptions(
            TERRAFORM, path=path, outputs=outputs, dropped=dropped, needs_person=needs_person,
            source=_choice(raw, "from", SOURCES, "aws", where),
            target=_choice(raw, "to", TARGETS, "gcp", where),
        )  # fmt: skip
    inputs = _strings(raw.get("inputs"), "inputs", where)
    out = raw.get("out")
    if not inputs:
        raise UsageError(f"{where}: a compose-to-k8s step needs its Compose files",
                         'write inputs = ["docker-compose.yml"]')  # fmt: skip
    if not isinstance(out, str) or not out:
        raise UsageError(f"{where}: a compose-to-k8s step needs out", 'write out = "k8s"')
    namespace = raw.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        raise UsageError(f"{where}: namespace must be a string", 'write namespace = "shop"')
    return PlatformOptions(
        COMPOSE, inputs=inputs, out=out, namespace=namespace or None, outputs=outputs,
        dropped=dropped, needs_person=needs_person,
        controller=_choice(raw, "controller", CONTROLLERS, "deployment", where),
        volumes=_choice(raw, "volumes", VOLUMES, "persistentVolumeClaim", where),
        interpolate=_flag(raw, "interpolate", True, where),
        emptyvols=_flag(raw, "emptyvols", False, where),
        replicas=_replicas(raw, where),
        profiles=_strings(raw.get("profiles"), "profiles", where),
    )  # fmt: skip
