"""SemEval-2025 T10 main roles read from target sentiment learnt on NewsMTSC, cross-validated.

    python benchmarks/external.py newsmtsc          # trains runs/bench-newsmtsc (~8 min on 2 cores)
    python benchmarks/semeval_sentiment_transfer.py runs/bench-newsmtsc [--data PATH] [--folds 5] [--output PATH]

Fine-tuning on SemEval's ~70 training articles a fold learns the class prior and nothing else
(`benchmarks/EXTERNAL.md`), also when the encoder starts from the NewsMTSC run. This asks a narrower
question: does the author's sentiment toward an entity, which a stance run learns from NewsMTSC's
~7,000 news sentences (``stance.include_author``: AUTHOR -> target), carry the entity's main role?
An Antagonist is written about negatively, a Protagonist more positively.

Per entity, the run reads every context of AUTHOR -> entity once (`Predictor._context_distributions`,
given mentions); the features are the log-probabilities of SUPPORT, OPPOSE and NEUTRAL (NONE
dropped, renormalised), averaged over the entity's contexts: three numbers. On each of the
benchmark's own folds (`external.evaluation_rounds`, seed 42) a logistic regression on the
standardised features is fitted to the fold's training entities, its C and class weights chosen by
an inner grouped cross-validation over the fold's training articles only; an entity's fine role is
the training fold's most frequent fine role of its predicted main role. The held-out entities are
scored with the benchmark's metric, pooled over the folds, beside the majority class fitted per fold;
main-role accuracy gets a 95% bootstrap interval over articles, and so does its gain over the majority
class (paired: the same resampled articles).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import external  # noqa: E402

SEED = 42
SENTIMENTS = ("SUPPORT", "OPPOSE", "NEUTRAL")
GRID = {"logisticregression__C": [0.01, 0.1, 1.0, 10.0], "logisticregression__class_weight": [None, "balanced"]}


def sentiment_features(predictor, articles) -> dict[tuple[str, str], np.ndarray]:
    """(article id, actor id) -> mean log-probability of each of `SENTIMENTS` over its AUTHOR contexts."""
    classes = list(predictor.labels.stance_classes)
    columns = [classes.index(label) for label in SENTIMENTS]
    contexts, distributions = predictor._context_distributions([external._as_input(a) for a in articles], 32)
    per_entity: dict[tuple[str, str], list[np.ndarray]] = {}
    for context, distribution in zip(contexts, distributions):
        if context.holder == "AUTHOR":
            stated = distribution[columns] / distribution[columns].sum()
            per_entity.setdefault((context.article_id, context.target), []).append(np.log(stated + 1e-6))
    neutral = np.log(np.full(len(SENTIMENTS), 1.0 / len(SENTIMENTS)))  # an entity without a context: no evidence
    return {
        (article.id, actor.id): np.mean(per_entity.get((article.id, actor.id), [neutral]), axis=0)
        for article in articles
        for actor in article.actors
    }


def _rows(articles, features, main_of: dict[str, str]):
    keys = [(a.id, actor.id) for a in articles for actor in a.actors]
    x = np.array([features[key] for key in keys])
    y = np.array([main_of[actor.role] for a in articles for actor in a.actors])
    groups = np.array([a.id for a in articles for actor in a.actors])
    return x, y, groups


def _mean_probabilities(articles, features, main_of: dict[str, str]) -> dict[str, dict[str, float]]:
    """Per gold main role, the mean of each sentiment's probability over its entities: what the features can tell apart."""
    x, y, _ = _rows(articles, features, main_of)
    means = {main: np.exp(x[y == main].astype(float)).mean(axis=0) for main in sorted(set(y))}
    return {main: {label: round(float(value), 3) for label, value in zip(SENTIMENTS, mean)} for main, mean in means.items()}


