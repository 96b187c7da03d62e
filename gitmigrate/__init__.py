"""git-migrate: migrations of every kind as reviewable, resumable, reversible git history."""

__version__ = "0.1.0"
