"""Advanced data types (email, URL, payment card, phone): which values are valid, and their details.

An advanced data type is a semantic type a text column holds, validated value by value with the
rules of the PII detectors (``workbench.pii``): an email's local part and domain labels, a URL's
scheme, host and port, a payment card's issuer range, length and Luhn check digit, a North
American phone number's area code and exchange. A detail is then derived from each valid value:
the email or URL domain and top-level domain, the URL protocol, the card network and number of
digits, the phone area code. Values that are not valid instances have no detail (null).

Both engines derive details with the same regular expressions and digit arithmetic: Arrow
compute (RE2) on pandas, Spark SQL expressions on Spark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from workbench.core.errors import ParameterError
from workbench.core.lazy import F
from workbench.core.regex import java_regex
from workbench.pii.checks import CARD_NETWORKS

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class AdvancedType(str, Enum):
    """DataBrew's advanced data types."""

    PHONE = "Phone"
    ZIP_CODE = "Zip Code"
    DATE_TIME = "Date Time"
    STATE = "State"
    CREDIT_CARD = "Credit Card"
    URL = "URL"
    EMAIL = "Email"
    SSN = "SSN"
    GENDER = "Gender"


class Detail(str, Enum):
    """The details DataBrew derives from advanced data types."""

    AREA_CODE = "AREA_CODE"
    TIME_ZONE = "TIME_ZONE"
    COUNTRY_CODE = "COUNTRY_CODE"
    COUNTRY = "COUNTRY"
    STATE = "STATE"
    CITY = "CITY"
    TYPE = "TYPE"
    REGION = "REGION"
    DAY = "DAY"
    MONTH = "MONTH"
    MONTH_NAME = "MONTH_NAME"
    WEEK = "WEEK"
    QUARTER = "QUARTER"
    YEAR = "YEAR"
    LENGTH = "LENGTH"
    NETWORK = "NETWORK"
    PROTOCOL = "PROTOCOL"
    TLD = "TLD"
    DOMAIN = "DOMAIN"


# --- the value rules, as regular expressions RE2 and java.util.regex read alike -------------

_SPACE = r"[ \t\n\x0B\f\r]"
_NOT_SPACE = r"[^ \t\n\x0B\f\r]"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"

_EMAIL = rf"^{_ATOM}(?:\.{_ATOM})*@(?P<domain>(?:{_LABEL}\.)+(?P<tld>{_TLD}))$"
_URL = (
    r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://)?"
    rf"(?:[^ \t\n\x0B\f\r/?#@]*@)?"
    rf"(?P<host>[Ll][Oo][Cc][Aa][Ll][Hh][Oo][Ss][Tt]|(?:{_OCTET}\.){{3}}{_OCTET}|(?:{_LABEL}\.)+(?P<tld>{_TLD}))"
    r"(?::(?P<port>[0-9]{0,5}))?"
    rf"(?:[/?#]{_NOT_SPACE}*)?$"
)
_WWW = r"^[Ww][Ww][Ww]\."
_NANP = (
    r"^(?:\+?1[ .-]?)?(?:\((?P<bracketed>[2-9][0-9]{2})\) ?|(?P<area>[2-9][0-9]{2})[ .-]?)"
    r"[2-9][0-9]{2}[ .-]?[0-9]{4}(?: *(?:[xX]|[eE][xX][tT]\.?|#) *[0-9]{1,6})?$"
)
_CARD = r"^[0-9]{4}(?:[ -]?[0-9]{2,7}){2,5}$"
_CARD_SEPARATORS = r"[ -]"
_LUHN_WIDTH = 19
_EMAIL_MAX = 254
_LOCAL_MAX = 64
_DOMAIN_MAX = 253


def _java(pattern: str) -> str:
    return java_regex(pattern.replace("(?P<", "(?<"))


def _group_names(pattern: str) -> list[str]:
    return [part.split(">", 1)[0] for part in pattern.split("(?P<")[1:]]


# --- pandas: Arrow compute -----------------------------------------------------------------


def _groups_pandas(text: Any, pattern: str) -> dict[str, Any]:
    """Each named group of ``pattern`` (null where the text does not match or the group is empty)."""
    found = pc.extract_regex(text, pattern)
    matched = pc.match_substring_regex(text, pattern)
    out = {}
    for name in _group_names(pattern):
        value = pc.struct_field(found, name)
        out[name] = pc.if_else(pc.and_kleene(matched, pc.not_equal(value, "")), value, None)
    return out


