"""Environments ([environments.*] of .gitmigrate.toml): drift between two, syncing it, their
secrets and health. The env kind and `git migrate env` are built on these modules."""
