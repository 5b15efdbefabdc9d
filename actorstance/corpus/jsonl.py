"""Native JSONL corpora: one article a line, UTF-8. Reading checks everything and loses nothing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

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
    "jsonl_lines",
    "jsonl_records",
    "parse_jsonl_text",
    "read_bytes",
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


def jsonl_lines(data: str | bytes) -> Iterator[tuple[int, str | None, str | None]]:
    """``(line number, line, problem)`` for every non-blank line of JSONL; a record ends at ``\n`` only.

    Records may hold U+0085, U+2028 and U+2029 unescaped (our writers use ``ensure_ascii=False``),
    and ``str.splitlines`` would cut a record there. Bytes are decoded line by line, so a line that
    is not UTF-8 is one problem (``line`` is None) and the lines after it are still read.
    """
    newline = b"\n" if isinstance(data, bytes) else "\n"
    for number, line in enumerate(data.split(newline), start=1):  # type: ignore[arg-type]
        if isinstance(line, bytes):
            try:
                line = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                yield number, None, f"not valid UTF-8: byte 0x{line[error.start]:02x} at column {error.start + 1}"
                continue
        if line.strip(" \t\r"):
            yield number, line, None


def jsonl_records(data: str | bytes, path: str) -> Iterator[tuple[int, Any] | CorpusIssue]:
    """``(line number, parsed JSON)`` for each record of JSONL ``data``, or a located issue for a bad line."""
    for number, line, problem in jsonl_lines(data):
        if problem:
            yield CorpusIssue(path, number, None, "encoding", problem)
            continue
        try:
            yield number, json.loads(line)  # type: ignore[arg-type]
        except json.JSONDecodeError as error:
            yield CorpusIssue(path, number, None, "json", f"invalid JSON: {error.msg} at column {error.colno}")


def parse_jsonl_text(
    data: str | bytes, path: str, labels: LabelSchema | None
) -> tuple[list[tuple[int, Article]], list[CorpusIssue]]:
    """Parse JSONL ``data`` (and check it against ``labels`` if given); ``(line, article)`` pairs and all issues.

    A file without a single record is an issue too: an empty corpus is almost always a mistake
    (a wrong path, an export that failed) and "OK: 0 articles" would hide it.
    """
    located: list[tuple[int, Article]] = []
    issues: list[CorpusIssue] = []
    for item in jsonl_records(data, path):
        if isinstance(item, CorpusIssue):
            issues.append(item)
            continue
        line_number, record = item
        if not isinstance(record, dict):
            issues.append(CorpusIssue(path, line_number, None, "article", f"expected a JSON object, got {type(record).__name__}"))
            continue
        article_id = str(record["id"]) if "id" in record else None
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
    if not located and not issues:
        issues.append(CorpusIssue(path, None, None, "file", "no articles: the file is empty or holds only blank lines"))
    return located, issues


def read_bytes(path: Path) -> tuple[bytes | None, CorpusIssue | None]:
    """The file's bytes, or an issue naming the file when it cannot be read."""
    try:
        return path.read_bytes(), None
    except OSError as error:
        return None, CorpusIssue(str(path), None, None, "file", f"cannot read: {error.strerror or error}")


def read_utf8(path: Path) -> tuple[str | None, CorpusIssue | None]:
    """The file's text exactly as stored (no newline translation), or an issue saying why not."""
    raw, problem = read_bytes(path)
    if raw is None:
        return None, problem
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, CorpusIssue(
            str(path), line, None, "encoding", f"not valid UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start}"
        )


def _parse_files(
    files: Sequence[Path], labels: LabelSchema | None
) -> tuple[list[tuple[str, int, Article]], list[CorpusIssue]]:
    """Every article of ``files`` with its file and line, and every issue (a bad line never hides the others)."""
    located_all: list[tuple[str, int, Article]] = []
    issues: list[CorpusIssue] = []
    for path in files:
        raw, problem = read_bytes(path)
        if raw is None:
            issues.append(problem)  # type: ignore[arg-type]
            continue
        located, file_issues = parse_jsonl_text(raw, str(path), labels)
        issues.extend(file_issues)
        located_all.extend((str(path), line, article) for line, article in located)
    return located_all, issues


def check_corpus(
    paths: Sequence[str | Path], labels: LabelSchema | None = None
) -> tuple[list[Article], list[CorpusIssue]]:
    """Read every article under ``paths`` and check it; returns the valid articles and all issues."""
    labels = labels or LabelSchema.default()
    files = corpus_files(paths)
    located, issues = _parse_files(files, labels)
    if not files:
        issues.append(CorpusIssue(", ".join(map(str, paths)) or "<none>", None, None, "path", "no JSONL files found"))
    issues.extend(check_unique_ids(located))
    return [article for _, _, article in located], issues


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
    located, issues = _parse_files(corpus_files([path]), labels=None)
    if issues:
        raise CorpusError(issues)
    return [article for _, _, article in located]
