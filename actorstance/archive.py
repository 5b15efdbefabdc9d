"""Prediction files at archive scale: writers that never empty their target and can resume, and a streaming reader.

A writer puts finished batches in ``OUT.partial`` beside ``OUT`` (flushed after every batch) and
renames it over ``OUT`` only when the run completes, so an interrupted run leaves ``OUT`` as it
was and keeps its finished batches in ``OUT.partial``; ``resume=True`` carries them on, skipping
their article ids. JSONL survives even SIGKILL (at most a half-written last line, dropped on
resume); Parquet is closed properly on Ctrl-C or SIGTERM, while a SIGKILLed Parquet partial has no
footer and is started afresh. JSON and HTML pages are written whole to a temporary file and renamed.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .atomic import atomic_write_text
from .predict_io import OUTPUT_FORMATS, PARQUET_SUFFIXES
from .schema import Article

__all__ = ["PredictionWriter", "RejectLog", "open_writer", "partial_path", "read_predictions", "PredictionFileError"]


class PredictionFileError(ValueError):
    """A predictions file that cannot be read; the message names file and line."""


def partial_path(path: Path) -> Path:
    """Where unfinished output for ``path`` is kept."""
    return path.with_name(path.name + ".partial")


def _article_schema():
    import pyarrow as pa

    span = pa.struct([("start", pa.int64()), ("end", pa.int64())])
    mention = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("actor", pa.string()), ("score", pa.float64())])
    actor = pa.struct([
        ("id", pa.string()), ("name", pa.string()), ("role", pa.string()), ("other_roles", pa.list_(pa.string())),
        ("score", pa.float64()), ("code", pa.string()),
    ])  # fmt: skip
    stance = pa.struct([
        ("holder", pa.string()), ("target", pa.string()), ("label", pa.string()), ("evidence", pa.list_(span)), ("score", pa.float64()),
    ])  # fmt: skip
    return pa.schema([
        ("id", pa.string()), ("text", pa.string()), ("meta", pa.string()), ("actors", pa.list_(actor)),
        ("mentions", pa.list_(mention)), ("stances", pa.list_(stance)), ("split", pa.string()),
    ])  # fmt: skip


def _parquet_row(article: Article) -> dict[str, Any]:
    """One article as a Parquet row: ``meta`` (free-form) as a JSON string, the rest as typed columns."""
    row = article.model_dump(mode="json")
    row["meta"] = json.dumps(row["meta"], ensure_ascii=False)
    return row


def _from_parquet_row(row: dict[str, Any]) -> dict[str, Any]:
    def clean(value):
        if isinstance(value, dict):
            return {key: clean(item) for key, item in value.items() if item is not None}
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    record = clean(row)
    record["meta"] = json.loads(record.get("meta") or "{}")
    return record


class PredictionWriter:
    """Writes batches of predictions to one file (or JSONL to standard output); see the module docstring."""

    def __init__(self, path: Path | None, output_format: str, resume: bool = False, labels=None, title: str = "actorstance predictions"):
        if output_format not in OUTPUT_FORMATS:
            raise ValueError(f"--format: {output_format!r} is not one of {', '.join(OUTPUT_FORMATS)}")
        # Standard output, /dev/stdout or a pipe is written directly: there is nothing to rename over.
        self.direct = path is None or (path.exists() and not path.is_file())
        if self.direct and output_format == "parquet":
            raise ValueError("--format parquet needs --output FILE, a regular file")
        if resume and (self.direct or output_format not in ("jsonl", "parquet")):
            raise ValueError("--resume needs --output FILE in jsonl or parquet format")
        self.path, self.format, self.labels, self.title = path, output_format, labels, title
        self.done: set[str] = set()  # article ids already written (by an earlier run, when resuming)
        self.count = 0
        self._collected: list[Article] = []
        self._stream: IO[str] | None = None
        self._parquet = None
        self._tmp_name: str | None = None
        if path is None:
            self._stream = sys.stdout
        elif self.direct:
            self._stream = path.open("w", encoding="utf-8")
        elif output_format in ("jsonl", "parquet"):
            self._open_partial(resume)
        elif output_format == "json":
            path.parent.mkdir(parents=True, exist_ok=True)  # fails here, before the model loads, if it cannot
            handle, self._tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            self._stream = os.fdopen(handle, "w", encoding="utf-8")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        if output_format == "json":
            self._stream.write("[")

    # ------------------------------------------------------------------ opening and resuming

    def _open_partial(self, resume: bool) -> None:
        partial = partial_path(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        earlier = partial if resume and partial.exists() else self.path if resume and self.path.exists() else None
        if self.format == "jsonl":
            if earlier is self.path:
                shutil.copyfile(self.path, partial)
            elif earlier is None:
                partial.write_bytes(b"")
            self._keep_whole_lines(partial)
            with partial.open("rb") as stream:
                self.done = {json.loads(line)["id"] for line in stream if line.strip()}
            self.count = len(self.done)
            self._stream = partial.open("a", encoding="utf-8")
        else:
            self._open_parquet(partial, earlier)

    @staticmethod
    def _keep_whole_lines(partial: Path) -> None:
        """Drop a last line cut off by a kill (no newline at its end)."""
        with partial.open("rb+") as stream:
            stream.seek(0, os.SEEK_END)
            size = position = stream.tell()
            while position > 0:
                step = min(1 << 16, position)
                stream.seek(position - step)
                chunk = stream.read(step)
                cut = chunk.rfind(b"\n")
                if cut >= 0:
                    position = position - step + cut + 1
                    break
                position -= step
            if position != size:
                stream.truncate(position)

    def _open_parquet(self, partial: Path, earlier: Path | None) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = _article_schema()
        fresh = partial.with_name(partial.name + ".tmp")
        self._parquet = pq.ParquetWriter(fresh, schema)
        if earlier is not None:
            try:
                for batch in pq.ParquetFile(earlier).iter_batches(batch_size=256):
                    self._parquet.write_table(pa.Table.from_batches([batch]).cast(schema))
                    self.done.update(batch.column("id").to_pylist())
            except Exception:  # noqa: BLE001 - a SIGKILLed Parquet partial has no footer: start afresh
                self._parquet.close()
                self._parquet = pq.ParquetWriter(fresh, schema)
                self.done = set()
        self.count = len(self.done)
        os.replace(fresh, partial)  # the open writer keeps writing the renamed file

    # ------------------------------------------------------------------ writing

    def write(self, batch: list[Article]) -> None:
        """Append one batch; it is on disk (flushed) when this returns."""
        if self.format == "parquet":
            import pyarrow as pa

            self._parquet.write_table(pa.Table.from_pylist([_parquet_row(a) for a in batch], schema=_article_schema()))
        elif self.format == "html":
            self._collected.extend(batch)
        elif self.format == "json":
            for article in batch:
                self._stream.write(("\n" if self.count == 0 else ",\n") + json.dumps(article.to_dict(), ensure_ascii=False))
                self.count += 1
            self._stream.flush()
            return
        else:
            self._stream.write("".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in batch))
            self._stream.flush()
        self.count += len(batch)

    def finish(self) -> None:
        """Complete the file and move it into place (raises OSError if the disk refuses)."""
        if self.format == "html":
            from .html import render_html

            page = render_html(self._collected, labels=self.labels, title=self.title)
            if not self.direct:
                atomic_write_text(self.path, page)
                return
            self._stream.write(page)
        elif self.format == "json":
            self._stream.write("\n]\n" if self.count else "]\n")
        self._close()
        if self._tmp_name is not None:
            os.replace(self._tmp_name, self.path)
        elif not self.direct:
            os.replace(partial_path(self.path), self.path)

    def abort(self) -> Path | None:
        """Stop after a failure or an interruption; returns the file that keeps the finished batches, if any."""
        try:
            self._close()
        except OSError:
            pass  # the disk already failed: what was flushed stays
        if self._tmp_name is not None:
            Path(self._tmp_name).unlink(missing_ok=True)
        if self.direct or self.format not in ("jsonl", "parquet"):
            return None
        partial = partial_path(self.path)
        if self.count == 0:  # nothing finished: no partial file to clutter the folder
            partial.unlink(missing_ok=True)
            return None
        return partial

    def _close(self) -> None:
        if self._parquet is not None:
            writer, self._parquet = self._parquet, None
            writer.close()
        if self._stream is sys.stdout:
            self._stream.flush()
        elif self._stream is not None:
            stream, self._stream = self._stream, None
            try:
                stream.flush()
                if not self.direct:
                    os.fsync(stream.fileno())
            finally:
                stream.close()


class RejectLog:
    """The input records a run skipped, one JSON object a line (source, line, problem, raw record).

    Written to a temporary file and renamed into place by `close`, also after an interruption, so
    the file always lists exactly the rejects of the last run (empty when there were none).
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.count = 0
        self._stream: IO[str] | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, self._tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            self._stream = os.fdopen(handle, "w", encoding="utf-8")

    def add(self, reject) -> None:
        self.count += 1
        if self._stream is not None:
            self._stream.write(json.dumps(reject.to_dict(), ensure_ascii=False) + "\n")
            self._stream.flush()

    def close(self) -> None:
        if self._stream is not None:
            stream, self._stream = self._stream, None
            stream.close()
            os.replace(self._tmp_name, self.path)


