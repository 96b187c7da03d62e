"""platform split on tiny packages written in the test: the exact edges (imported names and call
sites, relative imports included), the crossing calls with file:line, a file that does not parse
reported while the rest is analysed, and which package is found or refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitmigrate.errors import UsageError
from gitmigrate.platform.split import split_package

TINY = {
    "app/__init__.py": "",
    "app/a.py": "from . import b\nfrom .c import f, g\n\n\ndef run():\n    b.h()\n    return f() + g()\n",
    "app/b.py": "import app.c\n\n\ndef h():\n    return app.c.f()\n",
    "app/c.py": "import os\n\n\ndef f():\n    return 1\n\n\ndef g():\n    return os.sep\n",
    "app/sub/__init__.py": "from ..c import f as _f\n",
    "app/sub/d.py": "from app.sub import _f\nfrom app import c\n\n\nclass D:\n    def m(self):\n        return c.g()\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_edges_are_exact(tmp_path: Path) -> None:
    _write(tmp_path, TINY)
    report = split_package(tmp_path)
    assert report.package == "app" and report.path == "app"
    edges = {(e.source, e.target): (e.names, e.calls) for e in report.edges}
    assert edges == {
        ("app.a", "app.b"): (1, 1),
        ("app.a", "app.c"): (2, 2),
        ("app.b", "app.c"): (1, 1),
        ("app.sub", "app.c"): (1, 0),
        ("app.sub.d", "app.sub"): (1, 0),
        ("app.sub.d", "app.c"): (1, 1),
    }
    assert report.isolated == ("app",)


def test_graph_calls_listed_with_where(tmp_path: Path) -> None:
    from gitmigrate.platform.split_graph import build_graph
    from gitmigrate.platform.split_source import package_modules

    _write(tmp_path, TINY)
    graph = build_graph(package_modules(tmp_path / "app", "app"), tmp_path)
    assert [(c.caller(), c.where(), c.callee()) for c in graph.calls] == [
        ("app.a:run", "app/a.py:6", "app.b.h"),
        ("app.a:run", "app/a.py:7", "app.c.f"),
        ("app.a:run", "app/a.py:7", "app.c.g"),
        ("app.b:h", "app/b.py:5", "app.c.f"),
        ("app.sub.d:D.m", "app/sub/d.py:7", "app.c.g"),
    ]


def test_a_file_that_does_not_parse_is_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    _write(tmp_path, {**TINY, "app/broken.py": "import app.c\n\ndef oops(:\n    pass\n"})
    report = split_package(tmp_path)
    assert [(p.file, p.line) for p in report.problems] == [("app/broken.py", 3)]
    assert "does not parse" in report.problems[0].message
    assert "app.broken" in report.modules
    assert ("app.a", "app.c") in {(e.source, e.target) for e in report.edges}


def test_which_package(tmp_path: Path) -> None:
    _write(tmp_path, {"src/shop/__init__.py": "", "src/shop/x.py": "", "tests/__init__.py": ""})
    assert split_package(tmp_path).package == "shop"
    assert split_package(tmp_path, "shop").path == "src/shop"
    with pytest.raises(UsageError, match="no Python package 'nope'"):
        split_package(tmp_path, "nope")
    _write(tmp_path, {"one/__init__.py": "", "two/__init__.py": ""})
    with pytest.raises(UsageError, match="several packages .*: one, two"):
        split_package(tmp_path)
    with pytest.raises(UsageError, match="--clusters 9"):
        split_package(tmp_path, "src/shop", clusters=9)
