"""Evaluate a predictor (a trained run or a baseline) on gold articles and write the outputs.

A predictor is anything with ``labels`` (a `LabelSchema`) and
``predict_articles(articles, gold_mentions=...)``. It is asked twice:

* ``gold_mentions=False`` on the articles stripped of actors, mentions and stances: the
  end-to-end predictions (mention, actor and end-to-end stance scores);
* ``gold_mentions=True`` on the articles stripped of stances (gold mentions and actor ids kept):
  actor role accuracy and stances given gold actors.

Outputs (one folder, written atomically): metrics.json, gold.jsonl,
predictions_end_to_end.jsonl, predictions_gold_mentions.jsonl, report.md, report.html.
"""

from __future__ import annotations

import datetime as _datetime
import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from actorstance.atomic import atomic_directory
from actorstance.corpus import dump_jsonl, load_corpus
from actorstance.corpus.jsonl import read_jsonl_unchecked
from actorstance.labels import LabelSchema
from actorstance.predict_io import load_predictor  # named errors for a broken run directory
from actorstance.schema import Article

from .bootstrap import DEFAULT_RESAMPLES, CountTable, confidence_intervals
from .errors import error_analysis
from .metrics import HEADLINES, LENGTH_METRICS, TASKS, article_counts, headline, headlines_for, pair_articles, summarize

