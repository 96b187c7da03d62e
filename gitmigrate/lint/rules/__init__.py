"""Lint rules, one module per family. Each module exports `RULES`, a tuple of `Rule` values;
`gitmigrate.lint.registry` lists the modules explicitly."""
