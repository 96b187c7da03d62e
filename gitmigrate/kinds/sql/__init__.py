"""The sql kind: schema changes written by `add sql` and `schema diff`."""
