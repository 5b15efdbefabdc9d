"""Importers for external benchmark data sets (see docs/external-data.md).

* ``park2021``: Park, Pan, Joo (2021) directed entity-to-entity sentiment, TSV.
* ``newsmtsc``: NewsMTSC (Hamborg & Donnay 2021) target-dependent sentiment, JSONL.
* ``semeval2025``: SemEval-2025 Task 10 subtask 1 entity framing, folder of raw documents + TSV
  (read and write).

``read_*`` return articles (the registered readers of `actorstance.corpus.formats`): lines they
refuse are logged as warnings with file and line, or raised as `CorpusError` with ``strict=True``.
``import_*`` return an `ImportResult` with the articles, every refused line as a `CorpusIssue`
and a summary of counts.
"""

from ._common import ImportResult, trim_span
from .newsmtsc import NEWSMTSC_POLARITY, import_newsmtsc, read_newsmtsc
from .park2021 import PARK2021_EDGES, import_park2021, read_park2021
from .semeval2025 import import_semeval2025, read_semeval2025, write_semeval2025

__all__ = [
    "ImportResult",
    "NEWSMTSC_POLARITY",
    "PARK2021_EDGES",
    "import_newsmtsc",
    "import_park2021",
    "import_semeval2025",
    "read_newsmtsc",
    "read_park2021",
    "read_semeval2025",
    "trim_span",
    "write_semeval2025",
]
