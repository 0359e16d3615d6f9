"""Natural-language text: TOKENIZATION.

Both engines run the same Python code (the stemmers of the ``nltk`` package and the English
list of the ``stop-words`` package): pandas on the distinct values of a column, Spark through
a vectorised pandas UDF, so a recipe gives the same tokens on either.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd
import pyarrow as pa

from workbench.core.families import Derive
from workbench.core.lazy import F
from workbench.core.params import Text, TextColumn, TextList, enum_param
from workbench.core.registry import Category, Example
from workbench.core.types import LType
from workbench.engines.pandas.arrow import arr, wrap

if TYPE_CHECKING:
    from pyspark.sql import Column as SparkColumn


class Switch(str, Enum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class StemmingMode(str, Enum):
    PORTER = "PORTER"
    LANCASTER = "LANCASTER"


class StopWordRemovalMode(str, Enum):
    DEFAULT = "DEFAULT"
    CUSTOM = "CUSTOM"


_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
"""A word: letters, digits and marks, with apostrophes inside it (don't, o'brien)."""

_CONTRACTIONS = (
    (re.compile(r"\bwon't\b"), "will not"),
    (re.compile(r"\bcan't\b"), "can not"),
    (re.compile(r"\bshan't\b"), "shall not"),
    (re.compile(r"\blet's\b"), "let us"),
    (re.compile(r"n't\b"), " not"),
    (re.compile(r"'re\b"), " are"),
    (re.compile(r"'m\b"), " am"),
    (re.compile(r"'ll\b"), " will"),
    (re.compile(r"'ve\b"), " have"),
    (re.compile(r"'d\b"), " would"),
)
"""English contractions, longest first; ``'s`` is left alone (it may be a possessive)."""


@cache
def _default_stop_words() -> frozenset[str]:
    from stop_words import get_stop_words

    return frozenset(get_stop_words("english"))


@cache
def _stemmer(mode: str | None) -> Any:
    if mode is None:
        return None
    from nltk.stem import LancasterStemmer, PorterStemmer

    return PorterStemmer() if mode == StemmingMode.PORTER.value else LancasterStemmer()


def tokenize(
    texts: list[Any],
    delimiter: str,
    contractions: bool,
    stem: str | None,
    stops: str | None,
    custom: list[str],
) -> list[Any]:
    """Each text as its lower-case tokens joined by ``delimiter``; null stays null.

    Stemming and contraction rules are inherently per word, so this runs once per distinct
    text rather than once per row.
    """
    stemmer = _stemmer(stem)
    removed: frozenset[str] = frozenset()
    if stops == StopWordRemovalMode.DEFAULT.value:
        removed = _default_stop_words()
    elif stops == StopWordRemovalMode.CUSTOM.value:
        removed = frozenset(w.lower() for w in custom)
    done: dict[str, str] = {}
    out: list[Any] = []
    for text in texts:
        if not isinstance(text, str):
            out.append(None)
            continue
        if text not in done:
            lowered = text.lower().replace("\u2019", "'")
            if contractions:
                for pattern, expanded in _CONTRACTIONS:
                    lowered = pattern.sub(expanded, lowered)
            words = [w for w in _TOKEN.findall(lowered) if w not in removed]
            if stemmer is not None:
                words = [stemmer.stem(w) for w in words]
            done[text] = delimiter.join(words)
        out.append(done[text])
    return out


def _spark_tokenize(settings: tuple[Any, ...]) -> Any:
    """The pandas UDF body Spark runs on its executors."""

    def run(texts: pd.Series) -> pd.Series:
        return pd.Series(tokenize(texts.tolist(), *settings), dtype=object)

    return run


class Tokenization(Derive):
    """Split text into lower-case word tokens, with optional contractions, stop words and stemming.

    A token is a run of letters and digits, with apostrophes inside it (``don't``); spaces and
    punctuation separate tokens and are dropped. The tokens are written lower-case to
    ``targetColumn``, joined by ``delimiter`` (a space by default); text without a word gives
    "", null stays null. ``expandContractions`` ENABLED first rewrites English contractions
    (``won't`` → will not, ``n't`` → not, ``'re`` → are, ``'m`` → am, ``'ll`` → will,
    ``'ve`` → have, ``'d`` → would, ``let's`` → let us). ``stopWordRemovalMode`` DEFAULT drops the
    English list of the ``stop-words`` package, CUSTOM drops ``customStopWords`` (any case);
    left out, nothing is dropped. ``stemmingMode`` PORTER or LANCASTER reduces each remaining
    token with that stemmer of ``nltk``; left out, tokens are kept whole.
    """

    operation = "TOKENIZATION"
    category = Category.TEXT
    source_column: TextColumn
    delimiter: Text = " "
    expand_contractions: enum_param(Switch) = Switch.DISABLED  # type: ignore[valid-type]
    stemming_mode: enum_param(StemmingMode) | None = None  # type: ignore[valid-type]
    stop_word_removal_mode: enum_param(StopWordRemovalMode) | None = None  # type: ignore[valid-type]
    custom_stop_words: TextList = []
    examples: ClassVar = (
        Example(
            title="tokens only",
            given={"review": ["The cats' toys, in Zoë's house!", "Don't STOP", "  ...  ", "", None]},
            params={"sourceColumn": "review", "targetColumn": "tokens"},
            expect={
                "review": ["The cats' toys, in Zoë's house!", "Don't STOP", "  ...  ", "", None],
                "tokens": ["the cats toys in zoë's house", "don't stop", "", "", None],
            },
        ),
        Example(
            title="contractions expanded, default stop words removed, Porter stems, another delimiter",
            given={"t": ["They won't be running quickly", "I\u2019m connected to 2 networks", None]},
            params={
                "sourceColumn": "t",
                "targetColumn": "tok",
                "delimiter": "|",
                "expandContractions": "ENABLED",
                "stopWordRemovalMode": "DEFAULT",
                "stemmingMode": "PORTER",
            },
            expect={
                "t": ["They won't be running quickly", "I\u2019m connected to 2 networks", None],
                "tok": ["run", "connect|2|network", None],
            },
        ),
        Example(
            title="custom stop words and the Lancaster stemmer",
            given={"t": ["Maximum generosity, maximum FUN", "fun"]},
            params={
                "sourceColumn": "t",
                "targetColumn": "tok",
                "stopWordRemovalMode": "CUSTOM",
                "customStopWords": '["Fun"]',
                "stemmingMode": "LANCASTER",
            },
            expect={"t": ["Maximum generosity, maximum FUN", "fun"], "tok": ["maxim generos maxim", ""]},
        ),
    )

    def result_type(self, source: LType) -> LType:
        return LType.STRING

    def _settings(self) -> tuple[Any, ...]:
        return (
            self.delimiter,
            self.expand_contractions == Switch.ENABLED,
            None if self.stemming_mode is None else self.stemming_mode.value,
            None if self.stop_word_removal_mode is None else self.stop_word_removal_mode.value,
            list(self.custom_stop_words),
        )

    def pandas_map(self, s: pd.Series) -> pd.Series:
        tokens = tokenize(arr(s).to_pylist(), *self._settings())
        return wrap(pa.array(tokens, pa.large_string()), s)

    def spark_map(self, c: SparkColumn) -> SparkColumn:
        udf = F.pandas_udf(_spark_tokenize(self._settings()), "string")
        return udf(c)
