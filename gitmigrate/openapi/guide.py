"""The migration guide for an API's consumers, in Markdown: per operation what changed, why it
breaks, the request and response before and after (examples from the schemas), and what to do;
spec-wide changes (components, security) last. Built from `diff_specs`'s changes, so the guide
and `api diff` never disagree.

    text = migration_guide(base, revision, changes, title="Pets API v2")
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from gitmigrate.openapi.guide_examples import Exchange, exchange
from gitmigrate.openapi.guide_words import words
from gitmigrate.openapi.model import LEVEL_RANK, SHORT, ApiChange
from gitmigrate.openapi.spec import Spec

WHOLE_SPEC = "Changes to the whole API"


def migration_guide(base: Spec, revision: Spec, changes: Sequence[ApiChange], *,
                    title: str | None = None, min_level: str = "info") -> str:  # fmt: skip
    """The guide as Markdown text (ends in a newline)."""
    kept = [c for c in changes if LEVEL_RANK[c.level] >= LEVEL_RANK[min_level]]
    by_operation: dict[str, list[ApiChange]] = defaultdict(list)
    for change in kept:
        by_operation[change.operation].append(change)
    breaking = sum(1 for c in kept if c.level == "error")
    out = [
        f"# {title or 'API migration guide'}",
        "",
        f"From `{base.name}` to `{revision.name}`: {len(kept)} change(s), {breaking} of them"
        f" breaking, in {len([o for o in by_operation if o])} operation(s).",
        "",
    ]
    if not kept:
        out += ["Nothing changed that a client can notice.", ""]
    ordered = sorted((o for o in by_operation if o),
                     key=lambda o: (-max(LEVEL_RANK[c.level] for c in by_operation[o]), o))  # fmt: skip
    for operation in ordered:
        out += _operation(base, revision, operation, by_operation[operation])
    if by_operation.get(""):
        out += [f"## {WHOLE_SPEC}", ""] + _changes(by_operation[""]) + _todo(by_operation[""])
    return "\n".join(out).rstrip("\n") + "\n"


def _changes(changes: list[ApiChange]) -> list[str]:
    out = ["### What changed", ""]
    for c in changes:
        why, _ = words(c)
        out.append(f"- **{SHORT[c.level]}** `{c.id}`: {c.text}")
        if c.level != "info":
            out.append(f"  - why it breaks: {why}")
    return out + [""]


def _todo(changes: list[ApiChange]) -> list[str]:
    seen: list[str] = []
    for c in changes:
        todo = words(c)[1]
        if c.level != "info" and todo not in seen:
            seen.append(todo)
    if not seen:
        seen = ["nothing: these changes do not break clients"]
    return ["### What to do", ""] + [f"- {t[0].upper()}{t[1:]}." for t in seen] + [""]


def _operation(base: Spec, revision: Spec, operation: str, changes: list[ApiChange]) -> list[str]:
    first = changes[0]
    method, _, path = operation.partition(" ")
    method, path = first.method or method, first.path or path
    out = [f"## `{operation}`", ""] + _changes(changes)
    before, after = exchange(base.doc, method, path), exchange(revision.doc, method, path)
    if before is not None or after is not None:
        out += ["### Before and after", ""]
        out += _side("Request", before, after, Exchange.request_text)
        out += _side("Response", before, after, Exchange.response_text)
    return out + _todo(changes)


def _side(label: str, before: Exchange | None, after: Exchange | None,
          text: Callable[[Exchange], str | None]) -> list[str]:  # fmt: skip
    old = text(before) if before is not None else None
    new = text(after) if after is not None else None
    if old is None and new is None:
        return []
    out: list[str] = []
    for when, body, gone in (
        ("before", old, "(the operation is new)"),
        ("after", new, "(the operation is removed)"),
    ):
        out += [f"{label} {when}:", ""]
        out += ["```http", body, "```", ""] if body is not None else [f"{gone}", ""]
    if old is not None and old == new:
        out = [f"{label} (unchanged):", "", "```http", old, "```", ""]
    return out
