"""Every transform the mapping tables may name, by name (Google's and Azure's)."""

from __future__ import annotations

from gitmigrate.platform.terraform_values import GCP_TRANSFORMS, Transform
from gitmigrate.platform.terraform_values_azure import AZURE_TRANSFORMS

TRANSFORMS: dict[str, Transform] = {**GCP_TRANSFORMS, **AZURE_TRANSFORMS}
