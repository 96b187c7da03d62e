"""Kinds written outside the package, installed through the `gitmigrate.executors` entry point
in tests (the proof that adding a kind needs no change in gitmigrate/)."""
