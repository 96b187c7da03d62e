"""Read Compose files into one Project: each file through the structured-file layer (YAML with
anchors and merge keys resolved, file:line:col errors), values interpolated from the
environment and the project's `.env`, files merged in order by Compose's merge rules, and
`extends` resolved. Reads files only; never writes or prints."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.files.document import Document, load
from gitmigrate.platform.compose_interp import interpolate_tree
from gitmigrate.platform.compose_keys import check_keys
from gitmigrate.platform.compose_model import Project
from gitmigrate.platform.compose_shapes import check_shapes

# lists Compose merges by a key of their items (later files replace the item with that key)
_MAPPING_LISTS = ("environment", "labels", "extra_hosts", "sysctls", "annotations")
_APPEND_LISTS = ("ports", "expose", "external_links", "dns", "dns_search", "tmpfs", "env_file")
_BY_TARGET = ("volumes", "devices", "secrets", "configs")


def load_project(
    files: Sequence[Path],
    *,
    env: Mapping[str, str] | None = None,
    base_dir: Path | None = None,
    interpolate: bool = True,
) -> Project:
    if not files:
        raise UsageError("no Compose file given", "name at least one compose.yaml")
    base = base_dir or Path(files[0]).parent
    project_env = dict(read_env_file(base / ".env", {})) if (base / ".env").is_file() else {}
    project_env.update(os.environ if env is None else env)
    project = Project({}, {}, {}, base, project_env)
    missing: set[str] = set()
    for file in files:
        _add_file(Path(file), project, interpolate, missing, ())
    for name in sorted(missing):
        project.notes.append(f"variable {name} is not set: it reads as an empty string")
    return project


def _add_file(
    file: Path, project: Project, interpolate: bool, missing: set[str], seen: tuple[Path, ...]
) -> None:
    """One Compose file merged into the project, the files it `include`s first."""
    if file.resolve() in seen:
        raise UsageError(
            f"{file}: include makes a cycle", "remove the include that leads back to this file"
        )
    doc = _read(file)
    data = doc.data if isinstance(doc.data, dict) else {}
    if data and "services" not in data and all(_looks_like_service(v) for v in data.values()):
        data = {"services": data}  # the version 1 format: services at the top level
        project.notes.append(f"{doc.name}: version 1 format (no services:), read as services")
        doc.nodes = {("services", *p): n for p, n in doc.nodes.items()}
    if interpolate:
        data = interpolate_tree(data, project.env, doc.name, missing)
    for item in data.get("include") or []:
        paths = item.get("path") if isinstance(item, dict) else item
        for path in [paths] if isinstance(paths, str) else paths or []:
            _add_file(
                file.parent / str(path), project, interpolate, missing, (*seen, file.resolve())
            )
    where = {path: f"{doc.name}:{node.line}:{node.column}" for path, node in doc.nodes.items()}
    check_shapes(data, where, f"{doc.name}:1:1")
    project.where.setdefault((), f"{doc.name}:1:1")
    project.dropped.extend(check_keys(data, where))
    for name, service in (data.get("services") or {}).items():
        service = _normalise(service or {})
        service = _extends(name, service, data, file, project, interpolate, missing)
        old = project.services.get(name, {})
        project.services[name] = merge_service(old, service)
    for key, value in data.items():
        if key in ("volumes", "networks", "configs", "secrets") and isinstance(value, dict):
            project.top.setdefault(key, {}).update(value)
        elif key == "name":
            project.top["name"] = str(value)
    project.where.update(where)


def _read(path: Path) -> Document:
    doc = load(path, format="yaml")
    if doc.data is not None and not isinstance(doc.data, dict):
        raise UsageError(f"{doc.name}:1:1: a Compose file is a mapping", "start it with services:")
    return doc


def read_env_file(path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """A .env / env_file: KEY=value lines (through the .env parser); `${VAR}` in values is
    interpolated from `env` and the earlier lines, as Compose does."""
    doc = load(path, format="env")
    values: dict[str, str] = {}
    for key, value in (doc.data or {}).items():
        scope = {**env, **values}
        values[key] = interpolate_tree(value, scope, f"{doc.name}", set())
    return values


def _normalise(service: dict[str, Any]) -> dict[str, Any]:
    """List forms Compose allows for mappings (`- KEY=value`) read as mappings, so merging
    works on one shape; `env_file` is always a list."""
    out = dict(service)
    for key in _MAPPING_LISTS:
        value = out.get(key)
        if isinstance(value, list):
            mapping: dict[str, Any] = {}
            for item in value:
                text = str(item)
                sep = "=" if key != "extra_hosts" or "=" in text else ":"
                name, has, rest = text.partition(sep)
                mapping[name.strip()] = rest if has else None
            out[key] = mapping
    if isinstance(out.get("env_file"), str | dict):
        out["env_file"] = [out["env_file"]]
    if isinstance(out.get("depends_on"), list):
        out["depends_on"] = {d: {"condition": "service_started"} for d in out["depends_on"]}
    return out


def merge_service(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Compose's merge: mappings merge, `ports` and the like append, volumes and secrets
    replace the entry with the same target, anything else is replaced."""
    out = dict(base)
    for key, value in over.items():
        old = out.get(key)
        if key in _APPEND_LISTS and isinstance(old, list) and isinstance(value, list):
            out[key] = old + [v for v in value if v not in old]
        elif key in _BY_TARGET and isinstance(old, list) and isinstance(value, list):
            merged = {_target(v): v for v in old}
            merged.update({_target(v): v for v in value})
            out[key] = list(merged.values())
        elif isinstance(old, dict) and isinstance(value, dict) and key not in ("command",):
            out[key] = _deep_merge(old, value)
        else:
            out[key] = value
    return out


