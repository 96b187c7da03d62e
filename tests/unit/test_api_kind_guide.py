"""The migration guide from the two Pets specs and a given list of changes (the core's checks
are tested on their own): one section per operation, most breaking first, why and what to do,
before/after examples from the schemas (path parameters filled in, required query parameters
added), removed and new operations, spec-wide changes last."""

from __future__ import annotations

from gitmigrate.openapi.guide import WHOLE_SPEC, migration_guide
from gitmigrate.openapi.guide_examples import exchange
from gitmigrate.openapi.model import ApiChange
from gitmigrate.openapi.spec import load_spec
from tests.unit.test_api_kind_support import SPECS

REQUIRED = ApiChange("new-required-request-property", "error",
                     "added the new required request property 'species'",
                     "RequestPropertyUpdatedCheck", "POST /pets", "/pets", "POST",
                     details={"property": "species"})  # fmt: skip
REMOVED = ApiChange("api-removed-before-sunset", "error", "removed before its sunset",
                    "APIRemovedCheck", "GET /pets/{petId}/photo", "/pets/{petId}/photo", "GET")  # fmt: skip
INFO = ApiChange("endpoint-added", "info", "endpoint added", "NewEndpointCheck", "GET /pets",
                 "/pets", "GET")  # fmt: skip
SECURITY = ApiChange("api-global-security-removed", "error", "security removed", "SecurityCheck")


def _guide(*changes: ApiChange) -> str:
    base = load_spec("pets-v1.yaml", cwd=SPECS)
    revision = load_spec("pets-v2.yaml", cwd=SPECS)
    return migration_guide(base, revision, list(changes), title="Pets v2")


def test_sections_by_operation_most_breaking_first() -> None:
    text = _guide(INFO, REQUIRED, REMOVED, SECURITY)
    assert text.startswith("# Pets v2\n")
    assert "4 change(s), 3 of them breaking, in 3 operation(s)" in text
    order = [text.index(h) for h in ("## `GET /pets/{petId}/photo`", "## `POST /pets`",
                                     "## `GET /pets`", f"## {WHOLE_SPEC}")]  # fmt: skip
    assert order == sorted(order)


def test_why_and_what_to_do() -> None:
    text = _guide(REQUIRED, REMOVED)
    assert "why it breaks: requests that do not send `species` are rejected" in text
    assert "- Send `species` in every request" in text
    assert "calls to this operation fail" in text


def test_before_and_after_examples_come_from_the_schemas() -> None:
    text = _guide(REQUIRED)
    section = text.split("## `POST /pets`", 1)[1]
    before, after = section.split("Request after:", 1)
    assert '"name": "Rex"' in before and '"species"' not in before
    assert '"species": "dog"' in after.split("Response before:", 1)[0]
    assert "HTTP 201" in section


def test_a_removed_operation_has_no_after() -> None:
    text = _guide(REMOVED)
    assert "GET /pets/1/photo" in text and "(the operation is removed)" in text


def test_request_lines_fill_path_and_required_query_parameters() -> None:
    doc = load_spec("pets-v1.yaml", cwd=SPECS).doc
    listed = exchange(doc, "GET", "/pets")
    assert listed is not None and listed.request_line == "GET /pets?limit=20"
    one = exchange(doc, "get", "/pets/{id}")  # parameter names do not matter
    assert one is not None and one.request_line == "GET /pets/7"
    assert exchange(doc, "DELETE", "/pets") is None


def test_no_changes() -> None:
    assert "Nothing changed that a client can notice." in _guide()


def test_words_follow_the_id_and_oasdiffs_classification() -> None:
    from gitmigrate.openapi.guide_words import words

    def why(rule_id: str, level: str = "error") -> str:
        change = ApiChange(rule_id, level, "t", "C", details={"property": "x"})  # type: ignore[arg-type]
        return words(change)[0]

    assert why("request-property-became-required") == "requests that do not send `x` are rejected"
    assert why("response-optional-property-removed").startswith("clients that read `x`")
    assert why("request-parameter-removed").startswith("requests that still send `x`")
    assert why("request-body-max-length-decreased").startswith("requests with values of `x`")
    assert why("endpoint-deprecated-with-sunset").startswith("nothing breaks yet")
    assert why("not-an-oasdiff-id") == "clients written against the old spec may fail"
    assert why("not-an-oasdiff-id", "info") == "nothing breaks"
