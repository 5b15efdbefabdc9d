"""Evaluate a predictor (a trained run or a baseline) on gold articles and write the outputs.

A predictor is anything with ``labels`` (a `LabelSchema`) and
``predict_articles(articles, gold_mentions=...)``. It is asked twice:

* ``gold_mentions=False`` on the articles stripped of actors, mentions and stances: the
  end-to-end predictions (mention, actor and end-to-end stance scores);
* ``gold_mentions=True`` on the articles stripped of stances (gold mentions and actor ids kept):
  actor role accuracy and stances given gold actors.

Outputs (one folder, written atomically): metrics.json, gold.jsonl,
predictions_end_to_end.jsonl, predictions_gold_mentions.jsonl, report.md, report.html, and
articles/<id>.html (gold and predicted side by side, linked from the report's error tables).
"""

from __future__ import annotations

import datetime as _datetime
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
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
from .calibration import reliability, scored_edges, threshold_curve
from .errors import EDGE_SOURCES, EDGE_STEPS, edge_losses, edge_sources, error_analysis
from .metrics import HEADLINES, LENGTH_METRICS, TASKS, align_actors, article_counts, headline, headlines_for, pair_articles, summarize

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
LENGTH_GROUPS = 3
MIN_GROUP_ARTICLES = 10
PREDICT_CHUNK = 8
"""Articles per ``predict_articles`` call in an evaluation: the unit of its progress reports."""

Progress = Callable[[str, int, int], None]
"""Called with (phase, articles done, articles in the phase) after each chunk of predictions."""
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


