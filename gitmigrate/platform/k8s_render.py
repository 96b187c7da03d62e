"""Kubernetes objects -> YAML text, one file per object named as kompose names them
(`<name>-<kind>.yaml`, e.g. `web-deployment.yaml`).

kubectl and most Kubernetes tools read YAML 1.1, where `yes`, `no`, `on`, `y`, `0777` or
`1:30` are not strings; every string such a reader would take for another type is quoted, so
`ALLOW_EMPTY_PASSWORD: 'yes'` stays a string on the cluster. Text with line breaks (a mounted
config file) is written as a literal block."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

# plain scalars YAML 1.1 resolves to bool, null, int or float (its resolver's patterns)
_YAML11_NOT_STR = re.compile(
    r"""^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
    |~|null|Null|NULL|
    |[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$""",
    re.VERBOSE,
)


def to_yaml(obj: Mapping[str, Any]) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.width = 4096  # long values (commands, certificates) stay on one line
    yaml.representer.add_representer(str, _represent_str)
    buffer = io.StringIO()
    yaml.dump(_plain(obj), buffer)
    return "---\n" + buffer.getvalue()


def _represent_str(representer: Any, data: str) -> Any:
    style: str | None = None
    if "\n" in data and not any(line != line.rstrip() for line in data.splitlines()):
        style = "|"
    elif _YAML11_NOT_STR.match(data):
        style = "'"
    return representer.represent_scalar("tag:yaml.org,2002:str", data, style=style)


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
