"""PII detection: validated entity types, column classification with name hints, masked examples.

``detect_pii`` classifies the columns of a pandas or Spark DataFrame; ``match_value`` and
``mask_example`` work on single values; ``ENTITIES`` describes every entity type. See docs/pii.md.
"""

from __future__ import annotations

from workbench.pii.advanced import ADVANCED_TYPES, advanced_datatype
from workbench.pii.detect import PiiFinding, detect_pii
from workbench.pii.entities import ENTITIES, Entity, hinted_entities, match_value
from workbench.pii.masking import mask_example

__all__ = [
    "ADVANCED_TYPES",
    "ENTITIES",
    "Entity",
    "PiiFinding",
    "advanced_datatype",
    "detect_pii",
    "hinted_entities",
    "mask_example",
    "match_value",
]
