"""`api diff` as a JUnit XML report (what CI systems show as test results): one test case per
operation that changed (spec-wide changes under "(whole spec)"), failed when one of its
changes is at or above --fail-on; every change is listed in the case's output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from gitmigrate.openapi.model import SHORT, ApiChange
from gitmigrate.openapi.report import DiffReport

SUITE = "git-migrate api diff"


def as_junit(report: DiffReport) -> str:
    by_operation: dict[str, list[ApiChange]] = defaultdict(list)
    for change in report.changes:
        by_operation[change.operation or "(whole spec)"].append(change)
    blocking = {id(c) for c in report.blocking}  # changes hold dicts: compared by identity
    failed = sum(1 for changes in by_operation.values() if any(id(c) in blocking for c in changes))
    suite = ET.Element("testsuite", {
        "name": SUITE, "tests": str(max(len(by_operation), 1)), "failures": str(failed),
        "errors": "0", "skipped": "0",
    })  # fmt: skip
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", {"name": "base", "value": report.base})
    ET.SubElement(properties, "property", {"name": "revision", "value": report.revision})
    if not by_operation:
        ET.SubElement(suite, "testcase", {"classname": SUITE, "name": "no API changes"})
    for operation, changes in sorted(by_operation.items()):
        case = ET.SubElement(suite, "testcase", {"classname": SUITE, "name": operation})
        lines = [f"{SHORT[c.level]} {c.id}: {c.text}" for c in changes]
        bad = [c for c in changes if id(c) in blocking]
        if bad:
            failure = ET.SubElement(case, "failure", {
                "type": bad[0].id,
                "message": f"{len(bad)} change(s) at or above {SHORT[report.fail_on]}",
            })  # fmt: skip
            failure.text = "\n".join(lines)
        else:
            ET.SubElement(case, "system-out").text = "\n".join(lines)
    suites = ET.Element("testsuites", {"name": SUITE})
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
