"""`textedit`: a tree kind written outside git-migrate, to prove the plug-in contract for tree
targets. A step replaces one line of a text file:

    # migrations/<name>/<NNN>-<slug>/step.toml
    kind = "textedit"
    summary = "raise the timeout"
    [options]
    file = "app.conf"          # relative to the tree
    old = "timeout = 10"
    new = "timeout = 30"
    # target = "deployed"      # an outside tree of .gitmigrate.toml; default: the repository

In the repository the step's commit makes the same change (so apply only verifies and rollback
commits the inverse); on an outside tree apply and rollback edit the file there. Both are
idempotent, as a tree kind's work must be. Installed in tests through the entry-point group
`gitmigrate.executors` (a `*.dist-info/entry_points.txt` on the subprocess's path).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gitmigrate.core.model import Step
from gitmigrate.engine import kinds as contract
from gitmigrate.engine.description import TREE, Description, Operation
from gitmigrate.engine.kinds import Checkpoint, Finding, Impact, StepContext
from gitmigrate.engine.tree_target import TreeTarget
from gitmigrate.errors import UsageError


class TextEditKind:
    kind = "textedit"
    name = "textedit"
    target_sort = "tree"
    chunked = False
    compensator = None
    push_checker = None

    # -- authoring and description (the rest of the kind contract; the classes are looked up
    # when called, so the module also loads where the contract has fewer of them) -----------

    def author(self, request: Any) -> Any:
        """Options file/old/new (+ target) -> the step's options. For the repository the edit
        itself is a project file of the step: committed in the step's commit (its apply then
        only verifies; its rollback commits the inverse). An outside tree is edited by apply."""
        missing = [k for k in ("file", "old", "new") if not request.options.get(k)]
        if missing:
            raise UsageError(
                f"textedit needs the option(s) {', '.join(missing)}",
                "pass --option file=PATH --option old=LINE --option new=LINE",
            )
        options = {k: str(request.options[k]) for k in ("file", "old", "new")}
        if request.options.get("target"):
            options["target"] = str(request.options["target"])
            return contract.StepFiles({}, options, request.irreversible)  # type: ignore[attr-defined]
        file, old, new = options["file"], options["old"], options["new"]
        path = Path(request.repo.root) / file
        if not path.is_file():
            raise UsageError(f"{file} does not exist", "give a file of the repository")
        edited = _edited(path.read_bytes().decode("utf-8"), old, new)
        if edited is None:
            raise UsageError(f"{file} has no line {old!r}", "give a line the file has, exactly")
        return contract.StepFiles(  # type: ignore[attr-defined]
            {}, options, request.irreversible, project_files={file: edited.encode("utf-8")}
        )

    def check(self, step: Step) -> list[Any]:
        return [
            contract.Problem(  # type: ignore[attr-defined]
                f"step {step.id}: textedit option {key} is missing",
                f'set {key} = "..." under [options] in {step.path}/step.toml',
            )
            for key in ("file", "old", "new")
            if not isinstance(step.options.get(key), str)
        ]

    def check_target(self, step: Step, dialect: str) -> list[Any]:
        return []  # a tree step runs no SQL

    def note(self, step: Step, dialect: str | None, table_rows: Any = None) -> dict[str, Any]:
        file, _, _ = _options(step)
        return {"impact": {"objects": [file], "destructive": False}}

    def describe(self, step: Step, dialect: str | None, note: dict[str, Any]) -> Description:
        file, old, new = _options(step)
        where = f" of the tree {step.options['target']}" if step.options.get("target") else ""
        return Description(
            kind=self.name,
            what=f"replaces the line {old!r} of {file}{where} with {new!r}",
            runs_in=TREE,
            forward=(Operation(1, "TEXTEDIT", (file,), False, None, "none"),),
            backward=(Operation(1, "TEXTEDIT", (file,), False, None, "none"),),
            rollback=f"puts {old!r} back (in the repository: the inverse of the step commit)",
            undo="the inverse edit",
            undo_detail=f"{file}: {new!r} -> {old!r}",
            verify=f"{file} has the line {new!r}",
            validation=f"verify checks that {file} has the line {new!r}",
            show_options=True,
        )

    def work(self, step: Step, dialect: str, rows: int | None = None) -> Any:
        return contract.Work(("TEXTEDIT",), None)  # type: ignore[attr-defined]

    def lint(self, step: Step, dialect: str, allow: frozenset[str]) -> list[Finding]:
        return []

    def analyze(self, step: Step, dialect: str) -> Impact:
        file, old, new = _options(step)
        return Impact(objects=(file,), reasons=(f"{file}: {old!r} -> {new!r}",), statements=1)

    def analyze_rollback(self, step: Step, dialect: str) -> Impact:
        file, old, new = _options(step)
        return Impact(objects=(file,), reasons=(f"{file}: {new!r} -> {old!r}",), statements=1)

    # -- running -------------------------------------------------------------------------------

    def apply(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        file, old, new = _options(step)
        yield from _replace(ctx, file, old, new)

    def rollback(self, step: Step, ctx: StepContext) -> Iterator[Checkpoint]:
        file, old, new = _options(step)
        yield from _replace(ctx, file, new, old)

    def verify(self, step: Step, ctx: StepContext) -> list[Finding]:
        file, _, new = _options(step)
        path = _root(ctx) / file
        if not path.is_file():
            return [Finding("error", "textedit", f"{file} does not exist")]
        if new not in _lines(path.read_text(encoding="utf-8")):
            return [Finding("error", "textedit", f"{file} has no line {new!r}")]
        return []


def _options(step: Step) -> tuple[str, str, str]:
    return str(step.options["file"]), str(step.options["old"]), str(step.options["new"])


def _root(ctx: StepContext) -> Path:
    if not isinstance(ctx.target, TreeTarget):
        raise TypeError("textedit steps run against a tree target")
    return ctx.target.root


def _lines(text: str) -> list[str]:
    return [line.rstrip("\r\n") for line in text.splitlines()]


def _edited(text: str, old: str, new: str) -> str | None:
    """`text` with its first line `old` replaced by `new` (its line ending kept); None when
    it has no such line."""
    lines = text.splitlines(keepends=True)
    stripped = _lines(text)
    if old not in stripped:
        return None
    index = stripped.index(old)
    lines[index] = new + lines[index][len(stripped[index]) :]
    return "".join(lines)


def _replace(ctx: StepContext, file: str, old: str, new: str) -> Iterator[Checkpoint]:
    path = _root(ctx) / file
    text = path.read_bytes().decode("utf-8")  # not read_text: it would turn CRLF into LF
    ctx.log(f"{file}: {old!r} -> {new!r}")
    edited = _edited(text, old, new)
    if edited is not None:
        if not ctx.dry_run:
            _write_atomically(path, edited)
    elif new not in _lines(text):  # neither: not the file this step was written for
        raise ValueError(f"{file} has no line {old!r}")
    yield Checkpoint(1, 1, {"file": file})


def _write_atomically(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)