def _email_pandas(text: Any) -> dict[str, Any]:
    groups = _groups_pandas(text, _EMAIL)
    length = pc.utf8_length(text)
    domain_length = pc.utf8_length(groups["domain"])
    ok = pc.and_kleene(
        pc.less_equal(length, _EMAIL_MAX),
        pc.and_kleene(
            pc.less_equal(domain_length, _DOMAIN_MAX),
            pc.less_equal(pc.subtract(pc.subtract(length, domain_length), 1), _LOCAL_MAX),
        ),
    )
    return {k: pc.utf8_lower(pc.if_else(ok, v, None)) for k, v in groups.items()}


def _url_pandas(text: Any) -> dict[str, Any]:
    groups = _groups_pandas(text, _URL)
    scheme = pc.utf8_lower(groups["scheme"])
    known = pc.is_in(scheme, pa.array(["http", "https", "ftp"]))
    www = pc.and_kleene(pc.is_null(scheme), pc.match_substring_regex(text, _WWW))
    port = pc.cast(groups["port"], pa.int64())
    port_ok = pc.or_kleene(pc.is_null(port), pc.and_kleene(pc.greater(port, 0), pc.less_equal(port, 65535)))
    host_ok = pc.less_equal(pc.utf8_length(groups["host"]), _DOMAIN_MAX)
    ok = pc.fill_null(
        pc.and_kleene(pc.or_kleene(pc.fill_null(known, False), www), pc.and_kleene(port_ok, host_ok)), False
    )
    return {
        "protocol": pc.if_else(ok, scheme, None),
        "domain": pc.utf8_lower(pc.if_else(ok, groups["host"], None)),
        "tld": pc.utf8_lower(pc.if_else(ok, groups["tld"], None)),
    }


def _phone_pandas(text: Any) -> dict[str, Any]:
    groups = _groups_pandas(text, _NANP)
    return {"area": pc.coalesce(groups["bracketed"], groups["area"])}


def _card_digits_pandas(text: Any) -> Any:
    shaped = pc.match_substring_regex(text, _CARD)
    return pc.if_else(shaped, pc.replace_substring_regex(text, _CARD_SEPARATORS, ""), None)


def _luhn_pandas(digits: Any) -> Any:
    """True when the Luhn check digit is right: 19 vectorised passes over left-padded digits."""
    padded = pc.utf8_lpad(digits, width=_LUHN_WIDTH, padding="0")
    total = None
    for position in range(_LUHN_WIDTH):
        digit = pc.cast(pc.utf8_slice_codeunits(padded, position, position + 1), pa.int64())
        if (_LUHN_WIDTH - 1 - position) % 2:
            digit = pc.subtract(pc.multiply(digit, 2), pc.multiply(pc.greater(digit, 4).cast(pa.int64()), 9))
        total = digit if total is None else pc.add(total, digit)
    return pc.equal(pc.subtract(total, pc.multiply(pc.divide(total, 10), 10)), 0)  # integer division


def _card_pandas(text: Any) -> dict[str, Any]:
    digits = _card_digits_pandas(text)
    length = pc.utf8_length(digits)
    network = pa.nulls(len(digits), pa.string())
    for name, low, high, lengths in reversed(CARD_NETWORKS):
        prefix = pc.utf8_slice_codeunits(digits, 0, len(low))
        hit = pc.and_kleene(
            pc.is_in(length, pa.array(lengths, pa.int32())),
            pc.and_kleene(pc.greater_equal(prefix, low), pc.less_equal(prefix, high)),
        )
        network = pc.if_else(pc.fill_null(hit, False), name, network)
    valid = pc.and_kleene(pc.is_valid(network), pc.fill_null(_luhn_pandas(digits), False))
    return {
        "network": pc.if_else(valid, network, None),
        "length": pc.if_else(valid, pc.cast(length, pa.string()), None),
    }


# --- Spark: SQL expressions ----------------------------------------------------------------


def _group_spark(c: SparkColumn, pattern: str, name: str) -> SparkColumn:
    index = _group_names(pattern).index(name) + 1
    value = F.regexp_extract(c, _java(pattern), index)
    return F.when(c.rlike(_java(pattern)) & (value != F.lit("")), value)


def _email_spark(c: SparkColumn) -> dict[str, SparkColumn]:
    domain = _group_spark(c, _EMAIL, "domain")
    length = F.length(c)
    ok = (
        (length <= _EMAIL_MAX)
        & (F.length(domain) <= _DOMAIN_MAX)
        & (length - F.length(domain) - 1 <= _LOCAL_MAX)
    )
    return {"domain": F.lower(F.when(ok, domain)), "tld": F.lower(F.when(ok, _group_spark(c, _EMAIL, "tld")))}


