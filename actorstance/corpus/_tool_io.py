"""Reading and writing tool exports: input files, JSON, records to articles with every issue
collected, the labels a tool's configuration declares."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..labels import LabelSchema
from ..schema import Article
from ._tool_records import ToolDocument, Where
from .jsonl import read_utf8
from .validation import CorpusError, CorpusIssue, check_unique_ids

__all__ = ["tool_labels", "input_files", "read_export", "load_json", "split_meta", "raise_if"]


def tool_labels(articles: Sequence[Article], labels: LabelSchema | None = None) -> tuple[list[str], list[str]]:
    """Roles and stance labels to declare in a tool's configuration.

    The given schema, else the default one when the articles use nothing outside it, else the labels
    the articles use (sorted).
    """
    if labels is not None:
        return list(labels.roles), list(labels.stances)
    used = LabelSchema.from_articles(articles)
    used_roles = set(used.roles) | {role for a in articles for actor in a.actors for role in actor.other_roles or []}
    default = LabelSchema.default()
    if used_roles <= set(default.roles) and set(used.stances) <= set(default.stances):
        return list(default.roles), list(default.stances)
    return sorted(used_roles), sorted(used.stances)


def input_files(path: Path, suffixes: Iterable[str]) -> list[Path]:
    """``path`` itself, or the files under the folder ``path`` ending in one of ``suffixes``."""
    if path.is_dir():
        suffixes = tuple(suffixes)
        return sorted(file for file in path.rglob("*") if file.is_file() and file.name.endswith(suffixes))
    return [path]


RecordSource = Callable[[Path], Iterator["CorpusIssue | tuple[int | None, int, Any]"]]
"""A file's records as ``(line or None, position, record)``, or an issue where one cannot be read."""
RecordReader = Callable[[Path, int, Any], tuple["Article | None", list[CorpusIssue]]]


def read_export(path: Path, suffixes: Iterable[str], records: RecordSource, read_record: RecordReader) -> list[Article]:
    """The articles of a tool export: each record of each input file through ``read_record``; every
    issue of every file (and ids used twice) raised together in one `CorpusError`."""
    articles, issues, located = [], [], []
    for file in input_files(Path(path), suffixes):
        for item in records(file):
            if isinstance(item, CorpusIssue):
                issues.append(item)
                continue
            line, position, record = item
            article, record_issues = read_record(file, position, record)
            issues.extend(record_issues)
            if article:
                articles.append(article)
                located.append((str(file), line, article))
    issues.extend(check_unique_ids(located))
    raise_if(issues)
    return articles


def load_json(path: Path) -> tuple[Any, CorpusIssue | None]:
    text, issue = read_utf8(path)
    if issue:
        return None, issue
    try:
        return json.loads(text), None  # type: ignore[arg-type]
    except json.JSONDecodeError as error:
        return None, CorpusIssue(
            str(path), error.lineno, None, "json", f"invalid JSON: {error.msg} at column {error.colno}"
        )


def split_meta(record: dict[str, Any], known: Iterable[str], doc: ToolDocument) -> None:
    """``meta`` and ``split`` from a tool record: its ``meta`` object plus every key nobody else reads."""
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        doc.problem(Where("meta", doc.where.line), f"expected a JSON object, got {type(meta).__name__}")
        meta = {}
    meta = dict(meta)
    for key, value in record.items():
        if key in known or key in ("meta", "split"):
            continue
        if key in meta and meta[key] != value:
            doc.problem(Where(key, doc.where.line), f"{key!r} is given both at the top level and in meta")
        meta[key] = value
    doc.meta = meta
    doc.split = record.get("split")


def raise_if(issues: list[CorpusIssue]) -> None:
    if issues:
        raise CorpusError(issues)
