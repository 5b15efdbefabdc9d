"""Bounds on the work one article or one request may cause, written once for the CLI, the server
and the Python API (each refuses past them with a message naming the limit)."""

from __future__ import annotations

__all__ = ["MAX_TEXT_CHARS", "MAX_BODY_BYTES", "MAX_BATCH_SIZE", "BATCH_SIZE"]

MAX_TEXT_CHARS = 100_000
"""Longest article text predicted, in characters (about 15,000 words; a long report, not a book)."""

MAX_BODY_BYTES = 1_000_000
"""Largest HTTP request body the server reads (room for ten texts at the text limit)."""

MAX_BATCH_SIZE = 32
"""Most texts in one HTTP request."""

BATCH_SIZE = 32
"""Texts the model runs at once when serving."""
