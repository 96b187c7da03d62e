"""`[api]` settings and the consumer notices: who uses what (METHOD /path with any parameter
names, or operationId), what changed there, and by when (the sunset date of a deprecated
operation removed early; the release otherwise)."""

from __future__ import annotations

import pytest

from gitmigrate.errors import ConfigError
from gitmigrate.openapi.diff import diff_specs
from gitmigrate.openapi.model import DiffOptions
from gitmigrate.openapi.notices import ON_RELEASE, consumer_notices, notices_text
from gitmigrate.openapi.settings import Consumer, settings_of
from gitmigrate.openapi.spec import load_spec
from tests.unit.test_api_kind_support import SPECS, needs_checks


def _notices(consumers: tuple[Consumer, ...]):  # type: ignore[no-untyped-def]
    import datetime

    base = load_spec("pets-v1.yaml", cwd=SPECS)
    revision = load_spec("pets-v2.yaml", cwd=SPECS)
    changes = diff_specs(base, revision, DiffOptions(today=datetime.date(2026, 12, 7)))
    return consumer_notices(changes, consumers, base, revision)


def test_settings_read_both_table_shapes() -> None:
    tables = settings_of({"api": {"require_adapter": True, "consumers": {
        "mobile": {"contact": "m@example.com", "operations": ["getPhoto"]}}}})  # fmt: skip
    assert tables.require_adapter and tables.consumers == (
        Consumer("mobile", "m@example.com", ("getPhoto",)),
    )
    listed = settings_of({"api": {"consumers": [{"name": "web", "contact": "w@example.com"}]}})
    assert listed.consumers == (Consumer("web", "w@example.com", ("*",)),)
    assert settings_of({}).consumers == () and not settings_of({}).require_adapter


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"api": {"require_adapter": "yes"}}, "require_adapter must be true or false"),
        ({"api": {"consumers": {"m": {"operations": "getPet"}}}}, "operations must be a list"),
        ({"api": {"consumers": {"m": "x"}}}, "must be a table"),
    ],
)
def test_bad_settings_name_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_of(data)


@needs_checks
def test_each_consumer_gets_what_affects_it_and_by_when() -> None:
    mobile = Consumer("mobile", "m@example.com", ("getPhoto", "GET /pets/{id}"))
    writer = Consumer("writer", "w@example.com", ("POST /pets",))
    reader = Consumer("reader", "", ("listPets", "GET /nowhere"))
    notices = {n.consumer.name: n for n in _notices((mobile, writer, reader))}
    photo = [i for i in notices["mobile"].items if i.operation == "GET /pets/{petId}/photo"]
    assert [(i.id, i.by) for i in photo] == [("api-removed-before-sunset", "2030-01-01")]
    assert "new-required-request-property" in [i.id for i in notices["writer"].items]
    assert notices["writer"].deadline == ON_RELEASE
    assert notices["reader"].unknown == ("GET /nowhere",)
    text = notices_text(list(notices.values()))
    assert "mobile <m@example.com>:" in text and "(by 2030-01-01)" in text
    assert "note: GET /nowhere is in neither spec" in text


def test_notices_from_given_changes() -> None:
    from gitmigrate.openapi.model import ApiChange

    base = load_spec("pets-v1.yaml", cwd=SPECS)
    revision = load_spec("pets-v2.yaml", cwd=SPECS)
    changes = [
        ApiChange("api-removed-before-sunset", "error", "removed early", "APIRemovedCheck",
                  "GET /pets/{petId}/photo", "/pets/{petId}/photo", "GET"),
        ApiChange("endpoint-added", "info", "added", "NewEndpointCheck", "GET /pets", "/pets", "GET"),
        ApiChange("api-global-security-removed", "error", "security removed", "SecurityCheck"),
    ]  # fmt: skip
    photo = Consumer("photo", "", ("getPhoto",))
    lister = Consumer("lister", "", ("GET /pets",))
    found = {n.consumer.name: n for n in consumer_notices(changes, (photo, lister), base, revision)}
    assert [(i.id, i.by) for i in found["photo"].items] == [
        ("api-removed-before-sunset", "2030-01-01"),
        ("api-global-security-removed", ON_RELEASE),
    ]
    assert found["photo"].deadline == ON_RELEASE
    # an INFO change is no notice; a spec-wide ERR one reaches everyone
    assert [i.id for i in found["lister"].items] == ["api-global-security-removed"]
