"""bump-pydantic (from PyPI, in a temporary venv) against our pydantic2 recipe on
fixtures/code/inventory-app: rewrites per rule, what each leaves of the v1 API.

    .venv/bin/python bench/code_vs_bump_pydantic.py [--venv DIR] [--only bump|ours] [--show-diff]

bump-pydantic labels neither its rewrites nor its diff by rule, so it runs once per rule with
every other rule disabled (`--disable`), and once with all; each run applies its changes to a
fresh copy of the app (its `--diff` output goes through rich, which swallows `[int]`-like text
as markup, so the files themselves are compared). A "hunk" is one changed region of a line diff
against the original (difflib opcodes; adjacent rewrites merge into one), "lines changed" the
original lines it replaced or inserted before; a TODO comment it inserts instead of a rewrite is
counted apart. BP010 cannot be disabled on its own in bump-pydantic 0.8 (its --disable lists
BP001-BP009), so it shows only in the all-rules run.

Ours: `gitmigrate.codemods.runner.run_recipe(copy, "pydantic2", enabled={rule})` per rule and
with the default rules, the changed files written back; its findings give rewrites and flags
per rule id (BP001-BP010, PD101+ for the method renames). Coverage: every original line that
bump-pydantic's run of a rule changed, did our run of the same rule change it too? (and the
same for the all-rules runs). Leftovers: v1 API uses still in each result (regex counts over
the .py files), so "what it cannot do" shows as numbers.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import tempfile
import venv
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "fixtures" / "code" / "inventory-app"
RULES = [f"BP{n:03d}" for n in range(1, 10)]  # what bump-pydantic 0.8's --disable accepts
LEFTOVERS = {
    ".dict(": r"\.dict\(",
    ".json(": r"\.json\(",
    ".parse_obj(": r"\.parse_obj\(",
    ".copy(update=": r"\.copy\(update=",
    "parse_obj_as": r"\bparse_obj_as\b",
    "@validator": r"@validator\(",
    "@root_validator": r"@root_validator\b",
    "values[...] in a validator": r"\bvalues\[",
    "class Config": r"class Config\b",
    "regex=": r"\bregex=",
    "min_items=": r"\bmin_items=",
    "Optional field without default": r"^\s+\w+: Optional\[[^\]]+\]\s*$",
}


def copy_app(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ruff_cache", "*.db")
    shutil.copytree(APP, dest, ignore=ignore)
    return dest


def sources(tree: Path) -> dict[str, str]:
    return {
        p.relative_to(tree).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(tree.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def compare(
    original: dict[str, str], result: dict[str, str]
) -> tuple[int, int, set[tuple[str, int]]]:
    """(changed spots, TODO insertions, original (path, line) pairs changed or inserted before)."""
    spots = todos = 0
    lines: set[tuple[str, int]] = set()
    for path, old in original.items():
        new = result.get(path, "")
        a, b = old.splitlines(), new.splitlines()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
            None, a, b, autojunk=False
        ).get_opcodes():
            if tag == "equal":
                continue
            added = b[j1:j2]
            if tag == "insert" and all(
                s.strip().startswith("# TODO") or s.strip().startswith("# Check https")
                for s in added
            ):
                todos += 1
                continue
            spots += 1
            lines.update((path, n) for n in (range(i1, i2) if i2 > i1 else [i1]))
    return spots, todos, lines


def leftovers(tree_sources: dict[str, str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for text in tree_sources.values():
        for label, pattern in LEFTOVERS.items():
            found[label] += len(re.findall(pattern, text, flags=re.MULTILINE))
    return found


def bump_venv(where: Path) -> tuple[Path, str]:
    exe = where / "bin" / "bump-pydantic"
    if not exe.exists():
        venv.create(where, with_pip=True)
        subprocess.run([str(where / "bin" / "pip"), "install", "-q", "bump-pydantic"], check=True)
    shown = subprocess.run([str(where / "bin" / "pip"), "show", "bump-pydantic", "libcst"],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    versions = dict(re.findall(r"^Name: (\S+)\nVersion: (\S+)", shown, flags=re.MULTILINE))
    return exe, ", ".join(f"{k} {v}" for k, v in versions.items())


def run_bump(exe: Path, tree: Path, rule: str | None) -> None:
    disable: list[str] = []
    for other in RULES if rule else []:
        if other != rule:
            disable += ["--disable", other]
    proc = subprocess.run([str(exe), *disable, "--log-file", str(tree.parent / f"{tree.name}.log"), "."],
                          cwd=tree, capture_output=True, text=True, check=False)  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"bump-pydantic failed:\n{proc.stdout}\n{proc.stderr}")


def run_ours(tree: Path, rule: str | None) -> Counter[str] | None:
    try:
        from gitmigrate.codemods.runner import run_recipe
    except ImportError:
        return None
    run = run_recipe(tree, "pydantic2", enabled=frozenset({rule}) if rule else None)
    for path, text in run.changed.items():
        (tree / path).write_text(text, encoding="utf-8")
    counts: Counter[str] = Counter()
    for finding in run.findings:
        counts[f"{finding.rule} {'rewrite' if finding.fixable else 'flag'}"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="reuse (or create) bump-pydantic's venv here")
    parser.add_argument("--only", choices=("bump", "ours"))
    parser.add_argument("--show-diff", action="store_true", help="print each all-rules diff")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gm-vs-bump-") as tmp:
        work = Path(tmp)
        original = sources(APP)
        results: dict[str, dict[str, tuple[int, int, set[tuple[str, int]]]]] = {}
        trees: dict[str, dict[str, str]] = {}
        if args.only != "ours":
            exe, versions = bump_venv(args.venv or work / "venv")
            print(f"bump-pydantic: {versions}")
            results["bump"] = {}
            for rule in [*RULES, None]:
                tree = copy_app(work / f"bump-{rule or 'all'}")
                run_bump(exe, tree, rule)
                results["bump"][rule or "all"] = compare(original, sources(tree))
                if rule is None:
                    trees["bump"] = sources(tree)
        if args.only != "bump":
            results["ours"] = {}
            for rule in [*RULES, "BP010", None]:
                tree = copy_app(work / f"ours-{rule or 'all'}")
                counts = run_ours(tree, rule)
                if counts is None:
                    print("ours: gitmigrate.codemods.runner is not there yet (the code kind "
                          "lands at integration); bump-pydantic's side only")  # fmt: skip
                    del results["ours"]
                    break
                results["ours"][rule or "all"] = compare(original, sources(tree))
                if rule is None:
                    trees["ours"] = sources(tree)
                    print("ours, findings of the default rules: " + ", ".join(
                        f"{k} {v}" for k, v in sorted(counts.items())))  # fmt: skip
        print()
        print("| rule | bump-pydantic: hunks | lines changed | TODOs added "
              "| ours: hunks | lines changed | bump's changed lines also changed by ours |")  # fmt: skip
        print("|---|---:|---:|---:|---:|---:|---:|")
        for rule in [*RULES, "BP010", "all"]:
            bump = results.get("bump", {}).get(rule)
            ours = results.get("ours", {}).get(rule)
            cover = f"{len(bump[2] & ours[2])} of {len(bump[2])}" if bump and ours else "-"
            b = f"{bump[0]} | {len(bump[2])} | {bump[1]}" if bump else "- | - | -"
            o = f"{ours[0]} | {len(ours[2])}" if ours else "- | -"
            print(f"| {rule} | {b} | {o} | {cover} |")
        if "bump" in results and "ours" in results:
            missed = sorted(results["bump"]["all"][2] - results["ours"]["all"][2])
            print(f"\nlines bump-pydantic changed that ours did not: {len(missed)}")
            for path, line in missed:
                print(f"  {path}:{line + 1}: {original[path].splitlines()[line].strip()}")
        print("\nv1 API left after each (original / bump-pydantic / ours):")
        before = leftovers(original)
        after = {side: leftovers(text) for side, text in trees.items()}
        for label in LEFTOVERS:
            row = [str(before[label])] + [
                str(after[s][label]) if s in after else "-" for s in ("bump", "ours")
            ]
            print(f"  {label:32} {' / '.join(row)}")
        if args.show_diff:
            for side, text in trees.items():
                for path in original:
                    diff = difflib.unified_diff(original[path].splitlines(True), text[path].splitlines(True),
                                                f"a/{path}", f"b/{path}")  # fmt: skip
                    sys.stdout.writelines(f"[{side}] {line}" for line in diff)


if __name__ == "__main__":
    main()
