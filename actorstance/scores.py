"""Token-tag and label scores through seqeval and scikit-learn, shaped as flat dicts of floats.

The trainer's validation metrics and the evaluation harness's token-level numbers both come from
here, so `train/` needs nothing from `eval/` and neither re-implements the libraries' scoring.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from .labels import NONE_LABEL

__all__ = ["tag_scores", "label_scores", "balanced_class_weights"]


def tag_scores(references: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]) -> dict[str, float]:
    """Strict span scores of BIO tag sequences: seqeval's defaults (``mode=None``, conlleval chunking,
    so a stray ``I-X`` starts a span).

    ``precision``/``recall``/``f1`` are the micro averages, ``macro_f1`` the ``average="macro"`` value
    and ``f1_<ROLE>`` the per-type values over the types in references or predictions. Undefined
    ratios are 0, and ``macro_f1`` is 0 (not seqeval's nan) when no sequence holds a span.
    """
    from seqeval.metrics.sequence_labeling import get_entities, precision_recall_fscore_support

    if len(references) != len(predictions):
        raise ValueError(f"tag_scores: {len(references)} reference sequences but {len(predictions)} predicted ones")
    for index, (reference, prediction) in enumerate(zip(references, predictions)):
        if len(reference) != len(prediction):
            raise ValueError(f"tag_scores: sequence {index} has {len(reference)} reference tags but {len(prediction)} predicted")
    references = [list(sequence) for sequence in references]
    predictions = [list(sequence) for sequence in predictions]
    types = sorted({chunk[0] for sequences in (references, predictions) for chunk in get_entities(sequences)})
    if not types:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "macro_f1": 0.0}
    with warnings.catch_warnings():  # seqeval warns on every undefined ratio even with zero_division set
        warnings.simplefilter("ignore")
        micro = precision_recall_fscore_support(references, predictions, average="micro", zero_division=0)
        per_type = precision_recall_fscore_support(references, predictions, average=None, zero_division=0)[2]
    scores = {"precision": float(micro[0]), "recall": float(micro[1]), "f1": float(micro[2])}
    scores["macro_f1"] = float(per_type.mean())
    scores.update({f"f1_{type_}": float(value) for type_, value in zip(types, per_type)})
    return scores


def label_scores(
    references: Sequence[str], predictions: Sequence[str], labels: Sequence[str], none_label: str = NONE_LABEL
) -> dict:
    """scikit-learn's classification scores with ``zero_division=0``: ``accuracy``; ``macro_f1`` over
    ``labels`` without ``none_label``; ``precision_<L>``, ``recall_<L>``, ``f1_<L>`` per label of
    ``[none_label, *labels]``; ``confusion`` over those classes as nested lists (rows gold)."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    if len(references) != len(predictions):
        raise ValueError(f"label_scores: {len(references)} references but {len(predictions)} predictions")
    labels = [label for label in labels if label != none_label]
    classes = [none_label, *labels]
    if not references:
        zeros = {f"{kind}_{label}": 0.0 for label in classes for kind in ("precision", "recall", "f1")}
        return {"accuracy": 0.0, **zeros, "macro_f1": 0.0, "confusion": [[0] * len(classes) for _ in classes]}
    precision, recall, f1, _ = precision_recall_fscore_support(
        references, predictions, labels=classes, zero_division=0
    )  # fmt: skip
    scores: dict = {"accuracy": float(accuracy_score(references, predictions))}
    for index, label in enumerate(classes):
        scores[f"precision_{label}"], scores[f"recall_{label}"] = float(precision[index]), float(recall[index])
        scores[f"f1_{label}"] = float(f1[index])
    scores["macro_f1"] = float(f1[1:].mean()) if labels else 0.0
    scores["confusion"] = confusion_matrix(references, predictions, labels=classes).tolist()
    return scores


def balanced_class_weights(labels: Sequence[int], classes: int) -> list[float]:
    """scikit-learn's "balanced" loss weights (n / (present classes x count)) for class indices
    ``0 .. classes-1``; a class with no example gets weight 1."""
    import numpy as np
    from sklearn.utils.class_weight import compute_class_weight

    labels = np.asarray(labels, dtype=np.int64)
    weights = np.ones(classes)
    present = np.unique(labels)
    if len(present):
        weights[present] = compute_class_weight("balanced", classes=present, y=labels)
    return weights.tolist()
