"""Finding clusters of near-identical values, the keyers behind them, and CLUSTER_AND_MERGE's checks."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from workbench import Recipe
from workbench.core.clustering import (
    Keyer,
    find_clusters,
    fingerprint_pandas,
    keys_of,
    levenshtein,
    soundex,
)
from workbench.core.errors import ParameterError, RecipeError
from workbench.core.text import accent_table, translate_pandas


def fingerprints(values: list[str | None]) -> list[str | None]:
    return fingerprint_pandas(pa.array(values, pa.large_string())).to_pylist()


def test_fingerprint_on_tricky_unicode() -> None:
    assert fingerprints(
        [
            "\u039f\u0394\u039f\u03a3 \u03a3\u0391\u03a3",  # final sigma lower-cases to ς
            "\u0130stanbul istanbul",  # İ lower-cases to i + U+0307, which the accent table removes
            "Stra\u00dfe STRASSE",  # ß is a letter, not an accented s
            "e\u0301te\u0301 \u00e9t\u00e9",  # decomposed and precomposed accents agree
            "a\u00a0b a",  # a no-break space is not whitespace
            "\U0001f600 \u2014 ok!",  # emoji and dash are symbols and punctuation
            "\t\n",
            None,
        ]
    ) == [
        "\u03bf\u03b4\u03bf\u03c2 \u03c3\u03b1\u03c2",
        "istanbul",
        "strasse stra\u00dfe",
        "ete",
        "a a\u00a0b",
        "ok",
        "",
        None,
    ]


def test_fingerprint_of_a_chunked_array_with_sliced_chunks() -> None:
    chunked = pa.chunked_array([pa.array(["x", "B a"]).slice(1), pa.array([None, "a b"])])
    assert fingerprint_pandas(chunked).to_pylist() == ["a b", None, "a b"]


def test_ngram_fingerprint_ignores_spaces_and_order_of_grams() -> None:
    keys = keys_of(["Paris", "pa ris", "Pari\u0161", "ab", "a", ""], Keyer.NGRAM_FINGERPRINT, 2)
    assert keys[0] == keys[1] == keys[2] == "arispari"
    assert keys[3:] == ["ab", "a", ""]
    assert keys_of(["abc"], Keyer.NGRAM_FINGERPRINT, 5) == ["abc"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Robert", "R163"),
        ("Rupert", "R163"),
        ("Ashcraft", "A261"),
        ("Tymczak", "T522"),
        ("Pfister", "P236"),
        ("Honeyman", "H555"),
        ("a", "A000"),
        ("1abc", "1abc"),
        ("", ""),
        ("\u00e9clair", "\u00e9clair"),
    ],
)
def test_soundex_as_spark(text: str, code: str) -> None:
    assert soundex(text) == code


def test_soundex_keyer_removes_accents_and_trims_first() -> None:
    assert keys_of([" \u00c9clair", "Eclair", "  "], Keyer.SOUNDEX) == ["E246", "E246", ""]


def test_translate_agrees_with_python_translate() -> None:
    table = accent_table()
    alphabet = "a\u00e9\u0301\u00c5\u0141\u00df\u00e6 \U0001f600\u03a3\u1ec7\u0130z"
    rng = random.Random(7)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12))) for _ in range(300)]
    texts[5] = None  # type: ignore[call-overload]
    expected = [None if t is None else t.translate(str.maketrans(table)) for t in texts]
    assert translate_pandas(pa.array(texts, pa.large_string()), table).to_pylist() == expected


def test_accent_table_maps_letters_to_one_ascii_letter_or_removes_marks() -> None:
    table = accent_table()
    assert table["\u00e9"] == "e"
    assert table["\u01d5"] == "U"
    assert table["\u0142"] == "l"
    assert table["\u0301"] == ""
    assert "\u00df" not in table
    assert "\u00e6" not in table
    assert "\u0131" not in table
    assert all(len(into) <= 1 and into.isascii() for into in table.values())


def test_levenshtein() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("Z\u00fcrich", "Zurich") == 1
    assert levenshtein("\U0001f600a", "a") == 1


def test_key_collision_clusters_sorted_by_rows_with_counts_and_suggestion() -> None:
    s = pd.Series(["New York", "new york", "New York", "NY", None, "", "  ", "Boston", "boston.", "x"])
    assert find_clusters(s) == [
        {
            "values": [{"value": "New York", "count": 2}, {"value": "new york", "count": 1}],
            "into": "New York",
            "rows": 3,
        },
        {
            "values": [{"value": "Boston", "count": 1}, {"value": "boston.", "count": 1}],
            "into": "Boston",
            "rows": 2,
        },
    ]


def test_clusters_do_not_depend_on_row_order() -> None:
    values = ["Ann Lee", "lee ann", "Lee, Ann", "Bob", "bob", "BOB", "Cy", "cy."] * 3
    first = find_clusters(pd.Series(values))
    random.Random(3).shuffle(values)
    assert find_clusters(pd.Series(values)) == first
    assert [c["into"] for c in first] == ["Ann Lee", "BOB", "Cy"]


def test_nearest_neighbour_blocking_finds_the_pairs() -> None:
    s = pd.Series(
        ["Jonathan Smith", "Jonathon Smith", "Jonathon Smith", "Jon Smith", "Mary Jones", "Mary Jone"]
    )
    clusters = find_clusters(s, "NEAREST_NEIGHBOR", radius=1, block_size=4)
    assert [[v["value"] for v in c["values"]] for c in clusters] == [
        ["Jonathon Smith", "Jonathan Smith"],
        ["Mary Jone", "Mary Jones"],
    ]
    # values sharing no block of 20 characters are never compared
    assert find_clusters(s, "NEAREST_NEIGHBOR", radius=1, block_size=20) == []
    # a wider radius links "Jon Smith" too (5 edits away)
    wide = find_clusters(s, "NEAREST_NEIGHBOR", radius=5, block_size=4)
    assert [v["value"] for v in wide[0]["values"]] == ["Jonathon Smith", "Jon Smith", "Jonathan Smith"]


@pytest.mark.parametrize(
    ("settings", "parameter"),
    [
        ({"method": "CLOSEST"}, "method"),
        ({"keyer": "METAPHONE"}, "keyer"),
        ({"ngram_size": 0}, "ngramSize"),
        ({"radius": -1}, "radius"),
        ({"block_size": 0}, "blockSize"),
    ],
)
def test_find_clusters_refuses_bad_settings_by_name(settings: dict[str, Any], parameter: str) -> None:
    with pytest.raises(ParameterError) as caught:
        find_clusters(pd.Series(["a", "A"]), **settings)
    assert caught.value.parameter == parameter


def _merge(**parameters: Any) -> Recipe:
    step = {"Action": {"Operation": "CLUSTER_AND_MERGE", "Parameters": {"sourceColumn": "t", **parameters}}}
    return Recipe.from_data([step])


@pytest.mark.parametrize(
    ("parameters", "parameter", "words"),
    [
        ({"clusters": []}, "clusters", "at least one cluster"),
        ({"clusters": [{"values": [], "into": "x"}]}, "clusters", "cluster 1 has no values"),
        (
            {"clusters": [{"values": ["a", "b"], "into": "a"}, {"values": ["b"], "into": "c"}]},
            "clusters",
            "'b' is in cluster 1 and in cluster 2",
        ),
        ({"clusters": [{"values": ["a"], "into": "b"}], "radius": "-2"}, "radius", "negative"),
        ({"clusters": [{"values": ["a"], "into": "b"}], "blockSize": "0"}, "blockSize", "at least 1"),
    ],
)
def test_cluster_and_merge_refuses_bad_clusters_by_name(
    parameters: dict[str, Any], parameter: str, words: str
) -> None:
    with pytest.raises(RecipeError) as caught:
        _merge(**parameters).apply(pd.DataFrame({"t": ["a", "b"]}))
    assert caught.value.parameter == parameter
    assert words in str(caught.value)
    assert "CLUSTER_AND_MERGE" in str(caught.value)


def test_cluster_and_merge_refuses_a_cluster_with_unknown_keys() -> None:
    with pytest.raises(RecipeError) as caught:
        _merge(clusters=[{"values": ["a"], "into": "b", "count": 3}]).apply(pd.DataFrame({"t": ["a"]}))
    assert caught.value.parameter == "clusters"


def test_cluster_and_merge_refuses_a_number_column() -> None:
    with pytest.raises(RecipeError) as caught:
        _merge(clusters=[{"values": ["1"], "into": "2"}]).apply(pd.DataFrame({"t": [1, 2]}))
    assert caught.value.parameter == "sourceColumn"
    assert caught.value.column == "t"


def test_found_clusters_replay_as_a_step() -> None:
    frame = pd.DataFrame({"t": ["Caf\u00e9 Bleu", "cafe bleu", "Bleu Caf\u00e9", None, "Other"]})
    accepted = [
        {"values": [v["value"] for v in c["values"]], "into": c["into"]} for c in find_clusters(frame["t"])
    ]
    result = _merge(clusters=accepted).apply(frame)
    assert result["t"].tolist()[:3] == ["Bleu Caf\u00e9"] * 3
    assert pd.isna(result["t"].tolist()[3])
    assert result["t"].tolist()[4] == "Other"
