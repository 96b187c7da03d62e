"""The config kind: structured edits of YAML, JSON, TOML, INI and .env files as steps (kind.py)."""
