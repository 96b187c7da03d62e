"""Data migrations: keyset-chunked backfills and transforms, copies between databases, rule
validation and cross-database verification. The `data` executor drives these through the
engine; the CLI (`git migrate data ...`) is a thin layer over the functions here."""
