"""Reading articles to predict, streaming predictions out, and loading a run with errors that name files.

Used by ``actorstance predict`` (and ``serve`` for loading); plain functions, no CLI in here.

Inputs: plain text files (one article each, UTF-8), JSONL files (one object a line with a
``text`` string and optional ``id`` and ``meta``), or ``-`` for standard input. Every input is read
and checked before the first prediction, so a bad line is reported (with file and line) before
any output is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal


from .corpus.jsonl import jsonl_lines
from .run import RunDirError
from .schema import Article
from .text import text_problem

__all__ = [
    "InputError",
    "InputDoc",
    "OUTPUT_FORMATS",
    "INPUT_FORMATS",
    "read_inputs",
    "load_predictor",
    "predict_stream",
    "write_predictions",
]

OUTPUT_FORMATS = ("json", "jsonl", "html")
INPUT_FORMATS = ("auto", "text", "jsonl")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
STDIN = "-"


class InputError(ValueError):
    """Inputs that cannot be predicted; ``problems`` lists each one as ``"source: what is wrong"``."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class InputDoc:
    id: str
    text: str
    source: str  # "path", "path:line" or "<stdin>"
    meta: dict[str, Any] = field(default_factory=dict)

    def article(self) -> Article:
        return Article(id=self.id, text=self.text, meta=self.meta)


def _read_text(path: Path | None, label: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if path is None else path.read_bytes()
    except OSError as error:
        raise InputError([f"{label}: cannot read ({error.strerror or error})"]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError([f"{label}: not UTF-8 text (byte {error.start}: {error.reason})"]) from None


def _jsonl_docs(content: str, label: str, default_id: str) -> tuple[list[InputDoc], list[str]]:
    docs, problems = [], []
    for number, line, _ in jsonl_lines(content):  # records end at "\n" only, as the corpus reader reads them
        where = f"{label}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: invalid JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(record, dict):
            problems.append(f"{where}: expected a JSON object with a 'text' field, got {type(record).__name__}")
            continue
        if "text" not in record:
            problems.append(f"{where}: missing field 'text'")
            continue
        problem = text_problem(record["text"])
        if problem:
            problems.append(f"{where}: field 'text': {problem}")
            continue
        identifier = record.get("id", f"{default_id}-{number}")
        if isinstance(identifier, bool) or not isinstance(identifier, (str, int)):
            problems.append(f"{where}: field 'id' must be a string or an integer, got {type(identifier).__name__}")
            continue
        meta = record.get("meta") or {}
        if not isinstance(meta, dict):
            problems.append(f"{where}: field 'meta' must be an object, got {type(meta).__name__}")
            continue
        docs.append(InputDoc(str(identifier), record["text"], where, meta))
    return docs, problems


def read_inputs(paths: Sequence[str | Path], input_format: Literal["auto", "text", "jsonl"] = "auto") -> list[InputDoc]:
    """All articles of ``paths`` (``-`` = standard input), in order; raises `InputError` listing every problem.

    ``auto`` reads ``*.jsonl`` / ``*.ndjson`` files as JSONL and everything else (standard input
    included) as one plain-text article; ``text`` or ``jsonl`` force one reading for all inputs.
    """
    if input_format not in INPUT_FORMATS:
        raise InputError([f"--input-format: {input_format!r} is not one of {', '.join(INPUT_FORMATS)}"])
    paths = list(paths) or [STDIN]
    docs: list[InputDoc] = []
    problems: list[str] = []
    for raw in paths:
        path = None if str(raw) == STDIN else Path(raw)
        label = "<stdin>" if path is None else str(path)
        if path is not None and path.is_dir():
            problems.append(f"{label}: is a folder; pass the files in it (e.g. {label}/*.txt)")
            continue
        try:
            content = _read_text(path, label)
        except InputError as error:
            problems.extend(error.problems)
            continue
        as_jsonl = input_format == "jsonl" or (input_format == "auto" and path is not None and path.suffix.lower() in JSONL_SUFFIXES)
        stem = "stdin" if path is None else path.stem
        if as_jsonl:
            found, issues = _jsonl_docs(content, label, stem)
            docs.extend(found)
            problems.extend(issues)
        else:
            problem = text_problem(content)
            if problem:
                problems.append(f"{label}: {problem}")
            else:
                docs.append(InputDoc(stem, content, label))
    problems.extend(_dedupe_ids(docs))
    if problems:
        raise InputError(problems)
    return docs


def _dedupe_ids(docs: list[InputDoc]) -> list[str]:
    """Text files with the same name get ``-2``, ``-3`` suffixes; a JSONL id given twice is an error."""
    problems, seen = [], {}
    for doc in docs:
        if doc.id in seen:
            if ":" in doc.source:  # an id written in a JSONL file
                problems.append(f"{doc.source}: duplicate id {doc.id!r} (first at {seen[doc.id]})")
                continue
            base, suffix = doc.id, 2
            while f"{base}-{suffix}" in seen:
                suffix += 1
            doc.id = f"{base}-{suffix}"
        seen[doc.id] = doc.source
    return problems


def load_predictor(run_dir: str | Path, device: str | None = None, backend: str = "torch"):
    """`Predictor.from_pretrained` whose every failure is a `RunDirError` or `BackendError` naming the problem."""
    from .backends import BackendError
    from .predictor import Predictor

    try:
        return Predictor.from_pretrained(run_dir, device=device, backend=backend)
    except (RunDirError, BackendError):
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise RunDirError(f"{run_dir}: cannot load the run ({type(error).__name__}: {_one_line(error)})") from None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def _batches(docs: Sequence[InputDoc], size: int) -> Iterator[list[InputDoc]]:
    for begin in range(0, len(docs), size):
        yield list(docs[begin : begin + size])


def predict_stream(
    predictor, docs: Sequence[InputDoc], batch_size: int = 32, on_batch: Callable[[int], None] | None = None
) -> Iterator[Article]:
    """Predictions in input order, ``batch_size`` articles at a time (the first ones come before the last are read)."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    for batch in _batches(docs, batch_size):
        results = predictor.predict_articles([doc.article() for doc in batch], batch_size=batch_size)
        if on_batch is not None:
            on_batch(len(batch))
        yield from results


def write_predictions(
    articles: Iterable[Article],
    stream: IO[str],
    output_format: Literal["json", "jsonl", "html"] = "jsonl",
    labels=None,
    title: str = "actorstance predictions",
) -> int:
    """Write predictions as JSONL (one line per article, flushed as it comes), a JSON array, or one HTML page."""
    count = 0
    if output_format == "jsonl":
        for article in articles:
            stream.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
            stream.flush()
            count += 1
    elif output_format == "json":
        stream.write("[")
        for article in articles:
            stream.write(("\n" if count == 0 else ",\n") + json.dumps(article.to_dict(), ensure_ascii=False))
            stream.flush()
            count += 1
        stream.write("\n]\n" if count else "]\n")
    elif output_format == "html":
        from .html import render_html

        collected = list(articles)
        stream.write(render_html(collected, labels=labels, title=title))
        count = len(collected)
    else:
        raise ValueError(f"output format {output_format!r}: expected one of {', '.join(OUTPUT_FORMATS)}")
    stream.flush()
    return count
