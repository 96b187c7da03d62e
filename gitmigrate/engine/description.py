"""What a step is, in words and data, as its kind describes it: the one value plan, review,
the artifacts and the pre-push hook read, so none of them needs to know a kind by name.

A kind builds it in `describe(step, dialect, note)`. `note` is the step note as stored in
refs/notes/migrate (`dialect`, `impact`, `lint`: a kind uses the impact when it was written for
`dialect` and computes its own otherwise; `impact: None` says "not needed", as the pre-push hook
passes), plus `lenient: True` where files that do not parse must not raise (review, the hook),
plus `live`: what the kind's `probe` read from a target (plan with `--target`).
The scripts for `migration-scripts/` are rendered only when asked for (`scripts`), because
the pre-push hook describes every pushed step and never writes a script.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from gitmigrate.core.model import Step

DATABASE = "database"  # runs against a database target
TREE = "tree"  # its commit is the change (the repository's work tree, or an outside tree)
ROLES = ("pre-check", "backup", "up", "post-check", "down")


@dataclass(frozen=True)
class Operation:
    """One statement of a direction (or a data step's one operation), as a reviewer reads it."""

    line: int
    operation: str
    objects: tuple[str, ...]
    destructive: bool
    reason: str | None
    lock: str
    blocking: bool = False  # other sessions' reads or writes wait behind the lock

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "operation": self.operation,
            "objects": list(self.objects),
            "destructive": self.destructive,
            "reason": self.reason,
            "lock": self.lock,
        }


@dataclass(frozen=True)
class Script:
    """A file of `migration-scripts/`: `<NNN>-<slug>.<suffix>`, e.g. role "up", "up.sql"."""

    role: str  # one of ROLES
    suffix: str
    text: str


@dataclass(frozen=True)
class Scripts:
    """The scripts a step can render, and how run.sh treats it."""

    files: tuple[Script, ...] = ()
    runnable: bool = True  # False: run.sh stops and names the `git migrate` command
    statements: int = 0  # what the ledger records as statements_done

    def by_suffix(self) -> dict[str, str]:
        return {s.suffix: s.text for s in self.files}


@dataclass(frozen=True)
class Risk:
    severity: str  # high | medium | low
    risk: str
    mitigation: str


def _no_scripts() -> Scripts:
    return Scripts(runnable=False)


