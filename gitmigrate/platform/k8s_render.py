"""Kubernetes objects -> YAML text, one file per object named as kompose names them
(`<name>-<kind>.yaml`, e.g. `web-deployment.yaml`)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any


def to_yaml(obj: Mapping[str, Any]) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buffer = io.StringIO()
    yaml.dump(_plain(obj), buffer)
    return "---\n" + buffer.getvalue()


def render_files(resources: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    files: dict[str, str] = {}
    for obj in resources:
        name = str(obj["metadata"]["name"])
        base = f"{name}-{str(obj['kind']).lower()}"
        path, n = f"{base}.yaml", 1
        while path in files:
            n += 1
            path = f"{base}-{n}.yaml"
        files[path] = to_yaml(obj)
    return files


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
