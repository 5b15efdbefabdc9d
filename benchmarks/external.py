"""Train and score the project on an external data set, with the data set's own published metric.

    python benchmarks/external.py NAME [--data PATH] [--config PATH] [--set key=value ...] [--output PATH]
                                       [--max-train N] [--validation-fraction F] [--holdout F]

NAME is ``park2021``, ``newsmtsc`` or ``semeval2025`` (docs/external-data.md describes the data
and the importers). The runner

1. imports the data set with the project's importer (refused lines are counted, never silent);
   articles whose file pins ``validation`` or ``test`` (park2021 ``valid.txt``, NewsMTSC
   ``dev-rw.jsonl`` / ``dev-mt.jsonl``) are the evaluation parts, one per file; the rest is the
   training part. Where the data has no evaluation part (the shared SemEval folder holds training
   data only), ``--folds K`` > 1 (semeval2025 default: 5) cross-validates over the articles
   (seeded; every mention is scored once, part ``cv``), ``--folds 1`` holds out a seeded
   ``--holdout`` share (default 0.2, part ``held-out``);
2. orders the training part by a seeded hash, keeps the first ``--max-train`` articles where a
   cap applies (the default caps aim at under 30 minutes on 2 CPU cores), and pins the first
   ``--validation-fraction`` (default 0.1; semeval2025 0: fixed epochs) of them to split
   ``validation`` (early stopping and best-checkpoint selection) and the rest to ``train``. For semeval2025 only the sentences that
   hold a mention are trained on (``--all-sentences``: all; the others are all ``O``, which
   scoring given mentions never uses);
3. writes that corpus to a temporary folder (never into the repository) and trains with
   ``train.train`` on ``configs/bench-NAME.yaml`` plus the ``--set`` overrides into
   ``runs/bench-NAME`` (``output_dir``/``name`` of the config; with folds, the last fold's model);
4. predicts every evaluation part with the project's `Predictor`, mentions given
   (``predict_articles(..., gold_mentions=True)``), and scores it:

   * park2021: macro-F1 and accuracy over the 5 original classes. Gold class from
     ``meta["park2021_label"]``; predicted class from the predicted P->Q / Q->P edge and its label
     (the more confident one if both are predicted), 0 if there is none;
   * newsmtsc: F1m (macro-F1 over negative / neutral / positive) and accuracy per target, from
     ``meta["newsmtsc_targets"]`` (every target of the line as given, so merged duplicates count
     twice as in the original files); a target with no predicted ``AUTHOR`` stance counts as neutral;
   * semeval2025: EMR (exact match of the fine-role set per mention), fine-role micro P/R/F1 and
     main-role accuracy per mention;

5. scores the majority-class baseline on the same parts, its class fitted on each round's (fold's)
   training part only;
6. writes ``benchmarks/results/NAME.json`` (metrics, model, data sizes, caps, timings, command, git
   commit) and prints a one-line summary. ``--baseline-only`` recomputes just the baseline of an
   existing results file (no training).

Each data set is one `Benchmark` object owning its importer, its published metric and its
majority-class guess (`Park2021`, `NewsMTSC`, `SemEval2025`).

``--set model.name=roberta-base`` (or any other config key) passes through to the run config.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shlex
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from actorstance.atomic import atomic_write_text  # noqa: E402
from actorstance.corpus.external import ImportResult  # noqa: E402
from actorstance.labels import LabelSchema  # noqa: E402
from actorstance.machine import device_summary, git_commit, git_dirty  # noqa: E402
from actorstance.schema import AUTHOR, Article  # noqa: E402

__all__ = [
    "BENCHMARKS",
    "Benchmark",
    "park2021_class",
    "park2021_scores",
    "newsmtsc_pairs",
    "newsmtsc_scores",
    "semeval2025_scores",
    "evaluation_rounds",
    "training_corpus",
    "prepare_parts",
    "mention_sentences",
    "majority_baselines",
    "refresh_baseline",
    "run",
    "main",
]

# --------------------------------------------------------------------------- metrics

PARK2021_CLASSES = (0, 1, 2, 3, 4)
NEWSMTSC_CLASSES = ("negative", "neutral", "positive")
NEWSMTSC_OF_STANCE = {"OPPOSE": "negative", "NEUTRAL": "neutral", "SUPPORT": "positive"}
NEWSMTSC_FALLBACK = "neutral"
"""The class of a target for which the model predicts no ``AUTHOR`` stance (counted in the results)."""


def _pairs(gold: Sequence[Article], predicted: Sequence[Article]) -> list[tuple[Article, Article]]:
    by_id = {article.id: article for article in predicted}
    missing = [article.id for article in gold if article.id not in by_id]
    if missing:
        raise ValueError(f"no prediction for {len(missing)} article(s), e.g. {missing[:3]}")
    return [(article, by_id[article.id]) for article in gold]


def park2021_class(article: Article) -> int:
    """The 5-class Park label of an article's P/Q edge: the more confident edge wins, no edge = 0."""
    from actorstance.corpus.external import PARK2021_EDGES

    class_of = {edge: label for label, edge in PARK2021_EDGES.items() if edge}
    edges = [s for s in article.stances if (s.holder, s.target, s.label) in class_of]
    if not edges:
        return 0
    best = max(edges, key=lambda s: 1.0 if s.score is None else s.score)  # ties: the first listed
    return class_of[(best.holder, best.target, best.label)]


