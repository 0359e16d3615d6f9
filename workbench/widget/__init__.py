"""The notebook workbench: a recipe built on a sample of the data, step by step, with undo.

``Session`` is the kernel side every UI action goes through; ``SampleSpec`` says which rows of
the source the session works on.
"""

from workbench.widget.sample import SampleSpec
from workbench.widget.session import Session

__all__ = ["SampleSpec", "Session"]
