"""Codemods for the code kind: recipes (rules plus pure per-file transforms), the registry that
finds them, and the runner that applies them over a tree in parallel."""
