"""Webhooks (OpenAPI 3.1 `webhooks`) added and removed: a removed webhook is an event the
consumers subscribed to that no longer comes, so oasdiff reports it as breaking."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gitmigrate.openapi.checks import check

if TYPE_CHECKING:
    from gitmigrate.openapi.context import DiffContext
    from gitmigrate.openapi.model import ApiChange


def _webhooks(doc: dict[str, Any]) -> dict[str, Any]:
    found = doc.get("webhooks")
    return {str(k): v for k, v in found.items()} if isinstance(found, dict) else {}


@check("WebhookUpdatedCheck")
def webhook_updated(ctx: DiffContext) -> Iterator[ApiChange]:
    base, revision = _webhooks(ctx.base.doc), _webhooks(ctx.revision.doc)
    for key, item in revision.items():
        if key not in base:
            yield ctx.change(
                "WebhookUpdatedCheck",
                "webhook-added",
                f"webhook '{key}' added",
                at=item,
                webhook=key,
            )
    for key, item in base.items():
        if key not in revision:
            yield ctx.change(
                "WebhookUpdatedCheck",
                "webhook-removed",
                f"webhook '{key}' removed",
                at=item,
                webhook=key,
            )
