"""The one seam between the platform kind and the converters of gitmigrate/platform/: Compose to
Kubernetes (compose_convert: convert_compose, validate_manifests) and Terraform across providers
(terraform_convert: convert_terraform, check_terraform). Their results are turned into one
shape, `Generated`, that authoring records and describe shows; verify calls the same checks
again on the files as they are in the tree.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from gitmigrate.errors import UsageError
from gitmigrate.kinds.platform.options import PlatformOptions
from gitmigrate.kinds.platform.record import DroppedKey

COMPOSE_MODULE = "gitmigrate.platform.compose_convert"
TERRAFORM_MODULE = "gitmigrate.platform.terraform_convert"
TERRAFORM_CHECK_MODULE = "gitmigrate.platform.terraform_check"


@dataclass(frozen=True)
class Generated:
    """What a converter produced: files (relative to the step's out/path directory -> text),
    and in words what it made, dropped, noted and left for a person."""

    files: dict[str, str]
    resources: tuple[str, ...] = ()
    dropped: tuple[DroppedKey, ...] = ()
    notes: tuple[str, ...] = ()
    converted: tuple[str, ...] = ()
    needs_person: tuple[str, ...] = ()
    untouched_blocks: int | None = None


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise UsageError(f"{name} cannot be imported: {exc}",
                         "install the platform extra: pip install 'git-migrate[platform]'") from exc  # fmt: skip


def _under(base: str, where: str) -> str:
    """`main.tf:3:1` of a converter run on `base` as `base/main.tf:3:1` (repository-relative)."""
    return where if base in ("", ".") or not where else f"{base.rstrip('/')}/{where}"


def converted_text(item: Any, base: str) -> str:
    """ "aws_s3_bucket.logs -> google_storage_bucket.logs (infra/main.tf:3:1)"."""
    targets = getattr(item, "targets", None)
    if targets is None or not hasattr(item, "source"):
        return text_of(item)
    where = getattr(item, "where", "")
    return f"{item.source} -> {', '.join(targets)}" + (f" ({_under(base, where)})" if where else "")


def person_text(item: Any, base: str) -> str:
    """ "aws_iam_role.app (infra/main.tf:9:1): not in the mapping table: ..."."""
    if not hasattr(item, "reason") or not hasattr(item, "resource"):
        return text_of(item)
    resource, part = str(item.resource), str(getattr(item, "item", "") or "")
    what = part if resource in part else resource if part in resource else f"{resource} {part}"
    where = getattr(item, "where", "")
    return what + (f" ({_under(base, where)})" if where else "") + f": {item.reason}"


def _check_terraform(files: Mapping[str, str], provider: str) -> list[str]:
    """P4's check_terraform (terraform_check.py; terraform_convert.py re-exporting it works too)."""
    check = getattr(_module(TERRAFORM_MODULE), "check_terraform", None)
    if check is None:
        check = _module(TERRAFORM_CHECK_MODULE).check_terraform
    return [str(p) for p in check(files, provider=provider)]


def text_of(item: Any) -> str:
    """One line for a converter's item (a string, an object with text(), a dataclass)."""
    if isinstance(item, str):
        return item
    if callable(getattr(item, "text", None)):
        return str(item.text())
    if dataclasses.is_dataclass(item) and not isinstance(item, type):
        values = [str(v) for v in dataclasses.asdict(item).values() if v not in (None, "")]
        return ": ".join(values)
    return str(item)


def _resource_name(resource: Mapping[str, Any]) -> str:
    metadata = resource.get("metadata") or {}
    return f"{resource.get('kind', '?')}/{metadata.get('name', '?')}"


def _relative(where: str, root: Path) -> str:
    """file:line:col with the file relative to the repository (the step is read elsewhere)."""
    for prefix in {f"{root}/", f"{root.resolve()}/"}:
        if where.startswith(prefix):
            return where[len(prefix) :]
    return where


def compose(root: Path, options: PlatformOptions) -> Generated:
    """Convert the step's Compose files (read from the repository at `root`). Variables come
    from .env files and defaults only, never from the shell: a committed manifest must not
    carry a secret that happened to be exported."""
    module = _module(COMPOSE_MODULE)
    extra = {"profiles": options.profiles} if options.profiles else {}
    settings = module.ComposeOptions(
        controller=options.controller, volumes=options.volumes, namespace=options.namespace,
        interpolate=options.interpolate, emptyvols=options.emptyvols, replicas=options.replicas,
        **extra,
    )  # fmt: skip
    files = [root / p for p in options.inputs]
    # base_dir: Compose's project directory, the first file's (env_file, bind mounts)
    conversion = module.convert_compose(files, env={}, options=settings, base_dir=files[0].parent)
    problems = list(module.validate_manifests(conversion.resources))
    if problems:
        raise UsageError(f"the generated manifests do not validate: {problems[0]}",
                         "fix the Compose file named, or report the case (a converter bug)")  # fmt: skip
    return Generated(
        files=dict(conversion.files),
        resources=tuple(_resource_name(r) for r in conversion.resources),
        dropped=tuple(
            DroppedKey(str(d.key), _relative(str(d.where), root), str(d.reason))
            for d in conversion.dropped
        ),  # fmt: skip
        notes=tuple(text_of(n) for n in conversion.notes),
    )


def terraform(root: Path, options: PlatformOptions) -> Generated:
    """Convert the Terraform under the step's path (its changed files, relative to it)."""
    module = _module(TERRAFORM_MODULE)
    conversion = module.convert_terraform(
        root / options.path, source=options.source, target=options.target
    )
    problems = _check_terraform(conversion.files, options.target)
    if problems:
        raise UsageError(f"the converted Terraform does not check: {problems[0]}",
                         "fix the file named, or report the case (a converter bug)")  # fmt: skip
    return Generated(
        files=dict(conversion.files),
        converted=tuple(converted_text(c, options.path) for c in conversion.converted),
        needs_person=tuple(person_text(n, options.path) for n in conversion.needs_person),
        untouched_blocks=int(conversion.untouched_blocks),
    )


def manifest_problems(texts: Mapping[str, bytes]) -> list[str]:
    """Why the Kubernetes manifests in `texts` (path -> bytes) are not valid ([] = valid)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    resources: list[dict[str, Any]] = []
    problems: list[str] = []
    for path, data in sorted(texts.items()):
        try:
            docs = list(YAML(typ="safe", pure=True).load_all(data.decode("utf-8")))
        except (YAMLError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not YAML: {str(exc).splitlines()[0]}")
            continue
        for doc in docs:
            if isinstance(doc, dict) and doc.get("apiVersion") and doc.get("kind"):
                resources.append(doc)
            elif doc is not None:
                problems.append(f"{path}: a document is not a Kubernetes object"
                                " (apiVersion and kind are required)")  # fmt: skip
    module = _module(COMPOSE_MODULE)
    return problems + [str(p) for p in module.validate_manifests(resources)]


def terraform_problems(texts: Mapping[str, bytes], provider: str) -> list[str]:
    """Why the Terraform files in `texts` do not parse or name what `provider` lacks."""
    decoded = {p: b.decode("utf-8", "replace") for p, b in texts.items()}
    return _check_terraform(decoded, provider)


def joined(directory: str, files: Sequence[str]) -> list[str]:
    return [f"{directory.rstrip('/')}/{f}" if directory not in ("", ".") else f for f in files]
