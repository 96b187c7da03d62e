"""The applied-steps section of a drift report: the two targets' ledgers side by side. A step
applied on one and not the other, and a step applied on both from different files (another
checksum: one of them ran an edited step), are drift. Ledger rows in other states (failed,
rolled back, abandoned) are not "applied" and count as absent."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from gitmigrate.db.ledger import LedgerRow
from gitmigrate.envs.drift_model import ChecksumDrift, StepsSection

APPLIED = "applied"


def compare_ledgers(
    a: Mapping[str, LedgerRow], b: Mapping[str, LedgerRow], in_tree: Collection[str]
) -> StepsSection:
    """Differences between two ledgers (step id -> row); `in_tree`: the step ids of HEAD's
    tree, to say which one-sided steps this checkout cannot apply."""
    left = {k: r for k, r in a.items() if r.status == APPLIED}
    right = {k: r for k, r in b.items() if r.status == APPLIED}
    only_a = tuple(sorted(set(left) - set(right)))
    only_b = tuple(sorted(set(right) - set(left)))
    checksums = tuple(
        ChecksumDrift(step, left[step].checksum, right[step].checksum)
        for step in sorted(set(left) & set(right))
        if left[step].checksum != right[step].checksum
    )
    missing = tuple(s for s in (*only_a, *only_b) if s not in in_tree)
    return StepsSection(True, None, only_a, only_b, checksums, missing)
