"""The env kind: an environment's health gate as a step of a migration (kind.py)."""
