"""Rerun every conformance case and rewrite expected_failures.tsv from what fails now.

    python -m tests.conformance.make_expected                 # all sources and dialects
    python -m tests.conformance.make_expected --dialect mysql # only these rows are rewritten
    python -m tests.conformance.make_expected --check         # report, do not write

Server URLs come from GITMIGRATE_TEST_POSTGRES_URL / GITMIGRATE_TEST_MYSQL_URL, defaulting to
the local CI servers. Each failure gets a reason_kind and a reason derived from its message
(`classify`); similar failures share a category, and the categories are printed by count, so
the most valuable fix is the first line. Dialects run in parallel processes (--jobs).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.conformance.cases import (
    DIALECTS,
    EXPECTED_FAILURES,
    SOURCES,
    Case,
    ExpectedFailure,
    cached_cases,
    load_expected_failures,
    write_expected_failures,
)
from tests.conformance.runner import Outcome, Slots, run_case

DEFAULT_URLS = {
    "postgresql": (
        "GITMIGRATE_TEST_POSTGRES_URL",
        "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    ),
    "mysql": ("GITMIGRATE_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


@dataclass
class Result:
    id: str
    source: str
    dialect: str
    name: str
    status: str
    stage: str
    message: str
    seconds: float
    kind: str = ""
    category: str = ""


def server_url(dialect: str) -> str:
    variable, default = DEFAULT_URLS[dialect]
    return os.environ.get(variable) or default


def run_group(case_ids: list[str]) -> list[Result]:
    """Run cases (one dialect) in this process with its own database slots."""
    by_id = {c.id: c for c in cached_cases()}
    cases = [by_id[i] for i in case_ids]
    roles = sorted({r for c in cached_cases() for r in c.roles})
    results = []
    with tempfile.TemporaryDirectory(prefix="gm-conformance-") as tmp:
        slots = Slots(server_url, Path(tmp), roles)
        try:
            for n, case in enumerate(cases, 1):
                outcome = run_case(case, slots)
                results.append(_result(case, outcome))
                if n % 50 == 0:
                    print(f"  {case.dialect}: {n}/{len(cases)}", file=sys.stderr, flush=True)
        finally:
            slots.close()
    return results


def _result(case: Case, outcome: Outcome) -> Result:
    result = Result(
        case.id,
        case.source,
        case.dialect,
        case.name,
        outcome.status,
        outcome.stage,
        outcome.message,
        round(outcome.seconds, 3),
    )
    if outcome.status == "fail":
        result.kind, result.category = classify(case, outcome)
    return result


# ---------------------------------------------------------------- classification

# what a "blind" case is about, from the peer's expected up text (first match wins)
_SUBJECTS = (
    (
        r"\bCOMMENT\s+ON\s+(INDEX|CONSTRAINT|VIEW|TYPE|DOMAIN|TRIGGER|FUNCTION|SCHEMA|SEQUENCE"
        r"|MATERIALIZED VIEW|EXTENSION|POLICY)\b",
        "comments on {0}",
    ),
    (r"\b(GRANT|REVOKE)\b", "privileges (GRANT/REVOKE)"),
    (r"\bPOLICY\b|\bROW LEVEL SECURITY\b", "row-level security policies"),
    (r"\bTRIGGER\b", "triggers"),
    (r"\bEVENT\b", "events"),
    (r"\b(FUNCTION|PROCEDURE)\b", "functions and procedures"),
    (r"\bDOMAIN\b", "domains"),
    (r"\bEXCLUDE\b", "exclusion constraints"),
    (r"\bDEFERRABLE\b|\bINITIALLY\s+(DEFERRED|IMMEDIATE)\b", "constraint deferrability"),
    (r"\bEXTENSION\b", "extensions"),
    (r"\bSQL\s+SECURITY\b", "view SQL SECURITY"),
    (r"\bGENERATED\s+(ALWAYS|BY\s+DEFAULT)\b(?!\s+AS\s*\()", "identity kind (ALWAYS / BY DEFAULT)"),
    (r"\b\w+_ops\b", "index operator classes"),
    (r"\bOWNER\s+TO\b", "object owners"),
    (r"\b(STORED|VIRTUAL)\b", "generated column storage (STORED / VIRTUAL)"),
    (r"\bAFTER\s+`|\bFIRST\b", "column order"),
    (r"\bPARTITION\b", "partitions"),
    (r"\bCREATE\s+SCHEMA\b|\bDROP\s+SCHEMA\b", "schemas"),
    (r"\bMATERIALIZED\s+VIEW\b", "materialized views"),
    (r"\bCOLLATE\b|\bCHARACTER SET\b|\bCHARSET\b", "collations and character sets"),
    (r"\bCREATE\s+TYPE\b|\bALTER\s+TYPE\b|\bDROP\s+TYPE\b", "types"),
    (r"\bSTATISTICS\b", "statistics"),
    (r"\bINHERITS\b", "table inheritance"),
    (r"\bTABLESPACE\b", "tablespaces"),
)


def _blind_subject(case: Case) -> str:
    text = re.sub(r"--[^\n]*", "", case.expected_up or "")
    current = {line.strip() for line in case.current_sql.splitlines()}
    desired = {line.strip() for line in case.desired_sql.splitlines()}
    changed = "\n".join(sorted(current ^ desired))
    for haystack in (text, changed):  # the peer's up first, then the lines that differ
        for pattern, label in _SUBJECTS:
            match = re.search(pattern, haystack, re.IGNORECASE)
            if match:
                return label.format(*(g.lower() for g in match.groups() if g))
    qualified = re.search(r'"(\w+)"\."?\w+', text)
    if qualified and qualified.group(1) not in ("public", "foo"):
        return "objects outside the default schema"
    words = " ".join(text.split()[:4])
    return f"what `{_normalize(words)}` changes"


def _normalize(text: str) -> str:
    """Replace names, literals and numbers so that similar failures share one category."""
    mysql = re.search(r"\((\d+), (['\"])(.*)\2\)", text)  # PyMySQL: (1091, "Can't DROP ...")
    if mysql:
        text = f"MySQL {mysql.group(1)}: {mysql.group(3)}"
    text = re.sub(r'"[^"]*"|`[^`]*`', "?", text)
    text = re.sub(r"'(?:[^']|'')*'", "'?'", text)
    text = re.sub(r"\b\d+(\.\d+)?\b", "N", text)
    return " ".join(text.split())


def _difference_category(line: str) -> str:
    """`table hoge: column bar: comment x != none` -> `table ?: column ?: comment differs`."""
    parts = [p.strip() for p in line.split(": ")]
    out = []
    for part in parts[:-1]:
        kind = part.split(" ", 1)[0]
        out.append(f"{kind} ?")
    last = parts[-1]
    if " != " in last:
        out.append(f"{last.split(' ', 1)[0]} differs")
    elif last.endswith((" missing", " added")):
        words = last.split()
        out.append(f"{words[0]} ? {words[-1]}")
    else:
        out.append(_normalize(last)[:60])
    return ": ".join(out)


def classify(case: Case, outcome: Outcome) -> tuple[str, str]:
    """(reason_kind, category) of a failure. Categories group failures with one cause."""
    stage, message = outcome.stage, outcome.message
    if "placeholder" in message or "unsupported format character" in message:
        return "bug", "load_sql: `%` in the SQL read as a parameter placeholder by the driver"
    if "not self-contained" in message:
        return (
            "feature-not-supported",
            f"{stage}: script not self-contained or not in dependency order "
            "(the peer reorders it; loading runs it as written)",
        )
    if stage.startswith("apply-") and "UndefinedFunction" in message:
        return (
            "feature-not-supported",
            f"{stage}: functions are not modeled, so objects that call one cannot be created",
        )
    if stage == "blind":
        return "feature-not-supported", f"not modeled: {_blind_subject(case)}"
    if stage in ("compare-up", "compare-down"):
        detail = message.split(": ", 1)[1] if ": " in message else message
        first = detail.split("; ")[0]
        return "bug", f"{stage}: {_difference_category(first)}"
    if stage == "second-diff":
        planned = message.split("after up: ", 1)[-1]
        head = " ".join(_normalize(planned).split()[:4])
        return "bug", f"second-diff not empty: {head}"
    if stage in ("apply-up", "apply-down"):
        failed = message.rsplit("failed: ", 1)[-1]
        statement = re.search(r"`([^`]*)`", message)
        head = " ".join(_normalize(statement.group(1)).split()[:3]) if statement else ""
        return "bug", f"{stage}: {head} -> {_normalize(failed)[:90]}"
    kind = "bug"
    if re.search(r"NotImplementedError|not supported|unsupported", message, re.IGNORECASE):
        kind = "feature-not-supported"
    return kind, f"{stage}: {_normalize(message)[:110]}"


def _reason(result: Result) -> str:
    detail = " ".join(f"[{result.stage}] {result.message}".split())
    detail = detail if len(detail) <= 160 else detail[:157] + "..."
    return f"{result.category} -- {detail}"


# ---------------------------------------------------------------- report


def summary(results: list[Result]) -> list[str]:
    counts: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    for r in results:
        counts[(r.source, r.dialect)][r.status] += 1
        counts[("(all)", r.dialect)][r.status] += 1
        counts[(r.source, "(all)")][r.status] += 1
        counts[("(all)", "(all)")][r.status] += 1
    lines = [
        f"{'source':8} {'dialect':11} {'runnable':>8} {'pass':>5} {'fail':>5} {'skip':>5} {'pass%':>6}"
    ]
    for (source, dialect), c in sorted(counts.items(), key=lambda kv: ("(" in kv[0][0], kv[0])):
        runnable = c["pass"] + c["fail"]
        rate = f"{100 * c['pass'] / runnable:5.1f}%" if runnable else "    -"
        lines.append(
            f"{source:8} {dialect:11} {runnable:8} {c['pass']:5} {c['fail']:5} {c['skip']:5} {rate:>6}"
        )
    return lines


def categories(results: list[Result], top: int = 30) -> list[str]:
    by_cat: collections.Counter[tuple[str, str]] = collections.Counter()
    dialects: dict[tuple[str, str], collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    for r in results:
        if r.status == "fail":
            by_cat[(r.kind, r.category)] += 1
            dialects[(r.kind, r.category)][r.dialect[:2]] += 1
    lines = []
    for (kind, category), n in by_cat.most_common(top):
        where = " ".join(f"{d}:{k}" for d, k in sorted(dialects[(kind, category)].items()))
        lines.append(f"{n:4}  {kind:21} {category}  ({where})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", action="append", choices=DIALECTS)
    parser.add_argument("--source", action="append", choices=SOURCES)
    parser.add_argument("--check", action="store_true", help="do not rewrite the file")
    parser.add_argument("--jobs", type=int, default=3, help="parallel processes (per dialect)")
    parser.add_argument("--results", type=Path, help="also write every result as JSON here")
    args = parser.parse_args(argv)
    dialects = args.dialect or list(DIALECTS)
    sources = args.source or list(SOURCES)
    cases = [c for c in cached_cases() if c.dialect in dialects and c.source in sources]
    groups = [[c.id for c in cases if c.dialect == d] for d in dialects]
    groups = [g for g in groups if g]
    started = time.perf_counter()
    results: list[Result] = []
    if args.jobs > 1 and len(groups) > 1:
        with ProcessPoolExecutor(max_workers=min(args.jobs, len(groups))) as pool:
            for part in pool.map(run_group, groups):
                results.extend(part)
    else:
        for group in groups:
            results.extend(run_group(group))
    elapsed = time.perf_counter() - started

    print(f"conformance: {len(results)} cases in {elapsed:.0f}s")
    for line in summary(results):
        print(line)
    print("failure categories (count, reason_kind, category, per dialect):")
    for line in categories(results):
        print(line)
    if args.results:
        args.results.write_text(json.dumps([asdict(r) for r in results], indent=1))

    if not args.check:
        ran = {r.id for r in results}
        kept = [row for key, row in load_expected_failures().items() if key not in ran]
        new = [
            ExpectedFailure(r.source, r.dialect, r.name, r.kind, _reason(r))
            for r in results
            if r.status == "fail"
        ]
        write_expected_failures(kept + new)
        print(f"wrote {EXPECTED_FAILURES} ({len(kept) + len(new)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
