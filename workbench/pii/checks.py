"""Value validators for the PII entity types: checksums, number ranges and structural rules.

Each function takes one candidate value (already stripped, already matching the entity's
shape pattern) and says whether it is a real instance of the entity. python-stdnum does the
checksums where it covers the type.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import urllib.parse

from stdnum import iban, luhn
from stdnum.br import cnpj, cpf
from stdnum.us import ssn

# (network, lowest prefix, highest prefix, allowed lengths) per issuer range, from the published IIN
# ranges of the major networks. Maestro (50, 56-69, 12-19 digits) is left out on purpose: its ranges
# are so wide that random Luhn-valid numbers would pass.
CARD_NETWORKS: tuple[tuple[str, str, str, tuple[int, ...]], ...] = (
    ("Visa", "4", "4", (13, 16, 19)),
    ("Mastercard", "51", "55", (16,)),
    ("Mastercard", "2221", "2720", (16,)),
    ("American Express", "34", "34", (15,)),
    ("American Express", "37", "37", (15,)),
    ("Discover", "6011", "6011", (16, 19)),
    ("Discover", "644", "649", (16, 19)),
    ("Discover", "65", "65", (16, 19)),
    ("JCB", "3528", "3589", (16, 19)),
    ("Diners Club", "300", "305", (14, 16, 19)),
    ("Diners Club", "36", "36", (14, 16, 19)),
    ("Diners Club", "38", "39", (16, 19)),
    ("UnionPay", "62", "62", (16, 17, 18, 19)),
)
_CARD_RANGES = tuple((low, high, lengths) for _, low, high, lengths in CARD_NETWORKS)

# The ITIN group numbers the IRS issues; python-stdnum 2.2 accepts only 70-99, not 50-65.
ITIN_GROUPS = frozenset([*range(50, 66), *range(70, 89), *range(90, 93), *range(94, 100)])

# UK NINO: prefixes the government never allocates, and letters never used in each position.
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NINO_BAD_FIRST = frozenset("DFIQUV")
_NINO_BAD_SECOND = frozenset("DFIOQUV")

APOSTROPHES = "'\u2019"
"""The apostrophes names are written with (O'Brien, O\u2019Brien)."""
_NAME_JOINERS = re.compile(f"[{APOSTROPHES}-]")
_NON_DIGITS = re.compile(r"[^0-9]+")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_TLD = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")
_PHONE_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension|#)\s*[0-9]{1,6}$", re.IGNORECASE)
_PHONE_SEPARATOR_RUN = re.compile(r"[\s.-]{2,}")

_YEAR_FIRST = re.compile(r"^([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:[ T].*)?$")
_YEAR_LAST = re.compile(r"^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$")
_COMPACT_DATE = re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$")
_MONTH_NAME_LAYOUTS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")
EARLIEST_BIRTH_YEAR = 1880
"""Dates of birth before this year are not plausible for living people's records."""


def only_digits(value: str) -> str:
    """The decimal digits of a value, in order."""
    return _NON_DIGITS.sub("", value)


def _all_same(digits: str) -> bool:
    return len(set(digits)) <= 1


def credit_card(value: str) -> bool:
    """A known issuer prefix and length, and a valid Luhn check digit."""
    digits = only_digits(value)
    if not _card_range_ok(digits):
        return False
    return bool(luhn.is_valid(digits))


def _card_range_ok(digits: str) -> bool:
    for low, high, lengths in _CARD_RANGES:
        if len(digits) in lengths and low <= digits[: len(low)] <= high:
            return True
    return False


def bank_account(value: str) -> bool:
    """An IBAN: known country, that country's BBAN structure and the ISO 7064 mod 97 check."""
    return bool(iban.is_valid(value))


def brazil_cpf(value: str) -> bool:
    """A CPF: 11 digits, not all the same, with both mod 11 check digits right."""
    digits = only_digits(value)
    return len(digits) == 11 and not _all_same(digits) and bool(cpf.is_valid(digits))


def brazil_cnpj(value: str) -> bool:
    """A CNPJ: 14 digits, not all the same, with both mod 11 check digits right."""
    digits = only_digits(value)
    return len(digits) == 14 and not _all_same(digits) and bool(cnpj.is_valid(digits))


def usa_ssn(value: str) -> bool:
    """An SSN: area not 000, 666 or 9xx, group not 00, serial not 0000, not a known fake."""
    return bool(ssn.is_valid(value))


def usa_itin(value: str) -> bool:
    """An ITIN: area 9xx and group 50-65, 70-88, 90-92 or 94-99 (so never a valid SSN)."""
    digits = only_digits(value)
    return len(digits) == 9 and digits[0] == "9" and int(digits[3:5]) in ITIN_GROUPS


def usa_passport(value: str) -> bool:
    """A US passport number: 9 digits or a letter and 8 digits, not one repeated digit."""
    return not _all_same(only_digits(value))


def uk_nino(value: str) -> bool:
    """A UK National Insurance number: allocated prefix letters, 6 digits, suffix A-D."""
    compact = "".join(value.split()).upper()
    prefix = compact[:2]
    if prefix in _NINO_BAD_PREFIXES:
        return False
    return prefix[0] not in _NINO_BAD_FIRST and prefix[1] not in _NINO_BAD_SECOND


def email(value: str) -> bool:
    """An address with a valid local part (no leading, trailing or double dots) and domain."""
    if len(value) > 254:
        return False
    local, _, domain = value.rpartition("@")
    if not local or len(local) > 64 or local.startswith(".") or local.endswith(".") or ".." in local:
        return False
    return hostname(domain, need_tld=True)


def hostname(host: str, *, need_tld: bool) -> bool:
    """A DNS name of valid labels; with need_tld, at least two labels and an alphabetic TLD."""
    labels = host.rstrip(".").split(".")
    if len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        return False
    if need_tld:
        return len(labels) >= 2 and bool(_TLD.match(labels[-1]))
    return True


def url(value: str) -> bool:
    """An http(s) or ftp URL (or one starting with www.) whose host is a domain or an IP address."""
    if value.lower().startswith("www."):
        value = "http://" + value
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError:
        return False
    if port == 0 or parts.scheme.lower() not in {"http", "https", "ftp"}:
        return False
    host = parts.hostname or ""
    return host == "localhost" or ip_address(host) or hostname(host, need_tld=True)


def ip_address(value: str) -> bool:
    """An IPv4 address (no leading zeros) or an IPv6 address."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def mac_address(value: str) -> bool:
    """A MAC address other than the all-zero and broadcast placeholders."""
    hexdigits = "".join(c for c in value.lower() if c not in ":-.")
    return hexdigits not in {"000000000000", "ffffffffffff"}


def phone_number(value: str) -> bool:
    """A phone number: international (+ or 00, 8-15 digits) or North American or trunk-0 national."""
    body = _PHONE_EXTENSION.sub("", value)
    if not _phone_brackets_ok(body) or _PHONE_SEPARATOR_RUN.search(body.replace("(", "").replace(")", "")):
        return False
    digits = only_digits(body)
    if body.startswith("+"):
        return 8 <= len(digits) <= 15 and digits[0] != "0"
    if body.startswith("00"):
        return 8 <= len(digits) - 2 <= 15 and digits[2] != "0"
    if digits.startswith("0"):
        return 9 <= len(digits) <= 12 and not _all_same(digits[1:])
    return _nanp(digits)


def _phone_brackets_ok(body: str) -> bool:
    opened = body.count("(")
    if opened != body.count(")") or opened > 1:
        return False
    if not opened:
        return True
    inner = body[body.index("(") + 1 : body.index(")")] if body.index("(") < body.index(")") else "x"
    return inner.isdigit() and 1 <= len(inner) <= 4


def _nanp(digits: str) -> bool:
    """North American numbering: optional 1, area code and exchange both starting 2-9."""
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    return len(digits) == 10 and digits[0] >= "2" and digits[3] >= "2"


def birth_date(value: str) -> bool:
    """A real calendar date (with or without a time) between 1880 and today."""
    day = parse_date(value)
    return day is not None and day.year >= EARLIEST_BIRTH_YEAR and day <= dt.date.today()


def parse_date(value: str) -> dt.date | None:
    """The date a value spells in a common layout (a trailing time is ignored), or None.

    Numeric layouts are year-month-day, day-month-year or month-day-year (either reading may
    make it a real date), and yyyymmdd; otherwise English month names ("5 Jan 1990",
    "January 5, 1990").
    """
    match = _YEAR_FIRST.match(value) or _COMPACT_DATE.match(value)
    if match:
        return _date(*match.groups())
    match = _YEAR_LAST.match(value)
    if match:
        first, second, year = match.groups()
        return _date(year, second, first) or _date(year, first, second)
    return next(filter(None, (_strptime(value, layout) for layout in _MONTH_NAME_LAYOUTS)), None)


def _strptime(value: str, layout: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, layout).date()
    except ValueError:
        return None


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def person_name(value: str) -> bool:
    """One to four capitalised words (hyphens, apostrophes, accents, initials and particles allowed)."""
    if value.isupper():
        value = value.title()
    words = value.split()
    proper = [w for w in words if w not in NAME_PARTICLES]
    if not 1 <= len(proper) <= 4 or len(words) > 6:
        return False
    return all(_name_word(w) for w in proper) and sum(c.isalpha() for c in value) >= 2


NAME_PARTICLES = frozenset(
    {"de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den"}
    | {"ter", "ten", "bin", "binti", "al", "el", "y", "e"}
)


def _name_word(word: str) -> bool:
    if len(word) <= 4 and word.endswith("."):
        word = word[:-1]  # an initial or an abbreviation such as "Jr."
    pieces = _NAME_JOINERS.split(word)
    return all(_name_piece(p) for p in pieces)


def _name_piece(piece: str) -> bool:
    if not piece.isalpha() or not piece[0].isupper():
        return False
    return len(piece) <= 3 or any(c.islower() for c in piece[1:])
