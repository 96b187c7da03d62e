"""`fake.<provider>`: realistic replacements from faker, seeded by the HMAC of the value, so the
same input gives the same fake in every table, chunk, run and process.

- email: `first.last.TAG@example.invalid`, TAG 20 hex digits (80 bits) of the value's
  HMAC: distinct inputs give distinct emails (a collision among a million values has odds
  below 1e-12) and `.invalid` (RFC 2606) is a domain no real address has.
- phone / phone_number: the source's own shape with its digits and letters replaced by a keyed
  permutation (injective by construction), behind the unassigned country code +999 (+990 for
  a source without a leading "+"), so no masked phone equals a source phone.
- first_name, last_name, name: drawn from faker's weighted name lists of the locale directly
  (a faker call costs ~50 us; a draw, ~1 us).
- any other faker provider (city, company, address, job ...): faker seeded by the HMAC; on a
  unique column the fake gets " TAG" appended so that it stays unique.

Outputs are cut to the column's length; the email and phone keep their reserved part first.
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from gitmigrate.data.masking.columns import ColumnType, fit_text
from gitmigrate.data.masking.key import Keyed
from gitmigrate.data.masking.permute import CharPermutation

PROVIDERS = (
    "name", "first_name", "last_name", "email", "phone", "phone_number", "address",
    "street_address", "city", "country", "postcode", "company", "job", "user_name",
)  # fmt: skip
_NOT_PROVIDERS = {"seed", "seed_instance", "seed_locale", "random", "provider", "format"}
DEFAULT_LOCALE = "en_US"
EMAIL_DOMAIN = "example.invalid"
TAG_CHARS = 20  # 80 bits


def check_provider(provider: str, locale: str | None) -> tuple[str, str] | None:
    """None when `fake.<provider>` can run with `locale`, else (problem, fix)."""
    try:
        faker = _faker(locale or DEFAULT_LOCALE)
    except ImportError:
        return ("fake.* needs faker", "pip install 'git-migrate[env]'")
    except AttributeError:
        return (f"faker has no locale {locale!r}", "use a faker locale such as en_US or de_DE")
    if provider in PROVIDERS:
        return None
    attr = None if provider.startswith("_") or provider in _NOT_PROVIDERS else provider
    if attr is None or not callable(getattr(faker, attr, None)):
        return (f"unknown faker provider {provider!r}", "providers: " + ", ".join(PROVIDERS))
    return None


@cache
def _faker(locale: str) -> Any:
    from faker import Faker

    return Faker(locale)


def tag(keyed: Keyed, value: Any, chars: int = TAG_CHARS) -> str:
    """A keyed tag of the value: `chars` lower-case hex digits (4 bits each)."""
    return keyed.of(value).hex()[:chars]


class _Names:
    """Weighted draws from the locale's name lists (faker's own data)."""

    def __init__(self, locale: str) -> None:
        person = next((p for p in _faker(locale).providers if hasattr(p, "first_names")), None)
        self.first = _weighted(getattr(person, "first_names", ()) or ("Alex",))
        self.last = _weighted(getattr(person, "last_names", ()) or ("Smith",))


@cache
def _names(locale: str) -> _Names:
    return _Names(locale)


def _weighted(source: Any) -> Callable[[int], str]:
    """A function of a 64-bit number to one name, following the list's weights if it has any."""
    if isinstance(source, dict):
        names = [str(n) for n in source]
        cum = list(itertools.accumulate(float(w) for w in source.values()))
    else:
        names = [str(n) for n in source]
        cum = [float(i + 1) for i in range(len(names))]
    total = cum[-1]

    def draw(number: int) -> str:
        at = (number / 18446744073709551616.0) * total
        return names[min(bisect.bisect_right(cum, at), len(names) - 1)]

    return draw


@lru_cache(maxsize=1 << 14)
def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum()) or "user"


def make_fake(
    provider: str, locale: str | None, key: bytes, ctype: ColumnType, *, unique: bool
) -> Callable[[Any], Any]:
    """The function that masks one value of a column with `fake.<provider>`."""
    locale = locale or DEFAULT_LOCALE
    seeds, tags = Keyed(key, "fake"), Keyed(key, "tag")
    if provider in ("phone", "phone_number"):
        chars = CharPermutation(Keyed(key, "phone"))

        def phone(value: Any) -> Any:
            text = str(value)
            if text.startswith("+"):
                return fit_text("+999 " + chars(text[1:]), ctype)
            return fit_text("+990 " + chars(text), ctype)

        return phone
    if provider in ("first_name", "last_name", "name", "email"):
        names = _names(locale)

        def draw(value: Any) -> tuple[str, str]:
            digest = seeds.of(value)
            first = names.first(int.from_bytes(digest[:8], "big"))
            return first, names.last(int.from_bytes(digest[8:16], "big"))

        if provider == "email":

            def email(value: Any) -> Any:
                first, last = draw(value)
                t = tag(tags, value)
                for text in (
                    f"{_ascii(first)}.{_ascii(last)}.{t}@{EMAIL_DOMAIN}",
                    f"{t}@{EMAIL_DOMAIN}",
                ):
                    if ctype.length is None or len(text) <= ctype.length:
                        return text
                room = max(1, (ctype.length or 0) - len("@x.invalid"))
                return fit_text(f"{t[:room]}@x.invalid", ctype)

            return email
        pick: Callable[[Any], str] = {
            "first_name": lambda v: draw(v)[0],
            "last_name": lambda v: draw(v)[1],
            "name": lambda v: " ".join(draw(v)),
        }[provider]
    else:
        faker = _faker(locale)
        method = getattr(faker, provider)

        def pick(value: Any) -> Any:
            faker.seed_instance(int.from_bytes(seeds.of(value)[:8], "big"))
            return method()

    def fake(value: Any) -> Any:
        out = str(pick(value))  # a text column (masker refuses fakes elsewhere)
        if unique:
            t = " " + tag(tags, value)
            room = max(0, (ctype.length or len(out) + len(t)) - len(t))
            return fit_text(out[:room] + t, ctype)
        return fit_text(out, ctype)

    return fake
