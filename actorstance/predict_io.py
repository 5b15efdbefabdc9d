"""Reading articles to predict, as a stream, and loading a run with errors that name files.

Used by ``actorstance predict`` (and ``serve`` for loading); plain functions, no CLI in here.

Inputs: plain text files (one article each, UTF-8), JSONL files (one object a line with a
``text`` string and optional ``id`` and ``meta``), Parquet files (the same fields as columns), or
``-`` for standard input. `iter_inputs` reads them one record at a time, so an archive of any size
is read in constant memory; a bad record becomes a `Reject` naming file and line (and keeping the
line itself) instead of stopping the rest.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any, Literal

from .limits import MAX_STANCE_CANDIDATES_PER_ARTICLE, MAX_TEXT_CHARS, LimitExceeded
from .run import RunDirError
from .schema import Article
from .text import text_problem

__all__ = [
    "InputError",
    "InputDoc",
    "Reject",
    "OUTPUT_FORMATS",
    "INPUT_FORMATS",
    "iter_inputs",
    "count_inputs",
    "read_inputs",
    "load_predictor",
    "batched",
    "predict_batches",
    "predict_or_reject",
    "predict_stream",
    "write_predictions",
]

OUTPUT_FORMATS = ("jsonl", "json", "html", "parquet")
TEXT_OUTPUT_FORMATS = ("jsonl", "json", "html")
INPUT_FORMATS = ("auto", "text", "jsonl", "parquet")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")
STDIN = "-"
_PARQUET_ROWS = 256  # rows read from a Parquet file at a time


class InputError(ValueError):
    """Inputs that cannot be predicted; ``problems`` lists each one as ``"source: what is wrong"``."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _where(source: str, line: int | None) -> str:
    """"path:line" for a record of a JSONL or Parquet file, else the file (or "<stdin>")."""
    return source if line is None else f"{source}:{line}"


@dataclass
class InputDoc:
    id: str
    text: str
    source: str  # the file, or "<stdin>"
    meta: dict[str, Any] = field(default_factory=dict)
    line: int | None = None  # 1-based line (JSONL) or row (Parquet); None for a whole file

    @property
    def where(self) -> str:
        return _where(self.source, self.line)

    def article(self) -> Article:
        return Article(id=self.id, text=self.text, meta=self.meta)

    def rejected(self, problem: str) -> Reject:
        """This document as a skipped record, the record kept whole (``raw``) so that nothing is lost."""
        raw = json.dumps({"id": self.id, "text": self.text, "meta": self.meta}, ensure_ascii=False)
        return Reject(self.source, self.line, problem, raw)


@dataclass
class Reject:
    """An input record that was skipped: where it was, why, and the record itself (nothing is lost)."""

    source: str  # the file, or "<stdin>"
    line: int | None  # 1-based line (JSONL) or row (Parquet); None for a whole file
    problem: str
    raw: str | None = None

    def __str__(self) -> str:
        return f"{_where(self.source, self.line)}: {self.problem}"

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "problem": self.problem, "raw": self.raw}


def _length_problem(size: int, max_text_chars: int, unit: str = "characters") -> str | None:
    if size > max_text_chars:
        return (
            f"{size:,} {unit}, over the limit of {max_text_chars:,} characters "
            "(actorstance.limits.MAX_TEXT_CHARS; split the article, or raise --max-text-chars)"
        )
    return None


def _record_doc(record: Any, source: str, line: int, default_id: str, max_text_chars: int) -> InputDoc | str:
    """The article of one JSON object or Parquet row, or what is wrong with it."""
    if not isinstance(record, dict):
        return f"expected a JSON object with a 'text' field, got {type(record).__name__}"
    if record.get("text") is None:
        return "missing field 'text'"
    problem = text_problem(record["text"])
    if problem:
        return f"field 'text': {problem}"
    if problem := _length_problem(len(record["text"]), max_text_chars):
        return f"field 'text': {problem}"
    identifier = record.get("id")
    identifier = default_id if identifier is None else identifier
    if isinstance(identifier, bool) or not isinstance(identifier, (str, int)):
        return f"field 'id' must be a string or an integer, got {type(identifier).__name__}"
    meta = record.get("meta") or {}
    if isinstance(meta, str):  # Parquet stores meta as a JSON string (see actorstance.archive)
        try:
            meta = json.loads(meta)
        except json.JSONDecodeError as error:
            return f"field 'meta': invalid JSON ({error.msg} at column {error.colno})"
    if not isinstance(meta, dict):
        return f"field 'meta' must be an object, got {type(meta).__name__}"
    return InputDoc(str(identifier), record["text"], source, meta, line)


