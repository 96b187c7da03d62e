"""The reliability suite (issue 7): fault scenarios run against real databases and processes.

GITMIGRATE_RELIABILITY_FULL=1 runs the full trial counts; CI runs reduced ones.
"""
