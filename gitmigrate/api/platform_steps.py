"""The platform commands that commit a step on the current migration branch, as plain
functions: Compose to Kubernetes manifests (`platform convert compose-to-k8s`) and Terraform
rewritten for another cloud (`platform convert terraform`). Each commits the generated files
with the step (its rollback is the inverse commit); what was dropped and what needs a person
is recorded in the step and shown by plan and review.

    from gitmigrate import api
    api.platform_convert_compose(repo, ["docker-compose.yml"], out="k8s", namespace="shop")
    api.platform_convert_terraform(repo, "infra", source="aws", target="gcp")
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gitmigrate.api._repo import RepoLike, open_repo
from gitmigrate.api.authoring import StepAdded


@dataclass(frozen=True)
class PlatformStepAdded(StepAdded):
    """A StepAdded that also says, from the step's record, what the converter generated
    (`files`, `created` among them), dropped (`dropped`: "key (file:line:col): why"), noted,
    and left for a person (`needs_person`)."""

    files: tuple[str, ...] = ()
    created: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    needs_person: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "files": list(self.files), "created": list(self.created),
                "dropped": list(self.dropped), "notes": list(self.notes),
                "needs_person": list(self.needs_person)}  # fmt: skip


def _author(repo: RepoLike, raw: dict[str, Any], summary: str) -> PlatformStepAdded:
    from gitmigrate.kinds.platform.authoring import author_platform_step
    from gitmigrate.kinds.platform.options import options_of
    from gitmigrate.kinds.platform.record import recorded

    step = author_platform_step(open_repo(repo), raw, summary=summary)
    record = recorded(step)
    return PlatformStepAdded(
        step, (), files=options_of(step.options).outputs, created=record.created,
        dropped=tuple(d.text() for d in record.dropped), notes=record.notes,
        needs_person=record.needs_person,
    )  # fmt: skip


def platform_convert_compose(
    repo: RepoLike, files: Sequence[str], *, out: str, controller: str = "deployment",
    volumes: str = "persistentVolumeClaim", namespace: str | None = None,
    interpolate: bool = True, emptyvols: bool = False, replicas: int = 1,
    profiles: Sequence[str] = (), summary: str | None = None,
) -> PlatformStepAdded:  # fmt: skip
    """Convert the Compose `files` (merged in order) to Kubernetes manifests under `out` and
    commit them as a platform step; every Compose key not converted is recorded with why."""
    raw = {"op": "compose-to-k8s", "inputs": list(files), "out": out, "controller": controller,
           "volumes": volumes, "namespace": namespace, "interpolate": interpolate,
           "emptyvols": emptyvols, "replicas": replicas, "profiles": list(profiles)}  # fmt: skip
    text = summary or f"Compose to Kubernetes: {', '.join(files)} -> {out}"
    return _author(repo, raw, text)


def platform_convert_terraform(
    repo: RepoLike, path: str = ".", *, source: str = "aws", target: str = "gcp",
    summary: str | None = None,
) -> PlatformStepAdded:  # fmt: skip
    """Rewrite the Terraform under `path` from `source` to `target` (the covered resource
    types and their references; every other block byte-identical) and commit it as a platform
    step; what needs a person is recorded."""
    raw = {"op": "terraform", "path": path, "from": source, "to": target}
    text = summary or f"Terraform {source} -> {target}: {path}"
    return _author(repo, raw, text)
