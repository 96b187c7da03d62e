"""The kinds of step: one package each (`sql/`, `data/`, later `config/`, `code/`, ...), each a
`gitmigrate.engine.kinds.Kind` found through `gitmigrate.engine.registry`."""
