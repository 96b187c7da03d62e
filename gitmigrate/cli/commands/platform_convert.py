"""`git migrate platform convert compose-to-k8s|terraform`: each commits one platform step on
the migration branch (the generated files, with the rollback), then says what was generated,
what was dropped and why, and what needs a person."""

from __future__ import annotations

import click

from gitmigrate import api
from gitmigrate.cli import output
from gitmigrate.cli.context import repo_from

_message = click.option("-m", "--message", "summary", help="What the step does.")
_json = click.option("--json", "as_json", is_flag=True, help="Machine-readable result.")


def _show(result: api.PlatformStepAdded, as_json: bool) -> None:
    if as_json:
        output.print_json(result.to_json())
        return
    step = result.step
    output.info(f"added step {step.id} ({step.summary}) as {(step.commit or '')[:12]}")
    for path in result.files:
        output.info(f"{'generated' if path in result.created else 'rewrote'} {path}")
    for note in result.notes:
        output.info(f"note: {note}")
    for dropped in result.dropped:
        output.warn(f"dropped {dropped}")
    for item in result.needs_person:
        output.warn(f"needs a person: {item}")


@click.group("convert")
def convert() -> None:
    """Generate infrastructure files as a step: Compose to Kubernetes, Terraform across clouds."""


@convert.command("compose-to-k8s")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option("--out", metavar="DIR", required=True, help="Directory of the manifests.")
@click.option("--controller", type=click.Choice(["deployment", "statefulset", "daemonset"]),
              default="deployment", show_default=True, help="The workload of each service.")  # fmt: skip
@click.option("--volumes", type=click.Choice(["persistentVolumeClaim", "emptyDir", "hostPath",
              "configMap"]), default="persistentVolumeClaim", show_default=True,
              help="What a named volume becomes.")  # fmt: skip
@click.option("--namespace", metavar="N", help="The namespace of every object.")
@click.option("--no-interpolate", is_flag=True, help="Keep ${VAR} as written.")
@click.option("--emptyvols", is_flag=True, help="Every volume an emptyDir.")
@click.option("--replicas", type=click.IntRange(min=0), default=1, show_default=True,
              help="Replicas of each workload (deploy.replicas wins).")  # fmt: skip
@click.option("--profile", "profiles", multiple=True, metavar="NAME",
              help="An active Compose profile (repeatable; none: every service).")  # fmt: skip
@_message
@_json
@click.pass_context
def compose_to_k8s(ctx: click.Context, files: tuple[str, ...], out: str, controller: str,
                   volumes: str, namespace: str | None, no_interpolate: bool, emptyvols: bool,
                   replicas: int, profiles: tuple[str, ...], summary: str | None,
                   as_json: bool) -> None:  # fmt: skip
    """Kubernetes manifests from Compose FILE... (merged in order) under DIR, validated offline:
    workloads, Services, ConfigMaps, Secret references, PVCs, Ingress from labels, init
    containers for depends_on; every key not converted is reported with why."""
    result = api.platform_convert_compose(
        repo_from(ctx), files, out=out, controller=controller, volumes=volumes,
        namespace=namespace, interpolate=not no_interpolate, emptyvols=emptyvols,
        replicas=replicas, profiles=profiles, summary=summary,
    )  # fmt: skip
    _show(result, as_json)


@convert.command("terraform")
@click.argument("path", default=".", metavar="[PATH]")
@click.option("--from", "source", type=click.Choice(["aws"]), default="aws", show_default=True,
              help="The provider converted from.")  # fmt: skip
@click.option("--to", "target", type=click.Choice(["gcp", "azure"]), required=True,
              help="The provider converted to.")  # fmt: skip
@_message
@_json
@click.pass_context
def terraform(ctx: click.Context, path: str, source: str, target: str, summary: str | None,
              as_json: bool) -> None:  # fmt: skip
    """Rewrite the Terraform under PATH for another cloud: the covered resource types and their
    references at the attribute level, every other block byte-identical; lists what needs a
    person. The result is checked against the target provider's schema."""
    result = api.platform_convert_terraform(
        repo_from(ctx), path, source=source, target=target, summary=summary
    )
    _show(result, as_json)
