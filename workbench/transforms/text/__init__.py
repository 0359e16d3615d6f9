"""Functions: text — length, case, whitespace, slicing, searching, code points, comparing strings,
and finding and merging near-identical values; one submodule per section.

Conventions of every transform here (they go into docs/semantics.md):

- Lengths and positions count Unicode code points (an emoji is one character) on both engines.
- Positions are 0-based offsets from the left; a range ``startPosition``..``endPosition`` is
  half-open (the character at ``endPosition`` is not included), like Python and Java.
- "Whitespace" is the six ASCII whitespace characters: space, tab, line feed, vertical tab,
  form feed and carriage return. A no-break space (U+00A0) is not whitespace.
- A function of a null input is null.

The helpers other categories share (character classes, slicing, case mapping) live in
``workbench/core/text.py`` and ``workbench/core/case_mapping.py``.
"""

from workbench.transforms.text import (  # noqa: F401
    case,
    clustering,
    code_points,
    compare,
    search,
    slicing,
    whitespace,
)
