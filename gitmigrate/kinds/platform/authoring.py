"""Authoring a platform step: the converter runs on the repository's files, every check is done
first (inputs exist, outputs inside the repository and not dirty, the result validates), then
the generated files are committed in the step's commit, with findings.json (what was generated,
dropped, left for a person) and a copy of each file for outside trees.

    author_platform_step(repo, {"op": "compose-to-k8s", "inputs": ["docker-compose.yml"],
                                "out": "k8s"}, summary="compose to k8s") -> Step
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from gitmigrate.core.gitstore import GitRepo
from gitmigrate.core.model import MIGRATIONS_DIR, Step
from gitmigrate.engine.kinds import AuthorRequest, StepFiles
from gitmigrate.errors import RepositoryStateError, UsageError
from gitmigrate.kinds.platform import converters
from gitmigrate.kinds.platform.options import COMPOSE, PlatformOptions, options_of
from gitmigrate.kinds.platform.record import FINDINGS_FILE, Recorded, copy_name

KIND = "platform"


def project_path(root: Path, raw: str, what: str, *, directory: bool = False) -> str:
    """`raw` as a path relative to the repository root, refused outside it, in .git or in
    migrations/ ("." allowed for a directory)."""
    path = PurePosixPath(raw.replace("\\", "/"))
    if Path(raw).is_absolute():
        try:
            path = PurePosixPath(Path(raw).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise UsageError(f"{what} {raw} is outside the repository",
                             "give a path inside the repository") from None  # fmt: skip
    if directory and path.as_posix() == ".":
        return "."
    if not path.parts or ".." in path.parts or path.parts[0] in (".git", MIGRATIONS_DIR):
        raise UsageError(f"{what} {raw} is not a project path",
                         "give a path inside the repository, outside .git and migrations/")  # fmt: skip
    return path.as_posix()


def _typed(root: Path, raw: Mapping[str, Any]) -> PlatformOptions:
    options = options_of({k: v for k, v in raw.items() if v is not None}, "platform step")
    if options.op == COMPOSE:
        inputs = tuple(project_path(root, p, "Compose file") for p in options.inputs)
        for path in inputs:
            if not (root / path).is_file():
                raise UsageError(f"{path} does not exist", "give the Compose file(s) to convert")
        out = project_path(root, str(options.out), "--out", directory=True)
        return PlatformOptions(**{**_fields(options), "inputs": inputs, "out": out})
    path = project_path(root, options.path, "PATH", directory=True)
    if not (root / path).is_dir():
        raise UsageError(f"{path} is not a directory", "give the directory of the .tf files")
    return PlatformOptions(**{**_fields(options), "path": path})


def _fields(options: PlatformOptions) -> dict[str, Any]:
    return {f: getattr(options, f) for f in PlatformOptions.__dataclass_fields__}


def generate(root: Path, options: PlatformOptions) -> tuple[dict[str, bytes], Recorded]:
    """Run the step's converter: the project files it writes (path -> bytes) and the record."""
    if options.op == COMPOSE:
        made = converters.compose(root, options)
        base = str(options.out)
    else:
        made = converters.terraform(root, options)
        base = options.path
    if not made.files:
        what = "resource of the mapping table" if options.op != COMPOSE else "service"
        raise UsageError(f"nothing to convert: no {what} found",
                         "check the inputs (`git migrate platform scan` lists what is there)")  # fmt: skip
    written = {
        path: text.encode("utf-8")
        for path, text in zip(converters.joined(base, list(made.files)), made.files.values(), strict=True)
    }  # fmt: skip
    for path in written:
        project_path(root, path, "generated file")
    record = Recorded(
        op=options.op,
        outputs={p: hashlib.sha256(b).hexdigest() for p, b in written.items()},
        created=tuple(sorted(p for p in written if not (root / p).exists())),
        resources=made.resources, dropped=made.dropped, notes=made.notes,
        converted=made.converted, needs_person=made.needs_person,
        untouched_blocks=made.untouched_blocks,
    )  # fmt: skip
    return written, record


def _refuse_dirty(repo: GitRepo, paths: list[str]) -> None:
    dirty = set(repo.dirty_paths()) & set(paths)
    if dirty:
        raise RepositoryStateError(
            f"{', '.join(sorted(dirty))} has uncommitted changes",
            "commit or stash them first: the step's commit must hold only its own change",
        )
    tracked = set(repo.run("ls-files", "--", *paths).splitlines())
    untracked = [p for p in paths if p not in tracked and (repo.root / p).exists()]
    if untracked:  # the step would overwrite it, and its rollback delete it
        raise RepositoryStateError(
            f"{untracked[0]} exists but is not committed",
            "commit it or move it away first: a rollback of the step would delete it",
        )


def _refuse_uncommitted_inputs(repo: GitRepo, options: PlatformOptions) -> None:
    """The Compose files a step converts must be in history as they were read, so a reviewer
    sees what the manifests came from."""
    if options.op != COMPOSE:
        return  # terraform rewrites its inputs: they are the outputs checked above
    tracked = set(repo.run("ls-files", "--", *options.inputs).splitlines())
    dirty = set(repo.dirty_paths())
    for path in options.inputs:
        if path not in tracked or path in dirty:
            raise RepositoryStateError(
                f"{path} is not committed as it is in the work tree",
                f"commit it first (git add {path} && git commit): the step converts what history holds",
            )


def author_platform(request: AuthorRequest) -> StepFiles:
    """Kind.author for platform steps."""
    root = request.repo.root
    options = _typed(root, request.options)
    written, record = generate(root, options)
    unchanged = all(
        (root / p).is_file() and (root / p).read_bytes() == b for p, b in written.items()
    )
    if unchanged:
        raise UsageError("the generated files are already in the repository, byte for byte",
                         "no step is needed")  # fmt: skip
    _refuse_dirty(request.repo, list(written))
    _refuse_uncommitted_inputs(request.repo, options)
    final = PlatformOptions(**{**_fields(options), "outputs": tuple(sorted(written)),
                               "dropped": tuple(d.text() for d in record.dropped),
                               "needs_person": record.needs_person})  # fmt: skip
    options_of(final.to_toml())  # what the step will be read back as
    files = {FINDINGS_FILE: record.dump(), **{copy_name(p): b for p, b in written.items()}}
    return StepFiles(files, final.to_toml(), request.irreversible,
                     project_files=dict(written))  # fmt: skip


def author_platform_step(repo: GitRepo, raw: Mapping[str, Any], *, summary: str) -> Step:
    """Commit one platform step on the current migration branch (its rollback: the inverse
    commit of the generated files)."""
    from gitmigrate.engine.authoring import author_step

    return author_step(repo, KIND, summary, dict(raw))
