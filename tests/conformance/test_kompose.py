"""kompose as a conformance peer: the Compose projects of `../shared/conformance/kompose/cases.tsv`
(kompose's own end-to-end cases, see its README) converted by git-migrate's compose converter.

For each row: convert the inputs with the row's flags (as ComposeOptions), in a copy of the
case folder (the two TLS key fixtures are absent upstream: a throwaway key pair is made
there). Our manifests must validate offline (kubernetes-validate) and contain kompose's
workloads (by name), their containers, images, ports, env, volumes, and kompose's Services
and other objects, compared semantically: objects indexed by (kind, name), maps unordered,
lists as sets (ours may hold more: an init container, a readiness probe). Deliberate
differences are listed per case in DIFFERENCES and in docs/conformance.md (kompose section).

A case we cannot pass yet is a strict xfail with the reason (kompose_expected_failures.tsv).
Without the shared folder every case is skipped with the reason.

    pytest tests/conformance/test_kompose.py -q -rxs
    python -m tests.conformance.kompose_counts [--failures]
"""

from __future__ import annotations

import base64
import csv
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitmigrate.platform.compose_convert import ComposeOptions, convert_compose, validate_manifests
from gitmigrate.platform.k8s_values import k8s_name
from tests.conformance.cases import conformance_dir

KOMPOSE_DIR = conformance_dir() / "kompose"
EXPECTED_FAILURES_FILE = Path(__file__).with_name("kompose_expected_failures.tsv")
WORKLOADS = {
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Pod",
    "Job",
    "CronJob",
    "ReplicationController",
}
# flags that change nothing we compare (output place and form, kompose's own annotations)
HARMLESS_FLAGS = {"--with-kompose-annotation", "-o", "--out", "--provider", "--build", "--stdout", "-j", "--json",
                  "--yaml", "--indent"}  # fmt: skip
CONTAINER_FIELDS = ("name", "image", "ports", "env", "envFrom", "volumeMounts", "command", "args")

# (case, "Kind/name" of kompose's object) -> why our object deliberately differs there;
# docs/conformance.md (kompose section) lists the same
DIFFERENCES: dict[tuple[str, str], str] = {
    ("envfile-interpolation", "ConfigMap/env"): (
        "env_file values are interpolated from the project environment as Compose does "
        "(DOC_ENGINE=elasticsearch); kompose reads the service's own environment into them"
    ),
    ("configmap-volume#2", "ConfigMap/web-cm0"): "a.key is a throwaway key made by the test",
    ("configmap-volume#2", "ConfigMap/web-cm1"): "a.key is a throwaway key made by the test",
}


@dataclass(frozen=True)
class KomposeCase:
    case: str
    inputs: tuple[str, ...]
    flags: str
    expected_output: str


def load_cases() -> list[KomposeCase]:
    with (KOMPOSE_DIR / "cases.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        KomposeCase(r["case"], tuple(r["inputs"].split()), r["flags"], r["expected_output"])
        for r in rows
    ]


def load_expected_failures() -> dict[str, str]:
    if not EXPECTED_FAILURES_FILE.is_file():
        return {}
    with EXPECTED_FAILURES_FILE.open(encoding="utf-8", newline="") as handle:
        return {r["case"]: r["reason"] for r in csv.DictReader(handle, delimiter="\t")}


def options_of(flags: str) -> ComposeOptions:
    """kompose's convert flags -> ComposeOptions."""
    values: dict[str, Any] = {}
    words = shlex.split(flags)
    names = {"--controller": "controller", "--volumes": "volumes", "-n": "namespace", "--namespace": "namespace",
             "--service-group-mode": "service_group_mode", "--service-group-name": "service_group_name",
             "--replicas": "replicas", "--pvc-request-size": "pvc_request_size"}  # fmt: skip
    i = 0
    while i < len(words):
        word, has, value = words[i].partition("=")
        if word in HARMLESS_FLAGS:
            if word in ("-o", "--out", "--provider", "--build") and not has:
                i += 1  # the flag's value
        elif word == "--generate-network-policies":
            values["network_policies"] = True
        elif word == "--profile":
            if not has:
                i += 1
                value = words[i]
            values["profiles"] = (*values.get("profiles", ()), value)
        elif word == "--no-interpolate":
            values["interpolate"] = False
        elif word == "--emptyvols":
            values["emptyvols"] = True
        elif word in names:
            if not has:
                i += 1
                value = words[i]
            values[names[word]] = int(value) if word == "--replicas" else value
        else:
            raise ValueError(f"flag {word} has no ComposeOptions equivalent")
        i += 1
    return ComposeOptions(**values)


def _throwaway_keys(folder: Path) -> None:
    """kompose's TLS fixtures hold tls/a.key; it is not stored here, so make one."""
    tls = folder / "tls"
    if tls.is_dir() and not (tls / "a.key").exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        (tls / "a.key").write_bytes(pem)