def _park2021_gold_class(article: Article) -> int:
    """The class as the data set gives it (``meta["park2021_label"]``), else read off the edges."""
    label = article.meta.get("park2021_label")
    return int(label) if label is not None else park2021_class(article)


def park2021_scores(gold: Sequence[Article], predicted: Sequence[Article]) -> dict[str, Any]:
    """Macro-F1 and accuracy over the 5 original classes (gold from ``meta["park2021_label"]``)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    y_true, y_pred = [], []
    for gold_article, predicted_article in _pairs(gold, predicted):
        y_true.append(_park2021_gold_class(gold_article))
        y_pred.append(park2021_class(predicted_article))
    labels = list(PARK2021_CLASSES)
    per_class = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    return {
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_per_class": {str(label): float(value) for label, value in zip(labels, per_class)},
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "gold_counts": {str(label): y_true.count(label) for label in labels},
        "predicted_counts": {str(label): y_pred.count(label) for label in labels},
        "examples": len(y_true),
    }


def newsmtsc_pairs(gold: Article, predicted: Article) -> tuple[list[str], list[str], int, int]:
    """Per target of a NewsMTSC line: gold and predicted class; also (targets without an actor, fallbacks).

    Targets come from ``meta["newsmtsc_targets"]`` (as given, refused ones have ``actor: null`` and
    are skipped); without that meta, from the gold ``AUTHOR`` stances.
    """
    from actorstance.corpus.external import NEWSMTSC_POLARITY

    predicted_label = {s.target: s.label for s in predicted.stances if s.holder == AUTHOR}
    targets = gold.meta.get("newsmtsc_targets")
    if targets is None:
        targets = [
            {"actor": s.target, "stance": s.label} for s in gold.stances if s.holder == AUTHOR
        ]
    y_true, y_pred, skipped, fallbacks = [], [], 0, 0
    for target in targets:
        actor = target.get("actor")
        if actor is None:
            skipped += 1
            continue
        stance = target.get("stance") or NEWSMTSC_POLARITY[float(target["polarity"])]
        y_true.append(NEWSMTSC_OF_STANCE[stance])
        label = predicted_label.get(actor)
        if label not in NEWSMTSC_OF_STANCE:
            fallbacks += 1
            y_pred.append(NEWSMTSC_FALLBACK)
        else:
            y_pred.append(NEWSMTSC_OF_STANCE[label])
    return y_true, y_pred, skipped, fallbacks


def newsmtsc_scores(gold: Sequence[Article], predicted: Sequence[Article]) -> dict[str, Any]:
    """F1m (macro-F1 over negative / neutral / positive) and accuracy, per target."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    y_true, y_pred, skipped, fallbacks = [], [], 0, 0
    for gold_article, predicted_article in _pairs(gold, predicted):
        true, pred, article_skipped, article_fallbacks = newsmtsc_pairs(gold_article, predicted_article)
        y_true += true
        y_pred += pred
        skipped += article_skipped
        fallbacks += article_fallbacks
    labels = list(NEWSMTSC_CLASSES)
    per_class = f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    return {
        "f1m": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1_per_class": dict(zip(labels, map(float, per_class))),
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        "gold_counts": {label: y_true.count(label) for label in labels},
        "targets": len(y_true),
        "targets_refused_by_importer": skipped,
        "no_author_stance_predicted": fallbacks,
    }


def _role_set(actor) -> list[str]:
    return [] if actor is None else [actor.role, *(actor.other_roles or [])]


