"""Man pages generated from the click help, so `git migrate --help` works.

git answers `git migrate --help` and `git help migrate` with `man git-migrate`. These pages are
the click help in roff: one for git-migrate and one per command (`git-migrate-data-add`), with no
date and no terminal width in them, so the committed copies in man/man1 stay byte-stable and a
unit test notices when they are stale. Regenerate with
`python -m gitmigrate.cli.manpage man/man1`. A small generator over click's own structures
instead of click-man: one dependency less, and the output is ours to keep stable.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import click

from gitmigrate import __version__
from gitmigrate.cli.main import cli

_MANUAL = "Git Manual"


def man_pages() -> dict[str, str]:
    """File name (e.g. "git-migrate-apply.1") -> roff text, for git-migrate and every command."""
    pages: dict[str, str] = {}
    root = click.Context(cli, info_name="git migrate", **cli.context_settings)
    _collect(cli, root, ["git", "migrate"], pages)
    return pages


def _collect(
    command: click.Command, ctx: click.Context, words: list[str], pages: dict[str, str]
) -> None:
    pages[f"{_page_name(words)}.1"] = _page(command, ctx, words)
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(sub, info_name=name, parent=ctx, **sub.context_settings)
            _collect(sub, sub_ctx, [*words, name], pages)


def _page_name(words: list[str]) -> str:
    return "git-migrate" + "".join(f"-{w}" for w in words[2:])


def _page(command: click.Command, ctx: click.Context, words: list[str]) -> str:
    name = _page_name(words)
    out = [
        f'.TH {name.upper()} 1 "" "git-migrate {__version__}" "{_MANUAL}"',
        ".SH NAME",
        f"{name} \\- {_esc(_summary(command))}",
        ".SH SYNOPSIS",
        f".B {_esc(' '.join(words))}",
        _esc(" ".join(command.collect_usage_pieces(ctx))),
    ]
    body = _help(command)
    if body and " ".join(body.split()) != _summary(command):  # more than the NAME line says
        out.append(".SH DESCRIPTION")
        out += _paragraphs(body)
    options = [r for p in command.params if (r := p.get_help_record(ctx))]
    if command.add_help_option and ctx.help_option_names:
        # not command.get_params(): click caches the help option of the first context it saw
        options.append((", ".join(ctx.help_option_names), "Show this message and exit."))
    if options:
        out.append(".SH OPTIONS")
        for opts, text in options:
            out += [".TP", f"\\fB{_esc(opts)}\\fR", _esc(text)]
    if isinstance(command, click.Group):
        out.append(".SH COMMANDS")
        for sub_name in command.list_commands(ctx):
            sub = command.get_command(ctx, sub_name)
            if sub is None or sub.hidden:
                continue
            page = _page_name([*words, sub_name])
            out += [".TP", f"\\fB{_esc(sub_name)}\\fR", _esc(_summary(sub))]
            out.append(f"See \\fB{_esc(page)}\\fR(1).")
    out += [".SH SEE ALSO", _see_also(words)]
    return "\n".join(line for line in out if line) + "\n"


def _see_also(words: list[str]) -> str:
    if len(words) == 2:
        return "\\fBgit\\fR(1), \\fBgit migrate help\\fR COMMAND"
    return f"\\fB{_esc(_page_name(words[:-1]))}\\fR(1), \\fBgit\\fR(1)"


def _help(command: click.Command) -> str:
    text = inspect.cleandoc(command.help or "")
    return text.split("\f", 1)[0].strip()  # click's own rule: \f ends what --help shows


def _summary(command: click.Command) -> str:
    first = (_help(command).split("\n\n", 1)[0] or command.short_help or "").replace("\n", " ")
    return first.strip()


def _paragraphs(text: str) -> list[str]:
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        if para.startswith("\b"):  # click's marker for "do not rewrap"
            out += [
                ".PP",
                ".nf",
                *(_esc(line) for line in para[1:].strip("\n").splitlines()),
                ".fi",
            ]
        else:
            out += [".PP", _esc(" ".join(line.strip() for line in para.splitlines()))]
    return out


def _esc(text: str) -> str:
    """Roff-safe text: backslashes and hyphens escaped, no line starting with a control char."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text.startswith((".", "'")) else text


def write_pages(folder: Path) -> list[Path]:
    """Write every page into `folder` and delete pages of commands that no longer exist."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = man_pages()
    for stale in folder.glob("git-migrate*.1"):
        if stale.name not in pages:
            stale.unlink()
    written = []
    for name, text in sorted(pages.items()):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # python -m gitmigrate.cli.manpage man/man1
    for written_path in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "man/man1")):
        sys.stdout.write(f"{written_path}\n")
