"""The built-in recipes, one package or module each (registry.BUILTIN names them)."""
