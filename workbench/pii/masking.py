"""Masked example values: enough to recognise the kind of data, never the raw value."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+")
_ALNUM = re.compile(r"[^\W_]")
_HEX = re.compile(r"[0-9A-Fa-f]")

_LAST_FOUR = frozenset(
    {
        "CREDIT_CARD",
        "USA_SSN",
        "USA_ITIN",
        "USA_PASSPORT_NUMBER",
        "BRAZIL_CPF",
        "BRAZIL_CNPJ",
        "PHONE_NUMBER",
        "UK_NATIONAL_INSURANCE_NUMBER",
    }
)


def mask_example(value: str, entity: str) -> str:
    """A masked form of a value of the given entity type, safe to show in profiles and reports.

    Numbers keep their separators and only their last 4 characters (an IBAN also keeps its
    country code); an email, a name or a URL host keeps the first and last character of each
    part; an IP address keeps its first group, a MAC address its manufacturer prefix; a date
    shows only its layout.
    """
    value = value.strip()
    masked = keep_last(value, 4) if entity in _LAST_FOUR else _MASKERS.get(entity, mask_words)(value)
    return masked if masked != value else "*" * len(value)


def keep_last(value: str, count: int, *, head: int = 0) -> str:
    """Replace every letter and digit by '*' except the first ``head`` and the last ``count``."""
    positions = [m.start() for m in _ALNUM.finditer(value)]
    keep = set(positions[:head]) | set(positions[-count:] if count else [])
    if len(keep) >= len(positions):
        keep = set(positions[-1:]) if len(positions) > 1 else set()
    return "".join(c if i in keep or i not in positions else "*" for i, c in enumerate(value))


def mask_word(word: str) -> str:
    """Keep the first and last character of a word of 3 or more characters, the first of 2, none of 1."""
    if len(word) <= 2:
        return word[:1] + "*" if len(word) == 2 else "*"
    return word[0] + "*" * (len(word) - 2) + word[-1]


def mask_words(value: str) -> str:
    """Mask every word of a value, keeping punctuation and spaces."""
    return _WORD.sub(lambda m: mask_word(m.group()), value)


def _mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    host, _, tld = domain.rpartition(".")
    return f"{mask_words(local)}@{mask_words(host)}.{tld}"


def _mask_url(value: str) -> str:
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "", value
    host, slash, _path = rest.partition("/")
    return f"{scheme}{sep}{mask_words(host)}{'/...' if slash else ''}"


def _mask_ip(value: str) -> str:
    separator = "." if "." in value and ":" not in value else ":"
    first, *others = value.split(separator)
    return separator.join([first, *("*" if part else "" for part in others)])


def _mask_mac(value: str) -> str:
    seen = 0
    out = []
    for char in value:
        if _HEX.match(char):
            seen += 1
            out.append(char if seen <= 6 else "*")
        else:
            out.append(char)
    return "".join(out)


def _mask_iban(value: str) -> str:
    return keep_last(value, 4, head=2)


def _mask_date(value: str) -> str:
    return _ALNUM.sub("*", value)


_MASKERS = {
    "EMAIL": _mask_email,
    "URL": _mask_url,
    "IP_ADDRESS": _mask_ip,
    "MAC_ADDRESS": _mask_mac,
    "IBAN": _mask_iban,
    "DATE": _mask_date,
    "PERSON_NAME": mask_words,
}
