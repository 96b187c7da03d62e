"""The api kind: OpenAPI migration guides, adapters and deprecations as steps (kind.py)."""
