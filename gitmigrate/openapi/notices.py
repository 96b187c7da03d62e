"""The notices to send an API's consumers: for each consumer named in `[api.consumers]`
(settings.py), the changes to the operations it uses that it must act on (breaking,
potentially breaking, and deprecations with their sunset), and by when (the operation's or
property's sunset date in the new spec; else "before the new version is deployed").

    for notice in consumer_notices(changes, settings.consumers, base, revision):
        print(notice.consumer.contact, notice.deadline, [i.text for i in notice.items])
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gitmigrate.openapi.guide_examples import find_operation
from gitmigrate.openapi.model import SHORT, ApiChange
from gitmigrate.openapi.operations import METHODS, template
from gitmigrate.openapi.settings import Consumer
from gitmigrate.openapi.spec import Spec

ON_RELEASE = "the release"  # no sunset date: before the new version is deployed


@dataclass(frozen=True)
class NoticeItem:
    operation: str
    level: str
    id: str
    text: str
    by: str  # a date (YYYY-MM-DD) or ON_RELEASE

    def to_json(self) -> dict[str, Any]:
        return {"operation": self.operation, "level": SHORT.get(self.level, self.level),
                "id": self.id, "text": self.text, "by": self.by}  # fmt: skip


@dataclass(frozen=True)
class Notice:
    consumer: Consumer
    items: tuple[NoticeItem, ...]
    unknown: tuple[str, ...] = ()  # operations the consumer names that neither spec has

    @property
    def deadline(self) -> str | None:
        """The earliest date by which the consumer must act (ON_RELEASE when a change has no
        sunset; None when nothing affects it)."""
        if not self.items:
            return None
        dates = sorted(i.by for i in self.items if i.by != ON_RELEASE)
        return ON_RELEASE if any(i.by == ON_RELEASE for i in self.items) else dates[0]

    def to_json(self) -> dict[str, Any]:
        return {**self.consumer.to_json(), "affected": bool(self.items),
                "deadline": self.deadline, "changes": [i.to_json() for i in self.items],
                "unknown_operations": list(self.unknown)}  # fmt: skip


def _relevant(change: ApiChange) -> bool:
    return change.level != "info" or "deprecated" in change.id or "sunset" in change.id


def _ids(spec: Spec) -> dict[str, str]:
    """operationId -> "METHOD /path" (shape: parameter names blanked)."""
    out: dict[str, str] = {}
    paths = spec.doc.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        for method, op in item.items() if isinstance(item, dict) else ():
            if method in METHODS and isinstance(op, dict) and op.get("operationId"):
                out[str(op["operationId"])] = f"{method.upper()} {template(str(path))}"
    return out


def _shape(operation: str) -> str:
    method, _, path = operation.strip().partition(" ")
    return f"{method.upper()} {template(path.strip())}"


def _sunset(spec: Spec, change: ApiChange) -> str | None:
    raw = change.details.get("sunset")
    if raw is None and change.method:
        found = find_operation(spec.doc, change.method, change.path)
        raw = found[2].get("x-sunset") if found else None
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return str(raw) if raw else None


def consumer_notices(changes: Sequence[ApiChange], consumers: Sequence[Consumer],
                     base: Spec, revision: Spec) -> list[Notice]:  # fmt: skip
    """One notice per consumer, in the order configured (an empty one when nothing of what
    it uses changed)."""
    ids = {**_ids(base), **_ids(revision)}
    known = set(ids.values()) | {_shape(c.operation) for c in changes if c.operation}
    notices = []
    for consumer in consumers:
        every = "*" in consumer.operations
        wanted = {_shape(ids.get(o, o)) for o in consumer.operations if o != "*"}
        unknown = tuple(o for o in consumer.operations
                        if o != "*" and o not in ids and _shape(o) not in known)  # fmt: skip
        items = []
        for change in changes:
            if not _relevant(change):
                continue
            if not (every or (change.operation and _shape(change.operation) in wanted)
                    or (not change.operation and change.level == "error")):  # fmt: skip
                continue
            by = _sunset(base, change) if change.id.startswith("api-") and "removed" in change.id \
                else _sunset(revision, change)  # fmt: skip
            items.append(NoticeItem(change.operation or "(whole API)", change.level, change.id,
                                    change.text, by or ON_RELEASE))  # fmt: skip
        notices.append(Notice(consumer, tuple(items), unknown))
    return notices


def notices_text(notices: Sequence[Notice]) -> str:
    """The notices as text, one section per consumer (what `api notices` prints)."""
    out: list[str] = []
    for notice in notices:
        c = notice.consumer
        head = f"{c.name}" + (f" <{c.contact}>" if c.contact else "")
        if not notice.items:
            out.append(f"{head}: not affected")
        else:
            out.append(f"{head}: {len(notice.items)} change(s), act by {notice.deadline}")
            for item in notice.items:
                out.append(f"  {SHORT.get(item.level, item.level):<4} {item.operation}:"
                           f" {item.text} [{item.id}] (by {item.by})")  # fmt: skip
        for name in notice.unknown:
            out.append(f"  note: {name} is in neither spec")
    return "\n".join(out) + "\n" if out else "no consumers in [api.consumers] of .gitmigrate.toml\n"
