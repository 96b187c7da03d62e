"""`api diff` on a generated 5 MB spec pair: load (parse + $ref resolution) and diff, as JSON and
as YAML, so the goal of issue 15 (under 3 s for the JSON pair, parse included) is measured.

    .venv/bin/python bench/api_speed.py [--size-mb 5] [--runs 3] [--seed 7] [--keep DIR]
                                        [--only json|yaml] [--profile] [--pyyaml]

Generates a base spec of about `--size-mb` MB (JSON, compact as tools write it) with many paths
(CRUD operations on resources, path/query/header parameters, request bodies and responses
that `$ref` component schemas, schemas with nested objects, arrays, enums and allOf bases),
and a revision with a realistic share of changes (about 2% of schemas and 1% of operations:
properties removed, types changed, new required properties, enum values removed, parameters
added, operations removed and added). Writes both as JSON and as YAML (block style, as people
write them), then times, best of `--runs`, in this process:

- load: `load_spec(base)` + `load_spec(revision)` (read, parse, resolve refs);
- normalise: `normalise(base, revision)` (equivalent forms written alike);
- diff: `diff_specs(base, revision)` with every registered check (changes placed as made);
- place: `where()` of 200 operations of the revision, as 200 reported changes would be
  (the first ask builds the position index);
- total: their sum, what `git migrate api diff` spends beyond start-up. Wall and CPU seconds
  are printed for each (CPU moves less with the load of this shared machine).

YAML is read by yaml_rs when it is installed, by PyYAML's C loader otherwise (`--pyyaml` forces
the C loader). Resources `$ref` a few shared leaf schemas (the first 40, as Money or Address would be); the
revision changes about 2% of resources and one shared leaf, so a change reaches the operations
of its resource, and the shared one those of every resource that embeds it (a few percent).

`--profile` runs one JSON round under cProfile and prints the 25 most expensive functions
(cumulative). The load average is printed: this 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LEAVES = 40  # the first schemas are shared parts (Money, Address...) that resources $ref
TYPES = [("string", None), ("integer", "int64"), ("number", "double"), ("boolean", None),
         ("string", "date-time"), ("string", "uuid")]  # fmt: skip


def _schema(rng: random.Random, index: int, names: list[str]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for p in range(rng.randint(8, 18)):
        kind = rng.random()
        name = f"field{p}_{rng.choice(['id', 'name', 'count', 'state', 'at', 'ref'])}"
        if kind < 0.55:
            type_, fmt = rng.choice(TYPES)
            prop: dict[str, Any] = {"type": type_, "description": f"The {name} of item {index}."}
            if fmt:
                prop["format"] = fmt
            if type_ == "string" and rng.random() < 0.3:
                prop["maxLength"] = rng.choice([32, 64, 255])
            if type_ == "integer" and rng.random() < 0.3:
                prop["minimum"] = 0
        elif kind < 0.7:
            prop = {"type": "string", "enum": [f"v{i}" for i in range(rng.randint(2, 6))]}
        elif kind < 0.85 and index >= LEAVES:  # resources embed shared leaf schemas
            prop = {"$ref": f"#/components/schemas/{names[rng.randrange(LEAVES)]}"}
        elif kind < 0.95:
            prop = {"type": "array", "items": {"type": "string", "format": "uuid"}, "maxItems": 100}
        else:
            prop = {
                "type": "object",
                "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
                "required": ["lat", "lon"],
            }
        properties[name] = prop
    schema: dict[str, Any] = {
        "type": "object",
        "description": f"Resource {index}.",
        "properties": properties,
        "required": sorted(rng.sample(sorted(properties), k=min(3, len(properties)))),
    }
    if index >= LEAVES and rng.random() < 0.1:
        base = names[rng.randrange(LEAVES)]
        return {"allOf": [{"$ref": f"#/components/schemas/{base}"}, schema]}
    return schema


def _operations(rng: random.Random, resource: str, schema: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    ok = {"description": "OK", "content": {"application/json": {"schema": ref}}}
    errors = {"400": {"$ref": "#/components/responses/BadRequest"},
              "404": {"$ref": "#/components/responses/NotFound"}}  # fmt: skip
    return {
        f"/{resource}": {
            "get": {
                "operationId": f"list_{resource}",
                "summary": f"List {resource}",
                "parameters": [
                    {"$ref": "#/components/parameters/Limit"},
                    {"name": "filter", "in": "query", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {"schema": {"type": "array", "items": ref}}
                        },
                    },
                    **errors,
                },
            },
            "post": {
                "operationId": f"create_{resource}",
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
                "responses": {"201": ok, **errors},
            },
        },
        f"/{resource}/{{id}}": {
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "get": {"operationId": f"get_{resource}", "responses": {"200": ok, **errors}},
            "put": {
                "operationId": f"put_{resource}",
                "parameters": [
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": rng.random() < 0.5,
                        "schema": {"type": "string"},
                    },  # fmt: skip
                ],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
                "responses": {"200": ok, **errors},
            },
            "delete": {
                "operationId": f"delete_{resource}",
                "responses": {"204": {"description": "Gone"}},
            },
        },
    }


def generate(size_mb: float, seed: int) -> dict[str, Any]:
    """A base spec of about `size_mb` MB of compact JSON."""
    rng = random.Random(seed)
    names: list[str] = []
    schemas: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    doc: dict[str, Any] = {
        "openapi": "3.0.3",
        "info": {"title": "Generated", "version": "1.0.0"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {
                "Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                },  # fmt: skip
            },
            "responses": {
                "BadRequest": {"description": "Bad request"},
                "NotFound": {"description": "Not found"},
            },
        },
    }
    target = size_mb * 1_000_000
    index = 0
    estimate = 0
    while estimate < target:
        name = f"Resource{index}"
        names.append(name)
        schemas[name] = _schema(rng, index, names)
        paths.update(_operations(rng, f"resources{index}", name))
        index += 1
        if index % 50 == 0:
            estimate = len(json.dumps(doc, separators=(",", ":")))
    return doc


def revise(doc: dict[str, Any], seed: int) -> tuple[dict[str, Any], int]:
    """A copy of `doc` with about 2% of schemas and 1% of operations changed; the number of edits."""
    rng = random.Random(seed + 1)
    new: dict[str, Any] = json.loads(json.dumps(doc))
    edits = 0
    for index, schema in enumerate(new["components"]["schemas"].values()):
        if rng.random() >= 0.02 or (index < LEAVES and index != 3):  # one shared part changes
            continue
        body = schema["allOf"][1] if "allOf" in schema else schema
        props = body["properties"]
        name = rng.choice(sorted(props))
        action = rng.randrange(4)
        if action == 0:
            del props[name]
            body["required"] = [r for r in body["required"] if r != name]
        elif action == 1:
            props[name] = {"type": "boolean"}
        elif action == 2:
            props["added_required"] = {"type": "string"}
            body["required"].append("added_required")
        else:
            enum = next((p["enum"] for p in props.values() if "enum" in p), None)
            if enum and len(enum) > 1:
                enum.pop()
            else:
                props["added_optional"] = {"type": "integer"}
        edits += 1
    for path in sorted(new["paths"]):
        roll = rng.random()
        if roll < 0.005:
            del new["paths"][path]
            edits += 1
        elif roll < 0.01 and "get" in new["paths"][path]:
            new["paths"][path]["get"].setdefault("parameters", []).append(
                {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}
            )
            edits += 1
    new["paths"]["/brand/new"] = {"get": {"responses": {"200": {"description": "OK"}}}}
    return new, edits + 1


def write_pair(folder: Path, size_mb: float, seed: int) -> dict[str, Path]:
    import yaml

    base = json.loads(json.dumps(generate(size_mb, seed)))  # no shared objects: no YAML aliases
    revision, edits = revise(base, seed)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    files: dict[str, Path] = {}
    for label, doc in (("base", base), ("revision", revision)):
        json_path = folder / f"{label}.json"
        json_path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
        yaml_path = folder / f"{label}.yaml"
        yaml_path.write_text(
            yaml.dump(doc, Dumper=dumper, sort_keys=False, default_flow_style=False, width=1000),
            encoding="utf-8",
        )
        files[f"{label}.json"], files[f"{label}.yaml"] = json_path, yaml_path
    print(f"generated {len(base['paths'])} paths, {len(base['components']['schemas'])} schemas, "
          f"{edits} edits in the revision")  # fmt: skip
    for name, path in files.items():
        print(f"  {name}: {path.stat().st_size / 1e6:.2f} MB")
    return files


def one_round(base: Path, revision: Path) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds of each stage, and the number of changes under "changes"."""
    from gitmigrate.openapi.diff import diff_specs
    from gitmigrate.openapi.normalise import normalise
    from gitmigrate.openapi.spec import load_spec

    times: dict[str, tuple[float, float]] = {}
    clock = (time.perf_counter(), time.process_time())

    def lap(name: str) -> None:
        nonlocal clock
        now = (time.perf_counter(), time.process_time())
        times[name] = (now[0] - clock[0], now[1] - clock[1])
        clock = now

    old = load_spec(str(base))
    new = load_spec(str(revision))
    lap("load")
    normalise(old, new)
    lap("normalise")
    changes = diff_specs(old, new)
    lap("diff")
    # place 200 parts of the revision, as reporting 200 changes does (first ask builds the index)
    rng = random.Random(1)
    paths = new.doc["paths"]
    for path in rng.sample(sorted(paths), k=min(200, len(paths))):
        item = paths[path]
        new.where(next((item[m] for m in ("get", "put", "post") if m in item), item))
    lap("place")
    times["changes"] = (float(len(changes)), 0.0)
    return times


