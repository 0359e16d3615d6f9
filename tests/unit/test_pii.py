"""PII detection: value validation, column classification both ways, masking, engines, accuracy, speed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest

from bench import pii_accuracy
from tests import pii_samples as samples
from workbench.pii import ENTITIES, PiiFinding, detect_pii, hinted_entities, mask_example, match_value
from workbench.pii.checks import only_digits

NAMES = list(ENTITIES)
OPTIONAL_HINT = [n for n in NAMES if not ENTITIES[n].needs_hint]
NEEDS_HINT = [n for n in NAMES if ENTITIES[n].needs_hint]


def column(generator: samples.Generator, seed: object, n: int = 200) -> pd.Series:
    return pd.Series(samples.values(generator, n, seed), dtype=object)


def detect_one(name: str, series: pd.Series) -> PiiFinding | None:
    return detect_pii(pd.DataFrame({name: series})).get(name)


# --- value level -------------------------------------------------------------------------


@pytest.mark.parametrize("entity", NAMES)
def test_every_generated_positive_value_validates(entity: str) -> None:
    generated = samples.values(samples.POSITIVE[entity], 300, ("value", entity), missing=0)
    invalid = [v for v in generated if not ENTITIES[entity].validate(str(v))]
    assert invalid == []


@pytest.mark.parametrize("entity", NAMES)
def test_no_look_alike_value_validates(entity: str) -> None:
    generated = samples.values(samples.NEGATIVE[entity], 300, ("value", entity), missing=0)
    valid = [v for v in generated if ENTITIES[entity].validate(str(v))]
    assert valid == []


@pytest.mark.parametrize(
    ("value", "entity"),
    [
        ("4111 1111 1111 1111", "CREDIT_CARD"),
        ("378282246310005", "CREDIT_CARD"),
        ("5555-5555-5555-4444", "CREDIT_CARD"),
        ("GB82 WEST 1234 5698 7654 32", "IBAN"),
        ("DE89370400440532013000", "IBAN"),
        ("111.444.777-35", "BRAZIL_CPF"),
        ("11144477735", "BRAZIL_CPF"),
        ("11.222.333/0001-81", "BRAZIL_CNPJ"),
        ("536-90-4399", "USA_SSN"),
        ("912-70-1234", "USA_ITIN"),
        ("912-55-1234", "USA_ITIN"),
        ("AB 12 34 56 C", "UK_NATIONAL_INSURANCE_NUMBER"),
        ("jane.o'neil+news@mail.example.co.uk", "EMAIL"),
        ("https://example.com:8080/a/b?c=d", "URL"),
        ("www.example.org/page", "URL"),
        ("00:1A:2B:3C:4D:5E", "MAC_ADDRESS"),
        ("001a.2b3c.4d5e", "MAC_ADDRESS"),
        ("10.0.0.255", "IP_ADDRESS"),
        ("2001:db8::8a2e:370:7334", "IP_ADDRESS"),
        ("+1 (415) 555-2671", "PHONE_NUMBER"),
        ("+44 20 7946 0958", "PHONE_NUMBER"),
        ("415.555.2671 ext. 12", "PHONE_NUMBER"),
    ],
)
def test_known_values_match(value: str, entity: str) -> None:
    assert match_value(value) == entity


@pytest.mark.parametrize(
    "value",
    [
        "4111111111111112",  # Luhn fails
        "1234567812345670",  # Luhn passes, no such issuer
        "GB83 WEST 1234 5698 7654 32",  # mod 97 fails
        "111.444.777-36",
        "111.111.111-11",  # right check digits, but one repeated digit
        "11.222.333/0001-82",
        "078-05-1120",  # the famous wallet SSN
        "666-12-3456",
        "123-00-4567",
        "912-45-1234",  # 9xx area with a group no ITIN uses
        "BG 12 34 56 C",
        "QQ123456C",
        "AB123456E",
        "jane..doe@example.com",
        "jane@example",
        "http//example.com",
        "256.1.1.1",
        "01.2.3.4",
        "00:1A:2B:3C:4D",
        "00:00:00:00:00:00",
        "123-456-7890",  # area code starting with 1
        "+0 123 456 789",
        "2023-02-30",
        "Alice Smith",  # a name needs a name hint
        "123456789",  # a bare 9-digit number needs a hint
        "",
        "   ",
    ],
)
def test_look_alike_values_do_not_match(value: str) -> None:
    assert match_value(value) is None


def test_hints_decide_between_weak_forms() -> None:
    assert match_value("123456789") is None
    assert match_value("123456789", "ssn") == "USA_SSN"
    assert match_value("123456789", "passport_no") == "USA_PASSPORT_NUMBER"
    assert match_value("4155552671", "mobile") == "PHONE_NUMBER"
    assert match_value("1990-01-05", "dob") == "DATE"
    assert match_value("1990-01-05", "order_date") is None
    assert match_value("2999-01-05", "dob") is None
    assert match_value("Mary-Jane O'Brien", "lastName") == "PERSON_NAME"
    assert match_value("mary jane", "first_name") is None


def test_the_most_specific_entity_wins() -> None:
    # A CPF-valid 11-digit number in a column named like a phone column is still a CPF.
    assert match_value("11144477735", "phone") == "BRAZIL_CPF"
    assert match_value("912-70-1234", "ssn") == "USA_ITIN"


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("customerSSN", {"USA_SSN"}),
        ("date_of_birth", {"DATE"}),
        ("DateOfBirth", {"DATE"}),
        ("first_name", {"PERSON_NAME"}),
        ("FirstName", {"PERSON_NAME"}),
        ("IPAddress", {"IP_ADDRESS"}),
        ("e-mail", {"EMAIL"}),
        ("Passport No", {"USA_PASSPORT_NUMBER"}),
        ("product_name", set()),
        ("hotel", set()),
        ("zip", set()),
        ("username", set()),
    ],
)
def test_name_hints(column: str, expected: set[str]) -> None:
    assert hinted_entities(column) == expected


@pytest.mark.parametrize(
    ("value", "entity", "masked"),
    [
        ("4111 1111 1111 1111", "CREDIT_CARD", "**** **** **** 1111"),
        ("123-45-6789", "USA_SSN", "***-**-6789"),
        ("111.444.777-35", "BRAZIL_CPF", "***.***.*77-35"),
        ("john.doe@example.com", "EMAIL", "j**n.d*e@e*****e.com"),
        ("Mary-Jane O'Brien", "PERSON_NAME", "M**y-J**e *'B***n"),
        ("192.168.1.20", "IP_ADDRESS", "192.*.*.*"),
        ("00:1A:2B:3C:4D:5E", "MAC_ADDRESS", "00:1A:2B:**:**:**"),
        ("GB82 WEST 1234 5698 7654 32", "IBAN", "GB** **** **** **** **54 32"),
        ("1990-01-05", "DATE", "****-**-**"),
        ("https://www.example.com/private/path", "URL", "https://w*w.e*****e.c*m/..."),
        ("12", "USA_SSN", "*2"),
        ("a@b.io", "EMAIL", "*@*.io"),
        ("J. Li", "PERSON_NAME", "*. L*"),
    ],
)
def test_mask_example(value: str, entity: str, masked: str) -> None:
    assert mask_example(value, entity) == masked


@pytest.mark.parametrize("entity", NAMES)
def test_masked_examples_never_show_the_raw_value(entity: str) -> None:
    generated = samples.values(samples.POSITIVE[entity], 200, ("mask", entity), missing=0)
    shown = [(v, mask_example(str(v), entity)) for v in generated]
    assert [v for v, m in shown if m == str(v).strip()] == []
    assert all("*" in m for _, m in shown)


# --- column level ------------------------------------------------------------------------


@pytest.mark.parametrize("entity", NAMES)
def test_positive_columns_with_a_name_hint_are_detected(entity: str) -> None:
    series = column(samples.POSITIVE[entity], ("hinted", entity))
    finding = detect_one(samples.HINT_NAMES[entity][0], series)
    assert finding is not None
    assert finding.entity == entity
    assert finding.name_hint
    assert finding.share >= 0.5
    assert 0.5 < finding.confidence <= 1
    raw = {str(v) for v in series.dropna()}
    assert 1 <= len(finding.examples) <= 3
    assert not raw & set(finding.examples)


@pytest.mark.parametrize("entity", OPTIONAL_HINT)
def test_positive_columns_without_a_hint_are_detected(entity: str) -> None:
    finding = detect_one("col", column(samples.POSITIVE[entity], ("plain", entity)))
    assert finding is not None
    assert finding.entity == entity
    assert not finding.name_hint
    assert finding.share >= 0.8


@pytest.mark.parametrize("entity", NEEDS_HINT)
def test_entities_needing_a_hint_are_not_detected_without_one(entity: str) -> None:
    assert detect_one("col", column(samples.POSITIVE[entity], ("plain", entity))) is None


@pytest.mark.parametrize("hinted", [False, True], ids=["plain", "hinted"])
@pytest.mark.parametrize("entity", NAMES)
def test_look_alike_columns_are_not_detected(entity: str, hinted: bool) -> None:
    name = samples.column_name(entity, hinted, 0)
    assert detect_one(name, column(samples.NEGATIVE[entity], ("neg", entity, hinted))) is None


@pytest.mark.parametrize("entity", sorted(samples.UNHINTED_NEGATIVE))
def test_forms_that_need_a_hint_are_not_detected_without_one(entity: str) -> None:
    """Random bare 9-digit numbers pass the SSN rules, so without a hint they must not count."""
    assert detect_one("number", column(samples.UNHINTED_NEGATIVE[entity], ("weak", entity))) is None


def test_ordinary_columns_are_not_pii() -> None:
    frame = pd.DataFrame(samples.ordinary_columns(300, "ordinary"))
    frame["price_double"] = [float(i) * 1.25 for i in range(300)]
    frame["flag"] = [i % 2 == 0 for i in range(300)]
    frame["row_id"] = pd.array(range(300), dtype="int64[pyarrow]")
    assert detect_pii(frame) == {}


def test_integer_columns() -> None:
    rng_values = samples.values(samples.cpf_positive, 200, "ints")
    cpfs = pd.Series([None if v is None else int(only_digits(str(v))) for v in rng_values], dtype="Int64")
    ssns = samples.values(samples.ssn_positive, 200, "ints")
    ssn_ints = pd.Series([None if v is None else int(only_digits(str(v))) for v in ssns], dtype="Int64")
    frame = pd.DataFrame({"tax_number": cpfs, "ssn": ssn_ints, "other": ssn_ints})
    found = detect_pii(frame)
    assert {k: f.entity for k, f in found.items()} == {"tax_number": "BRAZIL_CPF", "ssn": "USA_SSN"}
    assert found["ssn"].examples[0].startswith("*****")


def test_date_and_timestamp_columns_need_a_birth_hint() -> None:
    days = [dt.date(1950, 1, 1) + dt.timedelta(days=97 * i) for i in range(200)]
    stamps = pd.Series(pd.to_datetime(days, utc=True))
    frame = pd.DataFrame({"dob": days, "birth_ts": stamps, "shipped_on": days, "created": stamps})
    found = detect_pii(frame)
    assert {k: f.entity for k, f in found.items()} == {"dob": "DATE", "birth_ts": "DATE"}
    assert found["dob"].examples == ("****-**-**",) * 3


def test_share_thresholds_with_and_without_a_hint() -> None:
    emails = samples.values(samples.email_positive, 100, "mix", missing=0)
    junk = [f"note {i}" for i in range(100)]
    seventy = pd.Series([*emails[:70], *junk[:30]], dtype=object)
    forty = pd.Series([*emails[:40], *junk[:60]], dtype=object)
    assert detect_one("contact", seventy) is None
    found = detect_one("contact_email", seventy)
    assert found is not None
    assert found.share == 0.7
    assert detect_one("contact_email", forty) is None


def test_missing_values_do_not_count() -> None:
    values = [*samples.values(samples.ssn_positive, 50, "m", missing=0), *([None] * 100), *([""] * 50)]
    found = detect_one("anything", pd.Series(values, dtype=object))
    assert found is not None
    assert found.share == 1.0
    assert detect_one("empty", pd.Series([None, "", "  "], dtype=object)) is None


def test_confidence_combines_share_strength_and_hint() -> None:
    ibans = column(samples.iban_positive, "conf", 100)
    plain, hinted = detect_one("x", ibans), detect_one("iban", ibans)
    assert plain is not None
    assert hinted is not None
    assert plain.confidence == plain.share
    assert hinted.confidence == pytest.approx(plain.share + (1 - plain.share) / 2, abs=1e-4)
    phones = detect_one("x", column(samples.phone_positive, "conf", 100))
    assert phones is not None
    assert phones.confidence < phones.share


def test_finding_to_dict_is_json_ready() -> None:
    finding = detect_one("email", column(samples.email_positive, "dict", 50))
    assert finding is not None
    data = json.loads(json.dumps(finding.to_dict()))
    assert set(data) == {"entity", "share", "confidence", "examples", "name_hint"}
    assert data["entity"] == "EMAIL"
    assert isinstance(data["examples"], list)


def test_arguments() -> None:
    frame = pd.DataFrame(
        {"email": column(samples.email_positive, "a"), "ip": column(samples.ip_positive, "a")}
    )
    assert set(detect_pii(frame, ["ip"])) == {"ip"}
    with pytest.raises(KeyError, match="nope"):
        detect_pii(frame, ["nope"])
    with pytest.raises(TypeError, match="DataFrame"):
        detect_pii({"email": []})
    with pytest.raises(ValueError, match="sample"):
        detect_pii(frame, sample=0)


def test_a_large_frame_is_sampled_with_the_seed() -> None:
    frame = pd.DataFrame({"email": column(samples.email_positive, "big", 3000)})
    first = detect_pii(frame, sample=100, seed=7)
    assert first == detect_pii(frame, sample=100, seed=7)
    assert first["email"].entity == "EMAIL"


def test_mixed_object_and_arrow_string_columns() -> None:
    ssns = samples.values(samples.ssn_positive, 100, "types", missing=0)
    frame = pd.DataFrame(
        {
            "mixed": pd.Series([*ssns[:95], 1, 2.5, dt.date(2020, 1, 1), b"x", None], dtype=object),
            "arrow": pd.Series(ssns, dtype="large_string[pyarrow]"),
            "category": pd.Series(ssns, dtype="category"),
        }
    )
    assert {k: f.entity for k, f in detect_pii(frame).items()} == dict.fromkeys(frame.columns, "USA_SSN")


# --- accuracy and speed ------------------------------------------------------------------


def test_precision_and_recall_per_entity() -> None:
    result = pii_accuracy.measure(columns=6, rows=120, seed=11)
    for name, score in result.scores.items():
        assert score.positives == 6
        assert score.recall >= 0.95, name
        assert score.precision >= 0.95, name
    assert result.negatives_flagged == 0


def test_twenty_columns_of_ten_thousand_rows() -> None:
    n = 10_000
    frame = pd.DataFrame(
        {
            **{f"email_{k}": [f"user{i}.{k}@example{i % 97}.com" for i in range(n)] for k in range(4)},
            **{f"ssn_{k}": [f"{100 + i % 800}-{1 + i % 99:02d}-{i:04d}" for i in range(n)] for k in range(4)},
            **{f"ip_{k}": [f"10.{i % 256}.{i // 256}.{k}" for i in range(n)] for k in range(4)},
            **{f"note_{k}": [f"free text number {i}" for i in range(n)] for k in range(4)},
            **{f"id_{k}": list(range(k, n + k)) for k in range(4)},
        }
    )
    found = detect_pii(frame)
    assert len(found) == 12
    assert {found[f"email_{k}"].entity for k in range(4)} == {"EMAIL"}
    assert not any(name.startswith(("note_", "id_")) for name in found)


# --- Spark -------------------------------------------------------------------------------


def _parity_data() -> tuple[pd.DataFrame, str]:
    n = 300
    cpfs = samples.values(samples.cpf_positive, n, "spark")
    frame = pd.DataFrame(
        {
            "email": column(samples.email_positive, "spark", n),
            "phone": column(samples.phone_positive, "spark", n),
            "card": column(samples.card_positive, "spark", n),
            "cpf": pd.Series([None if v is None else int(only_digits(str(v))) for v in cpfs], dtype="Int64"),
            "dob": [dt.date(1940, 1, 1) + dt.timedelta(days=111 * i) for i in range(n)],
            "first_name": column(samples.name_positive, "spark", n),
            "city": column(lambda rng: samples.faker(rng).city(), "spark", n),
            "qty": pd.Series(range(n), dtype="Int64"),
        }
    )
    schema = (
        "email string, phone string, card string, cpf bigint, dob date, first_name string, "
        "city string, qty bigint"
    )
    return frame, schema


def test_spark_gives_the_same_findings_in_one_job(spark_session: Any) -> None:
    frame, schema = _parity_data()
    lists = [[None if pd.isna(v) else v for v in frame[c].tolist()] for c in frame.columns]
    rows = list(zip(*lists, strict=True))
    spark_frame = spark_session.createDataFrame(rows, schema)
    sc = spark_session.sparkContext
    group = "wb-pii-detect"
    sc.setJobGroup(group, "pii detection")
    try:
        on_spark = detect_pii(spark_frame)
    finally:
        sc.setLocalProperty("spark.jobGroup.id", None)
    on_pandas = detect_pii(frame)
    assert on_spark == on_pandas
    assert set(on_pandas) == {"email", "phone", "card", "cpf", "dob", "first_name"}
    assert len(sc.statusTracker().getJobIdsForGroup(group)) == 1
