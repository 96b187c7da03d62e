"""Dockerfiles in the inventory: base images (`FROM`, build stages excluded) and exposed ports
(`EXPOSE`), each at the line its instruction starts on (continuation lines joined)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gitmigrate.platform.scan_model import SELF_HOSTED, Item, Problem
from gitmigrate.platform.scan_yaml import image_item

_NAMES = re.compile(
    r"^(Dockerfile|Containerfile)([.-][\w.-]+)?$|^[\w.-]+\.(Dockerfile|dockerfile)$"
)


def is_dockerfile_name(name: str) -> bool:
    return _NAMES.match(name) is not None


def _instructions(text: str) -> Iterator[tuple[int, str, str]]:
    """(line, INSTRUCTION, arguments) with backslash continuations joined; comments skipped."""
    start = 0
    parts: list[str] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not parts and (not line or line.startswith("#")):
            continue
        if parts and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1].strip())
            continue
        parts.append(line)
        joined = " ".join(p for p in parts if p)
        parts = []
        word, _, rest = joined.partition(" ")
        yield start, word.upper(), rest.strip()
    if parts:
        joined = " ".join(p for p in parts if p)
        word, _, rest = joined.partition(" ")
        yield start, word.upper(), rest.strip()


def scan_dockerfile(text: str, file: str) -> tuple[list[Item], list[Problem]]:
    items: list[Item] = []
    problems: list[Problem] = []
    stages: set[str] = set()
    for line, instruction, rest in _instructions(text):
        if instruction == "FROM":
            words = [w for w in rest.split() if not w.startswith("--")]
            if not words:
                problems.append(Problem(file, line, 1, "FROM without an image"))
                continue
            image = words[0]
            if len(words) >= 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
            if image.lower() in stages or image.lower() == "scratch":
                continue
            items.append(image_item("dockerfile", "base-image", image, file, line, "FROM"))
        elif instruction == "EXPOSE":
            for port in rest.split():
                items.append(Item("dockerfile", "port", SELF_HOSTED, "network", "exposed port",
                                  f"EXPOSE {port}", file, line, key=port))  # fmt: skip
    return items, problems
