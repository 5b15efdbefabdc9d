"""Bounds on the work one article or one request may cause: the one place for every limit.

The server's `ServeLimits` and the ``actorstance serve`` options default from here, and so do the
CLI and the Python API where they check sizes. Each limit is refused with a message naming the
limit and the value that came (413 or 422 from the server, an error from the CLI). The numbers
behind the defaults are in benchmarks/README.md ("Serving under load" and "Memory by text length").
"""

from __future__ import annotations

__all__ = [
    "MAX_TEXT_CHARS",
    "MAX_BODY_BYTES",
    "MAX_BATCH_SIZE",
    "BATCH_SIZE",
    "MAX_STANCE_CANDIDATES_PER_ARTICLE",
    "WAIT_SECONDS",
    "PREDICT_SECONDS",
    "MAX_WAITING_REQUESTS",
    "LimitExceeded",
    "check_limit",
]

MAX_TEXT_CHARS = 100_000
"""Longest article text predicted, in characters (about 15,000 words; a long report, not a book)."""

MAX_BODY_BYTES = 1_000_000
"""Largest HTTP request body the server reads (room for ten texts at the text limit)."""

MAX_BATCH_SIZE = 32
"""Most texts in one HTTP request."""

BATCH_SIZE = 32
"""Texts the model runs at once when serving."""

MAX_STANCE_CANDIDATES_PER_ARTICLE = 20_000
"""Most stance contexts (actor pair x sentence window) classified for one article: the count that
grows with the square of the actors, so a list-like text with hundreds of names cannot run for hours."""

WAIT_SECONDS = 60.0
"""Longest a server request waits for the model; one that cannot start within it is refused (503)."""

PREDICT_SECONDS = 60.0
"""Longest one server request may predict; past it the prediction is cancelled (504) and the model
serves the next request. Separate from the wait, so a request that started gets its whole budget
and no work is thrown away because of time spent in the queue."""

MAX_WAITING_REQUESTS = 16
"""Requests the server lets wait behind the one being predicted; more are refused at once (503)."""


class LimitExceeded(ValueError):
    """Work over one of these limits; the message names the limit, the value and the article."""


def check_limit(what: str, value: int, limit: int, where: str = "") -> None:
    """Raise `LimitExceeded` when ``value`` is over ``limit`` ("<where>: 812 windows, over the limit of 800")."""
    if value > limit:
        raise LimitExceeded(f"{where + ': ' if where else ''}{value:,} {what}, over the limit of {limit:,}")
