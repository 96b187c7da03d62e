"""The pairing of two specs above the schema level: paths matched by their template with the
parameter names ignored (`/pets/{id}` is `/pets/{petId}`), operations by method, parameters by
(in, name) with path-level parameters merged in, bodies, responses, media types and headers by
their keys. Every part is computed on first access."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from gitmigrate.openapi import media_names
from gitmigrate.openapi.compare import Comparer
from gitmigrate.openapi.schemadiff import SchemaDiff, schema_diff

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{[^}]*\}")

ParamKey = tuple[str, str]


def template(path: str) -> str:
    """The path with every parameter name blanked: the key two specs' paths are matched by."""
    return _PARAM.sub("{}", path)


def _renamed_path_params(
    base_path: str,
    path: str,
    base: dict[ParamKey, dict[str, Any]],
    revision: dict[ParamKey, dict[str, Any]],
) -> dict[ParamKey, ParamKey]:
    """base key -> revision key of the path parameters whose name changed in place."""
    old_names = [m.group()[1:-1] for m in _PARAM.finditer(base_path)]
    new_names = [m.group()[1:-1] for m in _PARAM.finditer(path)]
    found: dict[ParamKey, ParamKey] = {}
    for old, new in zip(old_names, new_names, strict=False):
        old_key, new_key = ("path", old), ("path", new)
        if old != new and old_key in base and new_key in revision:
            if old_key not in revision and new_key not in base:
                found[old_key] = new_key
    return found


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parameters_of(
    path_item: dict[str, Any], operation: dict[str, Any]
) -> dict[ParamKey, dict[str, Any]]:
    """(in, name) -> parameter: the path item's, overridden by the operation's."""
    found: dict[ParamKey, dict[str, Any]] = {}
    for source in (path_item.get("parameters"), operation.get("parameters")):
        for param in source if isinstance(source, list) else ():
            if isinstance(param, dict) and "name" in param:
                found[(str(param.get("in", "")), str(param["name"]))] = param
    return found


@dataclass(frozen=True)
class OperationRef:
    """An operation of one spec (added or deleted ones)."""

    method: str
    path: str
    operation: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class ParameterDiff:
    base: dict[str, Any]
    revision: dict[str, Any]
    schema: SchemaDiff | None


@dataclass
class ParametersDiff:
    added: list[ParamKey] = field(default_factory=list)
    deleted: list[ParamKey] = field(default_factory=list)
    modified: dict[ParamKey, ParameterDiff] = field(default_factory=dict)


@dataclass
class MediaTypeDiff:
    name: str
    base: dict[str, Any]
    revision: dict[str, Any]
    schema: SchemaDiff | None
    base_name: str = ""  # the base's name when it was renamed (application/json -> ...+json)


@dataclass
class MediaTypesDiff:
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    modified: dict[str, MediaTypeDiff] = field(default_factory=dict)


@dataclass
class HeaderDiff:
    name: str
    base: dict[str, Any]
    revision: dict[str, Any]
    schema: SchemaDiff | None


@dataclass
class HeadersDiff:
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    modified: dict[str, HeaderDiff] = field(default_factory=dict)


def _schema_of(value: dict[str, Any]) -> dict[str, Any] | None:
    schema = value.get("schema")
    return schema if isinstance(schema, dict) else None


def media_types_diff(base: Any, revision: Any, comparer: Comparer) -> MediaTypesDiff:
    a, b = _dict(base), _dict(revision)
    result = MediaTypesDiff([k for k in b if k not in a], [k for k in a if k not in b])
    for name in a:
        if name in b and not comparer.equal(a[name], b[name]):
            x, y = _dict(a[name]), _dict(b[name])
            result.modified[name] = MediaTypeDiff(
                name, x, y, schema_diff(_schema_of(x), _schema_of(y), comparer)
            )
    for new in list(result.added):  # a renamed media type is the same content (oasdiff)
        old = next((o for o in result.deleted if media_names.equivalent(new, o)), None)
        if old is not None:
            x, y = _dict(a[old]), _dict(b[new])
            result.modified[new] = MediaTypeDiff(
                new, x, y, schema_diff(_schema_of(x), _schema_of(y), comparer), old
            )
            result.added.remove(new)
            result.deleted.remove(old)
    return result


