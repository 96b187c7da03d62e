"""The data kind: chunked backfills, Python transforms and copies between databases."""