def semeval2025_scores(gold: Sequence[Article], predicted: Sequence[Article], labels: LabelSchema) -> dict[str, Any]:
    """Per gold mention: EMR of the fine-role set, fine-role micro P/R/F1, main-role accuracy.

    A mention's roles are its actor's ``[role, *other_roles]``; the main role is the fine role's
    group in ``labels.role_groups``.
    """
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support
    from sklearn.preprocessing import MultiLabelBinarizer

    true_sets, pred_sets, true_main, pred_main = [], [], [], []
    for gold_article, predicted_article in _pairs(gold, predicted):
        gold_actors, predicted_actors = gold_article.actor_by_id(), predicted_article.actor_by_id()
        for mention in gold_article.mentions:
            gold_actor, predicted_actor = gold_actors[mention.actor], predicted_actors.get(mention.actor)
            true_sets.append(_role_set(gold_actor))
            pred_sets.append(_role_set(predicted_actor))
            true_main.append(labels.coarse_role(gold_actor.role) or "")
            pred_main.append((labels.coarse_role(predicted_actor.role) or "") if predicted_actor else "-")
    binarizer = MultiLabelBinarizer(classes=list(labels.roles))
    y_true, y_pred = binarizer.fit_transform(true_sets), binarizer.transform(pred_sets)
    precision, recall, f1, _ = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    exact = [set(t) == set(p) for t, p in zip(true_sets, pred_sets)]
    return {
        "emr": float(sum(exact) / len(exact)) if exact else 0.0,
        "fine_micro_precision": float(precision),
        "fine_micro_recall": float(recall),
        "fine_micro_f1": float(f1),
        "main_role_accuracy": float(accuracy_score(true_main, pred_main)) if true_main else 0.0,
        "main_role_gold_counts": dict(Counter(true_main)),
        "main_role_predicted_counts": dict(Counter(pred_main)),
        "mentions": len(true_sets),
        "mentions_with_several_fine_roles": {"gold": sum(len(s) > 1 for s in true_sets), "predicted": sum(len(s) > 1 for s in pred_sets)},
    }


# --------------------------------------------------------------------------- benchmarks


@dataclass(frozen=True)
class Benchmark(ABC):
    """One external data set: where it lives and how the runner treats it, plus the three things that
    differ between data sets, each a method of the data set's own subclass: its importer
    (`import_data`), its published metric (`score`) and its majority-class guess (`majority_class`,
    `guess`), which `majority_baseline` fits on each round's training part."""

    name: str
    data: str
    """Default data path, relative to the repository root."""
    max_train: int | None
    """Default cap on the training part (articles, seeded subsample); ``None`` = all."""
    headline: tuple[str, ...]
    """The metrics of the one-line summary (and of the baseline)."""
    unit: str
    """The key of `score`'s result that counts the scored units."""
    folds: int = 1
    """Without an evaluation part in the data: > 1 = k-fold cross-validation instead of one held-out part."""
    mention_sentences: bool = False
    """Train on the sentences that hold a mention only (roles from given mentions: the rest is all ``O``)."""
    validation_fraction: float = 0.1
    """Share of the training articles pinned to the internal validation split (0 = none: fixed epochs)."""

    @property
    def config(self) -> Path:
        return REPO / "configs" / f"bench-{self.name}.yaml"

    @abstractmethod
    def import_data(self, path: Path) -> ImportResult:
        """The data set's files as articles."""

    @abstractmethod
    def score(self, gold: Sequence[Article], predicted: Sequence[Article], labels: LabelSchema) -> dict[str, Any]:
        """The data set's published metric."""

    @abstractmethod
    def majority_class(self, training: Sequence[Article]) -> Any:
        """The training part's most frequent class."""

    @abstractmethod
    def guess(self, majority: Any, article: Article) -> Article:
        """``article`` predicted as ``majority`` throughout."""

    def majority_baseline(
        self, rounds: Sequence[tuple[Sequence[Article], Sequence[Article]]], labels: LabelSchema
    ) -> dict[str, Any]:
        """The metric of guessing the majority class: per ``(training part, scored articles)`` round the
        class is fitted on that round's training part only, and the guesses of all rounds are scored
        together, as the model's predictions are."""
        classes, gold, guessed = [], [], []
        for training, scored in rounds:
            majority = self.majority_class(training)
            classes.append(majority)
            gold.extend(scored)
            guessed.extend(self.guess(majority, article) for article in scored)
        scores = self.score(gold, guessed, labels)
        fitted = {"class": classes[0]} if len(classes) == 1 else {"class_per_fold": classes}
        return {**fitted, **{key: scores[key] for key in self.headline}}


