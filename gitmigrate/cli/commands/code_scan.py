"""`git migrate code scan` (every use of a deprecated API the recipes know, changing nothing)
and `git migrate code recipes` (the recipes and their rules). PATHS are relative to the
current directory."""

from __future__ import annotations

import os

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from


def absolute(ctx: click.Context, path: str) -> str:
    """A path as the API takes it: absolute from the current directory (`-C DIR`'s)."""
    return os.path.abspath(os.path.join(repo_from(ctx) or os.curdir, path))


def recipe_ref(ctx: click.Context, recipe: str) -> str:
    """A recipe name as is; a recipe file's path made absolute."""
    if recipe.endswith(".py") or "/" in recipe or os.sep in recipe:
        return absolute(ctx, recipe)
    return recipe


@click.command("scan")
@click.argument("paths", nargs=-1)
@click.option("--recipe", "-r", "recipes", multiple=True, metavar="R",
              help="A recipe name or path/to/recipe.py (repeatable; default: every Python"
              " recipe, and react18 when JS/TS files exist).")  # fmt: skip
@click.option("--python", metavar="3.N", help="The target Python version (modern-python).")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: all cores)."
)
@click.option("--json", "as_json", is_flag=True, help="The findings as JSON.")
@click.option("--sarif", is_flag=True, help="The findings as SARIF 2.1.0 (code scanning).")
@click.pass_context
def code_scan_command(
    ctx: click.Context, paths: tuple[str, ...], recipes: tuple[str, ...], python: str | None,
    jobs: int | None, as_json: bool, sarif: bool,
) -> None:  # fmt: skip
    """List every use of a deprecated API a recipe knows in PATHS (default: the whole tree):
    file, line, column, rule, message, and whether a rewrite exists or a person must decide."""
    if as_json and sarif:
        raise click.UsageError("give --json or --sarif, not both")
    scan = api.scan_code(
        repo_from(ctx), [absolute(ctx, p) for p in paths],
        recipes=[recipe_ref(ctx, r) for r in recipes], jobs=jobs, python=python,
    )  # fmt: skip
    for warning in scan.warnings:
        output.warn(warning)
    if as_json or sarif:
        output.print_json(scan.to_sarif() if sarif else scan.to_json())
        return
    rows = [
        (f.where(), f.rule, "rewrite" if f.fixable else "REVIEW", f.message) for f in scan.findings
    ]
    if rows:
        output.table(None, ("where", "rule", "fix", "message"), rows)
    for path, why in scan.skipped:
        output.warn(f"skipped {path}: {why}")
    fixable = sum(1 for f in scan.findings if f.fixable)
    output.info(
        f"{len(scan.findings)} finding(s): {fixable} with a rewrite,"
        f" {len(scan.findings) - fixable} for manual review"
        f" ({', '.join(f'{r.recipe}: {r.scanned} file(s)' for r in scan.runs)})"
    )


@click.command("recipes")
@click.option("--recipe", "-r", "extra", multiple=True, metavar="PATH",
              help="Also list the recipe of this .py file.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Machine-readable list.")
@click.pass_context
def code_recipes_command(ctx: click.Context, extra: tuple[str, ...], as_json: bool) -> None:
    """List the recipes (built-in and the entry-point group `gitmigrate.recipes`) and their
    rules."""
    infos = api.list_recipes([absolute(ctx, p) for p in extra])
    if as_json:
        output.print_json([info.to_json() for info in infos])
        return
    for info in infos:
        if info.error:
            output.info(f"{info.name}: {info.error}")
            continue
        parts = f" (runs {', '.join(info.parts)})" if info.parts else ""
        output.info(f"{info.name} [{info.language}]: {info.summary}{parts}")
        for rule in info.rules:
            how = "rewrite" if rule.fixable else "flag"
            output.info(f"  {rule.id}  {how}{' (opt-in)' if rule.opt_in else ''}  {rule.summary}")
