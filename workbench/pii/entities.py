"""The PII entity types: shape patterns, validators, column-name hints, and value-level matching.

Every entity has a loose shape ``pattern`` (used vectorised over a sampled column, then in Python
for a single value) and a ``check`` that validates a value of that shape for real. Entities whose
values are easy to produce by chance (a bare 9-digit number passes the SSN rules) also have a
``strict_pattern``: without a column-name hint, only values of that stricter shape count.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from workbench.pii import checks

Kind = Literal["text", "integer", "temporal"]

_EXTENSION = r"(?:\s*(?:[xX]|[eE][xX][tT]\.?|#)\s*[0-9]{1,6})?"
_NANP_SHAPED = r"(?:\+?1[\s.-]?)?(?:\([0-9]{3}\)\s?|[0-9]{3}[\s.-])[0-9]{3}[\s.-][0-9]{4}"
# With the 00 international prefix, a space must follow the country code: bare digits starting
# with 00 are much more often zero-padded codes than phone numbers.
_INTERNATIONAL_00 = r"00\s?[1-9][0-9]{0,2}\s[0-9\s().-]+"
_MONTH_NAMES = r"[A-Za-z]{3,9}\.?"


@dataclass(frozen=True)
class Entity:
    """One PII entity type: its name, how its values look and validate, and its column-name hints."""

    name: str
    description: str
    pattern: str
    check: Callable[[str], bool]
    lengths: tuple[int, int] = (1, 4096)
    hints: tuple[str, ...] = ()
    strict_pattern: str | None = None
    needs_hint: bool = False
    kinds: frozenset[Kind] = frozenset({"text"})
    pad_to: int | None = None
    strength: float = 0.9
    arrow_pattern: str | None = None
    _compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _compiled_strict: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", re.compile(self.pattern))
        strict = re.compile(self.strict_pattern) if self.strict_pattern else None
        object.__setattr__(self, "_compiled_strict", strict)

    @property
    def vector_pattern(self) -> str:
        """The shape pattern in RE2 syntax, for pyarrow's vectorised matching."""
        return self.arrow_pattern or self.pattern

    def validate(self, value: str) -> bool:
        """True when the (stripped) value has this entity's shape and passes its validation."""
        value = value.strip()
        low, high = self.lengths
        return low <= len(value) <= high and bool(self._compiled.match(value)) and self.check(value)

    def validate_unhinted(self, value: str) -> bool:
        """True when the value is valid in a form strong enough to count without a column-name hint."""
        if self.needs_hint:
            return False
        strict = self._compiled_strict
        return self.validate(value) and (strict is None or bool(strict.match(value.strip())))


