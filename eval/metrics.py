"""Scores of predicted articles against gold articles: mentions, actors, stances, end to end.

Every number here is a function of *additive counts per article* (`article_counts`). Summing
the counts of all articles and finishing them (`summarize`, `headline`) gives the scores; summing
them with bootstrap weights gives resampled scores (`eval.bootstrap`) without recomputing any
matching. The finishing functions work on numpy vectors, one entry per resample.

Definitions (docs/evaluation.md has the long form):

* **Mentions** are ``(start, end, role)`` character spans, the role being the mention's actor's
  role. Gold and predicted spans are matched one to one, best first: same span and role, same
  span, overlapping span and same role, overlapping span (ties: larger overlap, then position).
  Each match, each unmatched gold span (MIS) and each unmatched predicted span (SPU) is scored in
  the four modes of Segura-Bedmar et al. (SemEval-2013 task 9.1), as the nervaluate package does:
  ``strict`` (span and role), ``exact`` (span), ``partial`` (overlap, half credit), ``type``
  (overlap and role). Precision = (COR + PAR/2) / ACT, recall = (COR + PAR/2) / POS with
  ACT = COR+INC+PAR+SPU (predicted spans) and POS = COR+INC+PAR+MIS (gold spans).
* **Actors** are aligned per article by maximum-weight one-to-one matching (Hungarian
  algorithm) on the number of exactly equal mention spans; pairs sharing no span stay unaligned.
* **Stances given gold actors** compare, over the union of gold and predicted ordered
  ``(holder, target)`` pairs of each article, the gold label (or NONE) with the predicted one.
* **End-to-end stances**: a predicted edge is correct when its holder and target align to the
  gold edge's actors (``AUTHOR`` to ``AUTHOR``) and the labels are equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from seqeval.metrics.sequence_labeling import get_entities as tag_spans

from actorstance.labels import NONE_LABEL, LabelSchema
from actorstance.schema import AUTHOR, Article
from actorstance.scores import label_scores, tag_scores  # token-level scores: seqeval and scikit-learn, re-exported

__all__ = [
    "MODES",
    "OUTCOMES",
    "HEADLINES",
    "LENGTH_METRICS",
    "TASKS",
    "headlines_for",
    "ArticleMismatch",
    "MentionMatch",
    "Totals",
    "pair_articles",
    "mention_spans",
    "match_mentions",
    "align_actors",
    "stance_pairs",
    "stance_label_lists",
    "article_counts",
    "summarize",
    "headline",
    "score_articles",
    "tag_spans",
    "tag_scores",
    "label_scores",
]

MODES = ("strict", "exact", "partial", "type")
OUTCOMES = ("COR", "INC", "PAR", "MIS", "SPU")
UNALIGNED = "-"
"""Stands for 'no aligned actor' in the actor role confusion matrix."""

# How each kind of matched pair is scored in each mode (nervaluate / SemEval-2013 9.1).
_OUTCOME = {
    "exact_same": {"strict": "COR", "exact": "COR", "partial": "COR", "type": "COR"},
    "exact_diff": {"strict": "INC", "exact": "COR", "partial": "COR", "type": "INC"},
    "overlap_same": {"strict": "INC", "exact": "INC", "partial": "PAR", "type": "COR"},
    "overlap_diff": {"strict": "INC", "exact": "INC", "partial": "PAR", "type": "INC"},
}

HEADLINES: dict[str, str] = {
    "mention_strict_f1": "mention spans, strict micro F1 (end to end)",
    "mention_strict_macro_f1": "mention spans, strict macro F1 over roles (end to end)",
    "mention_exact_f1": "mention spans, exact-boundary micro F1 (end to end)",
    "mention_partial_f1": "mention spans, partial-overlap micro F1 (end to end)",
    "mention_type_f1": "mention spans, overlap + role micro F1 (end to end)",
    "actor_f1": "actor detection F1 after alignment (end to end)",
    "actor_role_accuracy": "actor role accuracy (gold mentions)",
    "stance_macro_f1": "stance macro F1, NONE excluded (gold actors)",
    "stance_accuracy": "stance accuracy over candidate pairs (gold actors)",
    "e2e_stance_f1": "end-to-end stance micro F1",
    "e2e_stance_macro_f1": "end-to-end stance macro F1",
}
"""The headline numbers (each gets a bootstrap interval), in report order, with one-line meanings."""

LENGTH_METRICS = ("mention_strict_f1", "actor_role_accuracy", "stance_macro_f1", "e2e_stance_f1")
"""The headline numbers also reported per article-length bucket."""

TASKS = ("roles", "stance")
_ROLES, _STANCE, _BOTH = frozenset({"roles"}), frozenset({"stance"}), frozenset(TASKS)
_HEADLINE_TASKS: dict[str, frozenset[str]] = {
    "mention_strict_f1": _ROLES,
    "mention_strict_macro_f1": _ROLES,
    "mention_exact_f1": _ROLES,
    "mention_partial_f1": _ROLES,
    "mention_type_f1": _ROLES,
    "actor_f1": _ROLES,
    "actor_role_accuracy": _ROLES,
    "stance_macro_f1": _STANCE,
    "stance_accuracy": _STANCE,
    "e2e_stance_f1": _BOTH,
    "e2e_stance_macro_f1": _BOTH,
}


def headlines_for(tasks: Sequence[str]) -> list[str]:
    """The headline numbers a predictor doing ``tasks`` is judged on. A stance-only model given gold
    mentions passes the gold roles through, so scoring its roles would report a perfect copy."""
    return [name for name in HEADLINES if _HEADLINE_TASKS[name] <= set(tasks)]


class ArticleMismatch(ValueError):
    """Gold and predicted corpora do not hold the same articles (or the same texts)."""


# --------------------------------------------------------------------------- small helpers


def _div(numerator, denominator):
    """Elementwise ``numerator / denominator``, 0 where the denominator is 0 (sklearn's zero_division=0)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _f1(precision, recall):
    return _div(2 * precision * recall, precision + recall)


def _prf(correct, predicted, gold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    precision, recall = _div(correct, predicted), _div(correct, gold)
    return precision, recall, _f1(precision, recall)


def _float(value) -> float:
    return float(np.asarray(value).reshape(-1)[0])


def _schema_order(names: Iterable[str], order: Sequence[str]) -> list[str]:
    """``names`` in schema order first, then any others alphabetically."""
    names = set(names)
    return [n for n in order if n in names] + sorted(names - set(order))


# --------------------------------------------------------------------------- pairing


def pair_articles(gold: Sequence[Article], predicted: Sequence[Article]) -> list[tuple[Article, Article]]:
    """Gold and predicted articles paired by id, in gold order.

    Raises `ArticleMismatch` naming every duplicate, missing and extra article id and every
    article whose predicted text differs from the gold text.
    """
    problems = []
    for name, articles in (("gold", gold), ("predicted", predicted)):
        duplicates = sorted(i for i, n in Counter(a.id for a in articles).items() if n > 1)
        if duplicates:
            problems.append(f"duplicate {name} article id(s): {', '.join(duplicates)}")
    by_id = {article.id: article for article in predicted}
    gold_ids = {article.id for article in gold}
    missing = [article.id for article in gold if article.id not in by_id]
    extra = [article.id for article in predicted if article.id not in gold_ids]
    if missing:
        problems.append(f"no prediction for gold article(s): {', '.join(missing)}")
    if extra:
        problems.append(f"prediction(s) for article(s) not in the gold data: {', '.join(extra)}")
    pairs = []
    for article in gold:
        prediction = by_id.get(article.id)
        if prediction is None:
            continue
        if prediction.text != article.text:
            problems.append(f"article {article.id}: the predicted text differs from the gold text")
        pairs.append((article, prediction))
    if problems:
        raise ArticleMismatch("; ".join(problems))
    return pairs


# --------------------------------------------------------------------------- mentions


def mention_spans(article: Article) -> list[tuple[int, int, str]]:
    """The article's ``(start, end, role)`` mention spans, sorted, duplicates removed."""
    roles = {actor.id: actor.role for actor in article.actors}
    spans = set()
    for mention in article.mentions:
        if mention.actor not in roles:
            raise ValueError(
                f"article {article.id}: mention [{mention.start}, {mention.end}) points to unknown actor {mention.actor!r}"
            )
        spans.add((mention.start, mention.end, roles[mention.actor]))
    return sorted(spans)


@dataclass(frozen=True)
class MentionMatch:
    """One scored unit: a matched pair, a missed gold span or a spurious predicted span.

    ``kind`` is ``exact_same``, ``exact_diff``, ``overlap_same``, ``overlap_diff``, ``missed``
    or ``spurious``.
    """

    gold: tuple[int, int, str] | None
    pred: tuple[int, int, str] | None
    kind: str

    def outcome(self, mode: str) -> str:
        if self.kind == "missed":
            return "MIS"
        if self.kind == "spurious":
            return "SPU"
        return _OUTCOME[self.kind][mode]


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_mentions(
    gold: Sequence[tuple[int, int, str]], predicted: Sequence[tuple[int, int, str]]
) -> list[MentionMatch]:
    """One-to-one matching of gold and predicted spans, best kind of match first (module docstring)."""
    tiers = (
        ("exact_same", lambda g, p: g == p),
        ("exact_diff", lambda g, p: g[:2] == p[:2]),
        ("overlap_same", lambda g, p: g[2] == p[2] and _overlap(g, p) > 0),
        ("overlap_diff", lambda g, p: _overlap(g, p) > 0),
    )
    free_gold = set(range(len(gold)))
    free_pred = set(range(len(predicted)))
    matches: list[MentionMatch] = []
    for kind, test in tiers:
        candidates = sorted(
            (-_overlap(gold[g], predicted[p]), gold[g][0], predicted[p][0], g, p)
            for g in free_gold
            for p in free_pred
            if test(gold[g], predicted[p])
        )
        for *_, g, p in candidates:
            if g in free_gold and p in free_pred:
                free_gold.discard(g)
                free_pred.discard(p)
                matches.append(MentionMatch(gold[g], predicted[p], kind))
    matches.extend(MentionMatch(gold[g], None, "missed") for g in sorted(free_gold))
    matches.extend(MentionMatch(None, predicted[p], "spurious") for p in sorted(free_pred))
    return matches


def _mention_counts(gold: Article, predicted: Article) -> Counter:
    counts: Counter = Counter()
    for match in match_mentions(mention_spans(gold), mention_spans(predicted)):
        for mode in MODES:
            outcome = match.outcome(mode)
            counts[("mention", mode, outcome)] += 1
            if match.gold is not None:
                counts[("mention", mode, "gold", match.gold[2], outcome)] += 1
            if match.pred is not None:
                counts[("mention", mode, "pred", match.pred[2], outcome)] += 1
    return counts


# --------------------------------------------------------------------------- actors


def align_actors(gold: Article, predicted: Article) -> dict[str, str]:
    """Predicted actor id -> gold actor id, plus ``AUTHOR -> AUTHOR``.

    Maximum-weight one-to-one matching (``scipy.optimize.linear_sum_assignment``) where the weight
    of a (gold, predicted) actor pair is the number of mention spans (start, end) they share
    exactly; pairs with weight 0 are not aligned. Ties go to the lower index (input order).
    """
    alignment = {AUTHOR: AUTHOR}
    gold_spans = {actor.id: set() for actor in gold.actors}
    for mention in gold.mentions:
        gold_spans.setdefault(mention.actor, set()).add((mention.start, mention.end))
    pred_spans = {actor.id: set() for actor in predicted.actors}
    for mention in predicted.mentions:
        pred_spans.setdefault(mention.actor, set()).add((mention.start, mention.end))
    gold_ids, pred_ids = list(gold_spans), list(pred_spans)
    if not gold_ids or not pred_ids:
        return alignment
    weights = np.array([[len(gold_spans[g] & pred_spans[p]) for p in pred_ids] for g in gold_ids], dtype=float)
    if not weights.any():
        return alignment
    from scipy.optimize import linear_sum_assignment

    rows, columns = linear_sum_assignment(weights, maximize=True)
    for row, column in zip(rows, columns):
        if weights[row, column] > 0:
            alignment[pred_ids[column]] = gold_ids[row]
    return alignment


def _actor_counts(gold: Article, predicted: Article, alignment: Mapping[str, str]) -> Counter:
    counts: Counter = Counter()
    gold_roles = {actor.id: actor.role for actor in gold.actors}
    aligned_to = {g: p for p, g in alignment.items() if p != AUTHOR}
    pred_roles = {actor.id: actor.role for actor in predicted.actors}
    counts[("actor", "gold")] += len(gold_roles)
    counts[("actor", "pred")] += len(pred_roles)
    for gold_id, role in gold_roles.items():
        pred_id = aligned_to.get(gold_id)
        pred_role = pred_roles.get(pred_id, UNALIGNED) if pred_id is not None else UNALIGNED
        counts[("actor", "gold_role", role)] += 1
        counts[("actor", "confusion", role, pred_role)] += 1
        if pred_id is not None:
            counts[("actor", "aligned")] += 1
            if pred_role == role:
                counts[("actor", "correct")] += 1
                counts[("actor", "correct_role", role)] += 1
    for pred_id, role in pred_roles.items():
        counts[("actor", "pred_role", role)] += 1
        if pred_id not in alignment:
            counts[("actor", "confusion", UNALIGNED, role)] += 1
    return counts


# --------------------------------------------------------------------------- stances


def _edges(article: Article) -> dict[tuple[str, str], str]:
    """(holder, target) -> label; for a repeated pair the first stance counts."""
    edges: dict[tuple[str, str], str] = {}
    for stance in article.stances:
        edges.setdefault((stance.holder, stance.target), stance.label)
    return edges


def stance_pairs(gold: Article, predicted: Article) -> list[tuple[str, str, str, str]]:
    """``(holder, target, gold label, predicted label)`` over the union of both articles' pairs.

    Predicted ids are taken as gold ids (stances given gold actors); a pair one side lacks gets
    ``NONE`` on that side. Pairs in gold order, then predicted order.
    """
    gold_edges, pred_edges = _edges(gold), _edges(predicted)
    keys = list(gold_edges) + [key for key in pred_edges if key not in gold_edges]
    return [(h, t, gold_edges.get((h, t), NONE_LABEL), pred_edges.get((h, t), NONE_LABEL)) for h, t in keys]


def stance_label_lists(pairs: Sequence[tuple[Article, Article]]) -> tuple[list[str], list[str]]:
    """Gold and predicted label lists over every article's candidate pairs (for sklearn)."""
    y_true, y_pred = [], []
    for gold, predicted in pairs:
        for _, _, gold_label, pred_label in stance_pairs(gold, predicted):
            y_true.append(gold_label)
            y_pred.append(pred_label)
    return y_true, y_pred


def _check_stance_labels(article: Article, labels: LabelSchema, side: str) -> None:
    unknown = sorted({s.label for s in article.stances} - set(labels.stances))
    if unknown:
        raise ValueError(f"article {article.id}: {side} stance label(s) {unknown} not in the label set {labels.stances}")


def _stance_counts(gold: Article, predicted: Article) -> Counter:
    counts: Counter = Counter()
    for _, _, gold_label, pred_label in stance_pairs(gold, predicted):
        counts[("stance", gold_label, pred_label)] += 1
    return counts


def _edge_counts(gold: Article, predicted: Article, alignment: Mapping[str, str]) -> Counter:
    counts: Counter = Counter()
    gold_edges = _edges(gold)
    for label in gold_edges.values():
        counts[("edge", "gold", label)] += 1
    used: set[tuple[str, str]] = set()
    for (holder, target), label in _edges(predicted).items():
        counts[("edge", "pred", label)] += 1
        key = (alignment.get(holder), alignment.get(target))
        if key in gold_edges and key not in used:
            used.add(key)
            counts[("edge", "pair")] += 1
            if gold_edges[key] == label:
                counts[("edge", "tp", label)] += 1
    return counts


# --------------------------------------------------------------------------- counts per article


def article_counts(gold: Article, predicted: Article, labels: LabelSchema, prefix: str = "") -> Counter:
    """Every additive count of one gold/predicted article pair, keys optionally prefixed."""
    _check_stance_labels(gold, labels, "gold")
    _check_stance_labels(predicted, labels, "predicted")
    alignment = align_actors(gold, predicted)
    counts: Counter = Counter()
    counts.update(_mention_counts(gold, predicted))
    counts.update(_actor_counts(gold, predicted, alignment))
    counts.update(_stance_counts(gold, predicted))
    counts.update(_edge_counts(gold, predicted, alignment))
    counts[("articles",)] += 1
    if prefix:
        return Counter({(prefix, *key): value for key, value in counts.items()})
    return counts


class Totals:
    """Summed counts: ``totals[key]`` is a vector (one entry per resample; length 1 for a point score)."""

    def __init__(self, keys: Sequence[tuple], values: np.ndarray):
        self.values = np.atleast_2d(np.asarray(values, dtype=float))
        self.index = {key: column for column, key in enumerate(keys)}
        self.size = self.values.shape[0]

    @classmethod
    def from_counts(cls, counts: Iterable[Mapping[tuple, float]]) -> Totals:
        total: Counter = Counter()
        for item in counts:
            total.update(item)
        keys = sorted(total)
        return cls(keys, np.array([[total[key] for key in keys]], dtype=float))

    def __getitem__(self, key: tuple) -> np.ndarray:
        column = self.index.get(key)
        return np.zeros(self.size) if column is None else self.values[:, column]

    def keys(self) -> list[tuple]:
        return list(self.index)

    def sub(self, prefix: str | None) -> Totals:
        """The counts under ``prefix`` with the prefix removed (``None``: unchanged)."""
        if not prefix:
            return self
        keys = [key for key in self.index if key[0] == prefix]
        return Totals([key[1:] for key in keys], self.values[:, [self.index[k] for k in keys]])

    def names(self, *head: str, position: int) -> set[str]:
        """Values at ``position`` of the keys starting with ``head``."""
        return {key[position] for key in self.index if key[: len(head)] == head and len(key) > position}


# --------------------------------------------------------------------------- finishing counts


def _mention_mode(totals: Totals, mode: str, role_order: Sequence[str]) -> dict:
    count = {outcome: totals[("mention", mode, outcome)] for outcome in OUTCOMES}
    possible = count["COR"] + count["INC"] + count["PAR"] + count["MIS"]
    actual = count["COR"] + count["INC"] + count["PAR"] + count["SPU"]
    credit = count["COR"] + 0.5 * count["PAR"]
    precision, recall = _div(credit, actual), _div(credit, possible)
    result = {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}
    roles = _schema_order(
        totals.names("mention", mode, "gold", position=3) | totals.names("mention", mode, "pred", position=3), role_order
    )
    per_role = {}
    f1_sum = np.zeros(totals.size)
    present = np.zeros(totals.size)
    for role in roles:
        gold = {o: totals[("mention", mode, "gold", role, o)] for o in ("COR", "INC", "PAR", "MIS")}
        pred = {o: totals[("mention", mode, "pred", role, o)] for o in ("COR", "INC", "PAR", "SPU")}
        role_possible, role_actual = sum(gold.values()), sum(pred.values())
        role_p = _div(pred["COR"] + 0.5 * pred["PAR"], role_actual)
        role_r = _div(gold["COR"] + 0.5 * gold["PAR"], role_possible)
        role_f = _f1(role_p, role_r)
        is_present = (role_possible + role_actual) > 0
        f1_sum += np.where(is_present, role_f, 0.0)
        present += is_present
        per_role[role] = {
            "precision": role_p, "recall": role_r, "f1": role_f, "support": role_possible, "predicted": role_actual,
            **gold, "SPU": pred["SPU"],
        }  # fmt: skip
    result["macro_f1"] = _div(f1_sum, present)
    result.update(count)
    result["possible"], result["actual"] = possible, actual
    result["per_role"] = per_role
    return result


def _actor_scores(totals: Totals, role_order: Sequence[str]) -> dict:
    gold, pred = totals[("actor", "gold")], totals[("actor", "pred")]
    aligned, correct = totals[("actor", "aligned")], totals[("actor", "correct")]
    precision, recall, f1 = _prf(aligned, pred, gold)
    role_p, role_r, role_f = _prf(correct, pred, gold)
    roles = _schema_order(totals.names("actor", "gold_role", position=2) | totals.names("actor", "pred_role", position=2), role_order)
    confusion_labels = [*roles, UNALIGNED]
    return {
        "gold": gold,
        "predicted": pred,
        "aligned": aligned,
        "role_correct": correct,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "role_accuracy": _div(correct, gold),
        "role_accuracy_aligned": _div(correct, aligned),
        "role_precision": role_p,
        "role_recall": role_r,
        "role_f1": role_f,
        "per_role": {
            role: {
                "support": totals[("actor", "gold_role", role)],
                "predicted": totals[("actor", "pred_role", role)],
                "accuracy": _div(totals[("actor", "correct_role", role)], totals[("actor", "gold_role", role)]),
            }
            for role in roles
        },
        "confusion_labels": confusion_labels,
        "confusion": [[totals[("actor", "confusion", g, p)] for p in confusion_labels] for g in confusion_labels],
    }


def _confusion_scores(confusion: np.ndarray, labels: Sequence[str], none_label: str = NONE_LABEL) -> dict:
    """Scores from a ``(resamples, K, K)`` confusion array over ``[none_label, *labels]`` (rows gold).

    scikit-learn scores one label list at a time; this finishes thousands of bootstrap resamples of
    summed counts at once (equal to sklearn on each, tests/test_eval_properties.py)."""
    confusion = np.asarray(confusion, dtype=float)
    if confusion.ndim == 2:
        confusion = confusion[None]
    classes = [none_label, *labels]
    tp = np.diagonal(confusion, axis1=1, axis2=2)
    predicted = confusion.sum(axis=1)
    gold = confusion.sum(axis=2)
    precision, recall = _div(tp, predicted), _div(tp, gold)
    f1 = _f1(precision, recall)
    result: dict = {"accuracy": _div(tp.sum(axis=1), confusion.sum(axis=(1, 2)))}
    result["macro_f1"] = f1[:, 1:].mean(axis=1) if labels else np.zeros(confusion.shape[0])
    for index, label in enumerate(classes):
        result[f"precision_{label}"] = precision[:, index]
        result[f"recall_{label}"] = recall[:, index]
        result[f"f1_{label}"] = f1[:, index]
        result[f"support_{label}"] = gold[:, index]
    result["confusion"] = confusion
    return result


def _stance_scores(totals: Totals, stance_labels: Sequence[str]) -> dict:
    classes = [NONE_LABEL, *stance_labels]
    confusion = np.stack([np.stack([totals[("stance", g, p)] for p in classes], axis=-1) for g in classes], axis=-2)
    scores = _confusion_scores(confusion, stance_labels)
    return {
        "labels": classes,
        "pairs": confusion.sum(axis=(1, 2)),
        "accuracy": scores["accuracy"],
        "macro_f1": scores["macro_f1"],
        "per_label": {
            label: {
                "precision": scores[f"precision_{label}"],
                "recall": scores[f"recall_{label}"],
                "f1": scores[f"f1_{label}"],
                "support": scores[f"support_{label}"],
            }
            for label in classes
        },
        "confusion": scores["confusion"],
    }


def _edge_scores(totals: Totals, stance_labels: Sequence[str]) -> dict:
    labels = _schema_order(
        set(stance_labels) | totals.names("edge", "gold", position=2) | totals.names("edge", "pred", position=2),
        stance_labels,
    )
    tp = {label: totals[("edge", "tp", label)] for label in labels}
    pred = {label: totals[("edge", "pred", label)] for label in labels}
    gold = {label: totals[("edge", "gold", label)] for label in labels}
    precision, recall, f1 = _prf(sum(tp.values()), sum(pred.values()), sum(gold.values()))
    u_precision, u_recall, u_f1 = _prf(totals[("edge", "pair")], sum(pred.values()), sum(gold.values()))
    per_label = {}
    for label in labels:
        p, r, f = _prf(tp[label], pred[label], gold[label])
        per_label[label] = {"precision": p, "recall": r, "f1": f, "support": gold[label], "predicted": pred[label], "correct": tp[label]}
    macro = np.mean([per_label[label]["f1"] for label in stance_labels], axis=0) if stance_labels else np.zeros(totals.size)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "macro_f1": macro,
        "gold": sum(gold.values()),
        "predicted": sum(pred.values()),
        "correct": sum(tp.values()),
        "unlabeled": {"precision": u_precision, "recall": u_recall, "f1": u_f1, "correct": totals[("edge", "pair")]},
        "per_label": per_label,
    }


def _to_python(value, index: int = 0):
    """Vectors -> the float at ``index`` (counts -> int), recursively."""
    if isinstance(value, dict):
        return {key: _to_python(item, index) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_python(item, index) for item in value]
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return float(value)
        if value.ndim == 1:
            return float(value[index])
        if value.ndim == 2:
            return value.tolist()
        return value[index].tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


_COUNT_FIELDS = {"COR", "INC", "PAR", "MIS", "SPU", "possible", "actual", "support", "predicted", "gold", "aligned",
                 "role_correct", "correct", "pairs", "articles"}  # fmt: skip


def _integers(value, key: str | None = None):
    if isinstance(value, dict):
        return {k: _integers(v, k) for k, v in value.items()}
    if key == "confusion":
        return [[int(round(x)) for x in row] for row in value]
    if key in _COUNT_FIELDS and isinstance(value, float):
        return int(round(value))
    return value


def summarize(
    totals: Totals, labels: LabelSchema, sections: Sequence[str] = ("mentions", "actors", "stances", "end_to_end")
) -> dict:
    """The full metrics of summed counts (a point score: ``totals.size == 1``) as plain JSON values."""
    result: dict = {"articles": totals[("articles",)]}
    if "mentions" in sections:
        result["mentions"] = {mode: _mention_mode(totals, mode, labels.roles) for mode in MODES}
    if "actors" in sections:
        result["actors"] = _actor_scores(totals, labels.roles)
    if "stances" in sections:
        stances = _stance_scores(totals, labels.stances)
        stances["confusion"] = stances["confusion"][0]
        result["stances"] = stances
    if "end_to_end" in sections:
        result["end_to_end"] = _edge_scores(totals, labels.stances)
    return _integers(_to_python(result))


def headline(totals: Totals, labels: LabelSchema, e2e: str | None = "e2e", gold_mentions: str | None = "gg") -> dict[str, np.ndarray]:
    """The `HEADLINES` numbers as vectors over resamples.

    ``e2e`` and ``gold_mentions`` name the key prefixes holding the counts of the end-to-end and of
    the gold-mention predictions (the same prefix when one prediction file is scored).
    """
    end = totals.sub(e2e)
    given = totals.sub(gold_mentions)
    actor_gold = end[("actor", "gold")]
    mention = {mode: _mention_mode(end, mode, labels.roles) for mode in MODES}
    edges = _edge_scores(end, labels.stances)
    stances = _stance_scores(given, labels.stances)
    return {
        "mention_strict_f1": mention["strict"]["f1"],
        "mention_strict_macro_f1": mention["strict"]["macro_f1"],
        "mention_exact_f1": mention["exact"]["f1"],
        "mention_partial_f1": mention["partial"]["f1"],
        "mention_type_f1": mention["type"]["f1"],
        "actor_f1": _prf(end[("actor", "aligned")], end[("actor", "pred")], actor_gold)[2],
        "actor_role_accuracy": _div(given[("actor", "correct")], given[("actor", "gold")]),
        "stance_macro_f1": stances["macro_f1"],
        "stance_accuracy": stances["accuracy"],
        "e2e_stance_f1": edges["f1"],
        "e2e_stance_macro_f1": edges["macro_f1"],
    }


def score_articles(gold: Sequence[Article], predicted: Sequence[Article], labels: LabelSchema | None = None) -> dict:
    """Every metric of one prediction set (no intervals): mentions, actors, stances, end to end."""
    pairs = pair_articles(gold, predicted)
    labels = labels or LabelSchema.from_articles([*gold, *predicted])
    totals = Totals.from_counts(article_counts(g, p, labels) for g, p in pairs)
    metrics = summarize(totals, labels)
    metrics["headline"] = {name: _float(value) for name, value in headline(totals, labels, None, None).items()}
    return metrics
