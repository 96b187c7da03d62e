"""Executors: one module per kind of migration, all behind `executors.base.Executor`."""
