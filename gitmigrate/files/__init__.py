"""Structured files: YAML, JSON, TOML, INI and .env documents loaded with the position of every
key and value, and edited as textual patches at those positions, so every untouched line stays
byte-identical (a re-dump through ruamel.yaml or tomlkit changes indentation, comment spacing
and wrapping of lines nobody asked to change).

The config kind is built on this layer; the api and platform kinds reuse it. Nothing here
knows about steps or git: documents in, text out.

    document.py       Document, Node, Span and `load`/`loads`
    yaml_parse.py     one parser per format: the data, a Node (spans) for every key path and
    json_parse.py       the comments
    toml_parse.py
    ini_parse.py
    dotenv_parse.py
    keypath.py        key paths: `a.b[0]."x.y"` <-> ("a", "b", 0, "x.y")
    formats.py        which format a file name has
    scalars.py        a scalar's literal in each format, and CLI values
    render.py         text for a new value (block style, TOML [tables], YAML flow)
    layout.py         where things are in a document's text (children, indentation, headers)
    edit.py           set / unset / rename / move as byte-preserving patches
    inserts.py        the patch inserting a missing key after its siblings
    convert.py        format conversion with an exact loss report
    convert_render.py the Renderer base: comments, blank lines and losses, for any target
    convert_yaml.py   YAML's layout for convert (one Renderer per target format)
    convert_json.py   JSON's
    convert_toml.py   TOML's
    convert_flat.py   INI's and .env's (text only: other values and nesting are losses)
    convert_layout.py layout losses: convert back, report each changed line on its key path
    merge.py          environment layering, with the origin of every value (explain)
    validate.py       JSON Schema validation located at file:line
    diff.py           semantic diff per key path
    sops/             SOPS-compatible value encryption
"""