@dataclass(frozen=True)
class Description:
    """Everything plan, review, the artifacts and the hook say about one step."""

    kind: str
    what: str  # one line: what the step does
    runs_in: str = DATABASE  # DATABASE | TREE
    forward: tuple[Operation, ...] = ()
    backward: tuple[Operation, ...] = ()  # what a rollback runs (for its estimate and losses)
    rollback: str | None = None  # how it is undone, in words; None: it cannot be
    rollback_missing: str = "has no rollback"  # what the step lacks when it has none
    rollback_fix: str = "add a rollback, or state why none can exist with irreversible = ..."
    undo: str = "none"  # the plan's "rollback" cell
    undo_detail: str = "none"  # rollback-plan.md's "how to undo"
    loss: str = "none: the rollback does not drop data"  # data a rollback could lose
    restore_check: str = "the engine compares the schema with its snapshot from before the step"
    verify: str | None = None  # the step's own check after apply, in words
    verify_expected: bool = True  # a missing verify is worth a reviewer's note
    validation: str = "no check after apply"  # migration-plan.md's validation line
    transactional: bool = False  # runs in one transaction on this dialect
    chunked: bool = False
    analysed: bool = False  # has SQL for review's parser and linter
    lint_listed: bool = False  # the plan says "Lint findings: none." when it has none
    expressions: tuple[tuple[str, str], ...] = ()  # (label, SQL) review validates as it parses
    destructive_items: tuple[Mapping[str, Any], ...] = ()  # direction, operation, objects, ...
    details_title: str = ""  # e.g. "Data step:"; with `details`, a table in the plan
    details: tuple[tuple[str, str], ...] = ()
    strategy: tuple[str, ...] = ()  # lines for the plan's strategy section
    risks: tuple[Risk, ...] = ()  # kind-specific risks (the generic ones are the plan's own)
    follow_ups: tuple[str, ...] = ()  # validation-report recommendations, always
    cleanup: str | None = None  # what `git migrate cleanup` drops once the step is applied
    show_options: bool = False  # review shows [options] rather than the scripts
    sides: tuple[str, str] | None = None  # review shows these two files side by side
    live_problem: str | None = None  # why a fact could not be read from the target
    affected_rows: int | None = None  # rows the step changes, read from a live target
    probe: Callable[[Any, str], Mapping[str, Any]] | None = field(
        default=None, compare=False, repr=False
    )  # (connection, dialect) -> facts for note["live"], read-only
    render: Callable[[], Scripts] = field(default=_no_scripts, compare=False, repr=False)

    @property
    def has_rollback(self) -> bool:
        return self.rollback is not None

    @property
    def destructive(self) -> bool:
        return any(o.destructive for o in self.forward)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(o.reason for o in self.forward if o.destructive and o.reason)

    @property
    def objects(self) -> tuple[str, ...]:
        return tuple(sorted({o for op in self.forward for o in op.objects}))

    @cached_property
    def scripts(self) -> Scripts:
        return self.render()

    def review_json(self) -> dict[str, Any]:
        """The parts the review's per-step cache keeps (what a warm pre-push hook needs)."""
        return {
            "kind": self.kind,
            "what": self.what,
            "runs_in": self.runs_in,
            "rollback": self.rollback,
            "rollback_missing": self.rollback_missing,
            "rollback_fix": self.rollback_fix,
            "verify": self.verify,
            "verify_expected": self.verify_expected,
            "analysed": self.analysed,
            "expressions": [list(e) for e in self.expressions],
            "show_options": self.show_options,
            "sides": list(self.sides) if self.sides else None,
        }

    @classmethod
    def from_review_json(cls, doc: Mapping[str, Any]) -> Description:
        sides = doc.get("sides")
        return cls(
            kind=str(doc["kind"]),
            what=str(doc["what"]),
            runs_in=str(doc["runs_in"]),
            rollback=doc.get("rollback"),
            rollback_missing=str(doc["rollback_missing"]),
            rollback_fix=str(doc["rollback_fix"]),
            verify=doc.get("verify"),
            verify_expected=bool(doc["verify_expected"]),
            analysed=bool(doc["analysed"]),
            expressions=tuple((str(a), str(b)) for a, b in doc.get("expressions") or ()),
            show_options=bool(doc.get("show_options")),
            sides=(str(sides[0]), str(sides[1])) if sides else None,
        )


def tree_description(step: Step) -> Description:
    """A step whose kind no installed plug-in provides: judged as a step whose commit is the
    change (DESIGN.md, "Two sorts of target"), so review and the hook still name its problems."""
    return Description(
        kind=step.kind,
        what=f"a {step.kind} step (its commit is the change)",
        runs_in=TREE,
        rollback="the inverse of the step commit's diff",
        undo="by the engine (the inverse of the commit)",
        undo_detail="the inverse of its commit (engine)",
        verify=verify_words(step),
        verify_expected=False,
        validation="no verify.sql (see the risk assessment)",
        analysed=any(name.endswith(".sql") for name in step.files),
    )


def script_head(step: Step, what: str, comment: str = "--") -> str:
    """The comment every generated script of `migration-scripts/` starts with."""
    return (
        f"{comment} {step.id} {step.summary} ({step.kind}): {what}\n"
        f"{comment} generated by `git migrate plan` from {step.path} at {(step.commit or '')[:12]}\n"
    )


def verify_words(step: Step) -> str | None:
    """The step's own check after apply, by the files and options any kind may use."""
    if "verify.sql" in step.files:
        return "verify.sql"
    post = step.options.get("post_checks")
    if isinstance(post, str) and post in step.files:
        return post
    verify = step.options.get("verify")
    if isinstance(verify, str) and verify:
        return f"verify command: {verify}"
    return None