def headers_diff(base: Any, revision: Any, comparer: Comparer) -> HeadersDiff:
    a, b = _dict(base), _dict(revision)
    result = HeadersDiff([k for k in b if k not in a], [k for k in a if k not in b])
    for name in a:
        if name in b and not comparer.equal(a[name], b[name]):
            x, y = _dict(a[name]), _dict(b[name])
            result.modified[name] = HeaderDiff(
                name, x, y, schema_diff(_schema_of(x), _schema_of(y), comparer)
            )
    return result


@dataclass
class RequestBodyDiff:
    base: dict[str, Any] | None
    revision: dict[str, Any] | None
    media_types: MediaTypesDiff


@dataclass
class ResponseDiff:
    status: str
    base: dict[str, Any]
    revision: dict[str, Any]
    media_types: MediaTypesDiff
    headers: HeadersDiff


@dataclass
class ResponsesDiff:
    added: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    modified: dict[str, ResponseDiff] = field(default_factory=dict)


class OperationDiff:
    """One operation present in both specs (whether or not it changed)."""

    def __init__(
        self,
        method: str,
        base_path: str,
        path: str,
        base_item: dict[str, Any],
        revision_item: dict[str, Any],
        comparer: Comparer,
    ) -> None:
        self.method = method.upper()
        self.base_path = base_path
        self.path = path
        self.base_item = base_item
        self.revision_item = revision_item
        self.base: dict[str, Any] = _dict(base_item.get(method.lower()))
        self.revision: dict[str, Any] = _dict(revision_item.get(method.lower()))
        self.comparer = comparer

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    @cached_property
    def changed(self) -> bool:
        return not (
            self.comparer.equal(self.base, self.revision)
            and self.comparer.equal(
                self.base_item.get("parameters"), self.revision_item.get("parameters")
            )
        )

    @cached_property
    def base_parameters(self) -> dict[ParamKey, dict[str, Any]]:
        return parameters_of(self.base_item, self.base)

    @cached_property
    def revision_parameters(self) -> dict[ParamKey, dict[str, Any]]:
        return parameters_of(self.revision_item, self.revision)

    @cached_property
    def _parameters(self) -> ParametersDiff:
        """Parameters by (in, name); a path parameter renamed with its place in the path
        (`/pets/{id}` -> `/pets/{petId}`) is the same parameter, keyed by its new name."""
        a, b = self.base_parameters, self.revision_parameters
        renamed = _renamed_path_params(self.base_path, self.path, a, b)
        result = ParametersDiff(
            [k for k in b if k not in a and k not in renamed.values()],
            [k for k in a if k not in b and k not in renamed],
        )
        pairs = [(key, key) for key in a if key in b] + list(renamed.items())
        for old, new in pairs:
            if not self.comparer.equal(a[old], b[new]):
                result.modified[new] = ParameterDiff(
                    a[old],
                    b[new],
                    schema_diff(_schema_of(a[old]), _schema_of(b[new]), self.comparer),
                )
        return result

    @cached_property
    def _request_body(self) -> RequestBodyDiff | None:
        a = self.base.get("requestBody")
        b = self.revision.get("requestBody")
        a = a if isinstance(a, dict) else None
        b = b if isinstance(b, dict) else None
        if (a is None and b is None) or self.comparer.equal(a, b):
            return None
        return RequestBodyDiff(
            a, b, media_types_diff(_dict(a).get("content"), _dict(b).get("content"), self.comparer)
        )

    @cached_property
    def _responses(self) -> ResponsesDiff:
        a, b = _dict(self.base.get("responses")), _dict(self.revision.get("responses"))
        a = {str(k): v for k, v in a.items()}
        b = {str(k): v for k, v in b.items()}
        result = ResponsesDiff([k for k in b if k not in a], [k for k in a if k not in b])
        for status in a:
            if status in b and not self.comparer.equal(a[status], b[status]):
                x, y = _dict(a[status]), _dict(b[status])
                result.modified[status] = ResponseDiff(
                    status, x, y,
                    media_types_diff(x.get("content"), y.get("content"), self.comparer),
                    headers_diff(x.get("headers"), y.get("headers"), self.comparer),
                )  # fmt: skip
        return result

    # paired once per operation: dozens of checks ask for the same parts
    def parameters(self) -> ParametersDiff:
        return self._parameters

    def request_body(self) -> RequestBodyDiff | None:
        return self._request_body

    def responses(self) -> ResponsesDiff:
        return self._responses