def _url_spark(c: SparkColumn) -> dict[str, SparkColumn]:
    scheme = F.lower(_group_spark(c, _URL, "scheme"))
    host = _group_spark(c, _URL, "host")
    port = _group_spark(c, _URL, "port").cast("long")
    www = scheme.isNull() & c.rlike(_java(_WWW))
    port_ok = port.isNull() | ((port > 0) & (port <= 65535))
    ok = F.coalesce(
        (scheme.isin("http", "https", "ftp") | www) & port_ok & (F.length(host) <= _DOMAIN_MAX), F.lit(False)
    )
    return {
        "protocol": F.when(ok, scheme),
        "domain": F.lower(F.when(ok, host)),
        "tld": F.lower(F.when(ok, _group_spark(c, _URL, "tld"))),
    }


def _phone_spark(c: SparkColumn) -> dict[str, SparkColumn]:
    return {"area": F.coalesce(_group_spark(c, _NANP, "bracketed"), _group_spark(c, _NANP, "area"))}


def _card_spark(c: SparkColumn) -> dict[str, SparkColumn]:
    digits = F.when(c.rlike(_java(_CARD)), F.regexp_replace(c, _CARD_SEPARATORS, ""))
    length = F.length(digits)
    padded = F.lpad(digits, _LUHN_WIDTH, "0")
    total = None
    for position in range(_LUHN_WIDTH):
        digit = F.substring(padded, position + 1, 1).cast("int")
        if (_LUHN_WIDTH - 1 - position) % 2:
            digit = digit * 2 - F.when(digit > 4, F.lit(9)).otherwise(F.lit(0))
        total = digit if total is None else total + digit
    network = None
    for name, low, high, lengths in CARD_NETWORKS:
        prefix = F.substring(digits, 1, len(low))
        hit = length.isin(*lengths) & (prefix >= F.lit(low)) & (prefix <= F.lit(high))
        network = F.when(hit, F.lit(name)) if network is None else network.when(hit, F.lit(name))
    assert network is not None
    assert total is not None
    valid = F.coalesce(network.isNotNull() & (total % 10 == 0), F.lit(False))
    return {"network": F.when(valid, network), "length": F.when(valid, length.cast("string"))}


# --- which details of which types ----------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """How one advanced type is validated and which details it yields."""

    input_types: frozenset[str]
    pandas: Callable[[Any], dict[str, Any]]
    spark: Callable[[Any], dict[str, Any]]
    details: dict[Detail, str]
    """Each supported detail and the derived value it reads."""


_TEXT = frozenset({"string"})
_TEXT_OR_INTEGER = frozenset({"string", "integer"})

RULES: dict[AdvancedType, Rule] = {
    AdvancedType.EMAIL: Rule(
        _TEXT, _email_pandas, _email_spark, {Detail.DOMAIN: "domain", Detail.TLD: "tld"}
    ),
    AdvancedType.URL: Rule(
        _TEXT,
        _url_pandas,
        _url_spark,
        {Detail.PROTOCOL: "protocol", Detail.DOMAIN: "domain", Detail.TLD: "tld"},
    ),
    AdvancedType.CREDIT_CARD: Rule(
        _TEXT_OR_INTEGER, _card_pandas, _card_spark, {Detail.NETWORK: "network", Detail.LENGTH: "length"}
    ),
    AdvancedType.PHONE: Rule(_TEXT_OR_INTEGER, _phone_pandas, _phone_spark, {Detail.AREA_CODE: "area"}),
}


def supported_details() -> str:
    """The advanced types and details Workbench derives, as one line for error messages."""
    return "; ".join(f"{t.value}: " + ", ".join(d.value for d in r.details) for t, r in RULES.items())


def check_detail(operation: str, kind: AdvancedType, detail: Detail) -> None:
    """Refuse a type Workbench derives no details of, or a detail its values do not yield."""
    rule = RULES.get(kind)
    if rule is None:
        raise ParameterError(
            f"Workbench derives no details of {kind.value!r} values yet (they need reference tables "
            f"or rules it does not have); supported: {supported_details()}",
            operation=operation,
            parameter="advancedDataType",
        )
    if detail not in rule.details:
        raise ParameterError(
            f"{detail.value} is not a detail Workbench derives from {kind.value} values; "
            f"supported: {supported_details()}",
            operation=operation,
            parameter="pattern",
        )
