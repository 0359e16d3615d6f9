"""DataBrew's version numbers and the refs that name a version (``NAME@1.0``, ``@prod``, ``@sha256:…``).

DataBrew numbers a recipe's first draft 0.1; publishing it makes 1.0 and the next draft 1.1;
publishing again makes 2.0. A version is ``X.Y`` with each part up to six digits, ``0.0`` invalid.
"""

from __future__ import annotations

import dataclasses
import re

from workbench.library.errors import InvalidNameError
from workbench.library.layout import RESERVED_ALIASES, check_alias, check_name

LATEST_PUBLISHED = "LATEST_PUBLISHED"
LATEST_WORKING = "LATEST_WORKING"
DIGEST_PREFIX = "sha256:"
MIN_DIGEST_CHARS = 12

_VERSION = re.compile(r"^(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{12,64}$")


def parse_version(text: str) -> tuple[int, int]:
    """``"1.0"`` -> ``(1, 0)``; refuses what DataBrew would refuse."""
    found = _VERSION.match(text)
    if not found or text == "0.0":
        raise InvalidNameError(f"{text!r} is not a version: DataBrew's X.Y, e.g. 1.0 (0.0 is not one)")
    return int(found.group(1)), int(found.group(2))


def is_version(text: str) -> bool:
    return bool(_VERSION.match(text)) and text != "0.0"


def version_key(text: str) -> tuple[int, int]:
    return parse_version(text)


def next_published(published: list[str]) -> str:
    """The number the next publish takes: one major above the highest published (1.0 first)."""
    majors = [parse_version(v)[0] for v in published]
    return f"{max(majors, default=0) + 1}.0"


def draft_version(published: list[str]) -> str:
    """The draft's number: 0.1 before any publish, then one minor above the latest major (1.1)."""
    majors = [parse_version(v)[0] for v in published]
    return f"{max(majors, default=0)}.1"


@dataclasses.dataclass(frozen=True)
class Ref:
    """A parsed ``NAME[@REF]``: REF is a version, an alias, a digest or LATEST_*."""

    name: str
    ref: str = LATEST_PUBLISHED

    @property
    def kind(self) -> str:
        if self.ref == LATEST_PUBLISHED:
            return "latest"
        if self.ref == LATEST_WORKING:
            return "draft"
        if self.ref.startswith(DIGEST_PREFIX):
            return "digest"
        return "version" if is_version(self.ref) else "alias"

    def __str__(self) -> str:
        return f"{self.name}@{self.ref}"


def parse_ref(text: str) -> Ref:
    """Read ``NAME``, ``NAME@1.0``, ``NAME@prod``, ``NAME@sha256:<12 to 64 hex digits>``."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidNameError("a recipe ref is NAME or NAME@REF (a version, an alias or sha256:…)")
    name, sep, ref = text.strip().partition("@")
    check_name(name)
    if not sep:
        return Ref(name)
    if not ref:
        raise InvalidNameError(f"{text!r}: after '@' comes a version (1.0), an alias or sha256:…")
    if ref.startswith(DIGEST_PREFIX):
        if not _DIGEST.match(ref):
            raise InvalidNameError(
                f"{text!r}: a digest ref is sha256: and {MIN_DIGEST_CHARS} to 64 lowercase hex digits"
            )
        return Ref(name, ref)
    if ref in RESERVED_ALIASES or is_version(ref):
        return Ref(name, ref)
    if re.match(r"^[0-9.]+$", ref):
        parse_version(ref)  # raises with DataBrew's rule
    check_alias(ref)
    return Ref(name, ref)