def _most_common(values: Iterable[Any]) -> Any:
    """The most frequent value (ties: the first seen)."""
    counts = Counter(values)
    if not counts:
        raise ValueError("a majority baseline needs a training part with at least one labelled example")
    return counts.most_common(1)[0][0]


class Park2021(Benchmark):
    def import_data(self, path: Path) -> ImportResult:
        from actorstance.corpus.external import import_park2021

        return import_park2021(path)

    def score(self, gold: Sequence[Article], predicted: Sequence[Article], labels: LabelSchema) -> dict[str, Any]:
        return park2021_scores(gold, predicted)

    def majority_class(self, training: Sequence[Article]) -> int:
        return _most_common(_park2021_gold_class(article) for article in training)

    def guess(self, majority: int, article: Article) -> Article:
        from actorstance.corpus.external import PARK2021_EDGES
        from actorstance.schema import Stance

        edge = PARK2021_EDGES[majority]
        return article.model_copy(update={"stances": [Stance(holder=edge[0], target=edge[1], label=edge[2])] if edge else []})


class NewsMTSC(Benchmark):
    def import_data(self, path: Path) -> ImportResult:
        from actorstance.corpus.external import import_newsmtsc

        return import_newsmtsc(path)

    def score(self, gold: Sequence[Article], predicted: Sequence[Article], labels: LabelSchema) -> dict[str, Any]:
        return newsmtsc_scores(gold, predicted)

    def majority_class(self, training: Sequence[Article]) -> str:
        return NEWSMTSC_OF_STANCE[_most_common(s.label for a in training for s in a.stances if s.holder == AUTHOR)]

    def guess(self, majority: str, article: Article) -> Article:
        from actorstance.schema import Stance

        label = next(stance for stance, polarity in NEWSMTSC_OF_STANCE.items() if polarity == majority)
        return article.model_copy(update={"stances": [Stance(holder=AUTHOR, target=a.id, label=label) for a in article.actors]})


class SemEval2025(Benchmark):
    def import_data(self, path: Path) -> ImportResult:
        from actorstance.corpus.external import import_semeval2025

        return import_semeval2025(path)

    def score(self, gold: Sequence[Article], predicted: Sequence[Article], labels: LabelSchema) -> dict[str, Any]:
        return semeval2025_scores(gold, predicted, labels)

    def majority_class(self, training: Sequence[Article]) -> str:
        return _most_common(actor.role for article in training for actor in article.actors)

    def guess(self, majority: str, article: Article) -> Article:
        from actorstance.schema import Actor

        return article.model_copy(update={"actors": [Actor(id=a.id, name=a.name, role=majority) for a in article.actors]})


BENCHMARKS: dict[str, Benchmark] = {
    b.name: b
    for b in (
        # All 12,985 sentences x 2 directions (P->Q, Q->P); the cap is 2 epochs (configs/bench-park2021.yaml),
        # ~17 min on 2 idle CPU cores with MiniLM. A seeded --max-train subsample is the other lever
        # (2 epochs on 4,000: macro-F1 0.39, the rare q->p classes never predicted; benchmarks/EXTERNAL.md).
        Park2021("park2021", "../shared/external/park2021-directed-sentiment", None, ("macro_f1", "accuracy"), "examples"),
        # 7,758 lines, ~1.1 contexts each and short: all of them fit (3 epochs, configs/bench-newsmtsc.yaml).
        NewsMTSC("newsmtsc", "../shared/external/newsmtsc", None, ("f1m", "accuracy"), "targets"),
        # 106 annotated articles, no validation part: 5-fold cross-validation scores all 414 mentions.
        SemEval2025(
            "semeval2025", "../shared/external/semeval2025-t10-en", None, ("emr", "fine_micro_f1", "main_role_accuracy"),
            "mentions",
            # No internal validation: the only selection metrics the trainer has are span-tagging
            # scores (role_f1 ...), 0 for the first epochs with 22 fine roles and ~250 mentions, so
            # early stopping / best-checkpoint selection on them stops at epoch 1; fixed epochs instead.
            folds=5, mention_sentences=True, validation_fraction=0.0,
        ),  # fmt: skip
    )
}


