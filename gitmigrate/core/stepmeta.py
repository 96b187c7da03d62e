"""The generic part of a step note: what every step has whatever its kind. The kind adds the
rest (engine/stepnote.py asks it)."""

from __future__ import annotations

from typing import Any

from gitmigrate.core.model import Step

NOTE_VERSION = 1


def base_note(step: Step) -> dict[str, Any]:
    return {
        "version": NOTE_VERSION,
        "step": step.id,
        "kind": step.kind,
        "summary": step.summary,
        "checksum": step.checksum,
        "checksum_algo": step.checksum_algo,
        "files": step.file_checksums(),
        "irreversible": step.irreversible,
    }
