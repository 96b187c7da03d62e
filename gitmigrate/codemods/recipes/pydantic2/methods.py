"""Model method renames (.dict() -> .model_dump() ...), parse_obj_as -> TypeAdapter and the
validator `values` argument, resolved across the project's modules: what bump-pydantic leaves
to a person. Rules PD101-PD105; the pre-pass is methods_facts.MethodFacts (with models.py's
ModelIndex, which __init__.py adds); docs/recipes/pydantic2-methods.md says what each does."""

from __future__ import annotations

from typing import Any

from gitmigrate.codemods.recipe import Rule
from gitmigrate.codemods.recipes.pydantic2.methods_adapter import TypeAdapterCalls
from gitmigrate.codemods.recipes.pydantic2.methods_facts import MethodFacts
from gitmigrate.codemods.recipes.pydantic2.methods_flags import Unproven
from gitmigrate.codemods.recipes.pydantic2.methods_rename import ClassMethods, InstanceMethods
from gitmigrate.codemods.recipes.pydantic2.methods_validators import ValidatorValues

RULES: tuple[Rule, ...] = (
    Rule("PD101", "model instance methods: .dict()/.json()/.copy() -> .model_dump()/..."),
    Rule("PD102", "model class methods: parse_obj/parse_raw/schema/... -> model_validate/..."),
    Rule("PD103", "parse_obj_as(T, x) -> TypeAdapter(T).validate_python(x)"),
    Rule("PD104", "validator `values` argument -> `info: ValidationInfo` (info.data)"),
    Rule("PD105", "v1 model methods on objects not provably models", fixable=False),
)


PASSES: tuple[tuple[str, type[Any]], ...] = (
    ("PD101", InstanceMethods),
    ("PD102", ClassMethods),
    ("PD103", TypeAdapterCalls),
    ("PD104", ValidatorValues),
    ("PD105", Unproven),
)
COLLECTORS: tuple[Any, ...] = (MethodFacts(),)
