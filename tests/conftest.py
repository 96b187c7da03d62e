"""Shared pytest fixtures live in plug-in modules, one per concern."""

pytest_plugins = ["tests.fixtures_git", "tests.fixtures_db", "tests.artifacts_support"]