__all__ = [
    "REPO_ROOT",
    "DEFAULT_DATA",
    "EVAL_FILES",
    "ArticlePredictor",
    "Evaluation",
    "load_gold",
    "evaluation_stem",
    "count_table",
    "evaluate_predictions",
    "run_predictor",
    "evaluate_predictor",
    "evaluate_run",
    "read_run_info",
    "write_evaluation",
    "is_evaluation_dir",
    "load_evaluation",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT / "data" / "corpus"
EVAL_FILES = (
    "metrics.json",
    "gold.jsonl",
    "predictions_end_to_end.jsonl",
    "predictions_gold_mentions.jsonl",
    "report.md",
    "report.html",
)
LENGTH_BUCKETS = ((0, 250), (250, 500), (500, 1000), (1000, None))
_WORD = re.compile(r"\w+", re.UNICODE)


class ArticlePredictor(Protocol):
    labels: LabelSchema
    tasks: Sequence[str]  # "roles", "stance": what it predicts rather than copies from its input

    def predict_articles(self, articles: Sequence[Article], *, gold_mentions: bool = False) -> list[Article]: ...


@dataclass
class Evaluation:
    """A written (or loaded) evaluation: its metrics and the articles they were computed from."""

    metrics: dict
    gold: list[Article]
    end_to_end: list[Article]
    gold_mentions: list[Article] | None
    labels: LabelSchema
    path: Path | None = None


# --------------------------------------------------------------------------- gold data


def load_gold(data: str | Path | None, split: str | None, labels: LabelSchema) -> tuple[list[Article], dict]:
    """Gold articles (checked against ``labels``) and a description of where they came from.

    Without ``data`` the repository's ``data/corpus`` is read and ``split`` defaults to ``test``;
    with ``data`` every article of it is used unless ``split`` is given.
    """
    if data is None:
        data, split = DEFAULT_DATA, split or "test"
    articles = load_corpus(data, labels)
    if split is not None:
        articles = [article for article in articles if article.split == split]
        if not articles:
            raise ValueError(f"{data}: no article with split {split!r}")
    if not articles:
        raise ValueError(f"{data}: no articles")
    return articles, {"source": str(data), "split": split, "articles": len(articles), "stem": evaluation_stem(data, split)}


def evaluation_stem(data: str | Path | None, split: str | None) -> str:
    """The output folder name: the split, the data file's stem, or both."""
    if data is None or Path(data).resolve() == DEFAULT_DATA.resolve():
        return split or "test"
    stem = Path(data).stem if Path(data).suffix else Path(data).name
    return f"{stem}-{split}" if split else stem


# --------------------------------------------------------------------------- scoring


def count_table(
    gold: Sequence[Article], end_to_end: Sequence[Article], gold_mentions: Sequence[Article] | None, labels: LabelSchema
) -> CountTable:
    """Per-article counts, keys prefixed ``e2e`` (end to end) and ``gg`` (gold mentions)."""
    pairs = pair_articles(gold, end_to_end)
    counts = [article_counts(g, p, labels, "e2e") for g, p in pairs]
    if gold_mentions is not None:
        for row, (g, p) in enumerate(pair_articles(gold, gold_mentions)):
            counts[row].update(article_counts(g, p, labels, "gg"))
    return CountTable([g.id for g, _ in pairs], counts)


def headline_statistic(labels: LabelSchema, has_gold_mentions: bool):
    """The function of summed counts that the bootstrap resamples."""
    given = "gg" if has_gold_mentions else "e2e"
    return lambda totals: headline(totals, labels, "e2e", given)


def _by_length(
    gold: Sequence[Article], table: CountTable, labels: LabelSchema, has_gold_mentions: bool, judged: Sequence[str]
) -> list[dict]:
    statistic = headline_statistic(labels, has_gold_mentions)
    words = [len(_WORD.findall(article.text)) for article in gold]
    buckets = []
    for low, high in LENGTH_BUCKETS:
        rows = [i for i, n in enumerate(words) if n >= low and (high is None or n < high)]
        if not rows:
            continue
        values = statistic(table.subset(rows).totals())
        label = f"{low}-{high - 1}" if high is not None else f"{low}+"
        buckets.append(
            {"label": f"{label} words", "min_words": low, "max_words": high, "articles": len(rows)}
            | {name: float(values[name][0]) for name in LENGTH_METRICS if name in judged}
        )
    return buckets


def evaluate_predictions(
    gold: Sequence[Article],
    end_to_end: Sequence[Article],
    gold_mentions: Sequence[Article] | None = None,
    labels: LabelSchema | None = None,
    n_bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    error_limit: int = 20,
    tasks: Sequence[str] = TASKS,
) -> dict:
    """All metrics, headline intervals, length buckets and error analysis as one JSON-ready dict.

    Without ``gold_mentions`` the end-to-end predictions also serve the gold-actor metrics (their
    actor ids are taken as gold ids), as in ``python -m eval score GOLD PRED``. Headline numbers of
    a task the predictor does not do (``tasks``) are None, not scores of what it copied.
    """
    labels = labels or LabelSchema.from_articles([*gold, *end_to_end, *(gold_mentions or [])])
    table = count_table(gold, end_to_end, gold_mentions, labels)
    has_gold_mentions = gold_mentions is not None
    intervals = confidence_intervals(table, headline_statistic(labels, has_gold_mentions), n_bootstrap, seed)
    totals = table.totals()
    e2e = summarize(totals.sub("e2e"), labels, ("mentions", "actors", "end_to_end"))
    given = summarize(totals.sub("gg" if has_gold_mentions else "e2e"), labels, ("mentions", "actors", "stances"))
    judged = headlines_for(tasks)
    notes = [f"this predictor does not do {task}: its {task} numbers are not reported" for task in TASKS if task not in tasks]
    if has_gold_mentions:
        changed = [
            g.id
            for g, p in pair_articles(gold, gold_mentions)
            if sorted((m.start, m.end, m.actor) for m in g.mentions) != sorted((m.start, m.end, m.actor) for m in p.mentions)
        ]
        if changed:
            notes.append(f"gold-mention predictions changed the gold mentions of {len(changed)} article(s), e.g. {changed[0]}")
    return {
        "schema_version": 1,
        "articles": len(gold),
        "labels": labels.model_dump(mode="json"),
        "bootstrap": {"resamples": n_bootstrap, "seed": seed, "level": 0.95, "unit": "article"},
        "tasks": list(tasks),
        "headline": {
            name: (intervals[name] if name in judged else {"value": None, "ci_low": None, "ci_high": None})
            | {"description": HEADLINES[name]}
            for name in HEADLINES
        },
        "end_to_end": {"mentions": e2e["mentions"], "actors": e2e["actors"], "stances": e2e["end_to_end"]},
        "gold_mentions": {"mentions": given["mentions"], "actors": given["actors"], "stances": given["stances"]},
        "by_length": _by_length(gold, table, labels, has_gold_mentions, judged),
        "errors": error_analysis(
            pair_articles(gold, end_to_end), pair_articles(gold, gold_mentions) if has_gold_mentions else None, error_limit
        ),
        "notes": notes,
    }


# --------------------------------------------------------------------------- predictors


def run_predictor(predictor: ArticlePredictor, gold: Sequence[Article]) -> tuple[list[Article], list[Article], dict]:
    """Both kinds of predictions, from inputs that hide what each must predict, and their timing."""
    plain = [a.model_copy(update={"actors": [], "mentions": [], "stances": []}, deep=True) for a in gold]
    given = [a.model_copy(update={"stances": []}, deep=True) for a in gold]
    started = time.perf_counter()
    end_to_end = list(predictor.predict_articles(plain, gold_mentions=False))
    middle = time.perf_counter()
    gold_mentions = list(predictor.predict_articles(given, gold_mentions=True))
    finished = time.perf_counter()
    timing = {"predict_end_to_end_s": round(middle - started, 3), "predict_gold_mentions_s": round(finished - middle, 3)}
    return end_to_end, gold_mentions, timing


def evaluate_predictor(
    predictor: ArticlePredictor,
    gold: Sequence[Article],
    n_bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Evaluation:
    end_to_end, gold_mentions, timing = run_predictor(predictor, gold)
    metrics = evaluate_predictions(gold, end_to_end, gold_mentions, predictor.labels, n_bootstrap, seed, tasks=predictor.tasks)
    metrics["timing"] = timing
    return Evaluation(metrics, list(gold), end_to_end, gold_mentions, predictor.labels)


def read_run_info(run_dir: str | Path) -> dict:
    """Name, training time and model size of a run, from its own metrics.json when present."""
    run_dir = Path(run_dir)
    info: dict[str, Any] = {"name": run_dir.resolve().name, "dir": str(run_dir), "train_time_s": None, "num_parameters": None}
    path = run_dir / "metrics.json"
    if path.is_file():
        try:
            training = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            training = {}
        if isinstance(training, dict):
            for key in ("train_time_s", "num_parameters"):
                info[key] = _find(training, key)
            info["training"] = training
    return info


def _find(data: Any, key: str) -> Any:
    """``data[key]`` at the top level or in a nested dict (first found, breadth first)."""
    queue = [data]
    while queue:
        item = queue.pop(0)
        if isinstance(item, dict):
            if key in item and not isinstance(item[key], dict):
                return item[key]
            queue.extend(value for value in item.values() if isinstance(value, dict))
    return None


def evaluate_run(
    run_dir: str | Path,
    split: str | None = None,
    data: str | Path | None = None,
    output: str | Path | None = None,
    n_bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    predictor: ArticlePredictor | None = None,
) -> Path:
    """``python -m eval RUN_DIR``: load the run's predictor, score it, write RUN_DIR/eval/<stem>/."""
    predictor = predictor if predictor is not None else load_predictor(run_dir)
    gold, source = load_gold(data, split, predictor.labels)
    evaluation = evaluate_predictor(predictor, gold, n_bootstrap, seed)
    evaluation.metrics["run"] = read_run_info(run_dir)
    evaluation.metrics["data"] = source
    output = Path(output) if output is not None else Path(run_dir) / "eval" / source["stem"]
    return write_evaluation(evaluation, output)


# --------------------------------------------------------------------------- files


def write_evaluation(evaluation: Evaluation, output: str | Path) -> Path:
    """Write every output file into ``output`` in one atomic step (an old folder is replaced)."""
    from .report import render_html, render_markdown

    metrics = evaluation.metrics
    metrics.setdefault("created", _datetime.datetime.now(_datetime.timezone.utc).isoformat(timespec="seconds"))
    output = Path(output)
    with atomic_directory(output, overwrite=True) as staging:
        (staging / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (staging / "gold.jsonl").write_text(dump_jsonl(evaluation.gold), encoding="utf-8")
        (staging / "predictions_end_to_end.jsonl").write_text(dump_jsonl(evaluation.end_to_end), encoding="utf-8")
        if evaluation.gold_mentions is not None:
            (staging / "predictions_gold_mentions.jsonl").write_text(dump_jsonl(evaluation.gold_mentions), encoding="utf-8")
        (staging / "report.md").write_text(render_markdown(metrics), encoding="utf-8")
        (staging / "report.html").write_text(render_html(metrics), encoding="utf-8")
    evaluation.path = output
    return output


def is_evaluation_dir(path: str | Path) -> bool:
    path = Path(path)
    if not (path / "metrics.json").is_file() or not (path / "gold.jsonl").is_file():
        return False
    try:
        return "headline" in json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def load_evaluation(path: str | Path) -> Evaluation:
    """An evaluation folder written by `write_evaluation`, with its gold and predicted articles."""
    path = Path(path)
    if not is_evaluation_dir(path):
        raise ValueError(f"{path}: not an evaluation folder (needs metrics.json with headline numbers and gold.jsonl)")
    metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    labels = LabelSchema.model_validate(metrics["labels"])
    gold = read_jsonl_unchecked(path / "gold.jsonl")
    end_to_end = read_jsonl_unchecked(path / "predictions_end_to_end.jsonl")
    given_path = path / "predictions_gold_mentions.jsonl"
    gold_mentions = read_jsonl_unchecked(given_path) if given_path.is_file() else None
    return Evaluation(metrics, gold, end_to_end, gold_mentions, labels, path)
