"""The man pages git shows for `git migrate --help` (issue 12, defect 11).

git turns `git migrate --help` and `git help migrate` into `man git-migrate`. The pages are
generated from the click help and committed under man/man1; this test fails when they are stale
(regenerate with `.venv/bin/python -m gitmigrate.cli.manpage man/man1`).
"""

from __future__ import annotations

from pathlib import Path

from gitmigrate.cli.manpage import man_pages

MAN = Path(__file__).resolve().parents[2] / "man" / "man1"


def test_committed_man_pages_are_current() -> None:
    pages = man_pages()
    committed = {p.name: p.read_text(encoding="utf-8") for p in MAN.glob("*.1")}
    assert sorted(committed) == sorted(pages), (
        "regenerate: python -m gitmigrate.cli.manpage man/man1"
    )
    stale = [name for name, text in pages.items() if committed[name] != text]
    assert stale == [], "regenerate: python -m gitmigrate.cli.manpage man/man1"


def test_the_main_page_lists_every_command_and_links_their_pages() -> None:
    page = man_pages()["git-migrate.1"]
    assert page.startswith(".TH GIT-MIGRATE 1")
    assert "git-migrate \\- " in page  # NAME line as whatis/apropos read it
    for name in ("init", "apply", "rollback", "schema", "data", "help"):
        assert f"\\fB{name}\\fR" in page
    assert "\\fBgit\\-migrate\\-apply\\fR(1)" in page


def test_subcommand_pages_carry_their_options() -> None:
    pages = man_pages()
    assert "git-migrate-data-add.1" in pages  # nested groups get a page per command
    apply = pages["git-migrate-apply.1"]
    assert "\\-\\-dry\\-run" in apply and "\\-\\-target" in apply
    assert ".SH SYNOPSIS" in apply and "git migrate apply" in apply


def test_roff_special_lines_are_escaped() -> None:
    for name, text in man_pages().items():
        for line in text.splitlines():
            if line.startswith((".", "'")):
                assert line.split()[0] in {
                    ".TH",
                    ".SH",
                    ".SS",
                    ".TP",
                    ".PP",
                    ".B",
                    ".nf",
                    ".fi",
                    ".RS",
                    ".RE",
                    ".IP",
                }, (name, line)