def fit_fold(x, y, groups):
    """The logistic regression of one fold, its settings chosen by grouped CV inside the training part."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    search = GridSearchCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)), GRID, scoring="accuracy", cv=GroupKFold(n_splits=4)
    )
    search.fit(x, y, groups=groups)
    return search.best_estimator_, {key.split("__")[1]: value for key, value in search.best_params_.items()}


def main_role_intervals(gold_articles, predicted_articles, majority_main: list[str], main_of: dict[str, str]) -> dict:
    """95% bootstrap intervals over articles of main-role accuracy and of its gain over the majority class
    (``majority_main``: per article, the main role the majority class of its fold predicts)."""
    from eval.bootstrap import CountTable, confidence_intervals

    counts = []
    for gold, predicted, majority in zip(gold_articles, predicted_articles, majority_main):
        truth = [main_of[actor.role] for actor in gold.actors]
        counts.append({
            ("entities",): len(truth),
            ("right",): sum(main_of[p.role] == t for p, t in zip(predicted.actors, truth)),
            ("majority_right",): sum(t == majority for t in truth),
        })  # fmt: skip
    table = CountTable([article.id for article in gold_articles], counts)

    def statistic(totals):
        return {
            "main_role_accuracy": totals[("right",)] / totals[("entities",)],
            "gain_over_majority": (totals[("right",)] - totals[("majority_right",)]) / totals[("entities",)],
        }

    return confidence_intervals(table, statistic, seed=SEED)


def predict_fold(training, held_out, features, main_of) -> tuple[list, dict, int]:
    """Fit one fold on ``training`` (`fit_fold`) and predict the entities of ``held_out``: the main role
    from the sentiment, the fine role the training fold's most frequent one of it. Returns the
    predicted articles (in ``held_out``'s order), the inner CV's choice and the training entity count."""
    x, y, groups = _rows(training, features, main_of)
    model, chosen = fit_fold(x, y, groups)
    fine_by_main = {
        main: external._most_common(actor.role for a in training for actor in a.actors if main_of[actor.role] == main)
        for main in set(y)
    }
    predicted_all = []
    for gold in held_out:
        predicted = external._as_input(gold)
        if predicted.actors:
            for actor, main in zip(predicted.actors, model.predict(_rows([gold], features, main_of)[0])):
                actor.role = fine_by_main[main]
        predicted_all.append(predicted)
    return predicted_all, chosen, len(y)


def semeval_data(data: Path):
    """(benchmark, label schema, fine role -> main role, articles) of the SemEval data at ``data``."""
    from actorstance.labels import LabelSchema

    benchmark = external.BENCHMARKS["semeval2025"]
    labels = LabelSchema.shipped("semeval2025")
    main_of = {role: labels.coarse_role(role) for role in labels.roles}
    return benchmark, labels, main_of, benchmark.import_data(data).articles


def run(run_dir: Path, data: Path, folds: int, output: Path) -> dict:
    from actorstance.atomic import atomic_write_text
    from actorstance.predict_io import load_predictor

    started, cpu, load = time.perf_counter(), external._cpu_seconds(), external._load_average()
    benchmark, labels, main_of, articles = semeval_data(data)
    features = sentiment_features(load_predictor(run_dir), articles)
    read_seconds = time.perf_counter() - started
    rounds = external.evaluation_rounds(articles, SEED, folds=folds)
    gold_all, predicted_all, majority_main, per_fold = [], [], [], []
    for training, parts in rounds:
        majority = main_of[benchmark.majority_class(training)]
        predicted, chosen, entities = predict_fold(training, parts["cv"], features, main_of)
        gold_all += parts["cv"]
        predicted_all += predicted
        majority_main += [majority] * len(parts["cv"])
        per_fold.append({"train_entities": entities, **chosen})
    scores = benchmark.score(gold_all, predicted_all, labels)
    print(json.dumps({key: round(scores[key], 4) for key in benchmark.headline}), flush=True)
    results = {
        "benchmark": "semeval2025",
        "method": "main role from AUTHOR -> entity sentiment of a NewsMTSC stance run (this script's docstring)",
        "run": str(run_dir),
        "features": [f"mean log P({label})" for label in SENTIMENTS],
        "mean_probability_by_main_role": _mean_probabilities(articles, features, main_of),
        "metrics": {"cv": scores},
        "intervals": main_role_intervals(gold_all, predicted_all, majority_main, main_of),
        "folds": per_fold,
        "majority_baseline": external.majority_baselines(benchmark, rounds, labels),
        "data": {"path": str(data), "articles": len(articles), "entities": len(features), "folds": folds},
        "settings": {"grid": GRID, "inner_cv": "GroupKFold(4) over the fold's training articles", "seed": SEED},
        **external.run_provenance("semeval_sentiment_transfer.py", started, cpu, load, read=read_seconds),
    }
    atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    return results


def sentiment_run_parser(description: str, output: str) -> argparse.ArgumentParser:
    """The arguments of the scripts that read a NewsMTSC run on SemEval's folds; ``output``: the default result file's name."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, help="a stance run trained on NewsMTSC (runs/bench-newsmtsc)")
    parser.add_argument("--data", type=Path, default=REPO / external.BENCHMARKS["semeval2025"].data)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--output", type=Path, default=REPO / "benchmarks" / "results" / output)
    return parser


def main(argv=None) -> int:
    args = sentiment_run_parser(__doc__, "semeval2025-sentiment-transfer.json").parse_args(argv)
    run(args.run_dir, args.data, args.folds, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