_ORDERED: tuple[Entity, ...] = (
    Entity(
        name="IBAN",
        lengths=(15, 42),
        description="International Bank Account Number (ISO 13616), checked with mod 97",
        pattern=r"^[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}$",
        check=checks.bank_account,
        hints=("iban", "bank account", "account number", "bank account number"),
        strength=1.0,
    ),
    Entity(
        name="BRAZIL_CNPJ",
        lengths=(14, 18),
        description="Brazilian company registry number, two mod 11 check digits",
        pattern=r"^(?:[0-9]{2}\.[0-9]{3}\.[0-9]{3}/[0-9]{4}-[0-9]{2}|[0-9]{14})$",
        check=checks.brazil_cnpj,
        hints=("cnpj",),
        kinds=frozenset({"text", "integer"}),
        pad_to=14,
        strength=1.0,
    ),
    Entity(
        name="BRAZIL_CPF",
        lengths=(11, 14),
        description="Brazilian individual taxpayer number, two mod 11 check digits",
        pattern=r"^(?:[0-9]{3}\.[0-9]{3}\.[0-9]{3}-[0-9]{2}|[0-9]{11})$",
        check=checks.brazil_cpf,
        hints=("cpf",),
        kinds=frozenset({"text", "integer"}),
        pad_to=11,
        strength=1.0,
    ),
    Entity(
        name="CREDIT_CARD",
        lengths=(12, 24),
        description="Payment card number: a known issuer prefix and length, and the Luhn check",
        pattern=r"^[0-9]{4}(?:[ -]?[0-9]{2,7}){2,5}$",
        check=checks.credit_card,
        hints=("credit card", "card number", "card no", "cc number", "ccnum", "pan", "card"),
        kinds=frozenset({"text", "integer"}),
        strength=1.0,
    ),
    Entity(
        name="USA_ITIN",
        lengths=(9, 11),
        description="US Individual Taxpayer Identification Number (9xx, group 50-65, 70-88, 90-92, 94-99)",
        pattern=r"^(?:9[0-9]{2}-[0-9]{2}-[0-9]{4}|9[0-9]{8})$",
        strict_pattern=r"^[0-9]{3}-[0-9]{2}-[0-9]{4}$",
        check=checks.usa_itin,
        hints=("itin", "tin", "taxpayer id", "taxpayer identification number", "tax id"),
        kinds=frozenset({"text", "integer"}),
    ),
    Entity(
        name="USA_SSN",
        lengths=(9, 11),
        description="US Social Security Number (area not 000, 666 or 9xx; group and serial not zero)",
        pattern=r"^(?:[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{9})$",
        strict_pattern=r"^[0-9]{3}-[0-9]{2}-[0-9]{4}$",
        check=checks.usa_ssn,
        hints=("ssn", "social security", "social security number", "ssnum"),
        kinds=frozenset({"text", "integer"}),
        pad_to=9,
    ),
    Entity(
        name="UK_NATIONAL_INSURANCE_NUMBER",
        lengths=(9, 13),
        description="UK National Insurance number: allocated prefix, 6 digits, suffix A-D",
        pattern=r"^[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-Da-d]$",
        check=checks.uk_nino,
        hints=("nino", "national insurance", "national insurance number", "ni number", "nin"),
    ),
    Entity(
        name="EMAIL",
        lengths=(6, 254),
        description="Email address",
        pattern=r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]{2,63}$",
        check=checks.email,
        hints=("email", "e mail", "mail", "email address", "mail address"),
    ),
    Entity(
        name="URL",
        lengths=(8, 4096),
        description="Web address (http, https or ftp, or starting with www.)",
        pattern=r"^(?:[Hh][Tt][Tt][Pp][Ss]?://|[Ff][Tt][Pp]://|[Ww][Ww][Ww]\.)[^\s]+$",
        check=checks.url,
        hints=("url", "uri", "website", "homepage", "web site", "link"),
    ),
    Entity(
        name="MAC_ADDRESS",
        lengths=(14, 17),
        description="MAC address (colon, hyphen or dotted notation)",
        pattern=(
            r"^(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}"
            r"|[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2})$"
        ),
        check=checks.mac_address,
        hints=("mac", "mac address", "hwaddr", "hardware address"),
    ),
    Entity(
        name="IP_ADDRESS",
        lengths=(2, 45),
        description="IPv4 or IPv6 address",
        pattern=r"^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$",
        check=checks.ip_address,
        hints=("ip", "ip address", "ipv4", "ipv6", "ip addr", "remote addr", "client ip"),
    ),
    Entity(
        name="USA_PASSPORT_NUMBER",
        lengths=(9, 9),
        description="US passport number: 9 digits or a letter and 8 digits (no checksum: needs a name hint)",
        pattern=r"^(?:[0-9]{9}|[A-Za-z][0-9]{8})$",
        check=checks.usa_passport,
        hints=("passport", "passport number", "passport no", "passport num"),
        needs_hint=True,
        kinds=frozenset({"text", "integer"}),
        pad_to=9,
        strength=0.6,
    ),
    Entity(
        name="DATE",
        lengths=(8, 30),
        description="Date of birth: a real date between 1880 and today, in a column named like one",
        pattern=(
            r"^(?:[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?Z?)?"
            r"|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}|[0-9]{8}"
            rf"|[0-9]{{1,2}} {_MONTH_NAMES} [0-9]{{4}}|{_MONTH_NAMES} [0-9]{{1,2}},? [0-9]{{4}})$"
        ),
        check=checks.birth_date,
        hints=(
            "dob",
            "birth",
            "birthdate",
            "birthday",
            "born",
            "date of birth",
            "birth date",
            "nascimento",
            "data nascimento",
        ),
        needs_hint=True,
        kinds=frozenset({"text", "integer", "temporal"}),
        strength=0.6,
    ),
    Entity(
        name="PHONE_NUMBER",
        lengths=(7, 40),
        description="Phone number: international (+ or 00), North American, or national with a trunk 0",
        pattern=r"^(?:\+|00)?[0-9(][0-9\s().-]{5,22}[0-9]" + _EXTENSION + "$",
        strict_pattern=rf"^(?:\+[1-9][0-9\s().-]*|{_INTERNATIONAL_00}|{_NANP_SHAPED}){_EXTENSION}$",
        check=checks.phone_number,
        hints=("phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "msisdn", "phone number"),
        kinds=frozenset({"text", "integer"}),
        strength=0.8,
    ),
    Entity(
        name="PERSON_NAME",
        lengths=(1, 80),
        description="Person's name: 1-4 capitalised words, in a column named like one (needs a name hint)",
        pattern=rf"^[^\W\d_](?:[^\W\d_]|[{checks.APOSTROPHES}. -])*$",
        # No bounded repetition here: RE2 expands {0,79} over Unicode classes into a slow automaton.
        arrow_pattern=rf"^\pL[\pL\pM{checks.APOSTROPHES}. -]*$",
        check=checks.person_name,
        hints=(
            "first name",
            "last name",
            "full name",
            "given name",
            "family name",
            "middle name",
            "maiden name",
            "surname",
            "forename",
            "customer name",
            "client name",
            "person name",
            "patient name",
            "employee name",
            "contact name",
            "holder name",
            "cardholder name",
            "account holder",
            "owner name",
            "fname",
            "lname",
        ),
        needs_hint=True,
        strength=0.6,
    ),
)

