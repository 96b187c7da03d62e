"""What is being pushed: git's pre-push stdin, or pre-commit's environment variables.

git writes one line per ref, `<local ref> <local sha> <remote ref> <remote sha>`; an all-zero
local sha deletes the remote ref, an all-zero remote sha creates it. pre-commit reads that
stdin itself and hands a hook PRE_COMMIT_LOCAL_BRANCH / PRE_COMMIT_TO_REF (local) and
PRE_COMMIT_REMOTE_BRANCH / PRE_COMMIT_FROM_REF (what the remote has, or the parent of the
first commit it lacks; unset when the whole history is new) for the first ref with commits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from gitmigrate.errors import UsageError

_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_EXPECTED = "expected '<local ref> <local sha> <remote ref> <remote sha>'"


def is_zero(sha: str) -> bool:
    return set(sha) == {"0"}


@dataclass(frozen=True)
class PushUpdate:
    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def deletes(self) -> bool:
        return is_zero(self.local_sha)

    @property
    def creates(self) -> bool:
        return is_zero(self.remote_sha)


def parse_updates(text: str) -> list[PushUpdate]:
    """The stdin git gives a pre-push hook; anything else is a clear usage error."""
    updates = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split()
        shown = line if len(line) <= 120 else line[:117] + "..."
        if len(fields) != 4:
            raise UsageError(
                f"pre-push input line {number} is malformed ({len(fields)} fields): {shown!r}; {_EXPECTED}",
                "`git-migrate hook pre-push` is run by git's pre-push hook, which feeds it these lines",
            )
        local_ref, local_sha, remote_ref, remote_sha = fields
        for sha in (local_sha, remote_sha):
            if not _SHA.match(sha):
                raise UsageError(
                    f"pre-push input line {number}: {sha!r} is not an object id; {_EXPECTED}",
                    "`git-migrate hook pre-push` is run by git's pre-push hook, which feeds it these lines",
                )
        updates.append(PushUpdate(local_ref, local_sha, remote_ref, remote_sha))
    return updates


def pre_commit_update(env: Mapping[str, str], local_sha: str | None) -> PushUpdate | None:
    """The ref pre-commit describes in its environment; `local_sha` resolves its local branch
    when pre-commit left PRE_COMMIT_TO_REF unset (a push of a history the remote lacks)."""
    local = env.get("PRE_COMMIT_LOCAL_BRANCH", "")
    remote = env.get("PRE_COMMIT_REMOTE_BRANCH", "")
    if not (local or remote):
        return None
    to_ref = env.get("PRE_COMMIT_TO_REF") or local_sha or ""
    from_ref = env.get("PRE_COMMIT_FROM_REF") or "0" * len(to_ref or "0" * 40)
    if not _SHA.match(to_ref) or not _SHA.match(from_ref):
        raise UsageError(
            f"pre-commit gave PRE_COMMIT_TO_REF={to_ref!r}, PRE_COMMIT_FROM_REF={from_ref!r}: "
            "not object ids",
            "run the hook through `pre-commit run --hook-stage pre-push` or a real `git push`",
        )
    return PushUpdate(local or remote, to_ref, remote or local, from_ref)