def _deep_merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for key, value in new.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _target(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("target") or item.get("source"))
    parts = str(item).split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def _extends(
    name: str,
    service: dict[str, Any],
    data: dict[str, Any],
    file: Path,
    project: Project,
    interpolate: bool,
    missing: set[str],
    seen: tuple[str, ...] = (),
) -> dict[str, Any]:
    spec = service.get("extends")
    if spec is None:
        return service
    if isinstance(spec, str):
        spec = {"service": spec}
    parent_name = str(spec.get("service", ""))
    if f"{file}#{parent_name}" in seen:
        raise UsageError(f"{file}: extends makes a cycle through {parent_name}", "break the cycle")
    parent_data = data
    parent_file = file
    if spec.get("file"):
        parent_file = (file.parent / str(spec["file"])).resolve()
        parent_data = _read(parent_file).data or {}
        if interpolate:
            parent_data = interpolate_tree(parent_data, project.env, str(parent_file), missing)
    parents = parent_data.get("services") or {}
    if parent_name not in parents:
        raise UsageError(
            f"{file}: service {name} extends {parent_name}, which is not defined there",
            f"services there: {', '.join(parents) or 'none'}",
        )
    parent = _normalise(parents[parent_name] or {})
    chain = (*seen, f"{file}#{name}", f"{parent_file}#{parent_name}")
    parent = _extends(
        parent_name, parent, parent_data, parent_file, project, interpolate, missing, chain
    )
    if parent_file.parent.resolve() != project.base_dir.resolve():
        parent = _rebase(parent, parent_file.parent, project.base_dir)
    own = {k: v for k, v in service.items() if k != "extends"}
    return merge_service({k: v for k, v in parent.items() if k != "extends"}, own)


def _looks_like_service(value: Any) -> bool:
    return isinstance(value, dict) and bool({"image", "build"} & set(value))


def _rebase(service: dict[str, Any], source: Path, base: Path) -> dict[str, Any]:
    """Relative paths of a service read from another folder (`extends: file:`), made relative
    to the project folder, as Compose resolves them against the file that wrote them."""

    def move(path: str) -> str:
        if Path(path).is_absolute() or path.startswith("~"):
            return path
        return "./" + os.path.relpath((source / path).resolve(), base.resolve())

    out = dict(service)
    if out.get("env_file"):
        out["env_file"] = [
            {**item, "path": move(str(item["path"]))} if isinstance(item, dict) else move(str(item))
            for item in out["env_file"]
        ]
    volumes = []
    for item in out.get("volumes") or []:
        if isinstance(item, dict) and item.get("type") == "bind" and item.get("source"):
            item = {**item, "source": move(str(item["source"]))}
        elif isinstance(item, str) and item.startswith("."):
            head, sep, rest = item.partition(":")
            item = move(head) + sep + rest
        volumes.append(item)
    if volumes:
        out["volumes"] = volumes
    return out
