"""Native JSONL corpora: one article a line, UTF-8. Reading checks everything and loses nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from ..atomic import atomic_write_text
from ..labels import LabelSchema
from ..schema import Article
from .validation import CorpusError, CorpusIssue, check_article, check_unique_ids

__all__ = [
    "corpus_files",
    "check_corpus",
    "load_corpus",
    "dump_jsonl",
    "write_corpus",
    "parse_jsonl_text",
    "read_utf8",
]


def corpus_files(paths: Sequence[str | Path]) -> list[Path]:
    """The JSONL files named by ``paths``: files as given, folders searched recursively for ``*.jsonl``."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(path.rglob("*.jsonl")))
        else:
            files.append(path)
    return files


def _field_name(location: tuple) -> str:
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "article"


def parse_jsonl_text(
    text: str, path: str, labels: LabelSchema | None
) -> tuple[list[tuple[int, Article]], list[CorpusIssue]]:
    """Parse JSONL ``text`` (and check it against ``labels`` if given); ``(line, article)`` pairs and all issues."""
    located: list[tuple[int, Article]] = []
    issues: list[CorpusIssue] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            issues.append(CorpusIssue(path, line_number, None, "json", f"invalid JSON: {error.msg} at column {error.colno}"))
            continue
        article_id = str(record.get("id")) if isinstance(record, dict) and "id" in record else None
        if not isinstance(record, dict):
            issues.append(CorpusIssue(path, line_number, None, "article", f"expected a JSON object, got {type(record).__name__}"))
            continue
        try:
            article = Article.model_validate(record)
        except ValidationError as error:
            for detail in error.errors():
                message = "missing" if detail["type"] == "missing" else detail["msg"]
                issues.append(CorpusIssue(path, line_number, article_id, _field_name(detail["loc"]), message))
            continue
        if labels is not None:
            issues.extend(
                CorpusIssue(path, line_number, article.id, field, message)
                for field, message in check_article(article, labels)
            )
        located.append((line_number, article))
    return located, issues


def read_utf8(path: Path) -> tuple[str | None, CorpusIssue | None]:
    """The file's text exactly as stored (no newline translation), or an issue saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, CorpusIssue(str(path), None, None, "file", f"cannot read: {error.strerror or error}")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, CorpusIssue(
            str(path), line, None, "encoding", f"not valid UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start}"
        )


def check_corpus(
    paths: Sequence[str | Path], labels: LabelSchema | None = None
) -> tuple[list[Article], list[CorpusIssue]]:
    """Read every article under ``paths`` and check it; returns the valid articles and all issues."""
    labels = labels or LabelSchema.default()
    articles: list[Article] = []
    issues: list[CorpusIssue] = []
    located_all: list[tuple[str, int | None, Article]] = []
    files = corpus_files(paths)
    if not files:
        issues.append(CorpusIssue(", ".join(map(str, paths)) or "<none>", None, None, "path", "no JSONL files found"))
    for path in files:
        text, problem = read_utf8(path)
        if problem:
            issues.append(problem)
            continue
        located, file_issues = parse_jsonl_text(text, str(path), labels)
        issues.extend(file_issues)
        located_all.extend((str(path), line, article) for line, article in located)
        articles.extend(article for _, article in located)
    issues.extend(check_unique_ids(located_all))
    return articles, issues


def load_corpus(paths: str | Path | Sequence[str | Path], labels: LabelSchema | None = None) -> list[Article]:
    """All articles under ``paths``; raises `CorpusError` listing every issue if any check fails."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    articles, issues = check_corpus(paths, labels)
    if issues:
        raise CorpusError(issues)
    return articles


def dump_jsonl(articles: Iterable[Article]) -> str:
    return "".join(json.dumps(article.to_dict(), ensure_ascii=False) + "\n" for article in articles)


def write_corpus(articles: Iterable[Article], path: str | Path) -> Path:
    """Write a JSONL corpus atomically."""
    return atomic_write_text(path, dump_jsonl(articles))


def read_jsonl_unchecked(path: Path) -> list[Article]:
    """Articles of a JSONL file or folder that parse; label checks are left to the caller's schema."""
    articles, issues = [], []
    for file in corpus_files([path]):
        text, problem = read_utf8(file)
        if problem:
            issues.append(problem)
            continue
        located, file_issues = parse_jsonl_text(text, str(file), labels=None)
        articles.extend(article for _, article in located)
        issues.extend(file_issues)
    if issues:
        raise CorpusError(issues)
    return articles
