"""The platform inventory as plain functions: what the repository runs on (`platform_scan`),
and the equivalent of every service on another cloud (`platform_map`). Both read files only:
no cloud account, no network. `path` is absolute or relative to the repository root (default:
the whole repository).

    from gitmigrate import api
    inventory = api.platform_scan(repo)
    print([(i.service, i.where()) for i in inventory.items])
    mapping = api.platform_map(repo, source="aws", target="gcp")
    print([(m.row.names["aws"], m.row.names["gcp"]) for m in mapping.mapped])
    print([u.item.resource for u in mapping.unmapped])   # not in the table: by hand
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from gitmigrate.api._repo import RepoLike, open_repo

if TYPE_CHECKING:
    from gitmigrate.platform.scan_model import Inventory
    from gitmigrate.platform.services_map import ServiceMap


def _root(repo: RepoLike, path: str | os.PathLike[str] | None) -> Path:
    if path is not None and Path(path).is_absolute():
        return Path(path)
    base = open_repo(repo).root
    return base if path is None else base / path


def platform_scan(repo: RepoLike = None, path: str | os.PathLike[str] | None = None) -> Inventory:
    """Terraform, Compose, Kubernetes manifests, Dockerfiles and cloud SDK calls in Python under
    `path`: every service and resource in use, at file:line. Files that do not parse are
    `problems` (file:line:col), and the scan goes on."""
    from gitmigrate.platform.scan import scan_platform

    return scan_platform(_root(repo, path))


def platform_map(
    repo: RepoLike = None,
    path: str | os.PathLike[str] | None = None,
    *,
    source: str = "aws",
    target: str,
) -> ServiceMap:
    """Scan, then give each `source` service found its `target` equivalent from the services
    table; what the table lacks is listed in `unmapped`, never dropped."""
    from gitmigrate.platform.scan import scan_platform
    from gitmigrate.platform.services_map import check_clouds, map_services

    check_clouds(source, target)
    return map_services(scan_platform(_root(repo, path)), source=source, target=target)
