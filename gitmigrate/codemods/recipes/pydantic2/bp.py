"""bump-pydantic's rules BP001-BP010, in its order (BP008 before BP003, so the Field a con*
function becomes gets its keywords renamed). Each rule is a LibCST pass in a bp_*.py module; the
model index (models.py) decides which classes are models, across the project's modules."""

from __future__ import annotations

from typing import Any

from gitmigrate.codemods.recipe import Rule
from gitmigrate.codemods.recipes.pydantic2.bp_con import ConFunctions
from gitmigrate.codemods.recipes.pydantic2.bp_config import ReplaceConfig
from gitmigrate.codemods.recipes.pydantic2.bp_custom import CustomTypes
from gitmigrate.codemods.recipes.pydantic2.bp_field_args import FieldArguments
from gitmigrate.codemods.recipes.pydantic2.bp_fields import AddAnnotations, AddDefaultNone
from gitmigrate.codemods.recipes.pydantic2.bp_imports import ReplaceGenericModel, ReplaceImports
from gitmigrate.codemods.recipes.pydantic2.bp_root import RootModel
from gitmigrate.codemods.recipes.pydantic2.bp_validators import Validators

RULES: tuple[Rule, ...] = (
    Rule("BP001", "Optional/Any fields of a model get an explicit None default"),
    Rule("BP002", "class Config -> model_config = ConfigDict(...), keys renamed"),
    Rule("BP003", "Field(...) keywords renamed (min_items, regex, allow_mutation, env...)"),
    Rule("BP004", "BaseSettings, Color, payment types imported from their new packages"),
    Rule("BP005", "GenericModel -> BaseModel"),
    Rule("BP006", "__root__ -> RootModel[T]"),
    Rule("BP007", "validator -> field_validator, root_validator -> model_validator"),
    Rule("BP008", "con* functions -> Annotated[T, Field(...)]"),
    Rule("BP009", "custom types' __get_validators__/__modify_schema__ flagged", fixable=False),
    Rule("BP010", "fields of a model with no annotation get one"),
)
PASSES: tuple[tuple[str, type[Any]], ...] = (
    ("BP001", AddDefaultNone),
    ("BP002", ReplaceConfig),
    ("BP008", ConFunctions),
    ("BP003", FieldArguments),
    ("BP004", ReplaceImports),
    ("BP005", ReplaceGenericModel),
    ("BP006", RootModel),
    ("BP007", Validators),
    ("BP009", CustomTypes),
    ("BP010", AddAnnotations),
)
