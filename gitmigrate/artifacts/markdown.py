"""Small Markdown helpers shared by the artifact writers. Output is deterministic for the same
facts; the one line that carries the generation time is `header`'s, marked as such."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gitmigrate.artifacts.model import PlanModel

TIMESTAMP_MARK = "Generated at"


def header(title: str, model: PlanModel) -> list[str]:
    return [
        f"# {title}",
        "",
        f"_{TIMESTAMP_MARK} {model.generated_at} by {model.generated_by} with `git migrate plan`"
        " (the only line that changes when nothing else did; regenerate, do not edit)._",
        "",
    ]


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("|", "\\|").split()) or " "


def table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


def seconds(value: float) -> str:
    if value < 1:
        return f"{value:.2f} s"
    if value < 120:
        return f"{value:.1f} s"
    if value < 7200:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def short(commit: str | None) -> str:
    return (commit or "")[:12] or "(uncommitted)"


def code(text: str) -> str:
    return f"`{text}`"


def target_flag(model: PlanModel) -> str:
    return (
        f" --target {model.target}"
        if model.target and "://" not in model.target
        else (" --target <url>" if model.target else "")
    )
