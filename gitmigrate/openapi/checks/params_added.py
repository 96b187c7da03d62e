"""New request parameters: a new path parameter or a new required one breaks every existing
call; a new optional one does not. A parameter added to a path item (shared by its operations)
is reported once per operation by its own check, as oasdiff does, so the operation check only
reports parameters the operation declares itself. A parameter an operation already declared
and that moved up to its path item is no change for that operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check
from gitmigrate.openapi.checks.endpoint_scope import (
    modified,
    operations_of,
    parameters,
    path_items,
)
from gitmigrate.openapi.checks.params_walk import declared
from gitmigrate.openapi.operations import template

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange
    from gitmigrate.openapi.operations import OperationDiff, OperationRef


def _named(location: str, name: str) -> dict[str, Any]:
    return {"in": location, "name": name}


def _added(
    ctx: DiffContext, path_params: bool
) -> Iterator[tuple[OperationDiff, str, str, dict[str, Any]]]:
    for op in modified(ctx):
        for location, name in parameters(op).added:
            if (location == "path") != path_params:
                continue
            param = op.revision_parameters.get((location, name), {})
            if declared(op.revision, param):
                yield op, location, name, param


@check("NewRequestPathParameterCheck")
def new_request_path_parameter(ctx: DiffContext) -> Iterator[ApiChange]:
    for op, location, name, param in _added(ctx, path_params=True):
        yield ctx.change(
            "NewRequestPathParameterCheck",
            "new-request-path-parameter",
            f"added the new path request parameter '{name}'",
            op=op,
            at=param,
            **_named(location, name),
        )


@check("NewRequestNonPathParameterCheck")
def new_request_non_path_parameter(ctx: DiffContext) -> Iterator[ApiChange]:
    for op, location, name, param in _added(ctx, path_params=False):
        required = bool(param.get("required"))
        kind = "required" if required else "optional"
        yield ctx.change(
            "NewRequestNonPathParameterCheck",
            f"new-{kind}-request-parameter",
            f"added the new {kind} '{location}' request parameter '{name}'",
            op=op,
            at=param,
            **_named(location, name),
        )


def _path_params(item: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    listed = item.get("parameters")
    found = {}
    for param in listed if isinstance(listed, list) else ():
        if isinstance(param, dict) and "name" in param:
            found[(str(param.get("in", "")), str(param["name"]))] = param
    return found


@check("NewRequestNonPathDefaultParameterCheck")
def new_request_non_path_default_parameter(ctx: DiffContext) -> Iterator[ApiChange]:
    refs: dict[tuple[str, str], OperationDiff | OperationRef] = {}
    for ref in ctx.added_operations():
        refs[(ref.method, template(ref.path))] = ref
    for op in ctx.modified_operations():
        refs[(op.method, template(op.path))] = op
    base_items = path_items(ctx.base.doc)
    for key, (_, item) in path_items(ctx.revision.doc).items():
        if key not in base_items:
            continue
        before, after = _path_params(base_items[key][1]), _path_params(item)
        for (location, name), param in after.items():
            if location == "path" or (location, name) in before:
                continue
            kind = "required" if param.get("required") else "optional"
            for method, _operation in operations_of(item):
                target = refs.get((method, key))
                if (location, name) in getattr(target, "base_parameters", {}):
                    continue  # the operation had it already, declared on itself
                yield ctx.change(
                    "NewRequestNonPathDefaultParameterCheck",
                    f"new-{kind}-request-default-parameter-to-existing-path",
                    f"added the new {kind} '{location}' request parameter '{name}' "
                    "to all path's operations",
                    op=target,
                    at=param,
                    **_named(location, name),
                )