def _seeded_order(articles: Sequence[Article], seed: int, salt: str) -> list[Article]:
    """Articles ordered by a seeded hash of their id: independent of file order and of the other articles."""
    return sorted(articles, key=lambda a: hashlib.sha256(f"{seed}:{salt}:{a.id}".encode()).hexdigest())


def evaluation_rounds(
    articles: Sequence[Article], seed: int, holdout: float = 0.2, folds: int = 1
) -> list[tuple[list[Article], dict[str, list[Article]]]]:
    """``(training part, evaluation parts)`` per round: one round, or one per fold.

    Articles pinned ``validation`` or ``test`` by their file are the evaluation parts (keyed by file
    stem) of a single round. Without any, a seeded ``holdout`` share of the articles is the part
    ``held-out``, or with ``folds`` > 1 each article is scored once in part ``cv`` of its fold.
    """
    training = [a for a in articles if a.split not in ("validation", "test")]
    parts: dict[str, list[Article]] = {}
    for article in articles:
        if article.split in ("validation", "test"):
            parts.setdefault(Path(str(article.meta.get("file", article.split))).stem, []).append(article)
    if parts:
        return [(training, parts)]
    ordered = _seeded_order(training, seed, "holdout")
    if folds > 1:
        if len(ordered) < folds:
            raise ValueError(f"{folds} folds need at least {folds} articles, got {len(ordered)}")
        return [
            (
                [a for index, a in enumerate(ordered) if index % folds != fold],
                {"cv": sorted((a for index, a in enumerate(ordered) if index % folds == fold), key=lambda a: a.id)},
            )
            for fold in range(folds)
        ]
    if not 0 < holdout < 1:
        raise ValueError("the data has no validation or test part: --holdout must be between 0 and 1")
    count = max(1, round(holdout * len(ordered)))
    return [(ordered[count:], {"held-out": sorted(ordered[:count], key=lambda a: a.id)})]


def training_corpus(
    training: Sequence[Article], seed: int, max_train: int | None, validation_fraction: float
) -> tuple[list[Article], dict[str, Any]]:
    """The training part, capped to ``max_train`` articles (seeded), ``split`` pinned train / validation."""
    notes: dict[str, Any] = {"training_part_articles": len(training)}
    pool = _seeded_order(training, seed, "train")
    if max_train and len(pool) > max_train:
        notes["subsampled"] = {"from": len(pool), "to": max_train}
        pool = pool[:max_train]
    validation_count = round(validation_fraction * len(pool)) if validation_fraction > 0 else 0
    if validation_fraction > 0 and len(pool) > 1:
        validation_count = max(1, validation_count)
    pinned = [
        a.model_copy(update={"split": "validation" if index < validation_count else "train"})
        for index, a in enumerate(pool)
    ]
    pinned.sort(key=lambda a: a.id)
    notes["train_articles"] = len(pool) - validation_count
    notes["internal_validation_articles"] = validation_count
    return pinned, notes


def prepare_parts(
    articles: Sequence[Article],
    seed: int,
    max_train: int | None,
    validation_fraction: float,
    holdout: float,
) -> tuple[list[Article], dict[str, list[Article]], dict[str, Any]]:
    """One round of `evaluation_rounds` with its `training_corpus` (no cross-validation)."""
    [(training, parts)] = evaluation_rounds(articles, seed, holdout, folds=1)
    pinned, notes = training_corpus(training, seed, max_train, validation_fraction)
    if "held-out" in parts:
        notes["held_out"] = {"fraction": holdout, "articles": len(parts["held-out"])}
    return pinned, parts, notes


def mention_sentences(articles: Sequence[Article]) -> list[Article]:
    """Each stretch of sentences holding mentions as an article of its own (id ``<id>-s<first sentence>``).

    Role training sees one sentence at a time anyway (`encode_sentences`), so the model gets the
    same windows for these sentences; sentences without any mention are left out. A mention that
    the sentence splitter cuts in two keeps both sentences together. ``split`` is kept.
    """
    from actorstance.text import sentence_index, sentence_spans

    result = []
    for article in articles:
        sentences = sentence_spans(article.text)
        if not sentences:
            continue
        ranges: list[list[int]] = []
        for first, last in sorted(
            (sentence_index(sentences, m.start), sentence_index(sentences, m.end - 1)) for m in article.mentions
        ):
            if ranges and first <= ranges[-1][1]:
                ranges[-1][1] = max(ranges[-1][1], last)
            else:
                ranges.append([first, last])
        actors = article.actor_by_id()
        for first, last in ranges:
            start, end = sentences[first][0], sentences[last][1]
            inside = [m for m in article.mentions if start <= m.start and m.end <= end]
            used = dict.fromkeys(m.actor for m in inside)
            result.append(
                Article(
                    id=f"{article.id}-s{first:03d}",
                    text=article.text[start:end],
                    meta={"source_article": article.id, "offset": start},
                    actors=[actors[actor] for actor in used],
                    mentions=[m.model_copy(update={"start": m.start - start, "end": m.end - start}) for m in inside],
                    split=article.split,
                )
            )
    return result


