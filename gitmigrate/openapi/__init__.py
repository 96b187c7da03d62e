"""OpenAPI internals of the api kind: reading specs (`spec`, `refs`), pairing two specs
(`operations`, `schemadiff`, `subschemas`), the breaking-change checks with oasdiff's ids
(`checks/`, `rules`), and what is made from the changes (reports, guides, adapters).

`gitmigrate.api` is the public Python API over this package; the CLI never imports it.
"""
