"""Structured files: YAML, JSON, TOML, INI and .env documents loaded with the position of every
key and value, and edited as textual patches at those positions, so every untouched line stays
byte-identical (a re-dump through ruamel.yaml or tomlkit changes indentation, comment spacing
and wrapping of lines nobody asked to change).

The config kind is built on this layer; the api and platform kinds reuse it. Nothing here
knows about steps or git: documents in, text out.

    document.py   Document, Node, Span and `load`/`loads` (one parser module per format)
    keypath.py    key paths: `a.b[0]."x.y"` <-> ("a", "b", 0, "x.y")
    formats.py    which format a file name has
    edit.py       set / unset / rename / move as byte-preserving patches
    convert.py    format conversion with an exact loss report
    merge.py      environment layering, with the origin of every value (explain)
    validate.py   JSON Schema validation located at file:line
    diff.py       semantic diff per key path
    sops/         SOPS-compatible value encryption
"""
