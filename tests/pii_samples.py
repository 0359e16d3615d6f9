"""Seeded generators of PII values, of look-alike non-PII values, and of ordinary columns.

For every entity type: ``positives`` gives real-looking valid values (checksums computed, number
ranges respected), ``negatives`` gives values that look like the entity but are not valid (wrong
check digits, unallocated ranges, near-miss syntax). The tests and bench/pii_accuracy.py use them.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Callable
from functools import cache

from faker import Faker
from stdnum import luhn

Value = str | int
Generator = Callable[[random.Random], Value]

HINT_NAMES: dict[str, tuple[str, ...]] = {
    "IBAN": ("iban", "bank_account", "payee_iban"),
    "BRAZIL_CNPJ": ("cnpj", "empresa_cnpj"),
    "BRAZIL_CPF": ("cpf", "cliente_cpf"),
    "CREDIT_CARD": ("credit_card", "card_number", "ccNumber"),
    "USA_ITIN": ("itin", "taxpayer_id"),
    "USA_SSN": ("ssn", "social_security_number", "customerSSN"),
    "UK_NATIONAL_INSURANCE_NUMBER": ("nino", "national_insurance_number", "NI Number"),
    "EMAIL": ("email", "contact_email", "EmailAddress"),
    "URL": ("url", "website", "homepage"),
    "MAC_ADDRESS": ("mac", "mac_address", "deviceMac"),
    "IP_ADDRESS": ("ip", "ip_address", "clientIp"),
    "USA_PASSPORT_NUMBER": ("passport", "passport_number", "PassportNo"),
    "DATE": ("dob", "date_of_birth", "birthDate", "birthday"),
    "PHONE_NUMBER": ("phone", "mobile", "telephone_number"),
    "PERSON_NAME": ("first_name", "last_name", "full_name", "customerName", "surname"),
}
"""Column names that carry each entity's name hint."""

NEUTRAL_NAMES = ("col", "value", "field", "data", "attribute", "code", "item")
"""Column names that hint nothing."""


@cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


_SEEDED: dict[str, str] = {}
_COLUMN_SEED = ["0"]


def faker(rng: random.Random, locale: str = "en_US") -> Faker:
    """A Faker of the locale, seeded once per generated column (reseeding per value is slow)."""
    fake = _faker(locale)
    if _SEEDED.get(locale) != _COLUMN_SEED[0]:
        fake.seed_instance(f"{_COLUMN_SEED[0]}/{locale}")
        _SEEDED[locale] = _COLUMN_SEED[0]
    return fake


def _start_column(seed: object) -> random.Random:
    _COLUMN_SEED[0] = str(seed)
    return random.Random(str(seed))


def digits(rng: random.Random, n: int) -> str:
    """n random decimal digits."""
    return "".join(rng.choice(string.digits) for _ in range(n))


def _mod11_digit(body: str, weights: list[int]) -> str:
    rest = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return "0" if rest < 2 else str(11 - rest)


def cpf_check_digits(body: str) -> str:
    """The two check digits of a 9-digit CPF body."""
    first = _mod11_digit(body, list(range(10, 1, -1)))
    return first + _mod11_digit(body + first, list(range(11, 1, -1)))


def cnpj_check_digits(body: str) -> str:
    """The two check digits of a 12-digit CNPJ body."""
    weights = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]
    first = _mod11_digit(body, weights)
    return first + _mod11_digit(body + first, [6, *weights])


def _wrong(check: str, rng: random.Random) -> str:
    """Check digits that differ from the right ones."""
    while True:
        other = digits(rng, len(check))
        if other != check:
            return other


