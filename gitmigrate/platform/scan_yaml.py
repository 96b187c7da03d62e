"""Compose files and Kubernetes manifests in the inventory, read through the structured-file
layer (positions, anchors, merge keys; invalid YAML is a FileFormatError at file:line:col).

Compose: each service (its image, or `build`) and each named volume. Kubernetes: each object
(kind/name) of every `---` document, and the images of its containers. An image that stands in
for a managed service (postgres, redis, rabbitmq ...) carries the table rows it matches."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gitmigrate.errors import FileFormatError
from gitmigrate.files.document import Document, loads
from gitmigrate.files.keypath import KeyPath
from gitmigrate.platform import services
from gitmigrate.platform.scan_model import KUBERNETES, SELF_HOSTED, Item, Problem

_COMPOSE_NAME = re.compile(r"^(docker-)?compose([.-][\w.-]+)?\.ya?ml$")
_K8S_HINT = re.compile(r"^kind:\s*\S", re.MULTILINE)
_SEPARATOR = re.compile(r"^---(\s|$)")
_TEMPLATE = re.compile(r"\{\{.*\}\}")


def is_compose_name(name: str) -> bool:
    return _COMPOSE_NAME.match(name) is not None


def looks_like_manifest(text: str) -> bool:
    return _K8S_HINT.search(text) is not None and "apiVersion" in text


def scan_compose(text: str, file: str) -> tuple[list[Item], list[Problem]]:
    try:
        document = loads(text, "yaml", file)
    except FileFormatError as exc:
        return [], [Problem(file, exc.line, exc.column, exc.detail)]
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("services", {}), dict):
        return [], [Problem(file, 1, 1, "not a Compose file: `services` is not a mapping")]
    items: list[Item] = []
    for name, service in (data.get("services") or {}).items():
        line = _line(document, ("services", name))
        image = service.get("image") if isinstance(service, dict) else None
        if isinstance(image, str):
            items.append(image_item("compose", "service", image, file, line, f"service {name}"))
        else:
            items.append(Item("compose", "service", SELF_HOSTED, "container", "built image",
                              f"service {name} (build)", file, line, key="build"))  # fmt: skip
    for name in data.get("volumes") or {}:
        items.append(Item("compose", "volume", SELF_HOSTED, "storage", "Compose volume",
                          f"volume {name}", file, _line(document, ("volumes", name))))  # fmt: skip
    return items, []


def image_item(source: str, kind: str, image: str, file: str, line: int, owner: str) -> Item:
    """A container image in use; its table rows when it stands in for a managed service."""
    rows = services.rows_for_image(image)
    category = rows[0].category if rows else "container"
    return Item(source, kind, SELF_HOSTED, category, services.image_name(image),
                f"{owner}: {image}", file, line, key=services.image_name(image),
                rows=tuple(r.id for r in rows))  # fmt: skip


def scan_manifests(text: str, file: str) -> tuple[list[Item], list[Problem]]:
    if _TEMPLATE.search(text):
        return [], [Problem(file, 1, 1, "a template ({{ ... }}), not plain YAML: not read")]
    items: list[Item] = []
    problems: list[Problem] = []
    for chunk in _documents(text):
        try:
            document = loads(chunk, "yaml", file)
        except FileFormatError as exc:
            problems.append(Problem(file, exc.line, exc.column, exc.detail))
            continue
        data = document.data
        if isinstance(data, dict) and str(data.get("kind", "")).endswith("List"):
            for index, inner in enumerate(data.get("items") or []):
                items.extend(_object(document, inner, ("items", index), file))
        else:
            items.extend(_object(document, data, (), file))
    return items, problems


def _object(document: Document, data: Any, at: KeyPath, file: str) -> list[Item]:
    """One Kubernetes object (at key path `at` of its document) and its containers' images."""
    if not isinstance(data, dict) or "kind" not in data or "apiVersion" not in data:
        return []
    kind = str(data["kind"])
    metadata = data.get("metadata")
    name = metadata.get("name", "?") if isinstance(metadata, dict) else "?"
    owner = f"{kind}/{name}"
    found = [Item("kubernetes", "object", KUBERNETES, "kubernetes", f"Kubernetes {kind}", owner,
                  file, _line(document, (*at, "kind")), key=kind)]  # fmt: skip
    for path, image in _images(data, at):
        found.append(image_item("kubernetes", "image", image, file, _line(document, path), owner))
    return found


def _documents(text: str) -> Iterator[str]:
    """Each `---` document of a stream as a text of the whole file's length, every other line
    blanked, so the parser's lines and columns are the file's."""
    lines = text.split("\n")
    bounds = [i for i, line in enumerate(lines) if _SEPARATOR.match(line)]
    starts = [0] + [b + 1 for b in bounds]
    ends = bounds + [len(lines)]
    for start, end in zip(starts, ends, strict=True):
        kept = lines[start:end]
        if not any(line.strip() and not line.lstrip().startswith("#") for line in kept):
            continue
        yield "\n".join([""] * start + kept + [""] * (len(lines) - end))


def _images(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """(key path, image) of every container and init container under a manifest."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("containers", "initContainers", "ephemeralContainers") and isinstance(
                inner, list
            ):
                for index, container in enumerate(inner):
                    if isinstance(container, dict) and isinstance(container.get("image"), str):
                        yield (*path, key, index, "image"), container["image"]
            else:
                yield from _images(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _images(inner, (*path, index))


def _line(document: Document, path: KeyPath) -> int:
    while path:
        line = document.line_of(path)
        if line is not None:
            return line
        path = path[:-1]
    return 1
