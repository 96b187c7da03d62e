"""Security requirements (spec-wide and per operation) and security schemes."""

from __future__ import annotations

from pathlib import Path

from tests.unit.test_api_checks_endpoint_support import diff, ids, spec

OP = """
/pets:
  get:
    {security}
    responses: {{'200': {{description: ok}}}}
"""
SCHEMES = """
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: {url}
          scopes: {{read: read pets{more}}}
    key: {{type: apiKey, in: header, name: X-Key}}
"""


def doc(security: str = "", *, top: str = "", url: str = "https://a/auth", more: str = "") -> str:
    rest = top + SCHEMES.format(url=url, more=more)
    return spec(OP.format(security=security), rest=rest)


def test_spec_wide_security_added(tmp_path: Path) -> None:
    changes = diff(tmp_path, doc(), doc(top="security:\n- key: []\n"), "APISecurityUpdatedCheck")
    assert [(c.id, c.operation) for c in changes] == [("api-global-security-added", "")]


def test_operation_security_removed(tmp_path: Path) -> None:
    base = doc("security:\n    - key: []")
    changes = diff(tmp_path, base, doc(), "APISecurityUpdatedCheck")
    assert [(c.id, c.operation, c.details["security"]) for c in changes] == [
        ("api-security-removed", "GET /pets", "key")
    ]


def test_scope_removed_from_an_operation_scheme(tmp_path: Path) -> None:
    base = doc("security:\n    - oauth: [read, write]")
    revision = doc("security:\n    - oauth: [read]")
    changes = diff(tmp_path, base, revision, "APISecurityUpdatedCheck")
    assert [(c.id, c.details["scope"]) for c in changes] == [
        ("api-security-scope-removed", "write")
    ]


def test_alternatives_repeating_a_scheme_are_matched_whole(tmp_path: Path) -> None:
    same = doc("security:\n    - oauth: [read]\n    - oauth: [write]")
    reordered = doc("security:\n    - oauth: [write]\n    - oauth: [read]")
    assert diff(tmp_path, same, reordered, "APISecurityUpdatedCheck") == []


def test_and_ed_schemes_are_one_alternative(tmp_path: Path) -> None:
    base = doc("security:\n    - key: []")
    revision = doc("security:\n    - key: []\n      oauth: [read]")
    changes = diff(tmp_path, base, revision, "APISecurityUpdatedCheck")
    assert ids(changes) == ["api-security-added", "api-security-removed"]
    assert {c.details["security"] for c in changes} == {"key", "key AND oauth: [read]"}


def test_security_scheme_component_added_and_changed(tmp_path: Path) -> None:
    base, revision = doc(), doc(url="https://b/auth", more=", write: write pets")
    changes = diff(tmp_path, base, revision, "APIComponentsSecurityUpdatedCheck")
    assert ids(changes) == [
        "api-security-component-oauth-scope-added",
        "api-security-component-oauth-url-changed",
    ]


def test_security_scheme_component_removed(tmp_path: Path) -> None:
    base = doc()
    revision = base.replace("    key: {type: apiKey, in: header, name: X-Key}\n", "")
    changes = diff(tmp_path, base, revision, "APIComponentsSecurityUpdatedCheck")
    assert [(c.id, c.details["scheme"]) for c in changes] == [
        ("api-security-component-removed", "key")
    ]


def test_spec_wide_scope_added(tmp_path: Path) -> None:
    base = doc(top="security:\n- oauth: [read]\n")
    revision = doc(top="security:\n- oauth: [read, write]\n")
    changes = diff(tmp_path, base, revision, "APISecurityUpdatedCheck")
    assert [(c.id, c.details["scope"]) for c in changes] == [
        ("api-global-security-scope-added", "write")
    ]