def _as_input(article: Article) -> Article:
    """The article as the predictor gets it: text, mentions and actor grouping; no gold roles or stances."""
    actors = [a.model_copy(update={"role": None, "other_roles": None, "score": None}) for a in article.actors]
    return article.model_copy(update={"actors": actors, "stances": [], "split": None})


def _resolve(path: str | Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() else REPO / path


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children: unlike wall time, it does
    not grow when other jobs share the machine; on k idle cores a run takes about cpu_s / k."""
    import resource

    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN))
    )


def _load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def run_provenance(script: str, started: float, cpu_at_start: float, load_at_start: list[float] | None, **timing: float) -> dict[str, Any]:
    """The record that ends a benchmark's result file: timings (``timing`` plus wall and CPU seconds since
    the start), load average, the command that ran ``script`` and the git commit."""
    return {
        "timing_s": {**{key: round(value, 1) for key, value in timing.items()}, "wall": round(time.perf_counter() - started, 1),
                     "cpu": round(_cpu_seconds() - cpu_at_start, 1)},  # fmt: skip
        "load_average": {"start": load_at_start, "end": _load_average()},
        "command": f"python benchmarks/{script} " + " ".join(sys.argv[1:]),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
    }


def majority_baselines(
    benchmark: Benchmark, rounds: Sequence[tuple[list[Article], dict[str, list[Article]]]], labels: LabelSchema
) -> dict[str, dict[str, Any]]:
    """Per evaluation part, `Benchmark.majority_baseline` over the rounds that score it."""
    by_part: dict[str, list[tuple[list[Article], list[Article]]]] = {}
    for training, parts in rounds:
        for part, gold in parts.items():
            by_part.setdefault(part, []).append((training, gold))
    return {part: benchmark.majority_baseline(part_rounds, labels) for part, part_rounds in by_part.items()}


def refresh_baseline(name: str, output: str | Path | None = None, data: str | Path | None = None) -> dict[str, Any]:
    """Recompute only the majority baseline of an existing results file (it needs no model): same
    data, seed, folds or held-out share as the file records. Rewrites the file and returns it."""
    from actorstance.config import RunConfig

    benchmark = BENCHMARKS[name]
    output_path = _resolve(output) if output else REPO / "benchmarks" / "results" / f"{name}.json"
    results = json.loads(output_path.read_text(encoding="utf-8"))
    config = RunConfig.model_validate(results["config"])
    imported = benchmark.import_data(Path(data) if data is not None else Path(results["data"]["path"]))
    holdout = (results["data"].get("held_out") or {}).get("fraction", 0.2)
    rounds = evaluation_rounds(imported.articles, config.seed, holdout, len(results.get("folds", [])) or 1)
    results["majority_baseline"] = majority_baselines(benchmark, rounds, config.data.label_schema())
    results["majority_baseline_command"] = f"python benchmarks/external.py {name} --baseline-only"
    atomic_write_text(output_path, json.dumps(results, indent=2) + "\n")
    return results


def run(
    name: str,
    data: str | Path | None = None,
    overrides: Sequence[str] = (),
    output: str | Path | None = None,
    max_train: int | None | str = "default",
    validation_fraction: float | None = None,
    holdout: float = 0.2,
    predictions: str | Path | None = None,
    batch_size: int = 64,
    command: str | None = None,
    folds: int | None = None,
    mention_sentences_only: bool | None = None,
    config_path: str | Path | None = None,
) -> dict[str, Any]:
    """Import, split, train, predict and score one benchmark; writes and returns the results.
    ``config_path`` replaces ``configs/bench-NAME.yaml`` (e.g. ``configs/bench-semeval2025-actor.yaml``)."""
    from actorstance.config import load_config
    from actorstance.corpus import write_corpus
    from actorstance.predict_io import load_predictor
    from train import train

    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}")
    benchmark = BENCHMARKS[name]
    started = time.perf_counter()
    cpu_at_start = _cpu_seconds()
    load_at_start = _load_average()
    data_path = Path(data) if data is not None else REPO / benchmark.data
    cap = benchmark.max_train if max_train == "default" else (max_train or None)
    folds = benchmark.folds if folds is None else folds
    if validation_fraction is None:
        validation_fraction = benchmark.validation_fraction
    config_file = _resolve(config_path) if config_path else benchmark.config
    config = load_config(config_file, list(overrides))  # early: a bad --set fails before any work
    # The actor decision reads each actor in its whole article: cutting articles to their mention sentences would hide that.
    only_mention_sentences = (
        (benchmark.mention_sentences and config.roles.decision == "token_vote") if mention_sentences_only is None else mention_sentences_only
    )
    labels = config.data.label_schema()
    imported = benchmark.import_data(data_path)
    if not imported.articles:
        raise ValueError(f"{data_path}: no {name} article could be imported ({len(imported.issues)} issue(s))")
    refused = {k.removeprefix("refused: "): v for k, v in imported.summary.items() if k.startswith("refused: ")}
    rounds = evaluation_rounds(imported.articles, config.seed, holdout, folds)
    import_seconds = time.perf_counter() - started

    gold_by_part: dict[str, list[Article]] = {}
    predicted_by_part: dict[str, list[Article]] = {}
    per_round: list[dict[str, Any]] = []
    train_seconds = predict_seconds = 0.0
    for number, (training, parts) in enumerate(rounds, start=1):
        label = f"[{name}]" + (f" fold {number}/{len(rounds)}" if len(rounds) > 1 else "")
        train_articles, notes = training_corpus(training, config.seed, cap, validation_fraction)
        if only_mention_sentences:
            corpus_articles = mention_sentences(train_articles)
            notes["training_units"] = f"{len(corpus_articles)} stretches of sentences holding a mention"
        else:
            corpus_articles = train_articles
        with tempfile.TemporaryDirectory(prefix=f"actorstance-bench-{name}-") as work:
            corpus = write_corpus(corpus_articles, Path(work) / f"{name}-train.jsonl")
            config = load_config(
                config_file, [f"data.paths={json.dumps([str(corpus)])}", *overrides]
            )  # the user's --set come last and win
            run_dir = _resolve(config.output_dir) / config.name
            print(
                f"{label} training on {notes['train_articles']} articles (+{notes['internal_validation_articles']} "
                f"internal validation), model {config.model.name}, into {run_dir}",
                flush=True,
            )
            clock = time.perf_counter()
            train(config, output_dir=run_dir, overwrite=True)
            train_seconds += time.perf_counter() - clock

        clock = time.perf_counter()
        predictor = load_predictor(run_dir)
        round_metrics = {}
        for part, gold in parts.items():
            inputs = [_as_input(article) for article in gold]
            predicted = predictor.predict_articles(inputs, gold_mentions=True, batch_size=batch_size)
            gold_by_part.setdefault(part, []).extend(gold)
            predicted_by_part.setdefault(part, []).extend(predicted)
            round_metrics[part] = benchmark.score(gold, predicted, labels)
        predict_seconds += time.perf_counter() - clock
        run_metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
        model_run = next(iter(run_metrics["runs"].values()))
        per_round.append(
            {
                "data": {**notes, "evaluation_parts": {part: len(gold) for part, gold in parts.items()}},
                "metrics": round_metrics,
                "global_step": model_run.get("global_step"),
                "train_examples": model_run.get("train_examples"),
                "train_time_s": model_run.get("train_time_s"),
                "internal_validation": run_metrics.get("validation", {}),
            }
        )

    metrics = {part: benchmark.score(gold, predicted_by_part[part], labels) for part, gold in gold_by_part.items()}
    baselines = majority_baselines(benchmark, rounds, labels)
    if predictions:
        write_corpus([a for part in predicted_by_part.values() for a in part], _resolve(predictions))

    wall = time.perf_counter() - started
    first = per_round[0]
    results = {
        "benchmark": name,
        "model": config.model.name,
        "data": {
            "path": str(data_path),
            "imported_articles": len(imported.articles),
            "refused_by_importer": refused,
            **first["data"],
            "evaluation_parts": {part: len(gold) for part, gold in gold_by_part.items()},
            "evaluation": (
                f"{len(rounds)}-fold cross-validation over the articles (seeded); metrics pooled over the folds"
                if len(rounds) > 1 and "cv" in gold_by_part
                else "held-out share of the articles (seeded)" if "held-out" in gold_by_part
                else "the data set's validation part(s), as given"
            ),
        },
        "caps": {
            "max_train_articles": cap,
            "epochs": config.training.epochs,
            "max_steps": config.training.max_steps,
            "mention_sentences_only": only_mention_sentences,
        },
        "metrics": metrics,
        "majority_baseline": baselines,
        "training": {key: first[key] for key in ("global_step", "train_examples", "internal_validation")},
        "timing_s": {
            "import": round(import_seconds, 1),
            "train": round(train_seconds, 1),
            "predict": round(predict_seconds, 1),
            "wall": round(wall, 1),
            "cpu": round(_cpu_seconds() - cpu_at_start, 1),
        },
        "load_average": {"start": load_at_start, "end": _load_average(), "cpu_count": os.cpu_count()},
        "run_dir": str(run_dir),
        "config_file": str(config_file.relative_to(REPO)) if config_file.is_relative_to(REPO) else str(config_file),
        "config": json.loads(json.dumps(config.model_dump(mode="json"))),
        "command": command or "python benchmarks/external.py " + shlex.join([name, *sum((["--set", o] for o in overrides), [])]),
        "git_commit": git_commit(),
        "git_dirty": git_dirty(),
        "device": device_summary(),
        "python": platform.python_version(),
    }
    if len(rounds) > 1:
        results["folds"] = per_round
    output_path = _resolve(output) if output else REPO / "benchmarks" / "results" / f"{name}.json"
    atomic_write_text(output_path, json.dumps(results, indent=2) + "\n")
    print(summary_line(results), flush=True)
    return results


def summary_line(results: dict[str, Any]) -> str:
    benchmark = BENCHMARKS[results["benchmark"]]
    parts = "; ".join(
        f"{part} ({values[benchmark.unit]}): "
        + " ".join(f"{key} {values[key]:.3f}" for key in benchmark.headline)
        for part, values in results["metrics"].items()
    )
    return (
        f"{results['benchmark']}: {parts} | model {results['model']} | train {results['data']['train_articles']} articles"
        f" | wall {results['timing_s']['wall']:.0f} s (train {results['timing_s']['train']:.0f} s,"
        f" CPU {results['timing_s']['cpu']:.0f} s)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument("--data", help="the data set's folder or file (default: ../shared/external/<folder>)")
    parser.add_argument("--config", help="run config (default: configs/bench-NAME.yaml)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a run config key, e.g. --set model.name=roberta-base")  # fmt: skip
    parser.add_argument("--output", help="results JSON (default: benchmarks/results/NAME.json)")
    parser.add_argument("--max-train", type=int, default=None,
                        help="cap on training-part articles, seeded subsample; 0 = all (default: per benchmark)")  # fmt: skip
    parser.add_argument("--validation-fraction", type=float, default=None,
                        help="share of the training articles pinned to the internal validation split"
                             " (default: per benchmark, 0.1; semeval2025 0 = fixed epochs)")  # fmt: skip
    parser.add_argument("--holdout", type=float, default=0.2,
                        help="share of articles held out for scoring when the data has no validation part")  # fmt: skip
    parser.add_argument("--folds", type=int, default=None,
                        help="without a validation part in the data: k-fold cross-validation (1 = one held-out part;"
                             " default: per benchmark, semeval2025 5)")  # fmt: skip
    parser.add_argument("--all-sentences", action="store_true",
                        help="semeval2025: train the tagger on every sentence, not only those holding a mention")  # fmt: skip
    parser.add_argument("--predictions", help="also write the predicted articles (JSONL) here")
    parser.add_argument("--batch-size", type=int, default=64, help="prediction batch size")
    parser.add_argument("--baseline-only", action="store_true",
                        help="recompute only the majority baseline of the existing results file (--output), no training")  # fmt: skip
    args = parser.parse_args(argv)
    from actorstance.config import ConfigError

    if args.baseline_only:
        results = refresh_baseline(args.name, args.output, args.data)
        print(json.dumps(results["majority_baseline"]), flush=True)
        return 0

    command = "python benchmarks/external.py " + shlex.join(list(argv if argv is not None else sys.argv[1:]))
    try:
        run(
            args.name, args.data, args.overrides, args.output,
            "default" if args.max_train is None else args.max_train,
            args.validation_fraction, args.holdout, args.predictions, args.batch_size, command,
            args.folds, False if args.all_sentences else None, args.config,
        )  # fmt: skip
    except (ConfigError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
