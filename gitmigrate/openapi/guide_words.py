"""Why a change breaks a client and what the client should do, in words, from the change's id
(oasdiff's ids say what moved: `...-removed`, `new-required-...`, `...-type-changed`, ...) and
its details. The first matching rule wins; the fallback speaks from the level alone."""

from __future__ import annotations

from collections.abc import Callable

from gitmigrate.openapi.model import ApiChange

Words = tuple[str, str]  # (why it breaks, what to do)


def _name(change: ApiChange) -> str:
    for key in ("property", "name", "parameter", "media_type", "status", "header"):
        value = change.details.get(key)
        if value not in (None, ""):
            return f"`{value}`"
    return "it"


def _row(change: ApiChange) -> tuple[str, str, str]:
    """(direction, kind, action) of the change's rules.tsv row; blanks for ids it lacks."""
    from gitmigrate.openapi.rules import rule

    try:
        found = rule(change.id)
    except KeyError:
        return "", "", ""
    return found.direction, found.kind, found.action


def _response(change: ApiChange) -> bool:
    direction = _row(change)[0]
    if direction in ("request", "response"):
        return direction == "response"
    return change.id.startswith("response-") or "-response-" in change.id


def _removed_operation(c: ApiChange) -> Words:
    return ("calls to this operation fail once the new version is deployed (404 or 405)",
            "move to the replacement operation (see the other operations of this guide) before"
            " the new version is deployed")  # fmt: skip


def _removed_in_response(c: ApiChange) -> Words:
    return (f"clients that read {_name(c)} from the response will find it missing",
            f"stop reading {_name(c)}, or read it from where the new version puts it")  # fmt: skip


def _removed_in_request(c: ApiChange) -> Words:
    return (f"requests that still send {_name(c)} may be rejected or have it ignored",
            f"stop sending {_name(c)}")  # fmt: skip


def _now_required(c: ApiChange) -> Words:
    return (f"requests that do not send {_name(c)} are rejected",
            f"send {_name(c)} in every request (see the example after the change)")  # fmt: skip


def _type_changed(c: ApiChange) -> Words:
    before, after = c.details.get("before"), c.details.get("after")
    change = f" (from {before} to {after})" if before is not None and after is not None else ""
    if _response(c):
        return (f"clients that parse {_name(c)} as before fail on the new values{change}",
                f"parse {_name(c)} as the new type")  # fmt: skip
    return (f"values of the old type are rejected{change}", f"send {_name(c)} as the new type")


def _narrowed(c: ApiChange) -> Words:
    if _response(c):
        return (f"the response may now hold values of {_name(c)} that clients did not expect",
                f"accept the new values of {_name(c)} (an unknown enum value, a longer text)")  # fmt: skip
    return (f"requests with values of {_name(c)} the old version accepted are now rejected",
            f"send only values the new schema of {_name(c)} allows")  # fmt: skip


def _deprecated(c: ApiChange) -> Words:
    return ("nothing breaks yet: it keeps working until its sunset date",
            "plan the move off it before the sunset date")  # fmt: skip


def _security(c: ApiChange) -> Words:
    return ("requests with the old credentials are refused", "authenticate as the new version asks")


_RULES: tuple[tuple[Callable[[ApiChange], bool], Callable[[ApiChange], Words]], ...] = (
    (lambda c: c.id.startswith(("api-removed", "api-path-removed")), _removed_operation),
    (lambda c: "deprecated" in c.id or "sunset" in c.id, _deprecated),
    (lambda c: "security" in c.id, _security),
    (lambda c: "type-changed" in c.id or "format-changed" in c.id, _type_changed),
    (
        lambda c: (
            c.id.startswith("new-required")
            or "became-required" in c.id
            or c.id.endswith("-required-added")
        ),
        _now_required,
    ),  # fmt: skip
    (lambda c: ("removed" in c.id or "deleted" in c.id) and _response(c), _removed_in_response),
    (lambda c: "removed" in c.id or "deleted" in c.id, _removed_in_request),
    (
        lambda c: any(
            w in c.id
            for w in (
                "max",
                "min",
                "enum",
                "pattern",
                "became-enum",
                "decreased",
                "increased",
                "set",
                "nullable",
            )
        ),
        _narrowed,
    ),
)


# by oasdiff's own classification (rules.tsv kind, action) when the id says too little
_BY_KIND: dict[tuple[str, str], Callable[[ApiChange], Words]] = {
    ("lifecycle", "change"): _deprecated,
    ("type", "change"): _type_changed,
    ("existence", "remove"): _removed_in_response,
    ("structure", "remove"): _removed_in_response,
}


def words(change: ApiChange) -> Words:
    """(why it breaks, what to do) for one change."""
    for matches, say in _RULES:
        if matches(change):
            return say(change)
    _, kind, action = _row(change)
    if (kind, action) in _BY_KIND:
        say = _BY_KIND[(kind, action)]
        if say is _removed_in_response and not _response(change):
            say = _removed_in_request
        return say(change)
    if kind in ("constraints", "values"):
        return _narrowed(change)
    if change.level == "error":
        return (
            "clients written against the old spec may fail",
            "update the client to the new spec",
        )
    if change.level == "warning":
        return ("clients that depend on the old behaviour may fail",
                "check whether your client depends on it")  # fmt: skip
    return ("nothing breaks", "nothing to do")
