"""The ``actorstance`` command: a thin typer layer over the library's functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .corpus import FORMATS, CorpusError, CorpusIssue, check_article, check_corpus, read_articles, write_articles
from .corpus.stats import corpus_stats
from .labels import LabelSchema
from .limits import BATCH_SIZE, MAX_BATCH_SIZE, MAX_BODY_BYTES, MAX_TEXT_CHARS

__all__ = ["app", "main"]

app = typer.Typer(help="Actors, roles and stances in news articles.", no_args_is_help=True, add_completion=False)
console = Console()
errors = Console(stderr=True)

LabelsOption = Annotated[
    Optional[str],
    typer.Option("--labels", help="label schema file, or a name from configs/labels/ (default: default)"),
]


def _labels(name_or_path: str | None) -> LabelSchema:
    try:
        return LabelSchema.resolve(name_or_path or "default")
    except ValueError as error:
        errors.print(f"[red]error:[/red] --labels: {error}", highlight=False)
        raise typer.Exit(2) from None


def _report(issues: list[CorpusIssue]) -> None:
    for issue in issues:
        errors.print(str(issue), markup=False, highlight=False, soft_wrap=True)
    errors.print(f"[red]{len(issues)} error(s)[/red]")


def _checked(paths: list[Path], labels: str | None) -> list:
    """The articles under ``paths``, or exit 1 after listing every issue."""
    articles, issues = check_corpus(paths, _labels(labels))
    if issues:
        _report(issues)
        raise typer.Exit(1)
    return articles


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="JSONL files or folders")],
    labels: LabelsOption = None,
) -> None:
    """Check corpora against every rule of the annotation spec; list all errors (exit 1) or summarise (exit 0)."""
    stats = corpus_stats(_checked(paths, labels))
    console.print(
        f"OK: {stats['articles']} articles, {stats['actors']} actors, {stats['mentions']} mentions, "
        f"{stats['stances']} stances in {len(paths)} path(s)",
        highlight=False,
    )


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="input file or folder")],
    destination: Annotated[Path, typer.Argument(help="output file or folder")],
    from_format: Annotated[str, typer.Option("--from", help=f"one of: {', '.join(FORMATS)}")] = "jsonl",
    to_format: Annotated[str, typer.Option("--to", help=f"one of: {', '.join(FORMATS)}")] = "jsonl",
    labels: LabelsOption = None,
    check: Annotated[bool, typer.Option(help="refuse articles that break the spec's checks")] = True,
) -> None:
    """Convert a corpus between formats (jsonl, inline, brat, labelstudio, doccano, external data sets)."""
    try:
        articles = read_articles(source, from_format)
        if check:
            schema = _labels(labels)
            issues = [
                CorpusIssue(str(source), None, article.id, field, message)
                for article in articles
                for field, message in check_article(article, schema)
            ]
            if issues:
                raise CorpusError(issues)
        write_articles(articles, destination, to_format)
    except CorpusError as error:
        _report(error.issues)
        raise typer.Exit(1) from None
    except (ValueError, OSError) as error:
        errors.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"wrote {len(articles)} article(s) to {destination} ({to_format})", highlight=False)


@app.command()
def stats(
    paths: Annotated[list[Path], typer.Argument(help="JSONL files or folders")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of a table")] = False,
    labels: LabelsOption = None,
) -> None:
    """Counts of articles, tokens, mentions per role, actors and stances per label, per split."""
    result = corpus_stats(_checked(paths, labels))
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    columns = ["all", *result["splits"]]
    rows = {"all": result, **result["splits"]}
    table = Table(title="corpus")
    table.add_column("count")
    for column in columns:
        table.add_column(column, justify="right")
    for key in ("articles", "tokens", "actors", "mentions", "stances"):
        table.add_row(key, *(str(rows[column][key]) for column in columns))
    for group, prefix in (("roles", "role"), ("stance_labels", "stance")):
        for label in result[group]:
            table.add_row(f"{prefix} {label}", *(str(rows[column][group].get(label, 0)) for column in columns))
    console.print(table)


# --------------------------------------------------------------------------- predict and serve

BackendOption = Annotated[
    str,
    typer.Option(
        "--backend",
        help="torch (default), compile (torch.compile), onnx (ONNX Runtime) or onnx-int8 (int8 weights: faster, some predictions change)",
    ),
]
DeviceOption = Annotated[Optional[str], typer.Option("--device", help="cpu, cuda, cuda:1, mps (default: best available)")]


def _load(run_dir: Path, device: str | None, backend: str):
    from transformers.utils import logging as transformers_logging

    from .backends import BackendError
    from .predict_io import load_predictor
    from .run import RunDirError

    transformers_logging.disable_progress_bar()  # no "Loading weights" bars in the command's stderr
    try:
        return load_predictor(run_dir, device=device, backend=backend)
    except (RunDirError, BackendError) as error:
        errors.print("[red]error:[/red] " + escape(str(error)), highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None


@app.command()
def predict(
    run_dir: Annotated[Path, typer.Argument(help="run directory written by python -m train")],
    inputs: Annotated[
        Optional[list[str]], typer.Argument(help="text files (one article each), JSONL files (*.jsonl: 'text', optional 'id'), or - for stdin")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="jsonl (one line per article, streamed), json or html")] = "jsonl",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here instead of standard output")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="articles per step, and model batch size")] = 32,
    input_format: Annotated[str, typer.Option("--input-format", help="auto (by suffix: .jsonl/.ndjson are JSONL), text or jsonl")] = "auto",
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="progress bar on stderr (default: when inputs span several batches)")] = None,
    backend: BackendOption = "torch",
    device: DeviceOption = None,
) -> None:
    """Predict actors, roles and stances for articles; JSON records as in the corpus format, or an HTML page."""
    from .predict_io import OUTPUT_FORMATS, InputError, read_inputs

    if output_format not in OUTPUT_FORMATS:
        errors.print(f"[red]error:[/red] --format: {output_format!r} is not one of {', '.join(OUTPUT_FORMATS)}", highlight=False)
        raise typer.Exit(2)
    try:
        docs = read_inputs(inputs or ["-"], input_format)  # every input checked before the model loads
    except InputError as error:
        _print_lines(error.problems)
        errors.print(f"[red]{len(error.problems)} input error(s)[/red]")
        raise typer.Exit(1) from None
    predictor = _load(run_dir, device, backend)
    show = progress if progress is not None else len(docs) > batch_size
    _run_predictions(predictor, docs, output_format, output, batch_size, show)


def _print_lines(lines: list[str]) -> None:
    for line in lines:
        errors.print(line, markup=False, highlight=False, soft_wrap=True)


def _run_predictions(predictor, docs, output_format: str, output: Path | None, batch_size: int, show: bool) -> None:
    import sys

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .predict_io import predict_stream, write_predictions

    bar = Progress(
        TextColumn("predicting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=errors, disable=not show, transient=False,
    )  # fmt: skip
    task = bar.add_task("predict", total=len(docs))
    stream = None
    try:
        stream = sys.stdout if output is None else open(output, "w", encoding="utf-8")
        with bar:
            results = predict_stream(predictor, docs, batch_size, on_batch=lambda n: bar.advance(task, n))
            count = write_predictions(results, stream, output_format, labels=predictor.labels)
    except OSError as error:
        errors.print(f"[red]error:[/red] {escape(str(output or 'stdout'))}: cannot write ({error.strerror or error})", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except (ValueError, TypeError, RuntimeError) as error:
        errors.print("[red]error:[/red] prediction failed: " + escape(" ".join(str(error).split())), highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        if stream is not None and stream is not sys.stdout:
            stream.close()
    if output is not None:
        errors.print(f"wrote {count} article(s) to {escape(str(output))} ({output_format})", highlight=False, soft_wrap=True)


@app.command()
def serve(
    run_dir: Annotated[Path, typer.Argument(help="run directory written by python -m train")],
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8000,
    max_body_bytes: Annotated[int, typer.Option(min=1, help="largest request body (413 above)")] = MAX_BODY_BYTES,
    max_text_chars: Annotated[int, typer.Option(min=1, help="longest text in characters (422 above)")] = MAX_TEXT_CHARS,
    max_batch_size: Annotated[int, typer.Option(min=1, help="most texts per request (422 above)")] = MAX_BATCH_SIZE,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="model batch size")] = BATCH_SIZE,
    backend: BackendOption = "torch",
    device: DeviceOption = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
) -> None:
    """Serve the run over HTTP: POST /predict, GET /health, GET /metadata, docs at /docs."""
    import uvicorn

    from .server import ServeLimits, create_app

    limits = ServeLimits(max_body_bytes=max_body_bytes, max_text_chars=max_text_chars, max_batch_size=max_batch_size, batch_size=batch_size)
    app_ = create_app(_load(run_dir, device, backend), limits)
    uvicorn.run(app_, host=host, port=port, log_level=log_level)


def main() -> None:
    app()
