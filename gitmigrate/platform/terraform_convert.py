"""``convert_terraform``: covered resources rewritten for the target provider, the rest untouched.

Each converted block is replaced in place, at the span python-hcl2's parse tree reports; between
those spans the text is kept byte for byte, except references to converted resources, which are
rewritten to the target's equivalent attribute. Pure: reads files, returns new texts and lists.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from gitmigrate.platform.services import resource_pair
from gitmigrate.platform.terraform_files import read_terraform
from gitmigrate.platform.terraform_hcl import Attribute, Block, HclFile
from gitmigrate.platform.terraform_hooks import HOOKS
from gitmigrate.platform.terraform_provider import add_provider
from gitmigrate.platform.terraform_refs import RefMap, Target, rewrite
from gitmigrate.platform.terraform_render import Body, TargetBlock, render
from gitmigrate.platform.terraform_result import Converted, NeedsPerson, TerraformConversion
from gitmigrate.platform.terraform_rules import CARRIED_LIFECYCLE, map_block
from gitmigrate.platform.terraform_table import Rule, Table, load_table
from gitmigrate.platform.terraform_values import Ctx, literal_str

__all__ = [
    "Converted",
    "NeedsPerson",
    "TerraformConversion",
    "convert_terraform",
    "read_terraform",
]

_PARENT = re.compile(r"\s*(aws_[a-z0-9_]+)\.([\w-]+)\.(?:id|bucket|arn)\s*")


def _where(f: HclFile, line: int, column: int) -> str:
    return f"{f.path}:{line}:{column}"


def _offset_where(f: HclFile, offset: int) -> str:
    line = f.text.count("\n", 0, offset) + 1
    return _where(f, line, offset - (f.text.rfind("\n", 0, offset) + 1) + 1)


def _region(files: list[HclFile], table: Table) -> str | None:
    for f in files:
        for b in f.blocks:
            if b.type == "provider" and b.labels == ["aws"] and "alias" not in b.attributes:
                raw = b.attributes.get("region")
                aws = literal_str(raw.raw) if raw else None
                return table.regions.get(aws or "")
    return None


@dataclass
class _Job:
    file: HclFile
    block: Block
    rule: Rule
    merged: list[tuple[HclFile, Block, Rule]] = field(default_factory=list)


def convert_terraform(
    root: Path, *, source: str = "aws", target: str = "gcp"
) -> TerraformConversion:
    """Convert the covered ``source`` resources under ``root`` to ``target`` (see the docs page).

    Each directory is a Terraform module with its own names, so references are resolved within
    the directory of the file they are in."""
    table = load_table(source, target)
    files = read_terraform(root)
    result = TerraformConversion(files={})
    if root.is_dir():
        for path in sorted(root.rglob("*.tf.json")):
            rel = path.relative_to(root)
            if not any(part.startswith(".") for part in rel.parts):
                reason = "Terraform JSON syntax is not converted: convert it by hand"
                result.needs_person.append(
                    NeedsPerson(f"{rel.as_posix()}:1:1", "file", "tf.json", reason)
                )
    modules: dict[str, list[HclFile]] = {}
    for f in files:
        modules.setdefault(posixpath.dirname(f.path), []).append(f)
    root_region = _region(modules.get("", []), table)
    for directory, members in modules.items():
        region = _region(members, table) or root_region  # a child module runs in its caller's
        _convert_module(members, table, (source, target), region, result, is_root=directory == "")
    return result


def _convert_module(
    files: list[HclFile],
    table: Table,
    pair: tuple[str, str],
    region: str | None,
    result: TerraformConversion,
    *,
    is_root: bool,
) -> None:
    source, target = pair
    refs = RefMap()
    jobs: dict[str, _Job] = {}
    merges: list[tuple[HclFile, Block, Rule]] = []
    for f in files:
        for b in f.blocks:
            key = ".".join(b.labels)
            if b.type == "data" and b.labels and b.labels[0].startswith(source + "_"):
                result.needs_person.append(
                    NeedsPerson(
                        _where(f, b.line, b.column),
                        f"data.{key}",
                        "data source",
                        "data sources are not converted: look the object up on the target",
                    )
                )
            if (
                b.type != "resource"
                or len(b.labels) != 2
                or not b.labels[0].startswith(source + "_")
            ):
                continue
            rule = table.rules.get(b.labels[0])
            if rule is None:
                result.needs_person.append(
                    NeedsPerson(
                        _where(f, b.line, b.column),
                        key,
                        b.labels[0],
                        _uncovered(b.labels[0], target),
                    )
                )
            elif rule.merge_into:
                merges.append((f, b, rule))
            elif rule.variants is not None and _variant(b, rule) not in rule.variants:
                by = rule.variant_by or ""
                known = ", ".join(rule.variants)
                result.needs_person.append(
                    NeedsPerson(
                        _where(f, b.line, b.column),
                        key,
                        by,
                        f"only {by} {known} (literal) is converted: left as is",
                    )
                )
            else:
                if rule.variants is not None:
                    rule = rule.variants[_variant(b, rule) or ""]
                jobs[key] = _Job(f, b, rule)
                label = b.labels[1]
                refs.targets[key] = Target(
                    f"{rule.targets[0]}.{label}",
                    {a: _ref(t, rule, label) for a, t in rule.refs.items()},
                )
    for f, b, rule in merges:
        via = b.attributes.get(rule.via or "")
        m = _PARENT.fullmatch(via.raw) if via else None
        parent = (
            jobs.get(f"{m.group(1)}.{m.group(2)}") if m and m.group(1) == rule.merge_into else None
        )
        if parent is None:
            result.needs_person.append(
                NeedsPerson(
                    _where(f, b.line, b.column),
                    ".".join(b.labels),
                    rule.via or "",
                    f"its {rule.merge_into} is not converted here: left as is",
                )
            )
            continue
        parent.merged.append((f, b, rule))
        plabel = parent.block.labels[1]
        refs.targets[".".join(b.labels)] = Target(
            refs.targets[".".join(parent.block.labels)].primary,
            {a: _ref(t, parent.rule, plabel) for a, t in rule.refs.items()},
        )
    ctx = Ctx(zones=_zones(files))
    splices: dict[str, list[tuple[int, int, str]]] = {f.path: [] for f in files}
    for key, job in jobs.items():
        text = _convert_job(job, table, refs, region, ctx, result)
        kept = _inner_comments(job.file, job.block)
        splices[job.file.path].append((job.block.start, job.block.end, kept + text))
        for mf, mb, _ in job.merged:
            note = f"# {'.'.join(mb.labels)}: merged into {refs.targets[key].primary} (git migrate platform convert)"
            splices[mf.path].append((mb.start, mb.end, _inner_comments(mf, mb) + note))
    has_source_provider = any(
        b.type == "provider" and b.labels == [source] for f in files for b in f.blocks
    )
    if jobs and (is_root or has_source_provider):
        first = next(iter(jobs.values())).file
        added = add_provider(files, splices, region, table, source, first)
        if added:
            result.needs_person.append(NeedsPerson(*added))
    elif jobs:
        first = files[0]
        result.needs_person.append(
            NeedsPerson(
                f"{first.path}:1:1",
                "module",
                "provider",
                "a child module: the calling module passes the target provider (no provider block added here)",
            )
        )
    for f in files:
        new = _splice(f, sorted(splices[f.path]), refs, result)
        if new != f.text:
            result.files[f.path] = new
    touched = {(f.path, s) for f in files for s, _, _ in splices[f.path]}
    result.untouched_blocks += sum(
        1 for f in files for b in f.blocks if (f.path, b.start) not in touched
    )


def _inner_comments(f: HclFile, block: Block) -> str:
    """The comments written inside a block being replaced, kept as lines above its replacement."""
    lines = []
    for start, end in f.comments:
        comment = f.text[start:end].strip()
        if block.start <= start < block.end and comment:
            lines.append(comment)  # one token: a line comment, or a whole /* ... */
    return "".join(f"{line}\n" for line in lines)


def _uncovered(resource_type: str, target: str) -> str:
    """Why a type is left, with its counterpart in the services table (platform map) if any."""
    reason = f"resource type {resource_type} is not in the table: left as is"
    pair = resource_pair(resource_type, target)
    return f"{reason} (its counterpart per services.tsv: {pair})" if pair else reason


def _zones(files: list[HclFile]) -> dict[str, str]:
    """Literal domain of each aws_route53_zone, by label (record names are relative on Azure)."""
    zones = {}
    for f in files:
        for b in f.blocks:
            if (
                b.type == "resource"
                and b.labels[:1] == ["aws_route53_zone"]
                and "name" in b.attributes
            ):
                domain = literal_str(b.attributes["name"].raw)
                if domain:
                    zones[b.labels[1]] = domain.rstrip(".")
    return zones


def _variant(block: Block, rule: Rule) -> str | None:
    raw = block.attributes.get(rule.variant_by or "")
    return literal_str(raw.raw) if raw else None


def _ref(spec: str, rule: Rule, label: str) -> str:
    kind, _, attr = spec.rpartition(".")
    return f"{kind or rule.targets[0]}.{label}.{attr}"


def _convert_job(
    job: _Job,
    table: Table,
    refs: RefMap,
    region: str | None,
    ctx: Ctx,
    result: TerraformConversion,
) -> str:
    f, b, label = job.file, job.block, job.block.labels[1]
    bodies: dict[str, Body] = {t: {} for t in job.rule.targets}

    def rw(attr: Attribute, owner: HclFile = f, source: str = ".".join(b.labels)) -> str:
        new, missing = rewrite(attr.raw, refs)
        for u in missing:
            result.needs_person.append(
                NeedsPerson(_where(owner, attr.line, attr.column), source, u.reference, u.reason)
            )
        return new

    notes = [(f, ".".join(b.labels), n) for n in map_block(b, job.rule, table, bodies, rw, ctx)]
    for mf, mb, mrule in job.merged:
        src = ".".join(mb.labels)
        mnotes = map_block(
            mb, mrule, table, bodies, functools.partial(rw, owner=mf, source=src), ctx
        )
        notes += [(mf, src, n) for n in mnotes if n.item != mrule.via]
        if mrule.hook:
            mnotes = HOOKS[mrule.hook](mb, label, region, bodies)
            notes += [(mf, src, n) for n in mnotes]
    if job.rule.hook:
        notes += [
            (f, ".".join(b.labels), n) for n in HOOKS[job.rule.hook](b, label, region, bodies)
        ]
    for owner, src, n in notes:
        result.needs_person.append(
            NeedsPerson(_where(owner, n.line, n.column), src, n.item, n.reason)
        )
    meta: Body = {k: rw(b.attributes[k]) for k in table.meta_copy if k in b.attributes}
    tail: Body = {}
    for life in b.nested("lifecycle"):
        kept: Body = {k: rw(a) for k, a in life.attributes.items() if k in CARRIED_LIFECYCLE}
        if kept:
            tail["lifecycle"] = [kept]
    blocks = [
        TargetBlock(t, label, {**meta, **body, **tail})
        for t, body in bodies.items()
        if body or t == job.rule.targets[0]
    ]
    result.converted.append(
        Converted(
            ".".join(b.labels),
            tuple(f"{t.type}.{label}" for t in blocks),
            _where(f, b.line, b.column),
        )
    )
    return "\n\n".join(render(t) for t in blocks)


def _splice(
    f: HclFile, cuts: list[tuple[int, int, str]], refs: RefMap, result: TerraformConversion
) -> str:
    out, pos = [], 0
    for start, end, text in [*cuts, (len(f.text), len(f.text), "")]:
        gap = f.text[pos:start]
        skip = [(a - pos, b - pos) for a, b in f.comments if pos <= a < start]
        new, missing = rewrite(gap, refs, skip)
        for u in missing:
            result.needs_person.append(
                NeedsPerson(
                    _offset_where(f, pos + u.offset),
                    u.reference.split(".")[0] + "." + u.reference.split(".")[1],
                    u.reference,
                    u.reason,
                )
            )
        out += [new, text.replace("\n", "\r\n") if "\r\n" in f.text else text]
        pos = max(pos, end)
    return "".join(out)
