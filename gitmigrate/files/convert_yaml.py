"""YAML's canonical layout for convert: block style, 2-space indent, lists indented under
their key, one-line containers of the source in flow style, multi-line strings as literal
blocks; a plain scalar only where the YAML reader reads it back as the same string."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from gitmigrate.files.convert_render import Renderer, iso
from gitmigrate.files.keypath import KeyPath
from gitmigrate.files.scalars import float_literal


class YamlRenderer(Renderer):
    format = "yaml"
    comment_reason = "YAML cannot hold a comment there"

    def body(self, data: Any) -> None:
        if isinstance(data, dict) and data:
            self.mapping(data, (), "")
        elif isinstance(data, list) and data:
            self.sequence(data, (), "")
        else:
            head, rest = self.scalar(data, (), "")
            self.lines.append(head + self.after(()))
            self.lines.extend(rest)

    def mapping(self, data: dict[Any, Any], path: KeyPath, pad: str) -> None:
        for key, value in data.items():
            here = (*path, key)
            self.before(here, pad)
            name = self.key(key)
            if isinstance(value, dict) and value and not self.flow(value, here):
                self.lines.append(f"{pad}{name}:{self.after(here)}")
                self.mapping(value, here, pad + "  ")
            elif isinstance(value, list) and value and not self.flow(value, here):
                self.lines.append(f"{pad}{name}:{self.after(here)}")
                self.sequence(value, here, pad + "  ")
            else:
                head, rest = self.scalar(value, here, pad + "  ")
                self.lines.append(f"{pad}{name}: {head}{self.after(here)}")
                self.lines.extend(rest)

    def sequence(self, data: list[Any], path: KeyPath, pad: str) -> None:
        for index, value in enumerate(data):
            here = (*path, index)
            self.before(here, pad)
            if isinstance(value, dict | list) and value and not self.flow(value, here):
                first = (*here, next(iter(value)) if isinstance(value, dict) else 0)
                self.before(first, pad)
                start = len(self.lines)
                if isinstance(value, dict):
                    self.mapping(value, here, pad + "  ")
                else:
                    self.sequence(value, here, pad + "  ")
                self.lines[start] = pad + "- " + self.lines[start][len(pad) + 2 :]
            else:
                head, rest = self.scalar(value, here, pad + "  ")
                self.lines.append(f"{pad}- {head}{self.after(here)}")
                self.lines.extend(rest)

    def flow(self, value: dict[Any, Any] | list[Any], path: KeyPath) -> bool:
        """Flow style (`[a, b]`, `{a: 1}`) for what the source wrote on one line; for plain data,
        lists of one-line scalars (as TOML writes its arrays). Never when an item has a comment."""
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        if any(self.has_comment((*path, k)) for k, _ in items):
            return False
        said = self.one_line(path)
        if said is not None:
            return said
        return isinstance(value, list) and all(
            not isinstance(item, dict | list) and not (isinstance(item, str) and "\n" in item)
            for _, item in items
        )

    def key(self, key: Any, flow: bool = False) -> str:
        if isinstance(key, str):
            plain = _yaml_plain(key, as_key=True) and not (flow and _FLOW_SPECIAL.search(key))
            return key if plain else _double(key)
        return self.scalar(key, (), "", flow)[0]

    def scalar(
        self, value: Any, path: KeyPath, pad: str, flow: bool = False
    ) -> tuple[str, list[str]]:
        """The head text (after `key: `) and the lines of a block scalar."""
        if value is None:
            return "null", []
        if isinstance(value, bool):
            return ("true" if value else "false"), []
        if isinstance(value, int):
            return str(value), []
        if isinstance(value, float):
            return float_literal(value, ".inf", ".nan"), []
        if isinstance(value, dt.time):
            self.lose(path, "time written as a string: YAML has no time of day")
            return _double(iso(value)), []
        if isinstance(value, dt.date):
            return iso(value), []
        if isinstance(value, dict):
            pairs = [
                f"{self.key(k, True)}: {self.scalar(v, (*path, k), pad, True)[0]}"
                for k, v in value.items()
            ]
            return "{" + ", ".join(pairs) + "}", []
        if isinstance(value, list):
            items = [self.scalar(item, (*path, i), pad, True)[0] for i, item in enumerate(value)]
            return "[" + ", ".join(items) + "]", []
        text = str(value)
        if path in self.model.escaped:
            return _double(text, ascii=True), []
        if path in self.model.single and "\n" not in text and text.isprintable():
            return "'" + text.replace("'", "''") + "'", []
        if _yaml_plain(text) and not (flow and _FLOW_SPECIAL.search(text)):
            return text, []
        if _literal_ok(text) and not flow:  # a trailing comment goes on the `|` header
            body = text.rstrip("\n")
            tail = len(text) - len(body)
            chomp = "-" if tail == 0 else ("" if tail == 1 else "+")
            rest = [pad + line if line else "" for line in body.split("\n")]
            rest.extend([""] * max(0, tail - 1))
            return "|" + chomp, rest
        return _double(text), []


# the YAML 1.1 booleans older readers still take as booleans: quoted although 1.2 reads text
_YAML_11_BOOL = re.compile(r"(?i:yes|no|on|off|y|n)")
_FLOW_SPECIAL = re.compile(r"[,\[\]{}]")
_YAML_FIRST = set("-?:,[]{}#&*!|>'\"%@` \t")


def _yaml_plain(text: str, as_key: bool = False) -> bool:
    """True when `text` reads back as this same string without quotes. A key reads back as its
    text whatever it looks like (`80:` is the key "80"), but null- and boolean-like keys stay
    quoted for other readers, and `<<` is the merge key."""
    if as_key and text != "<<" and _yaml_plain_syntax(text):
        return not _yaml_reads_scalar_word(text)
    return _yaml_plain_syntax(text) and not _YAML_11_BOOL.fullmatch(text) and _yaml_reads_text(text)


_KEY_WORDS = re.compile(r"~|(?i:null|true|false|yes|no|on|off|y|n)|[-+]?\.(?i:inf|nan)")


def _yaml_reads_scalar_word(text: str) -> bool:
    return bool(_KEY_WORDS.fullmatch(text)) or _YAML_11_BOOL.fullmatch(text) is not None


def _yaml_plain_syntax(text: str) -> bool:
    """No character or sequence that ends or changes a plain scalar."""
    return bool(
        text
        and text[0] not in _YAML_FIRST
        and text[-1] not in " \t:"
        and ": " not in text
        and " #" not in text
        and "\t" not in text
        and all(ch.isprintable() for ch in text)
        and "\ufeff" not in text
    )


@functools.cache
def _yaml_reads_text(text: str) -> bool:
    """True when the YAML reader (ruamel.yaml's resolver, as the YAML parser uses it) reads the
    plain scalar `text` as a string: not a number, boolean, null or timestamp."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode

    resolver = YAML(typ="safe", pure=True).resolver
    return bool(resolver.resolve(ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str")


def _literal_ok(text: str) -> bool:
    """True when a literal block scalar (`|`) holds `text` exactly."""
    body = text.rstrip("\n")
    return bool(
        "\n" in text
        and body
        and body[0] not in " \t"
        and "\r" not in text
        and all(ch.isprintable() or ch in "\n\t" for ch in text)
        and not any(line[:1] in (" ", "\t") for line in body.split("\n")[:1])
    )


def _double(text: str, ascii: bool = False) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not ch.isprintable() or ch == "\ufeff" or (ascii and ord(ch) > 0x7E):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