def _cpf_text(number: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return number
    return f"{number[:3]}.{number[3:6]}.{number[6:9]}-{number[9:]}"


def _cnpj_text(number: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return number
    return f"{number[:2]}.{number[2:5]}.{number[5:8]}/{number[8:12]}-{number[12:]}"


def _non_repeating(rng: random.Random, n: int) -> str:
    while True:
        body = digits(rng, n)
        if len(set(body)) > 1:
            return body


def cpf_positive(rng: random.Random) -> Value:
    body = _non_repeating(rng, 9)
    return _cpf_text(body + cpf_check_digits(body), rng)


def cpf_negative(rng: random.Random) -> Value:
    body = _non_repeating(rng, 9)
    return _cpf_text(body + _wrong(cpf_check_digits(body), rng), rng)


def cnpj_positive(rng: random.Random) -> Value:
    body = _non_repeating(rng, 8) + rng.choice(["0001", "0001", "0002", digits(rng, 4)])
    return _cnpj_text(body + cnpj_check_digits(body), rng)


def cnpj_negative(rng: random.Random) -> Value:
    body = _non_repeating(rng, 8) + "0001"
    return _cnpj_text(body + _wrong(cnpj_check_digits(body), rng), rng)


# (prefix choices, lengths) per network, for generating valid card numbers.
_NETWORKS: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...] = (
    (("4",), (16, 16, 13, 19)),
    (("51", "52", "53", "54", "55", "2221", "2500", "2720"), (16,)),
    (("34", "37"), (15,)),
    (("6011", "65", "644"), (16,)),
    (("3528", "3589"), (16,)),
    (("36", "300"), (14,)),
    (("62",), (16, 19)),
)


def _card_text(number: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.5 or len(number) != 16:
        return number
    separator = " " if style < 0.8 else "-"
    return separator.join(number[i : i + 4] for i in range(0, 16, 4))


def card_positive(rng: random.Random) -> Value:
    prefixes, lengths = rng.choice(_NETWORKS)
    prefix = rng.choice(prefixes)
    body = prefix + digits(rng, rng.choice(lengths) - len(prefix) - 1)
    return _card_text(body + luhn.calc_check_digit(body), rng)


def card_negative(rng: random.Random) -> Value:
    if rng.random() < 0.5:  # a known prefix with a wrong check digit
        prefixes, _lengths = rng.choice(_NETWORKS)
        prefix = rng.choice(prefixes)
        body = prefix + digits(rng, 15 - len(prefix))
        good = luhn.calc_check_digit(body)
        return _card_text(body + _wrong(good, rng), rng)
    body = rng.choice("01789") + digits(rng, 14)  # a valid Luhn digit but no such issuer
    return _card_text(body + luhn.calc_check_digit(body), rng)


_ITIN_GROUPS = [*range(50, 66), *range(70, 89), *range(90, 93), *range(94, 100)]
_NOT_ITIN_GROUPS = [g for g in range(100) if g not in _ITIN_GROUPS]


def _nine(area: int, group: int, serial: int, dashed: bool) -> str:
    text = f"{area:03d}-{group:02d}-{serial:04d}"
    return text if dashed else text.replace("-", "")


def itin_positive(rng: random.Random) -> Value:
    return _nine(rng.randint(900, 999), rng.choice(_ITIN_GROUPS), rng.randint(0, 9999), True)


def itin_negative(rng: random.Random) -> Value:
    return _nine(rng.randint(900, 999), rng.choice(_NOT_ITIN_GROUPS), rng.randint(0, 9999), True)


def ssn_positive(rng: random.Random) -> Value:
    area = rng.choice([a for a in range(1, 900) if a != 666])
    return _nine(area, rng.randint(1, 99), rng.randint(1, 9999), True)


def ssn_negative(rng: random.Random) -> Value:
    broken = rng.choice(["area0", "area666", "group", "serial"])
    area = {"area0": 0, "area666": 666}.get(broken, rng.randint(1, 665))
    group = 0 if broken == "group" else rng.randint(1, 99)
    serial = 0 if broken == "serial" else rng.randint(1, 9999)
    return _nine(area, group, serial, True)


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BAD = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")


def _nino_text(prefix: str, number: str, suffix: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return prefix + number + suffix
    return f"{prefix} {number[:2]} {number[2:4]} {number[4:]} {suffix}"


def nino_positive(rng: random.Random) -> Value:
    while True:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
        if prefix not in _NINO_BAD:
            return _nino_text(prefix, digits(rng, 6), rng.choice("ABCD"), rng)


def nino_negative(rng: random.Random) -> Value:
    broken = rng.choice(["first", "second", "pair", "suffix"])
    prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
    if broken == "first":
        prefix = rng.choice("DFIQUV") + prefix[1]
    elif broken == "second":
        prefix = prefix[0] + rng.choice("DFIOQUV")
    elif broken == "pair":
        prefix = rng.choice(_NINO_BAD)
    suffix = rng.choice("EFGHJKLMNPRSTWXYZ") if broken == "suffix" else rng.choice("ABCD")
    return _nino_text(prefix, digits(rng, 6), suffix, rng)


# IBAN layouts (country, BBAN builder) for countries without extra national check digits.
def _bban(rng: random.Random, country: str) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(4))
    return {
        "DE": lambda: digits(rng, 18),
        "GB": lambda: letters + digits(rng, 14),
        "NL": lambda: letters + digits(rng, 10),
        "AT": lambda: digits(rng, 16),
        "CH": lambda: digits(rng, 17),
        "IE": lambda: letters + digits(rng, 14),
    }[country]()


def iban_check_digits(country: str, bban: str) -> str:
    """The two ISO 7064 mod 97-10 check digits of an IBAN."""
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


def _iban_text(iban: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return iban
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def iban_positive(rng: random.Random) -> Value:
    country = rng.choice(["DE", "GB", "NL", "AT", "CH", "IE"])
    bban = _bban(rng, country)
    return _iban_text(country + iban_check_digits(country, bban) + bban, rng)


def iban_negative(rng: random.Random) -> Value:
    country = rng.choice(["DE", "GB", "NL", "AT"])
    bban = _bban(rng, country)
    good = iban_check_digits(country, bban)
    if rng.random() < 0.3:  # right check digits but no such country
        fake = rng.choice(["XX", "QQ", "ZZ"])
        return _iban_text(fake + iban_check_digits(fake, bban) + bban, rng)
    # Check digits are 02-98; 00, 01, 97 and 99 would be congruent to valid ones mod 97.
    wrong = rng.choice([f"{d:02d}" for d in range(2, 99) if f"{d:02d}" != good])
    return _iban_text(country + wrong + bban, rng)


def email_positive(rng: random.Random) -> Value:
    fake = faker(rng)
    if rng.random() < 0.6:
        return str(fake.email())
    user = f"{fake.first_name()}.{fake.last_name()}".lower().replace(" ", "")
    tag = f"+{fake.word()}" if rng.random() < 0.3 else ""
    return f"{user}{tag}@{fake.domain_word()}.{rng.choice(['com', 'co.uk', 'com.br', 'io', 'de'])}"


def email_negative(rng: random.Random) -> Value:
    fake = faker(rng)
    user, domain = fake.user_name(), fake.domain_name()
    return rng.choice(
        [
            f"{user}@{domain.rsplit('.', 1)[0]}",  # no top-level domain
            f"{user}..x@{domain}",
            f"{user}@@{domain}",
            f"{user} {user}@{domain}",
            f"@{domain}",
            f"{user}@.{domain}",
            f"{user}@{domain.rsplit('.', 1)[0]}.c",
            f"{user}@-{domain}",
            f".{user}@{domain}",
            f"{user}.{domain}",
        ]
    )


def url_positive(rng: random.Random) -> Value:
    fake = faker(rng)
    style = rng.random()
    if style < 0.5:
        return str(fake.url())
    if style < 0.8:
        return f"https://{fake.domain_name()}/{fake.uri_path()}?id={rng.randint(1, 999)}"
    return f"www.{fake.domain_name()}/{fake.slug()}"


def url_negative(rng: random.Random) -> Value:
    fake = faker(rng)
    domain = fake.domain_name()
    return rng.choice(
        [
            f"http//{domain}",
            f"htp://{domain}",
            f"http://{domain.replace('.', ' ')}",
            f"http://-{domain}",
            f"http://{domain.split('.')[0]}",
            f"{domain}/{fake.slug()}",
            f"http://{domain}:99999/",
            f"mailto:{fake.user_name()}@{domain}",
            f"http://{domain}:0/",
        ]
    )


def mac_positive(rng: random.Random) -> Value:
    octets = [f"{rng.randrange(256):02x}" for _ in range(6)]
    if rng.random() < 0.5:
        octets = [o.upper() for o in octets]
    style = rng.random()
    if style < 0.15:
        joined = "".join(octets)
        return ".".join(joined[i : i + 4] for i in range(0, 12, 4))
    return (":" if style < 0.7 else "-").join(octets)


def mac_negative(rng: random.Random) -> Value:
    octets = [f"{rng.randrange(256):02x}" for _ in range(6)]
    broken = rng.choice(["hex", "five", "seven", "mixed", "triple"])
    if broken == "hex":
        octets[rng.randrange(6)] = rng.choice("ghijklmnopqrstuvwxyz") + "1"
    elif broken == "five":
        octets = octets[:5]
    elif broken == "seven":
        octets.append("0a")
    elif broken == "triple":
        octets[rng.randrange(6)] += "f"
    if broken == "mixed":
        return ":".join(octets[:3]) + "-" + "-".join(octets[3:])
    return ":".join(octets)


def ip_positive(rng: random.Random) -> Value:
    fake = faker(rng)
    return str(fake.ipv4() if rng.random() < 0.7 else fake.ipv6())


def ip_negative(rng: random.Random) -> Value:
    octets = [rng.randint(0, 255) for _ in range(4)]
    broken = rng.choice(["big", "three", "five", "zeros", "v6"])
    if broken == "big":
        octets[rng.randrange(4)] = rng.randint(256, 999)
    elif broken == "three":
        octets = octets[:3]
    elif broken == "five":
        octets.append(rng.randint(0, 255))
    elif broken == "zeros":
        octets[rng.randrange(4)] = rng.randint(0, 99)
        return ".".join(f"{o:03d}" for o in octets)
    else:
        groups = [f"{rng.randrange(65536):x}" for _ in range(rng.choice([7, 9]))]
        return ":".join(groups)
    return ".".join(str(o) for o in octets)


def passport_positive(rng: random.Random) -> Value:
    if rng.random() < 0.5:
        return rng.choice("ACEFHJKLMNPRSTWXZ") + _non_repeating(rng, 8)
    return rng.choice("123456789") + _non_repeating(rng, 8)


def passport_negative(rng: random.Random) -> Value:
    return rng.choice(
        [
            digits(rng, rng.choice([6, 7, 8])),
            digits(rng, 10),
            rng.choice(string.ascii_uppercase) * 2 + digits(rng, 7),
            rng.choice(string.digits) * 9,
            "P-" + digits(rng, 6),
        ]
    )


_DATE_LAYOUTS = ("%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y/%m/%d", "%B %d, %Y", "%d %b %Y")


def date_positive(rng: random.Random) -> Value:
    born = faker(rng).date_of_birth(minimum_age=1, maximum_age=100)
    return born.strftime(rng.choice(_DATE_LAYOUTS))


def date_negative(rng: random.Random) -> Value:
    year = rng.randint(1930, 2010)
    return rng.choice(
        [
            f"{year}-02-{rng.randint(30, 31)}",
            f"{year}-{rng.randint(13, 19)}-{rng.randint(1, 28):02d}",
            f"{rng.randint(32, 39)}/{rng.randint(13, 19)}/{year}",
            f"{rng.randint(2150, 2999)}-01-{rng.randint(10, 28)}",
            f"{rng.randint(1500, 1800)}-06-{rng.randint(10, 28)}",
            f"{year}-1-1-1",
            faker(rng).word(),
        ]
    )


def phone_positive(rng: random.Random) -> Value:
    area = str(rng.randint(2, 9)) + digits(rng, 2)
    exchange = str(rng.randint(2, 9)) + digits(rng, 2)
    line = digits(rng, 4)
    return rng.choice(
        [
            f"({area}) {exchange}-{line}",
            f"{area}-{exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"+1 {area} {exchange} {line}",
            f"+1-{area}-{exchange}-{line}x{digits(rng, 3)}",
            f"+44 20 {digits(rng, 4)} {digits(rng, 4)}",
            f"+33 {rng.randint(1, 9)} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)} {digits(rng, 2)}",
            f"+49 30 {digits(rng, 7)}",
            f"+55 11 9{digits(rng, 4)}-{digits(rng, 4)}",
            f"+{rng.randint(1, 9)}{digits(rng, 10)}",
        ]
    )


def phone_negative(rng: random.Random) -> Value:
    bad_area = "1" + digits(rng, 2)
    return rng.choice(
        [
            f"{bad_area}-{digits(rng, 3)}-{digits(rng, 4)}",
            f"({bad_area}) {digits(rng, 3)}-{digits(rng, 4)}",
            f"+{digits(rng, rng.randint(2, 6))}",
            f"+0{digits(rng, 10)}",
            f"{digits(rng, 3)}--{digits(rng, 3)}-{digits(rng, 4)}",
            f"{digits(rng, 2)}-{digits(rng, 2)}",
            f"+1 ({digits(rng, 3)}) ({digits(rng, 3)}) {digits(rng, 4)}",
        ]
    )


_LOCALES = ("en_US", "pt_BR", "fr_FR", "es_ES", "en_GB", "de_DE")


def name_positive(rng: random.Random) -> Value:
    fake = faker(rng, rng.choice(_LOCALES))
    style = rng.random()
    if style < 0.3:
        return str(fake.first_name())
    if style < 0.5:
        return str(fake.last_name())
    if style < 0.9:
        return f"{fake.first_name()} {fake.last_name()}"
    return f"{fake.first_name()} {fake.first_name()[0]}. {fake.last_name()}"


def name_negative(rng: random.Random) -> Value:
    fake = faker(rng)
    return rng.choice(
        [
            f"{fake.first_name().lower()} {fake.last_name().lower()}",
            fake.sentence(nb_words=8),
            f"{fake.bothify('??-####').upper()}",
            digits(rng, 6),
            str(fake.email()),
            f"{fake.last_name()} {rng.randint(1, 99)}",
        ]
    )


POSITIVE: dict[str, Generator] = {
    "IBAN": iban_positive,
    "BRAZIL_CNPJ": cnpj_positive,
    "BRAZIL_CPF": cpf_positive,
    "CREDIT_CARD": card_positive,
    "USA_ITIN": itin_positive,
    "USA_SSN": ssn_positive,
    "UK_NATIONAL_INSURANCE_NUMBER": nino_positive,
    "EMAIL": email_positive,
    "URL": url_positive,
    "MAC_ADDRESS": mac_positive,
    "IP_ADDRESS": ip_positive,
    "USA_PASSPORT_NUMBER": passport_positive,
    "DATE": date_positive,
    "PHONE_NUMBER": phone_positive,
    "PERSON_NAME": name_positive,
}
"""A generator of one valid value per entity type."""

NEGATIVE: dict[str, Generator] = {
    "IBAN": iban_negative,
    "BRAZIL_CNPJ": cnpj_negative,
    "BRAZIL_CPF": cpf_negative,
    "CREDIT_CARD": card_negative,
    "USA_ITIN": itin_negative,
    "USA_SSN": ssn_negative,
    "UK_NATIONAL_INSURANCE_NUMBER": nino_negative,
    "EMAIL": email_negative,
    "URL": url_negative,
    "MAC_ADDRESS": mac_negative,
    "IP_ADDRESS": ip_negative,
    "USA_PASSPORT_NUMBER": passport_negative,
    "DATE": date_negative,
    "PHONE_NUMBER": phone_negative,
    "PERSON_NAME": name_negative,
}
"""A generator of one look-alike, invalid value per entity type (invalid even under a name hint)."""


def _bare_nine(rng: random.Random) -> Value:
    return digits(rng, 9)


def _bare_phone(rng: random.Random) -> Value:
    return str(rng.randint(2, 9)) + digits(rng, 9)


UNHINTED_NEGATIVE: dict[str, Generator] = {
    "USA_SSN": _bare_nine,
    "USA_ITIN": lambda rng: "9" + digits(rng, 8),
    "USA_PASSPORT_NUMBER": _bare_nine,
    "PHONE_NUMBER": _bare_phone,
    "DATE": lambda rng: faker(rng).date_of_birth().isoformat(),
    "PERSON_NAME": name_positive,
}
"""Values that do validate under a name hint but must not be classified without one."""


def dirty(entity: str, share: float) -> Generator:
    """Valid values of an entity with about ``share`` of look-alike invalid ones mixed in."""

    def generate(rng: random.Random) -> Value:
        return NEGATIVE[entity](rng) if rng.random() < share else POSITIVE[entity](rng)

    return generate


def values(generator: Generator, n: int, seed: object, missing: float = 0.05) -> list[Value | None]:
    """n values from a generator, seeded, with about ``missing`` of them None."""
    rng = _start_column(seed)
    return [None if rng.random() < missing else generator(rng) for _ in range(n)]


def column_name(entity: str, hinted: bool, index: int) -> str:
    """A unique column name, carrying the entity's name hint or not."""
    names = HINT_NAMES[entity] if hinted else NEUTRAL_NAMES
    return f"{names[index % len(names)]}_{index}"


def ordinary_columns(n: int, seed: object) -> dict[str, list[Value | None]]:
    """Non-PII columns of many kinds (prices, cities, codes, ids, free text, dates...)."""
    rng = _start_column(seed)
    fake = faker(rng)
    start = dt.date(2020, 1, 1)
    makers: dict[str, Callable[[], Value]] = {
        "price": lambda: f"{rng.uniform(1, 500):.2f}",
        "city": lambda: str(fake.city()),
        "country": lambda: str(fake.country()),
        "product_code": lambda: fake.bothify("SKU-####-??").upper(),
        "description": lambda: str(fake.sentence(nb_words=10)),
        "status": lambda: rng.choice(["shipped", "pending", "cancelled", "Delivered"]),
        "order_id": lambda: rng.randint(1, 10**6),
        "tracking_number": lambda: rng.randint(10**15, 10**16 - 1),
        "account_ref": lambda: rng.randint(10**8, 10**9 - 1),
        "order_date": lambda: (start + dt.timedelta(days=rng.randint(0, 1500))).isoformat(),
        "created_at": lambda: f"2023-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 1{rng.randint(0, 9)}:30:00",
        "zip": lambda: f"{digits(rng, 5)}-{digits(rng, 4)}",
        "version": lambda: f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 50)}",
        "uuid": lambda: str(fake.uuid4()),
        "sha": lambda: fake.sha1(),
        "time": lambda: f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
        "company": lambda: str(fake.company()),
        "product_name": lambda: f"{fake.word().title()} {fake.word().title()}",
        "percentage": lambda: f"{rng.randint(0, 100)}%",
        "quantity": lambda: rng.randint(0, 500),
        "year": lambda: rng.randint(1990, 2024),
        "street": lambda: str(fake.street_address()),
    }
    return {name: [maker() for _ in range(n)] for name, maker in makers.items()}