def _jsonl_records(stream: IO[bytes], label: str, stem: str, max_text_chars: int) -> Iterator[InputDoc | Reject]:
    """One record a line, split on b"\\n" only (U+2028 and friends are text, not line ends)."""
    for number, raw_line in enumerate(stream, start=1):
        try:
            line = raw_line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield Reject(label, number, f"not UTF-8 text (byte {error.start}: {error.reason})", raw_line.decode("utf-8", "backslashreplace"))
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield Reject(label, number, f"invalid JSON ({error.msg} at column {error.colno})", line.rstrip("\r\n"))
            continue
        found = _record_doc(record, label, number, f"{stem}-{number}", max_text_chars)
        yield found if isinstance(found, InputDoc) else Reject(label, number, found, line.rstrip("\r\n"))


def _parquet_records(path: Path, label: str, max_text_chars: int) -> Iterator[InputDoc | Reject]:
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ...: all mean "not a Parquet file we can read"
        yield Reject(label, None, f"cannot read as Parquet ({' '.join(str(error).split())})")
        return
    if "text" not in table.schema_arrow.names:
        yield Reject(label, None, "Parquet file has no 'text' column")
        return
    columns = [name for name in ("id", "text", "meta") if name in table.schema_arrow.names]
    number = 0
    for batch in table.iter_batches(batch_size=_PARQUET_ROWS, columns=columns):
        for record in batch.to_pylist():
            number += 1
            found = _record_doc(record, label, number, f"{path.stem}-{number}", max_text_chars)
            yield found if isinstance(found, InputDoc) else Reject(label, number, found, json.dumps(record, ensure_ascii=False, default=str))


