"""Bounds on the work one article or one request may cause, written once for the CLI, the server
and the Python API (each refuses past them with a message naming the limit)."""

from __future__ import annotations

__all__ = ["MAX_TEXT_CHARS"]

MAX_TEXT_CHARS = 100_000
"""Longest article text predicted, in characters (about 15,000 words; a long report, not a book)."""
