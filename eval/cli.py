"""``python -m eval``: a thin typer layer over `eval.runner`, `eval.compare` and `eval.baselines`.

    python -m eval RUN_DIR [--split test | --data PATH] [--output DIR] [--bootstrap N] [--seed S]
    python -m eval score GOLD PRED [--json] [--labels FILE] [--output DIR]
    python -m eval compare RUN_OR_EVAL_DIR... [--output DIR]
    python -m eval baseline NAME [--train PATH] [--split test | --data PATH] [--output DIR]

Exit codes: 0 done, 1 bad input (the message names the file, article or field), 2 usage error
or an unavailable baseline.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .baselines import SPACY_MODEL
from .bootstrap import DEFAULT_RESAMPLES

__all__ = ["app", "main"]

app = typer.Typer(help="Score runs, prediction files and baselines; compare runs.", no_args_is_help=True, add_completion=False)
console = Console()
errors = Console(stderr=True, soft_wrap=True)

SplitOption = Annotated[Optional[str], typer.Option("--split", help="gold split to score (default: test; with --data: all)")]
DataOption = Annotated[Optional[Path], typer.Option("--data", help="gold JSONL file or folder (default: the repo's data/corpus)")]
OutputOption = Annotated[Optional[Path], typer.Option("--output", "-o", help="output folder")]
LabelsOption = Annotated[
    Optional[str], typer.Option("--labels", help="label schema file, or a name from configs/labels/ (default: default)")
]
BootstrapOption = Annotated[int, typer.Option("--bootstrap", help="bootstrap resamples for the intervals (0: none)")]
SeedOption = Annotated[int, typer.Option("--seed", help="bootstrap seed")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    errors.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _print_summary(metrics: dict, where: Path | None = None) -> None:
    from .report import format_ci, format_number

    table = Table(title="Headline numbers (95% bootstrap CI)")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("meaning", style="dim")
    for name, entry in metrics["headline"].items():
        table.add_row(name, format_number(entry["value"]), format_ci(entry), entry.get("description", ""))
    console.print(table)
    modes = Table(title="Mentions (end to end)")
    for column in ("mode", "P", "R", "F1", "macro F1", "COR", "INC", "PAR", "MIS", "SPU"):
        modes.add_column(column, justify="right" if column != "mode" else "left")
    for mode, m in metrics["end_to_end"]["mentions"].items():
        modes.add_row(mode, *(f"{m[k]:.3f}" for k in ("precision", "recall", "f1", "macro_f1")), *(str(m[k]) for k in ("COR", "INC", "PAR", "MIS", "SPU")))
    console.print(modes)
    stances = metrics["gold_mentions"]["stances"]
    labels = Table(title=f"Stances given gold actors ({stances['pairs']} candidate pairs)")
    for column in ("label", "P", "R", "F1", "gold"):
        labels.add_column(column, justify="right" if column != "label" else "left")
    for label, s in stances["per_label"].items():
        labels.add_row(label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["support"]))
    console.print(labels)
    if where is not None:
        console.print(f"Wrote {where}/ (metrics.json, report.md, report.html, predictions)", highlight=False, soft_wrap=True)


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr for each prediction phase of an evaluation (gone when it is done)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("predicting {task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("articles"),
                   TimeElapsedColumn(), console=errors, transient=True)  # fmt: skip
    phases: dict[str, int] = {}

    def report(phase: str, done: int, total: int) -> None:
        if phase not in phases:
            phases[phase] = bar.add_task(phase, total=total)
        bar.update(phases[phase], completed=done)

    with bar:
        yield report


def _run_guarded(action):
    from actorstance.corpus import CorpusError

    from .metrics import ArticleMismatch

    try:
        return action()
    except CorpusError as error:
        for issue in error.issues:
            errors.print(str(issue), markup=False, highlight=False)
        raise _fail(f"{len(error.issues)} corpus error(s)") from None
    except (ArticleMismatch, ValueError, FileNotFoundError, FileExistsError) as error:
        raise _fail(str(error)) from None


@app.command("run")
def run_command(
    run_dir: Annotated[Path, typer.Argument(help="run directory (config.yaml, labels.yaml, metrics.json, model/)")],
    split: SplitOption = None,
    data: DataOption = None,
    output: OutputOption = None,
    bootstrap: BootstrapOption = DEFAULT_RESAMPLES,
    seed: SeedOption = 0,
    overrides: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="KEY=VALUE: a prediction setting of the run changed for this evaluation (actors.*, "
                     "roles.outside_weight, ...); written to RUN_DIR/eval/<split>+KEY=VALUE/"),
    ] = None,
) -> None:
    """Evaluate a trained run (also: python -m eval RUN_DIR); writes RUN_DIR/eval/<split>/."""
    from .runner import evaluate_run, load_evaluation

    # a broken run directory raises actorstance.run.RunDirError, a ValueError: reported, exit 1
    with _progress_bar() as progress:
        where = _run_guarded(
            lambda: evaluate_run(
                run_dir, split=split, data=data, output=output, n_bootstrap=bootstrap, seed=seed, progress=progress,
                overrides=overrides or (),
            )  # fmt: skip
        )
    _print_summary(load_evaluation(where).metrics, where)


@app.command()
def score(
    gold: Annotated[Path, typer.Argument(help="gold JSONL corpus (file or folder)")],
    pred: Annotated[Path, typer.Argument(help="predicted JSONL corpus, same article ids")],
    as_json: Annotated[bool, typer.Option("--json", help="print the metrics as JSON")] = False,
    labels: LabelsOption = None,
    output: OutputOption = None,
    bootstrap: BootstrapOption = DEFAULT_RESAMPLES,
    seed: SeedOption = 0,
) -> None:
    """Score a predicted corpus against a gold one (the prediction's actor ids serve the gold-actor metrics)."""
    from actorstance.corpus import load_corpus
    from actorstance.corpus.jsonl import read_jsonl_unchecked
    from actorstance.labels import LabelSchema

    from .runner import Evaluation, evaluate_predictions, write_evaluation

    def action():
        schema = LabelSchema.resolve(labels or "default")
        gold_articles = load_corpus(gold, schema)
        if not pred.exists():
            raise FileNotFoundError(f"{pred}: no such file or folder")
        predicted = read_jsonl_unchecked(pred)
        metrics = evaluate_predictions(gold_articles, predicted, None, schema, bootstrap, seed)
        metrics["data"] = {"source": str(gold), "split": None, "articles": len(gold_articles), "stem": gold.stem}
        metrics["run"] = {"name": pred.stem, "dir": str(pred), "train_time_s": None, "num_parameters": None}
        if output is not None:
            write_evaluation(Evaluation(metrics, gold_articles, predicted, None, schema), output)
        return metrics

    metrics = _run_guarded(action)
    if as_json:
        sys.stdout.write(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_summary(metrics, output)


@app.command()
def compare(
    paths: Annotated[list[Path], typer.Argument(help="run folders or evaluation folders")],
    output: Annotated[Path, typer.Option("--output", "-o", help="output folder")] = Path("runs/compare"),
    split: SplitOption = None,
    data: DataOption = None,
    bootstrap: BootstrapOption = DEFAULT_RESAMPLES,
    seed: SeedOption = 0,
) -> None:
    """One table of headline metrics (CIs, train time, size, best marked, paired p-values); writes .md/.csv/.html."""
    from .compare import _LOWER_IS_BETTER, cell_texts, compare_paths

    with _progress_bar() as progress:
        result, where = _run_guarded(lambda: compare_paths(paths, output, split, data, bootstrap, seed, progress))
    table = Table(title="Run comparison (value, 95% CI, paired p-value vs the column's best; * = best)")
    table.add_column("metric")
    for row in result["rows"]:
        table.add_column(row["run"], justify="right")
    for column in [*result["metrics"], *_LOWER_IS_BETTER]:
        cells = []
        for row in result["rows"]:
            value, interval, p_value = cell_texts(row, column)
            mark = "* " if column in row["best"] else ""
            cells.append(" ".join(part for part in (mark + value, interval, p_value) if part))
        table.add_row(column, *cells)
    console.print(table)
    console.print(f"Wrote {where}/ (comparison.md, comparison.csv, comparison.html, comparison.json)", highlight=False, soft_wrap=True)


@app.command()
def baseline(
    name: Annotated[str, typer.Argument(help="majority, gazetteer or spacy")],
    train: Annotated[
        Optional[Path], typer.Option("--train", help="training corpus; its articles with split 'train' or none (default: data/corpus)")
    ] = None,
    split: SplitOption = None,
    data: DataOption = None,
    output: OutputOption = None,
    labels: LabelsOption = None,
    bootstrap: BootstrapOption = DEFAULT_RESAMPLES,
    seed: SeedOption = 0,
    spacy_model: Annotated[
        str, typer.Option("--spacy-model", help="spacy baseline: the spaCy pipeline package or folder to load")
    ] = SPACY_MODEL,
) -> None:
    """Fit a baseline on the training data and evaluate it like a run (default output runs/baseline-NAME/eval/<split>/)."""
    from actorstance.corpus import load_corpus
    from actorstance.labels import LabelSchema

    from .baselines import BASELINES, BaselineUnavailable, make_baseline
    from .runner import DEFAULT_DATA, evaluate_predictor, load_gold, write_evaluation

    if name not in BASELINES:
        raise _fail(f"unknown baseline {name!r}; known: {', '.join(BASELINES)}", 2)
    schema = _run_guarded(lambda: LabelSchema.resolve(labels or "default"))

    def fit():
        source = train if train is not None else DEFAULT_DATA
        articles = [a for a in load_corpus(source, schema) if a.split in ("train", None)]
        if not articles:
            raise ValueError(f"{source}: no training article (split 'train' or no split)")
        started = time.perf_counter()
        model = make_baseline(name, articles, schema, spacy_model)
        return model, time.perf_counter() - started

    try:
        model, fit_time = _run_guarded(fit)
    except BaselineUnavailable as error:
        raise _fail(f"baseline {name} is unavailable: {error}", 2) from None

    def evaluate():
        gold, source = load_gold(data, split, schema)
        with _progress_bar() as progress:
            evaluation = evaluate_predictor(model, gold, bootstrap, seed, progress)
        run_name = f"baseline-{name}"
        evaluation.metrics["run"] = {"name": run_name, "dir": None, "baseline": name, "train_time_s": round(fit_time, 3),
                                     "num_parameters": None, "train": str(train or DEFAULT_DATA)}  # fmt: skip
        evaluation.metrics["data"] = source
        return write_evaluation(evaluation, output or Path("runs") / run_name / "eval" / source["stem"]), evaluation

    where, evaluation = _run_guarded(evaluate)
    _print_summary(evaluation.metrics, where)


_COMMANDS = {"run", "score", "compare", "baseline"}


def main(argv: list[str] | None = None) -> None:
    """Entry point; ``python -m eval RUN_DIR ...`` means ``python -m eval run RUN_DIR ...``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in _COMMANDS and not args[0].startswith("-"):
        args.insert(0, "run")
    app(args=args, prog_name="python -m eval")