def run_case(case: KomposeCase, work: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Our manifests for the case, and the validation problems."""
    top = Path(case.inputs[0]).parts[0]  # the case's folder, copied whole (fixtures are read-only)
    shutil.copytree(KOMPOSE_DIR / top, work / top, dirs_exist_ok=True)
    for path in (work / top).rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    folder = work / Path(case.inputs[0]).parent
    _throwaway_keys(folder)
    files = [work / p for p in case.inputs]
    conversion = convert_compose(files, env={}, options=options_of(case.flags), base_dir=folder)
    return conversion.resources, validate_manifests(conversion.resources)


def expected_of(case: KomposeCase) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with (KOMPOSE_DIR / case.expected_output).open(encoding="utf-8") as handle:
        for doc in yaml.safe_load_all(handle):
            if doc:
                out += doc.get("items", []) if doc.get("kind") == "List" else [doc]
    return out


def contains(ours: Any, theirs: Any) -> bool:
    """Everything kompose wrote is in ours: maps unordered, lists as sets, None/empty ignored."""
    if theirs is None or theirs == {} or theirs == []:
        return True
    if isinstance(theirs, dict):
        return isinstance(ours, dict) and all(contains(ours.get(k), v) for k, v in theirs.items())
    if isinstance(theirs, list):
        return isinstance(ours, list) and all(any(contains(o, t) for o in ours) for t in theirs)
    return ours is not None and str(ours) == str(theirs)


def _key(obj: dict[str, Any]) -> tuple[str, str]:
    kind = "workload" if obj["kind"] in WORKLOADS else obj["kind"]
    return kind, k8s_name(str(obj["metadata"]["name"]))


def _pod(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec") or {}
    if obj["kind"] == "Pod":
        return dict(spec)
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return dict((spec.get("template") or {}).get("spec") or {})


def compare(case: str, ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[str]:
    """What kompose has that we lack ([] = the case passes)."""
    index = {_key(o): o for o in ours}
    problems: list[str] = []
    for obj in theirs:
        label = f"{obj['kind']}/{obj['metadata']['name']}"
        mine = index.get(_key(obj))
        if mine is None:
            problems.append(f"missing {label}")
            continue
        if (case, label) in DIFFERENCES:
            continue
        if obj["kind"] in WORKLOADS:
            problems += _compare_pod(label, _pod(mine), _pod(obj))
            if mine["kind"] != obj["kind"]:
                problems.append(f"{label}: we make a {mine['kind']}")
        elif obj["kind"] == "Service":
            for field in ("ports", "type", "clusterIP", "selector"):
                if not contains(mine["spec"].get(field), obj["spec"].get(field)):
                    problems.append(
                        f"{label}: spec.{field} {mine['spec'].get(field)} != {obj['spec'].get(field)}"
                    )
        elif obj["kind"] == "ConfigMap":
            if not contains(mine.get("data"), obj.get("data")):
                problems.append(f"{label}: data differs")
            if not contains(mine.get("binaryData"), _single_base64(obj.get("binaryData"))):
                problems.append(f"{label}: binaryData differs")
    return problems


def _single_base64(data: dict[str, str] | None) -> dict[str, str] | None:
    """kompose base64-encodes binaryData twice (its value is the base64 of the base64 text);
    ours is the file's bytes in base64 once, as the ConfigMap API defines it."""
    if not data:
        return data
    return {k: base64.b64decode(v).decode("ascii") for k, v in data.items()}


def _compare_pod(label: str, mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    problems = []
    containers = {c["name"]: c for c in mine.get("containers") or []}
    for container in theirs.get("containers") or []:
        ours = containers.get(container["name"])
        if ours is None:
            problems.append(f"{label}: missing container {container['name']}")
            continue
        for field in CONTAINER_FIELDS:
            if not contains(ours.get(field), container.get(field)):
                problems.append(
                    f"{label}: container {container['name']}.{field}: {ours.get(field)} != {container.get(field)}"
                )
    if not contains(mine.get("volumes"), theirs.get("volumes")):
        problems.append(f"{label}: volumes {mine.get('volumes')} != {theirs.get('volumes')}")
    if not contains(mine.get("initContainers"), theirs.get("initContainers")):
        problems.append(f"{label}: initContainers differ")
    return problems


def verdict(case: KomposeCase, work: Path) -> str:
    ours, invalid = run_case(case, work)
    problems = [f"invalid: {p}" for p in invalid] + compare(case.case, ours, expected_of(case))
    return "; ".join(problems)


def _params() -> list[Any]:
    if not (KOMPOSE_DIR / "cases.tsv").is_file():
        reason = (
            f"kompose's cases are not part of this repository and not in {KOMPOSE_DIR} "
            "(CI has them in ../shared/conformance; or set GITMIGRATE_CONFORMANCE_DIR)"
        )
        return [pytest.param(None, id="kompose/absent", marks=pytest.mark.skip(reason=reason))]
    expected = load_expected_failures()
    params = []
    for case in load_cases():
        marks = (
            [pytest.mark.xfail(reason=expected[case.case], strict=True)]
            if case.case in expected
            else []
        )
        params.append(pytest.param(case, id=f"kompose/{case.case}", marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_kompose_case(case: KomposeCase, tmp_path: Path) -> None:
    problem = verdict(case, tmp_path)
    assert not problem, f"{case.case} ({case.flags or 'no flags'}): {problem}"


def test_expected_failures_name_real_cases() -> None:
    if not (KOMPOSE_DIR / "cases.tsv").is_file():
        pytest.skip(f"kompose's cases are not in {KOMPOSE_DIR}")
    stale = sorted(set(load_expected_failures()) - {c.case for c in load_cases()})
    assert not stale, f"kompose_expected_failures.tsv names cases that do not exist: {stale}"


def test_differences_name_real_cases() -> None:
    if not (KOMPOSE_DIR / "cases.tsv").is_file():
        pytest.skip(f"kompose's cases are not in {KOMPOSE_DIR}")
    stale = sorted({case for case, _ in DIFFERENCES} - {c.case for c in load_cases()})
    assert not stale, f"DIFFERENCES names cases that do not exist: {stale}"
