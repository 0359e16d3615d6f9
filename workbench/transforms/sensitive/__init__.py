"""Sensitive data — hashing, encryption, masking, random replacement and shuffling of columns,
one submodule per section.

Conventions of every transform here (recorded in docs/decisions.md, "Sensitive data"):

- Values are hashed, masked and encrypted in their **text form**: a non-text column is first
  rendered to text by Workbench's casting rules (``workbench/core/casting.py``: integers as
  digits, doubles with up to 6 decimals, dates ``yyyy-MM-dd``, timestamps
  ``yyyy-MM-dd HH:mm:ss``, booleans ``true``/``false``), and the result is a text column. Text is
  encoded as UTF-8. Array, struct and map columns are refused.
- A null stays null; an empty string is a value (it is hashed, encrypted, masked to "").
- Keys are never in a recipe: ``secretId`` / ``kmsKeyArn`` name a secret that the run binds to
  key bytes (``workbench/core/secrets.py``). A missing secret fails validation.
- Encryption is AES-256-GCM; a value's ciphertext is the base64 text of
  ``12-byte IV || ciphertext || 16-byte tag`` (the layout of Spark's ``aes_encrypt(…, 'GCM')``),
  so values encrypted on one engine decrypt on the other, and with Spark's own
  ``aes_decrypt(unbase64(value), key, 'GCM')``.
- Random values and shuffles are derived from a ``seed`` (a Workbench extension parameter,
  default 0) and each row's position with the splitmix64 integer hash, computed with the same
  64-bit wrapping arithmetic on both engines, so both engines give the same rows.
"""

from workbench.transforms.sensitive import encryption, hashing, masking, pii, randomize  # noqa: F401
