"""Masking copied rows per column (hash, keyed HMAC, seeded fakes, null, keep, a Python
function): the same input gives the same output in every table and run, so joins still hold."""
