"""Offline validation of Kubernetes objects against the OpenAPI schemas kubernetes-validate
ships (no cluster is needed or contacted)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def validate_manifests(
    resources: Sequence[Mapping[str, Any]], *, version: str | None = None
) -> list[str]:
    """One line per problem (`Kind/name: path: message`); [] when every object is valid.
    `version` is the Kubernetes version to check against (default: the newest known)."""
    import kubernetes_validate
    from kubernetes_validate.utils import latest_version

    wanted = version or latest_version()
    problems: list[str] = []
    for obj in resources:
        meta = obj.get("metadata") or {}
        label = f"{obj.get('kind', '?')}/{meta.get('name', '?')}"
        try:
            kubernetes_validate.validate(dict(obj), wanted, strict=True)
        except kubernetes_validate.ValidationError as exc:
            where = ".".join(str(p) for p in exc.path) or "(root)"
            problems.append(f"{label}: {where}: {exc.message}")
        except (
            kubernetes_validate.SchemaNotFoundError,
            kubernetes_validate.InvalidSchemaError,
        ) as exc:
            problems.append(f"{label}: no schema to check it against ({exc})")
    return problems
