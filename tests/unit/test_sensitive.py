"""Sensitive-data transforms: encryption round trips across engines, secrets, seeded randomness.

Runs on the selected engines (``--engines=pandas,spark`` or ``--engines=connect``). Tests that
compare an engine with pandas build their own pandas engine; the keys here are test-only keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_engine
from workbench.core.errors import ParameterError, RecipeError
from workbench.core.registry import build
from workbench.core.secrets import SecretFormatError, SecretNotFoundError, Secrets, env_name, parse_binding
from workbench.core.types import LType
from workbench.pii import detect_pii
from workbench.recipe.model import Recipe, Step
from workbench.recipe.replay import replay

KEY = bytes(range(1, 33))
"""A test-only AES-256 key."""
OTHER_KEY = bytes(range(50, 82))
LONG_HMAC_KEY = bytes(range(200)) * 2
"""Longer than every HMAC block: it is hashed first (RFC 2104)."""

TEXTS = ["ana", "", "Zoë ✓ 日本語 😀", None, "ana", "a" * 300, "line\nbreak"]


def run(engine: Any, steps: list[Step], columns: dict[str, list[Any]], schema: dict[str, LType]) -> dict:
    frame = engine.from_records(columns, schema)
    return engine.to_records(replay(Recipe(steps=steps), frame, engine=engine))


def with_keys(engine: Any, **keys: bytes) -> Any:
    engine.secrets = Secrets(keys, environ={})
    return engine


def pandas_engine(**keys: bytes) -> Any:
    return with_keys(make_engine("pandas", None), **keys)


# --- encryption round trips --------------------------------------------------------------------


@pytest.mark.parametrize("operation", ["ENCRYPT", "DETERMINISTIC_ENCRYPT"])
def test_decrypt_of_encrypt_is_identity(engine: Any, operation: str) -> None:
    with_keys(engine, k=KEY)
    key_param = "kmsKeyArn" if operation == "ENCRYPT" else "secretId"
    decrypt = "DECRYPT" if operation == "ENCRYPT" else "DETERMINISTIC_DECRYPT"
    steps = [
        Step(operation, {"sourceColumns": ["t", "n"], key_param: "k"}),
        Step(decrypt, {"sourceColumns": ["t", "n"], key_param: "k"}),
    ]
    n = [7, None, -12, 0, 7, 2**40, 3]
    out = run(engine, steps, {"t": TEXTS, "n": n}, {"t": LType.STRING, "n": LType.INTEGER})
    assert out["t"] == TEXTS
    assert out["n"] == [None if v is None else str(v) for v in n], "numbers come back in their text form"


def test_ciphertexts_are_base64_gcm_layout(engine: Any) -> None:
    with_keys(engine, k=KEY)
    out = run(
        engine,
        [Step("ENCRYPT", {"sourceColumns": ["t"], "kmsKeyArn": "k"})],
        {"t": TEXTS},
        {"t": LType.STRING},
    )
    for plain, cipher in zip(TEXTS, out["t"], strict=True):
        if plain is None:
            assert cipher is None
            continue
        raw = base64.b64decode(cipher, validate=True)
        assert len(raw) == 12 + len(plain.encode()) + 16
        assert "\n" not in cipher
        assert "\r" not in cipher
    assert out["t"][0] != out["t"][4], "randomised: equal values give different ciphertexts"


def test_deterministic_equal_inputs_equal_ciphertexts(engine: Any) -> None:
    with_keys(engine, k=KEY)
    values = ["ana", "bob", "ana", "Ana", "", "", None, "bob"]
    step = Step("DETERMINISTIC_ENCRYPT", {"sourceColumns": ["v"], "secretId": "k"})
    out = run(engine, [step], {"v": values}, {"v": LType.STRING})["v"]
    assert out[0] == out[2]
    assert out[1] == out[7]
    assert out[4] == out[5]
    assert len({out[0], out[1], out[3], out[4]}) == 4, "different inputs give different ciphertexts"
    assert out[6] is None
    with_keys(engine, k=OTHER_KEY)
    again = run(engine, [step], {"v": values}, {"v": LType.STRING})["v"]
    assert again[0] != out[0], "another key gives other ciphertexts"


@pytest.mark.parametrize("mode", ["random", "deterministic"])
def test_ciphertexts_cross_engines(spark_engine_name: str, spark_session_for: Any, mode: str) -> None:
    engine = make_engine(spark_engine_name, spark_session_for)
    param = "kmsKeyArn" if mode == "random" else "secretId"
    encrypt = Step(
        "ENCRYPT" if mode == "random" else "DETERMINISTIC_ENCRYPT", {"sourceColumns": ["t"], param: "k"}
    )
    decrypt = Step(
        "DECRYPT" if mode == "random" else "DETERMINISTIC_DECRYPT", {"sourceColumns": ["t"], param: "k"}
    )
    schema = {"t": LType.STRING}
    local = pandas_engine(k=KEY)
    with_keys(engine, k=KEY)
    from_pandas = run(local, [encrypt], {"t": TEXTS}, schema)
    assert run(engine, [decrypt], from_pandas, schema)["t"] == TEXTS
    from_spark = run(engine, [encrypt], {"t": TEXTS}, schema)
    assert run(local, [decrypt], from_spark, schema)["t"] == TEXTS
    if mode == "deterministic":
        assert from_pandas == from_spark, "deterministic ciphertexts are the same on both engines"


def test_failed_decryption_leaves_values_on_both_engines(engine: Any) -> None:
    local = pandas_engine(k=KEY)
    cipher = run(
        local,
        [Step("ENCRYPT", {"sourceColumns": ["t"], "kmsKeyArn": "k"})],
        {"t": ["x"]},
        {"t": LType.STRING},
    )
    good = cipher["t"][0]
    tampered = good[:-6] + ("A" if good[-6] != "A" else "B") + good[-5:]
    values = [good, tampered, "short", "QUJD", "not base64!", "", None, "YWJj\n"]
    with_keys(engine, k=OTHER_KEY)
    step = Step("DECRYPT", {"sourceColumns": ["t"], "kmsKeyArn": "k"})
    assert run(engine, [step], {"t": values}, {"t": LType.STRING})["t"] == values
    with_keys(engine, k=KEY)
    assert run(engine, [step], {"t": values}, {"t": LType.STRING})["t"] == ["x", *values[1:]]


# --- hashing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "algorithm", ["HMAC_MD5", "HMAC_SHA1", "HMAC_SHA256", "HMAC_SHA512", "SHA512", "MD5"]
)
def test_hashes_match_python(engine: Any, algorithm: str) -> None:
    with_keys(engine, k=LONG_HMAC_KEY)
    values = ["ana", "", "Zoë ✓ 😀", None, "x" * 500]
    step = Step("CRYPTOGRAPHIC_HASH", {"sourceColumns": ["v"], "algorithm": algorithm, "secretId": "k"})
    out = run(engine, [step], {"v": values}, {"v": LType.STRING})["v"]
    name = algorithm.removeprefix("HMAC_").lower()
    for value, digest in zip(values, out, strict=True):
        if value is None:
            assert digest is None
        elif algorithm.startswith("HMAC_"):
            assert digest == hmac.new(LONG_HMAC_KEY, value.encode(), name).hexdigest()
        else:
            assert digest == hashlib.new(name, value.encode()).hexdigest()


# --- seeded randomness -----------------------------------------------------------------------------


def test_random_between_same_on_engines_and_in_bounds(engine: Any) -> None:
    n = 300
    columns = {"i": list(range(n)), "x": [None if k % 17 == 0 else k * 0.5 for k in range(n)]}
    schema = {"i": LType.INTEGER, "x": LType.DOUBLE}
    steps = [
        Step("REPLACE_WITH_RANDOM_BETWEEN", {"sourceColumns": ["i", "x"], "lowerBound": -5, "upperBound": 5})
    ]
    out = run(engine, steps, columns, schema)
    assert out == run(pandas_engine(), steps, columns, schema)
    assert all(-5 <= v <= 5 for v in out["i"])
    assert set(out["i"]) == set(range(-5, 6))
    assert all(v is None or -5 <= v < 5 for v in out["x"])
    assert [v is None for v in out["x"]] == [v is None for v in columns["x"]]
    reseeded = [Step("REPLACE_WITH_RANDOM_BETWEEN", {**steps[0].parameters, "seed": 99})]
    assert run(engine, reseeded, columns, schema)["i"] != out["i"]


def test_random_dates_same_on_engines(engine: Any) -> None:
    n = 100
    columns = {"t": ["2020-01-01 00:00:00"] * n, "s": ["x"] * n}
    schema = {"t": LType.TIMESTAMP, "s": LType.STRING}
    params = {
        "sourceColumns": ["t", "s"],
        "startDate": "1999-12-31 23:00:00",
        "endDate": "2000-01-01 01:00:00",
    }
    steps = [Step("REPLACE_WITH_RANDOM_DATE_BETWEEN", params)]
    out = run(engine, steps, columns, schema)
    assert out == run(pandas_engine(), steps, columns, schema)
    assert all("1999-12-31 23" <= v <= "2000-01-01 01:00:00" for v in out["s"])


@pytest.mark.parametrize("groups", [None, ["g"]])
def test_shuffle_is_a_permutation_within_groups_and_same_on_engines(
    engine: Any, groups: list[str] | None
) -> None:
    n = 60
    columns = {
        "id": list(range(n)),
        "g": [None if k % 7 == 0 else "abc"[k % 3] for k in range(n)],
        "v": [f"v{k}" for k in range(n)],
        "w": list(range(100, 100 + n)),
    }
    schema = {"id": LType.INTEGER, "g": LType.STRING, "v": LType.STRING, "w": LType.INTEGER}
    params: dict[str, Any] = {"sourceColumns": ["v", "w"], "seed": 5}
    if groups:
        params["groupByColumns"] = groups
    steps = [Step("SHUFFLE_ROWS", params)]
    out = run(engine, steps, columns, schema)
    assert out == run(pandas_engine(), steps, columns, schema)
    assert out["id"] == columns["id"]
    assert out["g"] == columns["g"]
    assert sorted(out["v"]) == sorted(columns["v"])
    assert out["v"] != columns["v"]
    moved = {v: w for v, w in zip(out["v"], out["w"], strict=True)}
    assert all(moved[f"v{k}"] == 100 + k for k in range(n)), "the shuffled columns move together"
    if groups:
        origin = {f"v{k}": columns["g"][k] for k in range(n)}
        assert all(origin[v] == g for v, g in zip(out["v"], out["g"], strict=True))


# --- secrets ---------------------------------------------------------------------------------------


def _encrypt_recipe() -> Recipe:
    return Recipe(
        steps=[Step("ENCRYPT", {"sourceColumns": ["t"], "kmsKeyArn": "arn:aws:kms:eu-west-1:1:key/abc"})]
    )


def test_missing_secret_fails_validation_with_directions() -> None:
    with pytest.raises(SecretNotFoundError) as caught:
        _encrypt_recipe().validate({"t": LType.STRING}, secrets=Secrets(environ={}))
    message = str(caught.value)
    assert "step 1" in message
    assert "ENCRYPT" in message
    assert "'kmsKeyArn'" in message
    assert "arn:aws:kms:eu-west-1:1:key/abc" in message
    assert env_name("arn:aws:kms:eu-west-1:1:key/abc") in message
    assert "--secret" in message


def test_missing_secret_fails_before_data_is_touched() -> None:
    engine = make_engine("pandas", None)
    engine.secrets = Secrets(environ={})
    frame = engine.from_records({"t": ["a"]}, {"t": LType.STRING})
    with pytest.raises(SecretNotFoundError):
        replay(_encrypt_recipe(), frame, engine=engine)


def test_secret_from_environment_and_bindings(tmp_path: Path) -> None:
    text = base64.b64encode(KEY).decode()
    assert env_name("databrew!default") == "WORKBENCH_SECRET_DATABREW_DEFAULT"
    assert Secrets(environ={"WORKBENCH_SECRET_MY_KEY": f" {text}\n"}).get("my-key") == KEY
    key_file = tmp_path / "key.b64"
    key_file.write_text(text + "\n")
    bound = Secrets({"a": f"file:{key_file}", "b": "env:SOME_VAR", "c": KEY}, environ={"SOME_VAR": text})
    assert bound.get("a") == bound.get("b") == bound.get("c") == KEY
    assert text not in repr(bound)
    assert KEY.hex() not in repr(bound)
    assert parse_binding("k=env:X") == ("k", "env:X")
    with pytest.raises(RecipeError) as caught:
        parse_binding(f"k={text}")
    assert text not in str(caught.value), "a key typed on the command line is not echoed"


def test_bad_keys_are_refused_without_showing_them() -> None:
    short = base64.b64encode(b"sixteen byte key").decode()
    recipe = _encrypt_recipe()
    with pytest.raises(SecretFormatError) as caught:
        recipe.validate(secrets=Secrets({"arn:aws:kms:eu-west-1:1:key/abc": "env:K"}, environ={"K": short}))
    assert "32-byte" in str(caught.value)
    assert short not in str(caught.value)
    with pytest.raises(SecretFormatError) as caught:
        recipe.validate(
            secrets=Secrets({"arn:aws:kms:eu-west-1:1:key/abc": "env:K"}, environ={"K": "not base64!"})
        )
    assert "not base64!" not in str(caught.value)
    assert "'kmsKeyArn'" in str(caught.value)


def test_redact_hides_key_material() -> None:
    secrets = Secrets({"k": KEY}, environ={})
    secrets.get("k")
    derived = b"\x01\x02derived"
    secrets.mark(derived)
    text = f"failed: unhex('{KEY.hex()}') X'{KEY.hex().upper()}' {derived.hex()}"
    assert KEY.hex() not in secrets.redact(text).lower()
    assert derived.hex() not in secrets.redact(text)


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("CRYPTOGRAPHIC_HASH", {"algorithm": "SHA256"}),
        ("ENCRYPT", {"kmsKeyArn": "k"}),
        ("DETERMINISTIC_ENCRYPT", {"secretId": "k"}),
        ("MASK_CUSTOM", {"maskSymbol": "#", "customValue": "a"}),
        ("MASK_DELIMITER", {"maskSymbol": "#"}),
        ("MASK_RANGE", {"maskSymbol": "#"}),
    ],
)
def test_entity_type_filter_is_not_supported_yet(operation: str, params: dict[str, Any]) -> None:
    base = {"sourceColumns": ["t"], **params}
    build(operation, {**base, "entityTypeFilter": []})
    with pytest.raises(ParameterError, match="entityTypeFilter is not supported yet"):
        build(operation, {**base, "entityTypeFilter": '["USA_ALL"]'})


def test_parameter_rules() -> None:
    with pytest.raises(ParameterError, match="secretId"):
        build("CRYPTOGRAPHIC_HASH", {"sourceColumns": ["t"]})
    with pytest.raises(ParameterError, match="supported regex subset"):
        build(
            "MASK_CUSTOM", {"sourceColumns": ["t"], "maskSymbol": "#", "customValue": "(?=a)", "regex": True}
        )
    with pytest.raises(ParameterError, match="empty text"):
        build("MASK_CUSTOM", {"sourceColumns": ["t"], "maskSymbol": "#", "customValue": "a*", "regex": True})
    with pytest.raises(ParameterError, match="alphabet"):
        build("MASK_RANGE", {"sourceColumns": ["t"], "maskSymbol": "#", "alphabet": ["DIGITS"]})
    with pytest.raises(ParameterError, match="endDate"):
        build(
            "REPLACE_WITH_RANDOM_DATE_BETWEEN",
            {"sourceColumns": ["t"], "startDate": "2020-01-02", "endDate": "2020-01-01"},
        )


# --- MASK_PII_COLUMNS: classification on the first rows or on every row ---------------------------

LATE_PII = {"contact": [None] * 6_000 + [""] * 4_000 + [f"user{i}@example.com" for i in range(500)]}
"""Personal data that starts after the 10,000 rows read by default."""


def _masked_contacts(engine: Any, **parameters: Any) -> list[Any]:
    step = Step("MASK_PII_COLUMNS", parameters)
    return run(engine, [step], LATE_PII, {"contact": LType.STRING})["contact"]


def test_pii_starting_after_the_rows_read_is_masked_when_every_row_is_read(engine: Any) -> None:
    assert _masked_contacts(engine)[-500:] == LATE_PII["contact"][-500:], "the first 10,000 rows hold none"
    masked = _masked_contacts(engine, sampleRows="0")
    assert masked[:10_000] == LATE_PII["contact"][:10_000], "null stays null, empty stays empty"
    assert masked[10_000] == "#" * len("user0@example.com")
    assert all(set(value) == {"#"} for value in masked[10_000:])


def _card_numbers() -> list[str | None]:
    """More distinct card-like numbers than the detectors check, valid far more often early on:
    the finding depends on the order the distinct values are checked in (first appearance)."""
    rng = random.Random(7)
    values: list[str | None] = []
    for i in range(1500):
        body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
        check = _luhn_check_digit(body)
        valid = rng.random() < (0.7 if i < 300 else 0.2)
        values.append(body + (check if valid else str((int(check) + 1) % 10)))
    return [*values, *[" " + str(v) + "\t" for v in values[::7]], None, ""]


def _luhn_check_digit(body: str) -> str:
    total = 0
    for i, digit in enumerate(reversed(body)):
        n = int(digit) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def test_every_row_detection_on_spark_equals_pandas(spark_engine_name: str, spark_session_for: Any) -> None:
    columns = {"card": _card_numbers(), "n": list(range(len(_card_numbers())))}
    schema = {"card": LType.STRING, "n": LType.INTEGER}
    on_pandas = detect_pii(make_engine("pandas", None).from_records(columns, schema), sample=None)
    on_spark = detect_pii(
        make_engine(spark_engine_name, spark_session_for).from_records(columns, schema), sample=None
    )
    assert on_pandas["card"].entity == "CREDIT_CARD"
    assert on_spark == on_pandas, "the same distinct values, counts and order of first appearance"


def test_sample_rows_is_zero_or_more() -> None:
    build("MASK_PII_COLUMNS", {"sampleRows": "0"})
    with pytest.raises(ParameterError, match="sampleRows must be 0") as caught:
        build("MASK_PII_COLUMNS", {"sampleRows": "-1"})
    assert caught.value.parameter == "sampleRows"
    assert "MASK_PII_COLUMNS" in str(caught.value)


# --- command line ----------------------------------------------------------------------------------


def _workbench(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_SECRET_")}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        capture_output=True,
        text=True,
        env={**environ, **(env or {})},
        timeout=300,
    )


def test_cli_secret_bindings(tmp_path: Path) -> None:
    data = tmp_path / "in.csv"
    data.write_text("name,n\nana,1\nbob,2\n")
    recipe = tmp_path / "recipe.json"
    recipe.write_text(
        json.dumps(
            [
                {
                    "Action": {
                        "Operation": "CRYPTOGRAPHIC_HASH",
                        "Parameters": {"sourceColumns": '["name"]', "secretId": "pepper"},
                    }
                }
            ]
        )
    )
    missing = _workbench("validate", str(recipe))
    assert missing.returncode == 2
    assert "WORKBENCH_SECRET_PEPPER" in missing.stderr
    assert "'secretId'" in missing.stderr
    key = tmp_path / "pepper.key"
    key.write_text(base64.b64encode(b"pepper").decode())
    ok = _workbench("validate", str(recipe), "--secret", f"pepper=file:{key}")
    assert ok.returncode == 0, ok.stderr
    out = tmp_path / "out.csv"
    ran = _workbench(
        "run",
        str(recipe),
        "--input",
        str(data),
        "--output",
        str(out),
        "--secret",
        "pepper=env:MY_PEPPER",
        env={"MY_PEPPER": base64.b64encode(b"pepper").decode()},
    )
    assert ran.returncode == 0, ran.stderr
    assert hmac.new(b"pepper", b"ana", "sha256").hexdigest() in out.read_text()
    by_default = _workbench(
        "validate", str(recipe), env={"WORKBENCH_SECRET_PEPPER": base64.b64encode(b"p").decode()}
    )
    assert by_default.returncode == 0, by_default.stderr
