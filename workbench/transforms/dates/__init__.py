"""Functions: date and time (parts, assembling, arithmetic, formatting, the clock) and the FORMAT_DATE
clean step, one submodule per section.

Shared rules of every transform here (docs/semantics.md):

- Input: a string, date or timestamp column, or a literal ``value``. Timestamps are UTC; a date
  is midnight UTC. Text is parsed with the casting rules of ``workbench/core/casting.py``
  (``yyyy-MM-dd`` or ``yyyy-MM-dd HH:mm:ss``, a ``T`` also separating date and time,
  surrounding white space ignored), plus a time alone (``HH:mm:ss``), which is taken on
  1970-01-01. FORMAT_DATE also reads US month-first dates (``M/d/yyyy`` or ``M-d-yyyy``).
  Text that does not parse, and impossible dates (Feb 30), give null.
- Date format strings (``dateTimeFormat``, ``targetDateFormat``) are read by one tokenizer,
  ``DateFormatSpec``: ``yyyy`` year, ``yy`` two-digit year, ``month``/``MMMM`` English month
  name, ``mon``/``MMM`` its three-letter abbreviation, ``MM``/``mm`` two-digit month or
  minutes, ``dd`` day, ``HH`` hour 00-23, ``hh`` hour 01-12, ``a`` AM/PM, ``SS``/``ss``
  seconds. ``MM`` and ``mm`` (either case) mean the month, except next to a time field: right
  after ``HH``/``hh`` or right before ``SS``/``ss``, directly or across one ``:``, they mean
  minutes. So DataBrew's ``yyyy-mm-dd HH:MM:SS`` and Java's ``yyyy-MM-dd HH:mm:ss`` both work.
  Every other ASCII letter is refused (quote literal text as ``'T'``; ``''`` is a quote);
  anything else is copied as it is.
"""

from workbench.transforms.dates import arithmetic, assemble, clock, formats, parts, zones  # noqa: F401
