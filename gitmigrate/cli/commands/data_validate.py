"""`git migrate data validate [--target T] --rules FILE [--threshold N] [--sample N] [--json]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from
from gitmigrate.errors import EXIT_BLOCKED


@click.command("validate")
@click.option("--target", "-t", help="Target name or URL (default: the project's default target).")
@click.option("--rules", "rules_path", required=True, type=click.Path(dir_okay=False,
              path_type=Path), help="Rules file (*.toml, *.yaml or *.yml).")  # fmt: skip
@click.option("--threshold", type=click.IntRange(min=0),
              help="Violations tolerated in total (overrides the file's `threshold`).")  # fmt: skip
@click.option("--sample", type=click.IntRange(min=0), default=5, show_default=True,
              help="Violating rows shown per rule.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Machine-readable report.")
@click.pass_context
def data_validate_command(
    ctx: click.Context,
    target: str | None,
    rules_path: Path,
    threshold: int | None,
    sample: int,
    as_json: bool,
) -> None:
    """Check a target's data against a rules file (exit 3 when violations exceed the
    threshold)."""
    report = api.data_validate(
        repo_from(ctx), rules=rules_path, target=target, threshold=threshold, sample=sample
    )
    if as_json:
        output.print_json(report.to_json())
    else:
        _render(report)
    if not report.passed:
        ctx.exit(EXIT_BLOCKED)


def _render(report: api.ValidationReport) -> None:
    output.info(f"{report.origin} on {report.target} ({report.dialect})")
    label = max((len(r.check.label) for r in report.results), default=0)
    rule = max((len(r.rule.describe()) for r in report.results), default=0)
    for result in report.results:
        status = report.status(result)
        line = f"  {status.upper() if status == 'failed' else status:<9}  "
        line += f"{result.check.label:<{label}}  {result.rule.describe():<{rule}}"
        if result.violations:
            line += f"  {_plural(result.violations, 'violation')}"
            if result.check.threshold is not None:
                line += f" (check threshold {result.check.threshold})"
        output.info(line.rstrip())
        for sample in result.sample:
            key = ", ".join(f"{name}={value}" for name, value in sample.key) or "(no key)"
            output.info(f"{'':13}{key}: {_show(sample.value)}")
        _more(result)
    verdict = "passed" if report.passed else "FAILED"
    summary = (
        f"{verdict}: {_plural(report.violations, 'violation')} in "
        f"{_plural(len(report.results), 'rule')}; {report.shared_violations} counted against "
        f"the threshold {report.threshold}"
    )
    own = {r.check.number: r.check for r in report.results if r.check.threshold is not None}
    over = sum(not report.check_passed(check) for check in own.values())
    if own:
        summary += f", {over} of {_plural(len(own), 'check')} over its own threshold"
    output.info(summary)


def _more(result: api.RuleResult) -> None:
    hidden = result.violations - len(result.sample)
    if result.sample and hidden > 0:
        output.info(f"{'':13}... and {hidden} more")


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) or value is None else str(value)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
