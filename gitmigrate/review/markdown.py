"""A review as GitHub-flavoured Markdown, to paste into the migration's pull request.

Up and down SQL sit side by side in an HTML table (Markdown tables cannot hold code blocks);
long scripts are cut with a note, the branch holds the rest.
"""

from __future__ import annotations

import html
from typing import Any

from gitmigrate.review.facts import ReviewFacts, StepFacts
from gitmigrate.review.policy import Problem, blocking_problems

MAX_LINES = 60


def _code(text: str | None) -> str:
    if text is None:
        return "<em>none</em>"
    lines = text.rstrip("\n").split("\n")
    more = len(lines) - MAX_LINES
    shown = "\n".join(lines[:MAX_LINES]) + (f"\n-- … {more} more lines" if more > 0 else "")
    return f"<pre>{html.escape(shown, quote=False)}</pre>"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _toml_value(value: Any) -> str:
    """TOML as the step wrote it: tomlwrite's scalars and lists, inline tables for `map`."""
    from gitmigrate.core import tomlwrite

    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return tomlwrite.dumps({"v": value}).split(" = ", 1)[1].rstrip("\n")


def _step_section(facts: StepFacts) -> list[str]:
    step = facts.step
    out = [f"### {step.seq:03d} {step.summary or step.slug} ({step.kind})", ""]
    out.append(
        f"`{step.path}` · commit `{(step.commit or 'uncommitted')[:12]}` · checksum `{step.checksum[:12]}`"
    )
    out.append("")
    description = facts.description
    sides = description.sides
    if description.show_options:
        out += ["[options]", "```toml"]
        out += [f"{k} = {_toml_value(v)}" for k, v in step.options.items()]
        out += ["```", ""]
        rollback = facts.rollback or f"none: irreversible ({step.irreversible})"
        out += [f"**Rollback:** {rollback}", ""]
    elif sides is not None:
        forward, backward = sides
        down_head = (
            backward
            if backward in step.files
            else f"no rollback: {html.escape(step.irreversible or 'none given')}"
        )
        out += [
            f"<table><tr><th>{forward}</th><th>" + down_head + "</th></tr>",
            f"<tr><td>\n\n{_code(step.text(forward))}\n\n</td><td>\n\n{_code(step.text(backward))}\n\n</td></tr></table>",
            "",
        ]
    else:
        out += [f"Files: {', '.join(f'`{n}`' for n in sorted(step.files))}. "
                f"**Rollback:** {facts.rollback or 'none'}", ""]  # fmt: skip
    if "verify.sql" in step.files:
        out += [
            "<details><summary>verify.sql</summary>",
            "",
            _code(step.text("verify.sql")),
            "",
            "</details>",
            "",
        ]
    return out


def _problems(problems: list[Problem]) -> list[str]:
    if not problems:
        return ["**Pre-push gate:** passes (nothing blocks a push of this branch).", ""]
    out = [f"**Pre-push gate: {len(problems)} blocking problem(s)**", ""]
    out += [f"- {_cell(p.message)}. Fix: {_cell(p.fix)}" for p in problems]
    return out + [""]


def render_markdown(facts: ReviewFacts) -> str:
    steps = facts.steps
    title = f"migration `{facts.migration}`" if facts.migration else "migration steps"
    out = [f"## Review: {title}", "",
           f"Range `{facts.spec}` → `{facts.head[:12]}`: {len(steps)} step(s) changed.", ""]  # fmt: skip
    out += _problems(blocking_problems(facts))
    if steps:
        out += ["| step | kind | summary | rollback | verify | destructive | lint |",
                "|---|---|---|---|---|---|---|"]  # fmt: skip
        for f in steps:
            s = f.step
            rollback = (
                "irreversible" if s.irreversible else ("yes" if f.rollback else "**missing**")
            )
            lint = f"{sum(x.severity == 'error' for x in f.analysis.lint)} error(s), " \
                   f"{sum(x.severity == 'warning' for x in f.analysis.lint)} warning(s)"  # fmt: skip
            out.append(f"| {s.id} | {s.kind} | {_cell(s.summary)} | {rollback} | "
                       f"{f.verify or '**missing**'} | {_destroys(f)} | {lint} |")  # fmt: skip
        out.append("")
    out += _list(
        "Irreversible steps",
        [f"{f.step.id}: {f.step.irreversible}" for f in steps if f.step.irreversible],
    )
    out += _list("Missing verifies", [
        f"{f.step.id}: no verify.sql or post-checks: nothing checks the result after apply"
        for f in steps if f.verify is None and f.description.verify_expected
    ])  # fmt: skip
    out += _list("Destructive operations (down: what a rollback loses)", [
        f"{f.step.id} ({d['direction']}): {d.get('operation', '?')} {', '.join(d.get('objects', []))}"
        f"{' line ' + str(d['line']) if d.get('line') else ''}: {d.get('reason') or 'loses data'}"
        for f in steps for d in f.destructive_items
    ])  # fmt: skip
    out += _list("Lint findings", [
        f"{x.file}:{x.line}:{x.column} {x.severity}{' (allowed)' if x.allowed else ''} "
        f"[{x.rule}] {x.message}"
        for f in steps for x in f.analysis.lint
    ])  # fmt: skip
    out += _list("Changed after being applied", [
        f"{f.step.id}: applied to {r.where()} as `{r.checksum[:12]}`, now `{f.step.checksum[:12]}`"
        for f in steps for r in f.changed_since_applied
    ] + [f"{r.step_id}: removed, but applied to {a.where()}" for r in facts.removed for a in r.applied])  # fmt: skip
    out += _list("Plaintext secrets", [
        f"{s.file}:{s.line}: {s.kind}" for f in steps for s in f.secrets
    ])  # fmt: skip
    if steps:
        out += ["### Steps", ""]
        for f in steps:
            out += _step_section(f)
    return "\n".join(out).rstrip("\n") + "\n"


def _destroys(facts: StepFacts) -> str:
    """The table cell: does applying the step lose data (a rollback that drops is expected)."""
    return "**yes**" if any(d["direction"] == "up" for d in facts.destructive_items) else "no"


def _list(title: str, items: list[str]) -> list[str]:
    if not items:
        return [f"**{title}:** none", ""]
    return [f"**{title}:**", "", *(f"- {_cell(i)}" for i in items), ""]