def length_groups(words: Sequence[int]) -> list[list[int]]:
    """Article rows in up to `LENGTH_GROUPS` groups of near-equal size by word count (shortest first),
    each with at least `MIN_GROUP_ARTICLES` articles, so every group's interval means something."""
    count = max(1, min(LENGTH_GROUPS, len(words) // MIN_GROUP_ARTICLES))
    order = sorted(range(len(words)), key=lambda row: (words[row], row))
    return [order[len(order) * k // count : len(order) * (k + 1) // count] for k in range(count)]


def _by_length(
    gold: Sequence[Article], table: CountTable, labels: LabelSchema, has_gold_mentions: bool, judged: Sequence[str],
    n_bootstrap: int, seed: int,
) -> list[dict]:  # fmt: skip
    statistic = headline_statistic(labels, has_gold_mentions)
    words = [len(_WORD.findall(article.text)) for article in gold]
    buckets = []
    for rows in length_groups(words):
        low, high = min(words[row] for row in rows), max(words[row] for row in rows)
        intervals = confidence_intervals(table.subset(rows), statistic, n_bootstrap, seed)
        bucket = {"label": f"{low}-{high} words" if low != high else f"{low} words", "min_words": low, "max_words": high, "articles": len(rows)}
        for name in LENGTH_METRICS:
            if name in judged:
                entry = intervals[name]
                bucket |= {name: entry["value"], f"{name}_ci_low": entry["ci_low"], f"{name}_ci_high": entry["ci_high"]}
        buckets.append(bucket)
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
        "by_length": _by_length(gold, table, labels, has_gold_mentions, judged, n_bootstrap, seed),
        "errors": error_analysis(
            pair_articles(gold, end_to_end), pair_articles(gold, gold_mentions) if has_gold_mentions else None, error_limit
        ),
        "edge_analysis": edge_analysis(pair_articles(gold, end_to_end)) if set(TASKS) <= set(tasks) else None,  # end to end: both
        "notes": notes,
    }


def edge_analysis(pairs: Sequence[tuple[Article, Article]]) -> dict:
    """The end-to-end stance graph's errors by cause: each gold edge at the step that loses it
    (`errors.edge_losses`) and each predicted edge at what it is in the gold graph (`errors.edge_sources`).
    The predictions are the kept edges, so an unkept pair the prediction proposes counts as below the threshold."""
    losses: Counter = Counter()
    sources: Counter = Counter()
    for gold, predicted in pairs:
        alignment = align_actors(gold, predicted)
        losses += edge_losses(gold, predicted, threshold=0.0, alignment=alignment)
        sources += edge_sources(gold, predicted, threshold=0.0, alignment=alignment)
    return {"gold_edges": {step: losses[step] for step in EDGE_STEPS}, "predicted_edges": {source: sources[source] for source in EDGE_SOURCES}}


# --------------------------------------------------------------------------- predictors


def _decision_threshold(predictor: ArticlePredictor) -> float | None:
    """The stance threshold of a predictor with a fitted decision (`actorstance.decision`), else None."""
    decision = getattr(predictor, "decision", None)
    return getattr(decision, "threshold", None)


def _above(articles: list[Article], threshold: float) -> list[Article]:
    return [a.model_copy(update={"stances": [s for s in a.stances if (s.score or 0.0) >= threshold]}) for a in articles]


def _predict_in_chunks(
    predictor: ArticlePredictor, articles: list[Article], gold_mentions: bool, progress: Progress | None, **options
) -> list[Article]:
    """``predict_articles`` over fixed chunks of articles, so a long evaluation can report progress
    (the chunks are the same with or without a progress callback: the predictions do not depend on it)."""
    phase = "gold mentions" if gold_mentions else "end to end"
    results: list[Article] = []
    for start in range(0, len(articles), PREDICT_CHUNK):
        results += predictor.predict_articles(articles[start : start + PREDICT_CHUNK], gold_mentions=gold_mentions, **options)
        if progress is not None:
            progress(phase, len(results), len(articles))
    return results


def run_predictor(
    predictor: ArticlePredictor, gold: Sequence[Article], progress: Progress | None = None
) -> tuple[list[Article], list[Article], dict, list[Article] | None]:
    """Both kinds of predictions, from inputs that hide what each must predict, and their timing.

    A predictor with a fitted stance threshold is asked once for every candidate pair with its score
    (``min_score=0``); its predictions are those at or above the threshold, and the scored
    gold-mention predictions come back too (for the threshold curve and the calibration plot)."""
    plain = [a.model_copy(update={"actors": [], "mentions": [], "stances": []}, deep=True) for a in gold]
    given = [a.model_copy(update={"stances": []}, deep=True) for a in gold]
    threshold = _decision_threshold(predictor)
    options = {} if threshold is None else {"min_score": 0.0}
    started = time.perf_counter()
    end_to_end = _predict_in_chunks(predictor, plain, False, progress, **options)
    middle = time.perf_counter()
    gold_mentions = _predict_in_chunks(predictor, given, True, progress, **options)
    finished = time.perf_counter()
    timing = {"predict_end_to_end_s": round(middle - started, 3), "predict_gold_mentions_s": round(finished - middle, 3)}
    if threshold is None:
        return end_to_end, gold_mentions, timing, None
    return _above(end_to_end, threshold), _above(gold_mentions, threshold), timing, gold_mentions


def evaluate_predictor(
    predictor: ArticlePredictor,
    gold: Sequence[Article],
    n_bootstrap: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    progress: Progress | None = None,
) -> Evaluation:
    end_to_end, gold_mentions, timing, scored = run_predictor(predictor, gold, progress)
    metrics = evaluate_predictions(gold, end_to_end, gold_mentions, predictor.labels, n_bootstrap, seed, tasks=predictor.tasks)
    metrics["timing"] = timing
    if scored is not None:
        scores, correct, gold_edges = scored_edges(gold, scored)
        metrics["stance_decision"] = {
            "threshold": _decision_threshold(predictor),
            "curve": threshold_curve(scores, correct, gold_edges),
            "reliability": reliability(scores, correct),
        }
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
    progress: Progress | None = None,
    overrides: Sequence[str] = (),
) -> Path:
    """``python -m eval RUN_DIR``: load the run's predictor, score it, write RUN_DIR/eval/<stem>/.

    ``overrides`` change the run's prediction settings for this evaluation (``"actors.link_threshold=0.1"``,
    `actorstance.config.predict_time_keys`); it is then named and written as RUN+SETTINGS, by default to
    RUN_DIR/eval/<stem>+SETTINGS/, so the run's own evaluation stays."""
    if predictor is None:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # the evaluation shows its own progress
        predictor = load_predictor(run_dir, overrides=overrides)
    gold, source = load_gold(data, split, predictor.labels)
    evaluation = evaluate_predictor(predictor, gold, n_bootstrap, seed, progress)
    evaluation.metrics["run"] = read_run_info(run_dir)
    evaluation.metrics["data"] = source
    suffix = ""
    if overrides:
        suffix = "+" + _settings_slug(overrides)
        evaluation.metrics["run"].update(name=evaluation.metrics["run"]["name"] + suffix, overrides=list(overrides))
    output = Path(output) if output is not None else Path(run_dir) / "eval" / (source["stem"] + suffix)
    return write_evaluation(evaluation, output)


def _settings_slug(overrides: Sequence[str]) -> str:
    """``["actors.link_threshold=0.1"]`` -> ``"actors.link_threshold=0.1"``: a folder and run name part."""
    return re.sub(r"[^\w.=,-]", "_", ",".join(override.strip() for override in overrides))


# --------------------------------------------------------------------------- files


def write_evaluation(evaluation: Evaluation, output: str | Path) -> Path:
    """Write every output file into ``output`` in one atomic step (an old folder is replaced)."""
    from .article_pages import render_article_pages
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
        pages = render_article_pages(evaluation.gold, evaluation.end_to_end, evaluation.gold_mentions, evaluation.labels)
        for name, page in pages.items():
            (staging / name).parent.mkdir(exist_ok=True)
            (staging / name).write_text(page, encoding="utf-8")
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
