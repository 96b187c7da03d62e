"""Database URL helpers that never import SQLAlchemy, so logging and config can use them cheaply.

Secrets must never reach a log line or an error message: `redact_url` is the one place that
turns a URL into something printable.
"""

from __future__ import annotations

import re

from gitmigrate.errors import UsageError

SUPPORTED_SCHEMES = ("sqlite", "postgresql", "postgres", "mysql", "mariadb")

_DIALECTS = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
}

_QUERY_SECRET = re.compile(r"(?i)(?P<key>(?:^|[?&;])(?:password|passwd|pwd)=)(?P<val>[^&;#]*)")


def redact_url(url: str) -> str:
    """Return `url` with any password replaced by ``***``; never raises."""
    if not isinstance(url, str):  # defensive: callers log whatever they were given
        return "<url>"
    try:
        scheme_end = url.find("://")
        if scheme_end < 0:
            return _QUERY_SECRET.sub(r"\g<key>***", url)
        rest_start = scheme_end + 3
        # passwords may hold '@', ':' or '/' when not percent-encoded: split at the LAST '@'
        at = url.rfind("@", rest_start, _authority_limit(url, rest_start))
        redacted = url
        # an empty authority ("sqlite:///a:b@c.db") means the '@' belongs to a file path
        if at >= 0 and not url.startswith("/", rest_start):
            userinfo = url[rest_start:at]
            if ":" in userinfo:
                user = userinfo.split(":", 1)[0]
                redacted = f"{url[:rest_start]}{user}:***{url[at:]}"
        return _QUERY_SECRET.sub(r"\g<key>***", redacted)
    except Exception:  # pragma: no cover - belt and braces: redaction must not break logging
        return "<unprintable url>"


def _authority_limit(url: str, start: int) -> int:
    """Index where the authority part can no longer hold an '@' (start of the query string)."""
    for sep in ("?", "#"):
        idx = url.find(sep, start)
        if idx >= 0:
            return idx
    return len(url)


def dialect_name(url: str) -> str:
    """Map a URL to "sqlite", "postgresql" or "mysql" (MariaDB speaks the MySQL dialect)."""
    scheme = url.split("://", 1)[0] if "://" in url else url.split(":", 1)[0]
    base = scheme.split("+", 1)[0].strip().lower()
    try:
        return _DIALECTS[base]
    except KeyError:
        raise UsageError(
            f"unsupported database URL scheme {scheme!r}",
            "use one of: sqlite:///path.db, postgresql+psycopg://..., mysql+pymysql://..., "
            "mariadb+pymysql://...",
        ) from None


_ENV_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")


def has_password(url: str) -> bool:
    """True when `url` carries a literal password (a `${VAR}` reference is not one)."""
    bare = _ENV_REFERENCE.sub("", url)
    return redact_url(bare).replace(":***@", ":@") != bare


def supports_transactional_ddl(dialect: str) -> bool:
    """Whether a failed step's DDL can be rolled back with its transaction (MySQL commits DDL).
    Here, not in connect.py, so that kinds can say it without loading SQLAlchemy."""
    return dialect in ("sqlite", "postgresql")
