"""The code kind: a recipe's rewrite of the repository's files as one step (see kind.py)."""
