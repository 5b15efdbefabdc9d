"""The ``actorstance`` command: a thin typer layer over the library's functions."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from collections.abc import Iterator, Sequence
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .corpus import FORMATS, CorpusError, CorpusIssue, check_article, check_corpus, read_articles, write_articles
from .corpus.stats import corpus_stats
from .labels import LabelSchema
from .role_prior import END_TO_END_WEIGHT, GIVEN_WEIGHT
from .schema import Article
from .limits import (
    BATCH_SIZE,
    MAX_BATCH_SIZE,
    MAX_BODY_BYTES,
    MAX_STANCE_CANDIDATES_PER_ARTICLE,
    MAX_TEXT_CHARS,
    MAX_WAITING_REQUESTS,
    PREDICT_SECONDS,
    WAIT_SECONDS,
)

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
    destination: Annotated[Optional[Path], typer.Argument(help="output file or folder (or give it as --output)")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="output file or folder")] = None,
    from_format: Annotated[str, typer.Option("--from", help=f"one of: {', '.join(FORMATS)}")] = "jsonl",
    to_format: Annotated[str, typer.Option("--to", help=f"one of: {', '.join(FORMATS)}")] = "jsonl",
    labels: LabelsOption = None,
    check: Annotated[bool, typer.Option(help="refuse articles that break the spec's checks")] = True,
) -> None:
    """Convert a corpus between formats (jsonl, inline, brat, labelstudio, doccano, external data sets)."""
    if (destination is None) == (output is None):
        errors.print("[red]error:[/red] give the output location once: as DESTINATION or as --output", highlight=False)
        raise typer.Exit(2)
    destination = destination or output
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
RunDirArgument = Annotated[Path, typer.Argument(help="run directory written by python -m train (or actorstance ensemble)")]
TrainingDataOption = Annotated[
    Optional[list[Path]], typer.Option("--data", help="gold JSONL file or folder; repeat for several (default: the run's data.paths)")
]
TrainingSplitOption = Annotated[str, typer.Option("--split", help="gold split to fit on ('all': every article)")]


SettingsOption = Annotated[
    Optional[list[str]],
    typer.Option("--set", help="KEY=VALUE: a prediction setting of the run changed for this call (actors.*, roles.outside_weight, ...; docs/config-reference.md)"),
]


def _load(
    run_dir: Path, device: str | None, backend: str, max_stance_candidates: int = MAX_STANCE_CANDIDATES_PER_ARTICLE, overrides: Sequence[str] = ()
):
    from transformers.utils import logging as transformers_logging

    from .backends import BackendError
    from .predict_io import load_predictor
    from .run import RunDirError

    transformers_logging.disable_progress_bar()  # no "Loading weights" bars in the command's stderr
    try:
        return load_predictor(run_dir, device=device, backend=backend, max_stance_candidates=max_stance_candidates, overrides=overrides)
    except (RunDirError, BackendError) as error:
        _fail(str(error), 2)


@app.command()
def predict(
    run_dir: RunDirArgument,
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(help="text files (one article each), JSONL (*.jsonl: 'text', optional 'id', 'meta') or Parquet files (*.parquet, same columns), or - for stdin"),
    ] = None,
    output_format: Annotated[
        Optional[str], typer.Option("--format", help="jsonl (streamed), parquet (streamed), json or html (default: parquet for *.parquet, else jsonl)")
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write here instead of standard output")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="keep the articles already in OUTPUT (or OUTPUT.partial) and predict only the rest")] = False,
    rejects: Annotated[Optional[Path], typer.Option("--rejects", help="JSONL list of skipped input records (default: OUTPUT.rejects.jsonl)")] = None,
    max_text_chars: Annotated[int, typer.Option("--max-text-chars", min=1, help="longest article predicted; longer ones are rejected")] = MAX_TEXT_CHARS,
    max_stance_candidates: Annotated[
        int, typer.Option("--max-stance-candidates", min=1, help="most stance contexts of one article; an article with more is rejected")
    ] = MAX_STANCE_CANDIDATES_PER_ARTICLE,
    min_score: Annotated[Optional[float], typer.Option("--min-score", min=0.0, max=1.0, help="keep stance edges scoring at least this (default: the run's decision)")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="articles per step, and model batch size")] = 32,
    input_format: Annotated[str, typer.Option("--input-format", help="auto (by suffix: .jsonl/.ndjson JSONL, .parquet Parquet), text, jsonl or parquet")] = "auto",
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="progress bar on stderr (default: when inputs span several batches)")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (this process) or ray (a Ray Data pipeline; needs the distributed extra)")] = "local",
    address: Annotated[Optional[str], typer.Option("--address", help="with --engine ray: join this Ray cluster (default: start a local one)")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="with --engine ray: Predictor workers (one loaded model each)")] = 2,
    cpus_per_worker: Annotated[float, typer.Option("--cpus-per-worker", min=0.1, help="with --engine ray: CPUs (and torch threads) per worker")] = 1.0,
    gpus_per_worker: Annotated[float, typer.Option("--gpus-per-worker", min=0.0, help="with --engine ray: GPUs per worker")] = 0.0,
    backend: BackendOption = "torch",
    device: DeviceOption = None,
    overrides: SettingsOption = None,
) -> None:
    """Predict actors, roles and stances for articles, streamed: bad records are skipped and listed, nothing else is lost.

    With --output, finished batches go to OUTPUT.partial, renamed to OUTPUT at the end: an
    interrupted run leaves OUTPUT as it was, and --resume carries on from OUTPUT.partial.
    """
    from .archive import RejectLog, open_writer
    from .config import check_predict_overrides
    from .predict_io import InputError, count_inputs, iter_inputs

    if engine not in ("local", "ray"):
        _fail(f"--engine: {engine!r} is not one of local, ray", 2)
    overrides = overrides or []
    try:
        check_predict_overrides(overrides)  # before Ray starts its workers
        iter_inputs([], input_format)  # checks the option; reads nothing yet
        writer = open_writer(output, output_format, resume=resume)
    except (ValueError, InputError) as error:
        _fail(str(error), 2)
    except OSError as error:
        _fail(f"{output}: cannot write ({error.strerror or error})", 1)
    rejects_path = rejects if rejects is not None else None if output is None or writer.direct else output.with_name(output.name + ".rejects.jsonl")
    rejected = RejectLog(rejects_path)
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM keeps finished batches, as Ctrl-C does
    try:
        predictor = None if engine == "ray" else _load(run_dir, device, backend, max_stance_candidates, overrides)
        writer.labels = predictor.labels if predictor is not None else None
        total = count_inputs(inputs or ["-"], input_format)
        consumed = [0]  # records read but not predicted: rejected, or done by an earlier run
        docs = _accepted(iter_inputs(inputs or ["-"], input_format, max_text_chars), writer.done, rejected, consumed)
        if engine == "ray":
            from .ray_engine import ray_batches

            batches = ray_batches(
                run_dir, docs, workers=workers, address=address, batch_size=batch_size, device=device, backend=backend,
                min_score=min_score, cpus_per_worker=cpus_per_worker, gpus_per_worker=gpus_per_worker,
                reject=lambda item: _skip(item, rejected, consumed), max_stance_candidates=max_stance_candidates,
                overrides=overrides,
            )  # fmt: skip
        else:
            from .predict_io import predict_batches

            batches = predict_batches(predictor, docs, batch_size, min_score, lambda item: _skip(item, rejected, consumed))
        show = progress if progress is not None else total is None or total > batch_size
        _write_batches(batches, writer, total, show, consumed)
        writer.finish()
    except BaseException as error:  # every way out leaves the output as it was, or its finished batches kept
        kept = writer.abort()
        rejected.close()
        _explain_failure(error, kept, writer.count, output)
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    rejected.close()
    _summary(writer, rejected, output, writer.format)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _fail(message: str, code: int) -> None:
    errors.print("[red]error:[/red] " + escape(message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _explain_failure(error: BaseException, kept: Path | None, count: int, output: Path | None) -> None:
    """One clean error line for a failed or interrupted predict run (re-raises what it does not know)."""
    from .ray_engine import RayUnavailable

    where = f"; {count} article(s) kept in {kept}, run again with --resume to go on" if kept else ""
    if isinstance(error, KeyboardInterrupt):
        _fail(f"interrupted{where}", 130)
    if isinstance(error, OSError):
        if output is None:
            _silence_stdout()
        _fail(f"{output or 'stdout'}: cannot write ({error.strerror or error}){where}", 1)
    if isinstance(error, RayUnavailable):
        _fail(str(error), 2)
    if isinstance(error, (ValueError, TypeError, RuntimeError)) and not isinstance(error, typer.Exit):
        _fail("prediction failed: " + " ".join(str(error).split()) + where, 1)
    raise error


def _silence_stdout() -> None:
    """After a failed write to standard output, point it at /dev/null so the exit flush does not fail again."""
    import os
    import sys

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (e.g. under a test runner)
        pass


_SHOWN_REJECTS = 20


def _accepted(items, done: set[str], rejected, consumed: list[int]) -> Iterator:
    """The input documents to predict: rejects are logged (the first few also on stderr), done ids skipped.

    ``consumed[0]`` counts the records read that will not be predicted (rejected or already done)."""
    from .predict_io import Reject

    for item in items:
        if isinstance(item, Reject):
            _skip(item, rejected, consumed)
        elif item.id in done:
            consumed[0] += 1
        else:
            yield item


def _skip(reject, rejected, consumed: list[int]) -> None:
    """Log one skipped record (the first few also on stderr) and count it as consumed."""
    consumed[0] += 1
    rejected.add(reject)
    if rejected.count <= _SHOWN_REJECTS:
        errors.print(f"skipped {reject}", markup=False, highlight=False, soft_wrap=True)


def _write_batches(batches, writer, total: int | None, show: bool, consumed: list[int]) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    bar = Progress(
        TextColumn("predicting"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} articles/s"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=errors, disable=not show, transient=False,
    )  # fmt: skip
    task = bar.add_task("predict", total=total, rate="-")
    predicted = 0
    with bar:
        for batch in batches:
            writer.write(batch)
            predicted += len(batch)
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = f"{predicted / elapsed:.1f}" if elapsed > 0 else "-"
            bar.update(task, completed=predicted + consumed[0], rate=rate)
        bar.update(task, completed=total if total is not None else predicted + consumed[0])


def _summary(writer, rejected, output: Path | None, output_format: str) -> None:
    if output is not None:
        errors.print(f"wrote {writer.count} article(s) to {escape(str(output))} ({output_format})", highlight=False, soft_wrap=True)
    if rejected.count:
        listed = f", listed in {escape(str(rejected.path))}" if rejected.path is not None else ""
        errors.print(f"[red]{rejected.count} input record(s) skipped[/red]{listed}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


@app.command()
def network(
    predictions: Annotated[list[Path], typer.Argument(help="prediction files from actorstance predict (JSONL, or *.parquet)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="net.json, net.graphml, net.gexf or net.html (format by suffix)")],
    min_score: Annotated[Optional[float], typer.Option("--min-score", min=0.0, max=1.0, help="leave out stances scoring below this")] = None,
    min_articles: Annotated[int, typer.Option("--min-articles", min=1, help="keep edges seen in at least this many articles")] = 1,
    by: Annotated[Optional[str], typer.Option("--by", help="time slices from meta.date: month or week (default: none)")] = None,
    include_author: Annotated[bool, typer.Option("--include-author", help="add the articles' own stances as one AUTHOR node")] = False,
    keep_name_variants: Annotated[bool, typer.Option(
        "--keep-name-variants", help="keep a person's name variants across articles ('Biden', 'Mr Biden', 'Joe Biden') as separate nodes",
    )] = False,  # fmt: skip
    title: Annotated[str, typer.Option("--title", help="title of the HTML page")] = "stance network",
) -> None:
    """Aggregate stance edges across articles into one network: who supports or opposes whom, over time."""
    from .archive import PredictionFileError, read_predictions
    from .network import EXPORT_FORMATS, build_network, write_network

    if by not in (None, "month", "week"):
        _fail(f"--by: {by!r} is not one of month, week", 2)
    if output.suffix.lower().lstrip(".") not in EXPORT_FORMATS:
        _fail(f"--output: {output} must end in one of {', '.join('.' + f for f in EXPORT_FORMATS)}", 2)
    articles = (article for path in predictions for article in read_predictions(path))
    try:
        graph = build_network(
            articles, min_score=min_score, min_articles=min_articles, by=by, include_author=include_author,
            merge_person_names=not keep_name_variants,
        )  # fmt: skip
        write_network(graph, output, title=title)
    except PredictionFileError as error:
        _fail(str(error), 1)
    except OSError as error:
        _fail(f"{output}: cannot write ({error.strerror or error})", 1)
    errors.print(
        f"wrote {graph.number_of_nodes()} actor(s) and {graph.number_of_edges()} edge(s) to {escape(str(output))}",
        highlight=False, soft_wrap=True,
    )  # fmt: skip


@app.command()
def serve(
    run_dir: RunDirArgument,
    host: Annotated[str, typer.Option(help="interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="port to listen on")] = 8000,
    max_body_bytes: Annotated[int, typer.Option(min=1, help="largest request body (413 above)")] = MAX_BODY_BYTES,
    max_text_chars: Annotated[int, typer.Option(min=1, help="longest text in characters (422 above)")] = MAX_TEXT_CHARS,
    max_batch_size: Annotated[int, typer.Option(min=1, help="most texts per request (422 above)")] = MAX_BATCH_SIZE,
    wait_seconds: Annotated[float, typer.Option(min=0.001, help="longest a request waits for the model (503 above)")] = WAIT_SECONDS,
    predict_seconds: Annotated[float, typer.Option(min=0.001, help="longest a request may predict (cancelled with 504 above)")] = PREDICT_SECONDS,
    max_waiting: Annotated[int, typer.Option(min=0, help="requests that may wait for the model (503 above)")] = MAX_WAITING_REQUESTS,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="model batch size")] = BATCH_SIZE,
    backend: BackendOption = "torch",
    device: DeviceOption = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    overrides: SettingsOption = None,
) -> None:
    """Serve the run over HTTP: POST /predict, GET /health, GET /metadata, docs at /docs and /redoc (offline)."""
    import uvicorn

    from .server import ServeLimits, create_app

    limits = ServeLimits(
        max_body_bytes=max_body_bytes, max_text_chars=max_text_chars, max_batch_size=max_batch_size,
        batch_size=batch_size, wait_seconds=wait_seconds, predict_seconds=predict_seconds, max_waiting=max_waiting,
    )  # fmt: skip
    app_ = create_app(_load(run_dir, device, backend, overrides=overrides or ()), limits)
    uvicorn.run(app_, host=host, port=port, log_level=log_level)


def _gold_articles(paths: list[Path], labels: LabelSchema, split: str | None) -> list[Article]:
    """The gold articles of ``split`` ('all': every one) in ``paths``; a corpus error or no such
    article ends the command with exit status 1 and a message naming the paths."""
    from .corpus import load_corpus

    try:
        articles = load_corpus(paths, labels)
    except CorpusError as error:
        errors.print("[red]error:[/red] " + escape(str(error)), highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    articles = [article for article in articles if split == "all" or article.split == split]
    if not articles:
        errors.print(f"[red]error:[/red] {escape(', '.join(map(str, paths)))}: no article with split {split!r}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    return articles


def _run_gold_articles(predictor, data: list[Path] | None, split: str) -> tuple[list[Path], list[Article]]:
    """The gold files (``data``, else the run's ``data.paths``) and their articles of ``split`` (`_gold_articles`)."""
    paths = data or [Path(path) for path in predictor.config.data.paths]
    return paths, _gold_articles(paths, predictor.labels, split)


@app.command()
def calibrate(
    run_dir: RunDirArgument,
    data: Annotated[Path, typer.Option("--data", help="gold JSONL file or folder")] = Path("data/corpus"),
    split: Annotated[Optional[str], typer.Option("--split", help="gold split to fit on (default: validation; 'all': every article)")] = "validation",
    device: DeviceOption = None,
) -> None:
    """Fit the run's stance decision (threshold, reverse margin) on gold articles and write decision.json."""
    _fit_decision(_load(run_dir, device, "torch"), run_dir, data, split)


def _fit_decision(predictor, run_dir: Path, data: Path, split: str | None):
    """Fit the predictor's stance decision on the gold articles of ``split`` in ``data``; write it into ``run_dir`` and return it."""
    articles = _gold_articles([data], predictor.labels, split)
    decision = predictor.fit_decision(articles, fitted_on={"data": str(data), "split": split, "articles": len(articles)})
    path = decision.save(run_dir)
    console.print(
        f"threshold {decision.threshold:.2f}, reverse margin {decision.reverse_margin:.2f} "
        f"(edge F1 {decision.fitted_on['edge_f1']:.3f} on {len(articles)} articles): wrote {escape(str(path))}",
        highlight=False,
    )
    return decision


@app.command()
def ensemble(
    members: Annotated[list[Path], typer.Argument(help="member run directories: retrains of one config (other seeds)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the ensemble's run directory")],
    data: Annotated[Path, typer.Option("--data", help="gold JSONL file or folder to fit the stance decision on")] = Path("data/corpus"),
    split: Annotated[Optional[str], typer.Option("--split", help="gold split to fit on (default: validation; 'all': every article)")] = "validation",
    overwrite: Annotated[bool, typer.Option("--overwrite", help="replace an existing output folder")] = False,
    device: DeviceOption = None,
) -> None:
    """Join retrains of one config into one run that averages their predictions, and fit its stance decision."""
    from .atomic import atomic_directory, atomic_write_text
    from .card import render_ensemble_card
    from .ensemble import write_ensemble

    try:
        with atomic_directory(output, overwrite) as staging:
            write_ensemble(members, staging)
            predictor = _load(staging, device, "torch")
            decision = _fit_decision(predictor, staging, data, split) if "stance" in predictor.tasks else None
            metrics = json.loads((staging / "metrics.json").read_text(encoding="utf-8"))
            atomic_write_text(staging / "README.md", render_ensemble_card(output.name, metrics, decision))
    except (FileExistsError, ValueError) as error:
        _fail(str(error), 2)
    console.print(f"ensemble of {len(members)} runs: wrote {escape(str(output))}", highlight=False)


@app.command("fit-linker")
def fit_linker(
    run_dir: RunDirArgument,
    data: TrainingDataOption = None,
    split: TrainingSplitOption = "train",
) -> None:
    """Fit the run's nominal linker on the gold grouping of annotated articles and write linker.json."""
    predictor = _load(run_dir, None, "torch")
    paths, articles = _run_gold_articles(predictor, data, split)
    try:
        linker = predictor.fit_linker(articles, fitted_on={"data": [str(path) for path in paths], "split": split})
    except ValueError as error:
        errors.print(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    path = linker.save(run_dir)
    console.print(
        f"{linker.fitted_on['nominals']} nominals of {len(articles)} articles ({linker.fitted_on['linked']} with a named actor "
        f"to join): wrote {escape(str(path))}",
        highlight=False,
    )


@app.command("fit-role-prior")
def fit_role_prior_command(
    run_dir: RunDirArgument,
    encoder: Annotated[
        str, typer.Option("--encoder", help="frozen sentence encoder: a folder (scripts/fetch_mpnet.py), Hub name or package:MODULE")
    ] = "models/all-mpnet-base-v2",
    weight: Annotated[
        float, typer.Option("--weight", min=0.0, help="the prior's weight against the token vote (chosen on validation, benchmarks/role_prior.py)")
    ] = GIVEN_WEIGHT,
    data: TrainingDataOption = None,
    split: TrainingSplitOption = "train",
    end_to_end_weight: Annotated[
        float,
        typer.Option("--end-to-end-weight", min=0.0, help="its weight for the actors the tagger finds (chosen on validation, benchmarks/role_prior.py)"),
    ] = END_TO_END_WEIGHT,
    given_only: Annotated[bool, typer.Option("--given-only", help="weigh it for given mentions only; predicted actors keep the grouping's roles")] = False,
) -> None:
    """Fit a role prior from a frozen sentence encoder on gold actors and write role_prior.json."""
    from .role_prior import ENCODER_FIX, fit_role_prior, load_encoder

    predictor = _load(run_dir, None, "torch")
    if "roles" not in predictor.models or predictor.role_decision == "actor":
        _fail(f"{run_dir} has no token-vote roles for a prior to weigh against", 1)
    paths, articles = _run_gold_articles(predictor, data, split)
    try:
        fitted_on = {"data": [str(path) for path in paths], "split": split}
        embed = load_encoder(encoder, "--encoder", ENCODER_FIX)
        prior = fit_role_prior(
            articles, encoder, weight, embed=embed, fitted_on=fitted_on, end_to_end_weight=None if given_only else end_to_end_weight
        )
    except (ValueError, OSError) as error:
        _fail(str(error), 1)
    path = prior.save(run_dir)
    console.print(
        f"{prior.fitted_on['actors']} actors of {len(articles)} articles, C {prior.fitted_on['C']:g} "
        f"(cross-validated accuracy {prior.fitted_on['cv_accuracy'][prior.fitted_on['C']]:.3f}): wrote {escape(str(path))}",
        highlight=False,
    )


@app.command("refit-roles")
def refit_roles(
    run_dir: RunDirArgument,
    data: TrainingDataOption = None,
    split: TrainingSplitOption = "train",
) -> None:
    """Re-fit a copy of the run's tagger head for the roles of given mentions and save it beside the others."""
    from .ensemble import is_ensemble
    from .given_roles import given_role_head_for
    from .run import model_dirs

    if is_ensemble(run_dir):  # before its members' models are loaded for nothing
        _fail(f"{run_dir} is an ensemble, with no model of its own: refit its members' heads, then run actorstance ensemble again", 2)
    predictor = _load(run_dir, None, "torch")
    model = predictor.models.get("roles")
    if model is None or model.role_head is None:
        errors.print(f"[red]error:[/red] {escape(str(run_dir))} has no mention tagger to re-fit", highlight=False)
        raise typer.Exit(1)
    _, articles = _run_gold_articles(predictor, data, split)
    config = predictor.config
    model.given_role_head = given_role_head_for(model, articles, predictor.tokenizer, predictor.labels, config.roles.options(), config.seed)
    directory = model_dirs(run_dir, list(config.tasks), config.model.architecture)["roles"]
    model.save_heads(directory)
    console.print(f"given-mention role head fitted on {len(articles)} articles: wrote {escape(str(directory))}", highlight=False)


def main() -> None:
    app()
