"""Conformance suite: the schema diff engine against the peers' cases (sqldef, migra).

The cases live outside this repository, in `../shared/conformance/` (override with
GITMIGRATE_CONFORMANCE_DIR); see docs/conformance.md.
"""
