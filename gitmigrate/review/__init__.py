"""Review of a migration branch: facts gathered from the branch, its notes and its run notes
(`facts.gather_review`), rendered for a pull request (`markdown`) or for scripts (JSON).

The pre-push hook (`gitmigrate.hooks`) judges the same per-step facts, so what a review shows
and what a push refuses never disagree.
"""