def open_writer(path: Path | None, output_format: str | None, resume: bool = False, labels=None) -> PredictionWriter:
    """A `PredictionWriter`; ``output_format`` None picks Parquet for ``*.parquet`` and JSONL otherwise."""
    if output_format is None:
        output_format = "parquet" if path is not None and path.suffix.lower() in PARQUET_SUFFIXES else "jsonl"
    return PredictionWriter(path, output_format, resume=resume, labels=labels)


def read_predictions(path: str | Path) -> Iterator[Article]:
    """The articles of a predictions file (JSONL by default, Parquet for ``*.parquet``), one at a time."""
    path = Path(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        import pyarrow.parquet as pq

        try:
            table = pq.ParquetFile(path)
        except Exception as error:  # noqa: BLE001 - pyarrow's errors vary by what is wrong
            raise PredictionFileError(f"{path}: cannot read as Parquet ({' '.join(str(error).split())})") from None
        number = 0
        for batch in table.iter_batches(batch_size=256):
            for row in batch.to_pylist():
                number += 1
                yield _validated(_from_parquet_row(row), path, number)
        return
    try:
        stream = path.open("rb")
    except OSError as error:
        raise PredictionFileError(f"{path}: cannot read ({error.strerror or error})") from None
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise PredictionFileError(f"{path}:{number}: invalid JSON ({error})") from None
            yield _validated(record, path, number)


def _validated(record: Any, path: Path, number: int) -> Article:
    from pydantic import ValidationError

    try:
        return Article.model_validate(record)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise PredictionFileError(f"{path}:{number}: field '{field}': {first['msg']}") from None