ENTITIES: dict[str, Entity] = {e.name: e for e in _ORDERED}
"""Every entity type by name, most specific first: when a value or column matches several, the first wins."""

_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def name_tokens(column: str) -> tuple[str, ...]:
    """A column name as lower-case words: ``customerSSN`` and ``customer_ssn`` give (customer, ssn)."""
    return tuple(t.lower() for t in _TOKEN.findall(column))


def hinted_entities(column: str | None) -> frozenset[str]:
    """The entity types a column's name suggests (e.g. ``dob`` suggests DATE)."""
    if not column:
        return frozenset()
    tokens = name_tokens(column)
    return frozenset(e.name for e in _ORDERED if any(_has_phrase(tokens, h) for h in e.hints))


def _has_phrase(tokens: tuple[str, ...], hint: str) -> bool:
    words = tuple(hint.split())
    if "".join(words) in tokens:
        return True
    n = len(words)
    return any(tokens[i : i + n] == words for i in range(len(tokens) - n + 1))


def match_value(value: str, column: str | None = None) -> str | None:
    """The most specific entity type a single value validates as, or None.

    Without ``column``, only the forms that count without a name hint are recognised (so a bare
    9-digit number is not an SSN, and DATE, PERSON_NAME and USA_PASSPORT_NUMBER never match);
    with it, the column name's hints are applied as in ``detect_pii``.
    """
    hinted = hinted_entities(column)
    for entity in _ORDERED:
        ok = entity.validate(value) if entity.name in hinted else entity.validate_unhinted(value)
        if ok:
            return entity.name
    return None