def measure(label: str, base: Path, revision: Path, runs: int) -> None:
    best: dict[str, tuple[float, float]] | None = None
    for _ in range(runs):
        result = one_round(base, revision)
        total = sum(wall for name, (wall, _) in result.items() if name != "changes")
        if best is None or total < sum(w for n, (w, _) in best.items() if n != "changes"):
            best = result
    assert best is not None
    count = int(best.pop("changes")[0])
    stages = ", ".join(f"{name} {wall:.2f} s (CPU {cpu:.2f})" for name, (wall, cpu) in best.items())
    wall = sum(w for w, _ in best.values())
    cpu = sum(c for _, c in best.values())
    print(f"{label}: {stages}; total {wall:.2f} s (CPU {cpu:.2f}); {count} changes; best of {runs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--only", choices=["json", "yaml"])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pyyaml", action="store_true", help="YAML through PyYAML, not yaml_rs")
    args = parser.parse_args()
    if args.pyyaml:
        from gitmigrate.openapi import load_parse

        load_parse._yaml_rs = lambda: None  # type: ignore[assignment]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="api-speed-"))
    folder.mkdir(parents=True, exist_ok=True)
    files = write_pair(folder, args.size_mb, args.seed)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(one_round, files["base.json"], files["revision.json"])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        return
    for kind in ("json", "yaml"):
        if args.only in (None, kind):
            measure(kind.upper(), files[f"base.{kind}"], files[f"revision.{kind}"], args.runs)


if __name__ == "__main__":
    main()
