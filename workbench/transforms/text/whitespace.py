"""Functions: text — whitespace and symbols: trim, remove or collapse whitespace; remove symbols, accents."""

from __future__ import annotations

import pyarrow.compute as pc

from workbench.core.lazy import F
from workbench.core.registry import Category, Example
from workbench.core.table import declare, row
from workbench.core.text import (
    WHITESPACE,
    WHITESPACE_CLASS,
    TextFunction,
    accent_table,
    translate_pandas,
    translate_spark,
)

# --- whitespace and symbols ---------------------------------------------------------------

_LATIN_KEEP = (
    r"A-Za-z0-9"
    r"\x{00C0}-\x{00D6}\x{00D8}-\x{00F6}\x{00F8}-\x{024F}"  # Latin-1 letters, Latin Extended-A/B
    r"\x{1E00}-\x{1EFF}"  # Latin Extended Additional
    r"\x{0300}-\x{036F}"  # combining diacritical marks (decomposed accents)
)
_WHITESPACE_RUN = f"[{WHITESPACE_CLASS}]+"
_SYMBOL_RUN = f"[^{_LATIN_KEEP}{WHITESPACE_CLASS}]+"

WHITESPACE_AND_SYMBOLS = declare(
    TextFunction,
    Category.TEXT,
    __name__,
    row(
        "TRIM",
        """Write a copy of the text without leading and trailing whitespace.

        Whitespace is the six ASCII whitespace characters (space, tab, LF, VT, FF, CR); spaces
        between words are kept and a no-break space is not trimmed.
        """,
        examples=(
            Example(
                given={"t": ["  a b  ", "\tx\n", None, "", "   ", "\u00a0y\u00a0"]},
                params={"sourceColumn": "t", "targetColumn": "trimmed"},
                expect={
                    "t": ["  a b  ", "\tx\n", None, "", "   ", "\u00a0y\u00a0"],
                    "trimmed": ["a b", "x", None, "", "", "\u00a0y\u00a0"],
                },
            ),
        ),
        pandas=lambda a: pc.utf8_trim(a, characters=WHITESPACE),
        spark=lambda c: F.trim(c, F.lit(WHITESPACE)),
    ),
    row(
        "REMOVE_WHITESPACE",
        """Write a copy of the text with every whitespace character removed, also between words.

        Whitespace is the six ASCII whitespace characters (space, tab, LF, VT, FF, CR).
        """,
        examples=(
            Example(
                given={"t": [" a b\tc\n", "", None, "x\u00a0y"]},
                params={"sourceColumn": "t", "targetColumn": "packed"},
                expect={
                    "t": [" a b\tc\n", "", None, "x\u00a0y"],
                    "packed": ["abc", "", None, "x\u00a0y"],
                },
            ),
        ),
        pandas=lambda a: pc.replace_substring_regex(a, _WHITESPACE_RUN, ""),
        spark=lambda c: F.regexp_replace(c, _WHITESPACE_RUN, ""),
    ),
    row(
        "REMOVE_SYMBOLS",
        """Write a copy of the text keeping only Latin letters (accented too), digits and whitespace.

        Kept: A-Z, a-z, 0-9, the accented Latin letters U+00C0-U+024F (but not the multiplication
        and division signs U+00D7, U+00F7) and U+1E00-U+1EFF, combining accents U+0300-U+036F,
        and ASCII whitespace. Everything else is removed, including non-Latin letters (as in
        DataBrew's engine), punctuation and "_".
        """,
        examples=(
            Example(
                given={
                    "t": [
                        "$&#$&HEY!#@@",
                        "Caf\u00e9 au lait, s'il vous pla\u00eet!",
                        "\u041c\u043e\u0441\u043a\u0432\u0430 2024",
                        None,
                        "a\tb_c",
                    ]
                },
                params={"sourceColumn": "t", "targetColumn": "clean"},
                expect={
                    "t": [
                        "$&#$&HEY!#@@",
                        "Caf\u00e9 au lait, s'il vous pla\u00eet!",
                        "\u041c\u043e\u0441\u043a\u0432\u0430 2024",
                        None,
                        "a\tb_c",
                    ],
                    "clean": ["HEY", "Caf\u00e9 au lait sil vous pla\u00eet", " 2024", None, "a\tbc"],
                },
            ),
            Example(
                given={"id": [1]},
                params={"value": "$&#$&HEY!#@@", "targetColumn": "without_symbols"},
                expect={"id": [1], "without_symbols": ["HEY"]},
                title="a literal value",
            ),
        ),
        pandas=lambda a: pc.replace_substring_regex(a, _SYMBOL_RUN, ""),
        spark=lambda c: F.regexp_replace(c, _SYMBOL_RUN, ""),
    ),
    row(
        "COLLAPSE_WHITESPACE",
        """Write a copy of the text with every run of whitespace made one space, and none at either end.

        Whitespace is the six ASCII whitespace characters (space, tab, LF, VT, FF, CR); a no-break
        space is kept. Unlike TRIM (ends only) and REMOVE_WHITESPACE (removes all), words stay apart;
        unlike REMOVE_COMBINED's collapseConsecutiveWhitespace, a single tab or line break also
        becomes a space.
        """,
        examples=(
            Example(
                given={
                    "t": [
                        "  New   York ",
                        "a\tb\n\nc",
                        "\u00e9t\u00e9  \U0001f600",
                        "x\u00a0 y",
                        "   ",
                        "",
                        None,
                    ]
                },
                params={"sourceColumn": "t", "targetColumn": "tidy"},
                expect={
                    "t": [
                        "  New   York ",
                        "a\tb\n\nc",
                        "\u00e9t\u00e9  \U0001f600",
                        "x\u00a0 y",
                        "   ",
                        "",
                        None,
                    ],
                    "tidy": ["New York", "a b c", "\u00e9t\u00e9 \U0001f600", "x\u00a0 y", "", "", None],
                },
            ),
            Example(
                given={"id": [1]},
                params={"value": " a \r\n b ", "targetColumn": "tidy"},
                expect={"id": [1], "tidy": ["a b"]},
                title="a literal value",
            ),
        ),
        pandas=lambda a: pc.utf8_trim(pc.replace_substring_regex(a, _WHITESPACE_RUN, " "), characters=" "),
        spark=lambda c: F.trim(F.regexp_replace(c, _WHITESPACE_RUN, " "), F.lit(" ")),
        extension=True,
    ),
    row(
        "REMOVE_ACCENTS",
        """Write a copy of the text without accents on Latin letters ("Crème Brûlée" gives "Creme Brulee").

        A fixed table, the same on both engines: every accented letter of U+00C0-U+024F and
        U+1E00-U+1EFF whose Unicode decomposition is an ASCII letter plus accents becomes that letter
        ("é" -> "e", "Ǖ" -> "U"), the stroked letters Ø ø Đ đ Ł ł Ħ ħ Ŧ ŧ become O o D d L l H h T t,
        and combining accents (U+0300-U+036F, as in a decomposed "é") are removed. Letters that are
        not an accented form ("ß", "æ", dotless i U+0131) and other scripts are unchanged.
        """,
        examples=(
            Example(
                given={
                    "t": [
                        "Cr\u00e8me Br\u00fbl\u00e9e",
                        "\u0141\u00f3d\u017a, \u00d8resund",
                        "e\u0301te\u0301",
                        "Stra\u00dfe \u00e6 \u0131",
                        "\u01d5 \u1ec7 \u00c5",
                        "\u041c\u043e\u0441\u043a\u0432\u0430 \u00e9 \U0001f600",
                        "",
                        None,
                    ]
                },
                params={"sourceColumn": "t", "targetColumn": "plain"},
                expect={
                    "t": [
                        "Cr\u00e8me Br\u00fbl\u00e9e",
                        "\u0141\u00f3d\u017a, \u00d8resund",
                        "e\u0301te\u0301",
                        "Stra\u00dfe \u00e6 \u0131",
                        "\u01d5 \u1ec7 \u00c5",
                        "\u041c\u043e\u0441\u043a\u0432\u0430 \u00e9 \U0001f600",
                        "",
                        None,
                    ],
                    "plain": [
                        "Creme Brulee",
                        "Lodz, Oresund",
                        "ete",
                        "Stra\u00dfe \u00e6 \u0131",
                        "U e A",
                        "\u041c\u043e\u0441\u043a\u0432\u0430 e \U0001f600",
                        "",
                        None,
                    ],
                },
            ),
        ),
        pandas=lambda a: translate_pandas(a, accent_table()),
        spark=lambda c: translate_spark(c, accent_table()),
        extension=True,
    ),
)
