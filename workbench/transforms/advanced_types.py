"""Invalid values and extract: details of advanced data types (email, URL, payment card, phone).

An advanced data type is a semantic type a text column holds, validated value by value with the
rules of the PII detectors (``workbench.pii``): an email's local part and domain labels, a URL's
scheme, host and port, a payment card's issuer range, length and Luhn check digit, a North
American phone number's area code and exchange. A detail (``pattern``) is then derived from each
valid value: the email or URL domain and top-level domain, the URL protocol, the card network and
number of digits, the phone area code. Values that are not valid instances have no detail (null).

Both engines derive details with the same regular expressions and digit arithmetic: Arrow
compute (RE2) on pandas, Spark SQL expressions on Spark. Types and details that need reference
tables (time zones, cities, states of zip codes) are refused when the recipe is validated, with
the list of what Workbench supports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import model_validator

from workbench.core.context import PandasContext, SparkContext
from workbench.core.errors import ParameterError
from workbench.core.families import ColumnFunction, TableTransform
from workbench.core.lazy import F, scol
from workbench.core.params import Boolean, Column, NewColumn, Text, TextList, enum_param
from workbench.core.regex import java_regex
from workbench.core.registry import Category, Example, Transform
from workbench.core.types import LType, Schema
from workbench.engines.pandas.arrow import arr, filter_rows, wrap
from workbench.pii.checks import CARD_NETWORKS

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn
    from pyspark.sql import DataFrame as SparkFrame


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


class FilterStrategy(str, Enum):
    """What ADVANCED_DATATYPE_FILTER does with the rows whose detail is one of the values."""

    KEEP_ROWS = "KEEP_ROWS"
    DISCARD_ROWS = "DISCARD_ROWS"
    CLEAR_FILTERS = "CLEAR_FILTERS"
    CLEAR_OTHERS = "CLEAR_OTHERS"


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
class _Rule:
    """How one advanced type is validated and which details it yields."""

    input_types: frozenset[str]
    pandas: Callable[[Any], dict[str, Any]]
    spark: Callable[[Any], dict[str, Any]]
    details: dict[Detail, str]
    """Each supported detail and the derived value it reads."""


_TEXT = frozenset({"string"})
_TEXT_OR_INTEGER = frozenset({"string", "integer"})

_RULES: dict[AdvancedType, _Rule] = {
    AdvancedType.EMAIL: _Rule(
        _TEXT, _email_pandas, _email_spark, {Detail.DOMAIN: "domain", Detail.TLD: "tld"}
    ),
    AdvancedType.URL: _Rule(
        _TEXT,
        _url_pandas,
        _url_spark,
        {Detail.PROTOCOL: "protocol", Detail.DOMAIN: "domain", Detail.TLD: "tld"},
    ),
    AdvancedType.CREDIT_CARD: _Rule(
        _TEXT_OR_INTEGER, _card_pandas, _card_spark, {Detail.NETWORK: "network", Detail.LENGTH: "length"}
    ),
    AdvancedType.PHONE: _Rule(_TEXT_OR_INTEGER, _phone_pandas, _phone_spark, {Detail.AREA_CODE: "area"}),
}


def supported_details() -> str:
    """The advanced types and details Workbench derives, as one line for error messages."""
    return "; ".join(f"{t.value}: " + ", ".join(d.value for d in r.details) for t, r in _RULES.items())


def _check_detail(operation: str, kind: AdvancedType, detail: Detail) -> None:
    rule = _RULES.get(kind)
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


def _text_pandas(s: pd.Series) -> Any:
    values = arr(s)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        values = pc.cast(values, pa.string())
    return pc.utf8_trim(values, " ")


def _text_spark(c: SparkColumn) -> SparkColumn:
    return F.trim(c.cast("string"))


def _matches_pandas(detail: Any, values: list[str]) -> Any:
    wanted = pa.array(sorted({v.lower() for v in values}), pa.string())
    return pc.fill_null(pc.is_in(pc.utf8_lower(detail), wanted), False)


def _matches_spark(detail: SparkColumn, values: list[str]) -> SparkColumn:
    wanted = sorted({v.lower() for v in values})
    hit = F.lower(detail).isin(*wanted) if wanted else F.lit(False)
    return F.coalesce(hit, F.lit(False))


class _AdvancedDetail(Transform):
    """Shared parameters, validation and engine code of the advanced-data-type steps."""

    abstract: ClassVar[bool] = True
    source_column: Column
    advanced_data_type: enum_param(AdvancedType)  # type: ignore[valid-type]
    pattern: enum_param(Detail)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _known_detail(self) -> _AdvancedDetail:
        _check_detail(self.operation, self.advanced_data_type, self.pattern)
        return self

    def check_types(self, schema: Schema) -> None:
        allowed = _RULES[self.advanced_data_type].input_types
        ltype = schema[self.source_column].value
        if ltype not in allowed:
            raise ParameterError(
                f"column {self.source_column!r} is {ltype}; {self.advanced_data_type.value} values need "
                + " or ".join(sorted(allowed)),
                operation=self.operation,
                parameter="sourceColumn",
                column=self.source_column,
            )

    def detail_pandas(self, s: pd.Series) -> Any:
        rule = _RULES[self.advanced_data_type]
        return rule.pandas(_text_pandas(s))[rule.details[self.pattern]]

    def detail_spark(self, c: SparkColumn) -> SparkColumn:
        rule = _RULES[self.advanced_data_type]
        return rule.spark(_text_spark(c))[rule.details[self.pattern]]


_EMAILS = [
    "Ann@Example.COM",
    "bob.smith@mail.example.co.uk",
    "no-at-sign",
    "a..b@example.com",
    "",
    None,
    "ü@example.com",
]
_URLS = [
    "https://Shop.Example.com/cart?id=1",
    "ftp://files.example.org:21/a.txt",
    "www.example.net/path",
    "http://10.0.0.1:8080/",
    "mailto:ann@example.com",
    "http://example.com:0/",
    "",
    None,
]
_CARDS = [
    "4111 1111 1111 1111",
    "5500-0000-0000-0004",
    "340000000000009",
    "4111 1111 1111 1112",
    "1234 5678 9012 3456",
    "",
    None,
    "\uff14\uff11\uff11\uff11111111111111",
]
_PHONES = [
    "(212) 555-0123",
    "+1 415.555.0199 ext. 12",
    "2025550123",
    "+44 20 7946 0958",
    "(112) 555-0123",
    "",
    None,
]


def _step(source: str, kind: str, detail: str, **more: Any) -> dict[str, Any]:
    """An example step's parameters."""
    return {"sourceColumn": source, "advancedDataType": kind, "pattern": detail, **more}