def _text_record(path: Path | None, label: str, stem: str, max_text_chars: int) -> InputDoc | Reject:
    try:
        if path is not None and path.stat().st_size > 4 * max_text_chars:  # UTF-8 has at most 4 bytes a character
            return Reject(label, None, _length_problem(path.stat().st_size, max_text_chars, "bytes"))
        raw = sys.stdin.buffer.read() if path is None else path.read_bytes()
    except OSError as error:
        return Reject(label, None, f"cannot read ({error.strerror or error})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Reject(label, None, f"not UTF-8 text (byte {error.start}: {error.reason})")
    problem = text_problem(text) or _length_problem(len(text), max_text_chars)
    return Reject(label, None, problem) if problem else InputDoc(stem, text, label)


def _kind(path: Path | None, input_format: str) -> str:
    if input_format != "auto":
        return input_format
    suffix = "" if path is None else path.suffix.lower()
    return "jsonl" if suffix in JSONL_SUFFIXES else "parquet" if suffix in PARQUET_SUFFIXES else "text"


def _check_format(input_format: str) -> None:
    if input_format not in INPUT_FORMATS:
        raise InputError([f"--input-format: {input_format!r} is not one of {', '.join(INPUT_FORMATS)}"])


def _file_records(raw: str | Path, input_format: str, max_text_chars: int) -> Iterator[InputDoc | Reject]:
    path = None if str(raw) == STDIN else Path(raw)
    label = "<stdin>" if path is None else str(path)
    stem = "stdin" if path is None else path.stem
    kind = _kind(path, input_format)
    if path is not None and path.is_dir():
        yield Reject(label, None, f"is a folder; pass the files in it (e.g. {label}/*.txt)")
    elif kind == "text":
        yield _text_record(path, label, stem, max_text_chars)
    elif kind == "parquet":
        if path is None:
            yield Reject(label, None, "Parquet cannot be read from standard input; pass a file")
        else:
            yield from _parquet_records(path, label, max_text_chars)
    elif path is None:
        yield from _jsonl_records(sys.stdin.buffer, label, stem, max_text_chars)
    else:
        try:
            stream = path.open("rb")
        except OSError as error:
            yield Reject(label, None, f"cannot read ({error.strerror or error})")
            return
        with stream:
            yield from _jsonl_records(stream, label, stem, max_text_chars)


def iter_inputs(
    paths: Sequence[str | Path],
    input_format: Literal["auto", "text", "jsonl", "parquet"] = "auto",
    max_text_chars: int = MAX_TEXT_CHARS,
) -> Iterator[InputDoc | Reject]:
    """Every record of ``paths`` (``-`` = standard input) in order, one at a time: an `InputDoc` or a `Reject`.

    ``auto`` reads ``*.jsonl`` / ``*.ndjson`` as JSONL, ``*.parquet`` as Parquet and everything else
    (standard input included) as one plain-text article. Text files with the same name get ``-2``,
    ``-3`` suffixes; an id given twice in JSONL or Parquet is a `Reject`. A bad ``input_format``
    raises `InputError` at once, before anything is read.
    """
    _check_format(input_format)
    return _records(list(paths) or [STDIN], input_format, max_text_chars)


def _records(paths: list[str | Path], input_format: str, max_text_chars: int) -> Iterator[InputDoc | Reject]:
    seen: dict[str, str] = {}
    for raw in paths:
        for item in _file_records(raw, input_format, max_text_chars):
            if isinstance(item, InputDoc) and item.id in seen:
                if item.line is not None:  # an id written in a JSONL or Parquet record
                    item = item.rejected(f"duplicate id {item.id!r} (first at {seen[item.id]})")
                else:
                    base, suffix = item.id, 2
                    while f"{base}-{suffix}" in seen:
                        suffix += 1
                    item.id = f"{base}-{suffix}"
            if isinstance(item, InputDoc):
                seen[item.id] = item.where
            yield item


def count_inputs(paths: Sequence[str | Path], input_format: str = "auto") -> int | None:
    """How many records ``paths`` hold at most (non-blank JSONL lines are not told apart: every line counts),
    for a progress bar's total; None when standard input is among them."""
    _check_format(input_format)
    total = 0
    for raw in list(paths) or [STDIN]:
        path = None if str(raw) == STDIN else Path(raw)
        if path is None:
            return None
        kind = _kind(path, input_format)
        try:
            if kind == "text" or path.is_dir():
                total += 1
            elif kind == "parquet":
                import pyarrow.parquet as pq

                total += pq.ParquetFile(path).metadata.num_rows
            else:
                with path.open("rb") as stream:
                    size = 0
                    last = b"\n"
                    while chunk := stream.read(1 << 20):
                        size += chunk.count(b"\n")
                        last = chunk[-1:]
                    total += size + (last != b"\n")
        except Exception:  # noqa: BLE001 - an unreadable file is one Reject when it is read; count it as one
            total += 1
    return total


def read_inputs(
    paths: Sequence[str | Path],
    input_format: Literal["auto", "text", "jsonl", "parquet"] = "auto",
    max_text_chars: int = MAX_TEXT_CHARS,
) -> list[InputDoc]:
    """All articles of ``paths``, in order; raises `InputError` listing every problem (see `iter_inputs`)."""
    docs, problems = [], []
    for item in iter_inputs(paths, input_format, max_text_chars):
        if isinstance(item, Reject):
            problems.append(str(item))
        else:
            docs.append(item)
    if problems:
        raise InputError(problems)
    return docs


def load_predictor(
    run_dir: str | Path,
    device: str | None = None,
    backend: str = "torch",
    max_stance_candidates: int = MAX_STANCE_CANDIDATES_PER_ARTICLE,
    overrides: Sequence[str] = (),
):
    """`Predictor.from_pretrained` whose every failure is a `RunDirError` or `BackendError` naming the problem;
    ``max_stance_candidates``: the per-article work limit over which an article is refused (`LimitExceeded`);
    ``overrides``: prediction settings changed for this predictor (``"actors.link_threshold=0.1"``)."""
    from .backends import BackendError
    from .predictor import Predictor

    try:
        predictor = Predictor.from_pretrained(run_dir, device=device, backend=backend, overrides=overrides)
    except (RunDirError, BackendError):
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise RunDirError(f"{run_dir}: cannot load the run ({type(error).__name__}: {_one_line(error)})") from None
    predictor.max_stance_candidates = max_stance_candidates
    return predictor


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of ``size`` items (the last one shorter), read lazily from ``items``."""
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def predict_batches(
    predictor, docs: Iterable[InputDoc], batch_size: int = 32, min_score: float | None = None, reject: Callable[[Reject], None] | None = None
) -> Iterator[list[Article]]:
    """The local engine: one batch of predictions per ``batch_size`` articles, in input order, read lazily.
    ``reject``: see `predict_or_reject`."""
    for batch in batched(docs, batch_size):
        yield predict_or_reject(predictor, batch, batch_size, min_score, reject)


def predict_or_reject(
    predictor, docs: Sequence[InputDoc], batch_size: int = 32, min_score: float | None = None, reject: Callable[[Reject], None] | None = None
) -> list[Article]:
    """Predictions for ``docs``, in order. An article over one of the work limits of `limits` (more
    stance candidates than ``MAX_STANCE_CANDIDATES_PER_ARTICLE``) goes to ``reject`` as a `Reject`
    naming it and the limit, and the other articles of its batch still come out; without ``reject``
    the `limits.LimitExceeded` is raised."""
    try:
        return predictor.predict_articles([doc.article() for doc in docs], batch_size=batch_size, min_score=min_score)
    except LimitExceeded as error:
        if reject is None:
            raise
        if len(docs) == 1:
            reject(docs[0].rejected(str(error)))
            return []
    return [article for doc in docs for article in predict_or_reject(predictor, [doc], batch_size, min_score, reject)]


def predict_stream(
    predictor, docs: Iterable[InputDoc], batch_size: int = 32, on_batch: Callable[[int], None] | None = None
) -> Iterator[Article]:
    """Predictions in input order, ``batch_size`` articles at a time (the first ones come before the last are read)."""
    for results in predict_batches(predictor, docs, batch_size):
        if on_batch is not None:
            on_batch(len(results))
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
        raise ValueError(f"output format {output_format!r}: expected one of {', '.join(TEXT_OUTPUT_FORMATS)}")
    stream.flush()
    return count
