"""What the three importers share: the import result, span trimming, reporting, file reading."""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ...schema import Article
from ..jsonl import read_utf8
from ..validation import CorpusError, CorpusIssue

__all__ = ["ImportResult", "trim_span", "is_edge_char", "split_of", "read_utf8", "import_lines", "finish", "logger"]

logger = logging.getLogger("actorstance.corpus.external")

_FATAL_FIELDS = {"file", "encoding", "path"}
_SPLIT_OF_STEM = {"train": "train", "valid": "validation", "validation": "validation", "dev": "validation", "test": "test"}


@dataclass
class ImportResult:
    """Articles imported from an external data set, with everything refused or changed on the way.

    ``issues`` names every line (or target) that was not imported, located by file and line;
    ``summary`` counts what happened (lines read, refused per reason, spans trimmed, labels ...).
    """

    articles: list[Article] = field(default_factory=list)
    issues: list[CorpusIssue] = field(default_factory=list)
    summary: Counter = field(default_factory=Counter)
    notes: dict[str, Any] = field(default_factory=dict)

    def refuse(self, issue: CorpusIssue, reason: str) -> None:
        self.issues.append(issue)
        self.summary[f"refused: {reason}"] += 1


def is_edge_char(char: str) -> bool:
    """A character a span may not start or end on: whitespace or Unicode punctuation (category P*)."""
    return char.isspace() or unicodedata.category(char).startswith("P")


def trim_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without leading/trailing whitespace and punctuation; ``None`` if nothing is left.

    A final ``.`` right after a letter or digit stays (``U.S.``, ``Jr.``, ``Corp.``), as the
    corpus validator allows; a span with no letter or digit at all is no mention (``None``).
    """
    while start < end and is_edge_char(text[start]):
        start += 1
    while start < end and is_edge_char(text[end - 1]):
        if text[end - 1] == "." and end - 1 > start and text[end - 2].isalnum():
            break
        end -= 1
    if not any(char.isalnum() for char in text[start:end]):
        return None
    return start, end


def split_of(stem: str) -> str | None:
    """The split a data set's file name pins: ``train`` -> train, ``valid``/``dev*`` -> validation."""
    stem = stem.lower()
    if stem in _SPLIT_OF_STEM:
        return _SPLIT_OF_STEM[stem]
    if stem.startswith("dev"):
        return "validation"
    return None


LineParser = Callable[[str, str, Path, int, ImportResult], Article | None]
"""``(line, article_id, file, line_number, result) -> Article``, or None after ``result.refuse(...)``."""


def import_lines(path: str | Path, suffixes: Sequence[str], dataset: str, parse: LineParser) -> ImportResult:
    """Every non-blank line of a file (or of each file in a folder with one of ``suffixes``) through
    ``parse``; article ids are ``<dataset>-<file stem>-<line number>``, so a refusal names its line."""
    path = Path(path)
    result = ImportResult()
    files = sorted(f for f in path.iterdir() if f.suffix in suffixes and f.is_file()) if path.is_dir() else [path]
    if not files:
        result.issues.append(CorpusIssue(str(path), None, None, "path", f"no {' or '.join(suffixes)} files found"))
    for file in files:
        text, problem = read_utf8(file)
        if problem:
            result.issues.append(problem)
            continue
        for number, line in enumerate(text.split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            result.summary["lines"] += 1
            article = parse(line, f"{dataset}-{file.stem}-{number:06d}", file, number, result)
            if article is not None:
                result.articles.append(article)
    result.summary["articles"] = len(result.articles)
    result.summary["lines refused"] = result.summary["lines"] - len(result.articles)
    return result


def finish(result: ImportResult, dataset: str, strict: bool) -> list[Article]:
    """The articles of ``result``, with every refused item logged; raise where nothing usable came out.

    ``strict`` raises `CorpusError` on any issue. Otherwise each issue is logged as a warning and
    the import goes on, unless a file could not be read or no article at all came out (wrong format).
    """
    fatal = any(issue.field in _FATAL_FIELDS for issue in result.issues)
    if result.issues and (strict or fatal or not result.articles):
        raise CorpusError(result.issues)
    for issue in result.issues:
        logger.warning("%s: refused: %s", dataset, issue)
    summary = ", ".join(f"{key} {value}" for key, value in sorted(result.summary.items()))
    skipped = any(key.startswith(("refused", "skipped")) for key in result.summary)
    logger.log(logging.WARNING if skipped else logging.INFO, "%s import: %s", dataset, summary)
    return result.articles