class ExtractAdvancedDatatypeDetails(_AdvancedDetail, ColumnFunction):
    """Write a detail of an advanced data type (email domain, URL protocol, card network...) to a new column.

    Values that are not valid instances of the type (and nulls) give null. Domains, top-level
    domains and protocols are written in lower case; the card length counts its digits.
    """

    operation = "EXTRACT_ADVANCED_DATATYPE_DETAILS"
    category = Category.EXTRACT
    target_column: NewColumn
    examples: ClassVar = (
        Example(
            given={"email": _EMAILS},
            params=_step("email", "Email", "DOMAIN", targetColumn="domain"),
            expect={
                "email": _EMAILS,
                "domain": ["example.com", "mail.example.co.uk", None, None, None, None, None],
            },
            title="email domain; invalid addresses, empty text and null give null",
        ),
        Example(
            given={"url": _URLS},
            params=_step("url", "URL", "PROTOCOL", targetColumn="p"),
            expect={"url": _URLS, "p": ["https", "ftp", None, "http", None, None, None, None]},
            title="URL protocol (none for a www. address)",
        ),
        Example(
            given={"url": _URLS},
            params=_step("url", "URL", "TLD", targetColumn="t"),
            expect={"url": _URLS, "t": ["com", "org", "net", None, None, None, None, None]},
            title="top-level domain (none for an IP address)",
        ),
        Example(
            given={"card": _CARDS},
            params=_step("card", "Credit Card", "NETWORK", targetColumn="network"),
            expect={
                "card": _CARDS,
                "network": ["Visa", "Mastercard", "American Express", None, None, None, None, None],
            },
            title="card network, only for numbers with a right Luhn check digit",
        ),
        Example(
            given={"card": [4111111111111111, 4012888888881881, 4111111111111112, None]},
            params=_step("card", "Credit Card", "LENGTH", targetColumn="n"),
            expect={
                "card": [4111111111111111, 4012888888881881, 4111111111111112, None],
                "n": ["16", "16", None, None],
            },
            title="card numbers stored as integers",
        ),
        Example(
            given={"phone": _PHONES},
            params=_step("phone", "Phone", "AREA_CODE", targetColumn="area"),
            expect={"phone": _PHONES, "area": ["212", "415", "202", None, None, None, None]},
            title="North American area codes",
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: LType.STRING}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        return {self.target_column: wrap(self.detail_pandas(df[self.source_column]), df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        return {self.target_column: self.detail_spark(scol(self.source_column))}


def _flag_type(true_string: str | None, false_string: str | None) -> LType:
    return LType.BOOLEAN if true_string is None and false_string is None else LType.STRING


class AdvancedDatatypeFlag(_AdvancedDetail, ColumnFunction):
    """Add a flag column saying whether a detail of an advanced data type is one of the given values.

    Values are compared without regard to case. A value that is not a valid instance of the type
    (or null) has no detail, so its flag is false. The flag is boolean unless ``trueString`` or
    ``falseString`` is given; then it is text, the missing one being "True" or "False".
    """

    operation = "ADVANCED_DATATYPE_FLAG"
    category = Category.INVALID
    target_column: NewColumn
    filter_values: TextList
    true_string: Text | None = None
    false_string: Text | None = None
    examples: ClassVar = (
        Example(
            given={"email": _EMAILS},
            params=_step("email", "Email", "TLD", targetColumn="uk", filterValues='["UK", "fr"]'),
            expect={"email": _EMAILS, "uk": [False, True, False, False, False, False, False]},
            title="addresses in the .uk or .fr domains",
        ),
        Example(
            given={"card": _CARDS},
            params=_step(
                "card",
                "Credit Card",
                "NETWORK",
                targetColumn="amex",
                filterValues=["American Express", "visa"],
                trueString="yes",
            ),
            expect={
                "card": _CARDS,
                "amex": ["yes", "False", "yes", "False", "False", "False", "False", "False"],
            },
            title="text flags",
        ),
    )

    def produced(self, schema: Schema) -> dict[str, LType]:
        return {self.target_column: _flag_type(self.true_string, self.false_string)}

    def pandas_columns(self, df: pd.DataFrame, ctx: PandasContext) -> dict[str, pd.Series]:
        hit = _matches_pandas(self.detail_pandas(df[self.source_column]), self.filter_values)
        if self.true_string is not None or self.false_string is not None:
            yes = "True" if self.true_string is None else self.true_string
            no = "False" if self.false_string is None else self.false_string
            hit = pc.if_else(hit, pa.scalar(yes, pa.large_string()), pa.scalar(no, pa.large_string()))
        return {self.target_column: wrap(hit, df.index)}

    def spark_columns(self, df: SparkFrame, ctx: SparkContext) -> dict[str, SparkColumn]:
        hit = _matches_spark(self.detail_spark(scol(self.source_column)), self.filter_values)
        if self.true_string is not None or self.false_string is not None:
            yes = "True" if self.true_string is None else self.true_string
            no = "False" if self.false_string is None else self.false_string
            hit = F.when(hit, F.lit(yes)).otherwise(F.lit(no))
        return {self.target_column: hit}


class AdvancedDatatypeFilter(_AdvancedDetail, TableTransform):
    """Keep, drop or clear rows by a detail of an advanced data type (card network, email domain...).

    ``KEEP_ROWS`` keeps the rows whose detail is one of ``filterValues`` (compared without regard
    to case), ``DISCARD_ROWS`` drops them; values that are not valid instances have no detail, so
    they never match. ``CLEAR_FILTERS`` clears the source value in matching rows, ``CLEAR_OTHERS``
    in all other rows: to null, or to empty text with ``clearWithEmpty`` (text columns only).
    """

    operation = "ADVANCED_DATATYPE_FILTER"
    category = Category.INVALID
    keeps_row_position: ClassVar[bool] = True
    filter_values: TextList
    strategy: enum_param(FilterStrategy)  # type: ignore[valid-type]
    clear_with_empty: Boolean = False
    examples: ClassVar = (
        Example(
            given={"url": _URLS, "n": [1, 2, 3, 4, 5, 6, 7, 8]},
            params=_step("url", "URL", "PROTOCOL", filterValues=["https", "HTTP"], strategy="KEEP_ROWS"),
            expect={"url": ["https://Shop.Example.com/cart?id=1", "http://10.0.0.1:8080/"], "n": [1, 4]},
            title="keep web pages",
        ),
        Example(
            given={"phone": _PHONES},
            params=_step("phone", "Phone", "AREA_CODE", filterValues=["212", "202"], strategy="DISCARD_ROWS"),
            expect={"phone": ["+1 415.555.0199 ext. 12", "+44 20 7946 0958", "(112) 555-0123", "", None]},
            title="drop two area codes; invalid numbers stay",
        ),
        Example(
            given={"email": _EMAILS},
            params=_step("email", "Email", "DOMAIN", filterValues=["example.com"], strategy="CLEAR_FILTERS"),
            expect={"email": [None, *_EMAILS[1:]]},
            title="clear matching values",
        ),
        Example(
            given={"email": _EMAILS},
            params=_step(
                "email",
                "Email",
                "DOMAIN",
                filterValues=["example.com"],
                strategy="CLEAR_OTHERS",
                clearWithEmpty=True,
            ),
            expect={"email": ["Ann@Example.COM", "", "", "", "", "", ""]},
            title="clear every other value to empty text",
        ),
        Example(
            given={"card": [4111111111111111, 5500000000000004, None]},
            params=_step("card", "Credit Card", "NETWORK", filterValues=["Visa"], strategy="CLEAR_OTHERS"),
            expect={"card": [4111111111111111, None, None]},
            title="integer card numbers cleared to null",
        ),
    )

    def check_types(self, schema: Schema) -> None:
        super().check_types(schema)
        if self.clear_with_empty and schema[self.source_column] is not LType.STRING:
            raise ParameterError(
                f"column {self.source_column!r} is {schema[self.source_column].value}; "
                "clearWithEmpty needs a text column (clear to null instead)",
                operation=self.operation,
                parameter="clearWithEmpty",
                column=self.source_column,
            )

    def output_schema(self, schema: Schema) -> Schema:
        return dict(schema)

    def apply_pandas(self, df: pd.DataFrame, ctx: PandasContext, where: Any = None) -> pd.DataFrame:
        source = df[self.source_column]
        hit = _matches_pandas(self.detail_pandas(source), self.filter_values)
        if self.strategy in (FilterStrategy.KEEP_ROWS, FilterStrategy.DISCARD_ROWS):
            keep = hit if self.strategy is FilterStrategy.KEEP_ROWS else pc.invert(hit)
            return filter_rows(df, np.asarray(pc.fill_null(keep, False).to_numpy(zero_copy_only=False), bool))
        clear = hit if self.strategy is FilterStrategy.CLEAR_FILTERS else pc.invert(hit)
        values = arr(source)
        blank = pa.scalar("" if self.clear_with_empty else None, values.type)
        out = df.copy(deep=False)
        out[self.source_column] = wrap(pc.if_else(clear, blank, values), source)
        return out

    def apply_spark(self, df: SparkFrame, ctx: SparkContext, where: Any = None) -> SparkFrame:
        source = scol(self.source_column)
        hit = _matches_spark(self.detail_spark(source), self.filter_values)
        if self.strategy is FilterStrategy.KEEP_ROWS:
            return df.filter(hit)
        if self.strategy is FilterStrategy.DISCARD_ROWS:
            return df.filter(~hit)
        clear = hit if self.strategy is FilterStrategy.CLEAR_FILTERS else ~hit
        blank = F.lit("") if self.clear_with_empty else F.lit(None).cast(dict(df.dtypes)[self.source_column])
        return df.withColumns({self.source_column: F.when(clear, blank).otherwise(source)})
